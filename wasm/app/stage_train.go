//go:build js && wasm

package main

import "github.com/hajimehoshi/ebiten/v2"

// trainStage draws nothing: the Train view is all DOM, its charts included.
type trainStage struct{}

func (trainStage) update(*App) bool         { return false }
func (trainStage) draw(*ebiten.Image, *App) {}

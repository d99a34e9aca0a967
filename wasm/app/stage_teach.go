//go:build js && wasm

package main

import "github.com/hajimehoshi/ebiten/v2"

// teachStage draws the Teach view: the pad, on which examples are drawn.
type teachStage struct{ s *stage }

// update turns pointer input on the pad into the input, and dropped files into examples
// (App.acceptFile knows the view).
func (v *teachStage) update(a *App) bool { return v.s.padInput(a) }

func (v *teachStage) draw(screen *ebiten.Image, a *App) {
	if a.Layout.Pad.W == 0 {
		return
	}
	v.s.refreshPad(a)
	v.s.drawPad(screen, a.Layout.Pad)
}

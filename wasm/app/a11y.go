//go:build js && wasm

package main

import "syscall/js"

// keyboardFriendlyStage keeps ebiten's canvas out of the keyboard's way. ebiten gives it
// tabindex=1, which puts the stage first in the tab order (a positive tabindex), and cancels
// every key pressed on it, Tab included, so focus that entered it could never leave. The stage
// needs no keys (everything on it has a control or text in the DOM), so the canvas leaves the
// tab order (it still takes focus when clicked) and Tab never reaches ebiten.
func keyboardFriendlyStage() {
	doc := js.Global().Get("document")
	canvas := doc.Call("querySelector", "body > canvas")
	if !canvas.Truthy() {
		return
	}
	canvas.Call("setAttribute", "tabindex", "-1")
	canvas.Call("setAttribute", "aria-hidden", "true") // drawn content, mirrored as text in the panels
	letTabThrough := js.FuncOf(func(this js.Value, args []js.Value) any {
		if e := args[0]; e.Get("key").String() == "Tab" && e.Get("target").Equal(canvas) {
			e.Call("stopPropagation") // capture phase on window: ebiten's listener never sees it
		}
		return nil
	})
	for _, event := range []string{"keydown", "keyup"} {
		js.Global().Call("addEventListener", event, letTabThrough, true)
	}
}

// reducedMotion reports whether the visitor asked for less motion (prefers-reduced-motion).
func reducedMotion() bool {
	mq := js.Global().Call("matchMedia", "(prefers-reduced-motion: reduce)")
	return mq.Truthy() && mq.Get("matches").Bool()
}

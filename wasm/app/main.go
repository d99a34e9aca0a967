//go:build js && wasm

// Command app is Lookbook's browser program: a vugu DOM layer over a full-window ebiten stage,
// sharing one state. See ../../README.md.
package main

import (
	"fmt"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/vugu/vugu"
	"lookbook/wasm/domrender"

	"lookbook/ml"
	"lookbook/ml/sketch"
	"lookbook/wasm/kernels"
	"lookbook/wasm/share"
)

var classNames = ml.FashionNetClasses

func main() {
	mark("goStartMs")
	app := newApp()
	renderer, err := domrender.New("#app")
	if err != nil {
		fail(fmt.Errorf("start the page: %w", err))
		return
	}
	defer renderer.Release()
	app.env = renderer.EventEnv()
	buildEnv, err := vugu.NewBuildEnv(renderer.EventEnv())
	if err != nil {
		fail(err)
		return
	}
	root := &Root{App: app}
	installPaste(app)
	installMapInput(app)
	go func() {
		for ok := true; ok; ok = renderer.EventWait() {
			app.env.Lock()
			app.scene++
			results := buildEnv.RunBuild(root)
			app.env.UnlockOnly()
			if err := renderer.Render(results); err != nil {
				fail(fmt.Errorf("render: %w", err))
				return
			}
		}
	}()
	// The SIMD matrix kernel, where the browser has WebAssembly SIMD; else ml's Go kernel.
	if err := kernels.Install(); err != nil {
		js.Global().Get("console").Call("warn", err.Error())
	} else if t := js.Global().Get("lookbook").Get("timings"); t.Truthy() {
		t.Set("simd", true)
	}
	// Load the classifier before the stage starts: its first frames (shader compilation, on
	// software WebGL especially) keep the event loop busy for hundreds of milliseconds, and
	// the weights' promise could not resolve until they end.
	// The example list downloads beside the weights, and is there when the page is ready.
	examples := make(chan []sketch.Sketch, 1)
	go func() { examples <- fetchExamples() }()
	app.loadModel(examples)
	ebiten.SetScreenTransparent(true)
	// The stage repaints only when its scene changed (see stage.Draw): an idle page would
	// otherwise redraw everything sixty times a second, a whole core on software WebGL.
	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetRunnableOnUnfocused(true)
	ebiten.SetTPS(60)
	keyboardFriendlyStage()
	// InitUnfocused: the page starts with focus on the document, where Tab reaches the controls.
	if err := ebiten.RunGameWithOptions(newStage(app), &ebiten.RunGameOptions{InitUnfocused: true}); err != nil {
		fail(err)
	}
}

// fail shows a fatal error with a retry button (the loader's error screen).
func fail(err error) {
	if f := js.Global().Get("lookbookFail"); f.Truthy() {
		f.Invoke(err.Error())
	}
}

// acceptFile takes a dropped or pasted picture: your face in the Faces view, else something
// to classify.
func (a *App) acceptFile(data []byte, name string) {
	if a.View == share.Faces && a.Faces.Status == Ready {
		a.Faces.loadOwnFace(data, name)
		return
	}
	if a.View == share.Teach {
		a.Teach.addExampleFile(data, name)
		return
	}
	a.loadUpload(data, name)
}

// installPaste takes an image pasted anywhere on the page (see acceptFile).
func installPaste(a *App) {
	js.Global().Get("document").Call("addEventListener", "paste", js.FuncOf(func(this js.Value, args []js.Value) any {
		items := args[0].Get("clipboardData").Get("files")
		if !items.Truthy() || items.Get("length").Int() == 0 {
			return nil
		}
		file := items.Index(0)
		name := file.Get("name").String()
		go func() {
			buf, err := await(file.Call("arrayBuffer"))
			a.env.Lock()
			defer a.env.UnlockRender()
			if err != nil {
				a.Notice = "Could not read the pasted image."
				return
			}
			a.acceptFile(bytesFromJS(buf), name)
		}()
		return nil
	}))
}

// timing records a duration (ms) under lookbook.timings[name], for measurements.
func timing(name string, ms float64) {
	if t := js.Global().Get("lookbook").Get("timings"); t.Truthy() {
		t.Set(name, ms)
	}
}

// mark records performance.now() under lookbook.timings[name], for startup measurements.
func mark(name string) {
	if t := js.Global().Get("lookbook").Get("timings"); t.Truthy() {
		t.Set(name, js.Global().Get("performance").Call("now"))
	}
}

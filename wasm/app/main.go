//go:build js && wasm

// Command app is Lookbook's browser program: a vugu DOM layer over a full-window ebiten stage,
// sharing one state. See ../../README.md.
package main

import (
	"fmt"
	"syscall/js"
	"time"

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
	installDrop(app)
	installUpload(app)
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

// installPaste takes an image pasted anywhere on the page (see acceptFile). In Classify it goes
// the way of an opened file (openPicture: a large photo is decoded by the browser).
func installPaste(a *App) {
	js.Global().Get("document").Call("addEventListener", "paste", js.FuncOf(func(this js.Value, args []js.Value) any {
		items := args[0].Get("clipboardData").Get("files")
		if !items.Truthy() || items.Get("length").Int() == 0 {
			return nil
		}
		file := items.Index(0)
		name := file.Get("name").String()
		if a.classifiesFiles() {
			a.openPicture(file, time.Now(), nil)
			return nil
		}
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

// installDrop takes a file dropped on the page while Classify shows, before ebiten does (which
// reads every dropped file into Go, millions of pixels for a phone photo), and opens it as an
// opened file is (openPicture). The other views keep ebiten's drops (see stage.handleDrops).
func installDrop(a *App) {
	js.Global().Call("addEventListener", "drop", js.FuncOf(func(this js.Value, args []js.Value) any {
		e := args[0]
		files := e.Get("dataTransfer").Get("files")
		if !a.classifiesFiles() || !files.Truthy() || files.Get("length").Int() == 0 {
			return nil
		}
		e.Call("preventDefault")
		e.Call("stopPropagation") // capture phase on window: ebiten's listener never sees it
		a.openPicture(files.Index(0), time.Now(), nil)
		return nil
	}), true)
}

// installUpload opens the file chosen with Classify's "Open image…" (the input
// #classify-upload) as a dropped one is opened, from a listener of its own rather than a vugu
// handler: vugu renders the page after every handler, and that render, with the stage it
// redraws in software WebGL, held the main thread while the browser read a phone photo from
// disk (the read's answer waited behind it: 216–230 ms from choosing a 12-megapixel photo to
// the answer, against 96–106 ms for the same photo dropped).
func installUpload(a *App) {
	js.Global().Get("document").Call("addEventListener", "change", js.FuncOf(func(this js.Value, args []js.Value) any {
		start := time.Now()
		input := args[0].Get("target")
		if input.Get("id").String() != "classify-upload" {
			return nil
		}
		files := input.Get("files")
		if files.Get("length").Int() == 0 {
			return nil
		}
		a.openPicture(files.Index(0), start, func() {
			input.Set("value", "") // choosing the same file again fires change again
		})
		return nil
	}), true)
}

// classifiesFiles reports whether a dropped or pasted file is for Classify. It reads App.View
// without the lock: it runs in a browser event, where waiting for the lock could wait on a
// goroutine that waits on the browser; Go on wasm runs one goroutine at a time, so the read
// is whole, and the view changes only in events like this one.
func (a *App) classifiesFiles() bool { return a.View == share.Classify && a.model != nil }

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

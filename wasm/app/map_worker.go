//go:build js && wasm

package main

import (
	"errors"
	"syscall/js"
)

// mapWorker is the page's end of a map worker (wasm/cmd/mapworker, started by web/worker.js):
// the live maps are computed there, off the main thread.
type mapWorker struct{ *worker }

// workerMessage is a message from the map worker, copied out of JavaScript.
type workerMessage struct {
	Type, Message                         string
	ID, Seq                               int
	Iter, Total, Neighbours, Points, Dims int
	Exaggerated                           int
	Done                                  bool
	Ms, KL                                float64
	Coords                                []float32 // raw layout, Points×Dims, or nil
	coordsJS                              js.Value  // the same as it came (for the JS API)
	Pos                                   []float64
	Nearest                               []int
}

// newMapWorker starts a map worker; every message it sends goes to handle, on a goroutine of
// its own (a JavaScript callback must not block).
func newMapWorker(handle func(workerMessage)) (*mapWorker, error) {
	w, err := startWorker("mapworkerWasm", "the map worker",
		func(v js.Value) { handle(readWorkerMessage(v)) },
		func(text string) { handle(workerMessage{Type: "failed", Message: text}) })
	if err != nil {
		return nil, err
	}
	return &mapWorker{w}, nil
}

// worker is the page's end of one of the app's worker programs, run by web/worker.js.
type worker struct {
	w     js.Value
	funcs []js.Func
}

// startWorker starts the program named by the page's asset key program (what names it in
// messages) in a worker. Each message it sends goes to handle, and a failure of the worker
// itself to failed, on a goroutine of their own (a JavaScript callback must not block).
func startWorker(program, what string, handle func(js.Value), failed func(string)) (*worker, error) {
	script, wasm, runtime := assetName("worker"), assetName(program), assetName("wasmExec")
	if script == "" || wasm == "" || runtime == "" {
		return nil, errors.New("this page does not name " + what + "'s files")
	}
	if !js.Global().Get("Worker").Truthy() {
		return nil, errors.New("this browser cannot run workers")
	}
	w := &worker{}
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = errors.New(what + " could not start")
			}
		}()
		w.w = js.Global().Get("Worker").New(script)
	}()
	if err != nil {
		return nil, err
	}
	onMessage := js.FuncOf(func(_ js.Value, args []js.Value) any {
		data := args[0].Get("data")
		if data.Type() == js.TypeObject && data.Get("type").Type() == js.TypeString && data.Get("type").String() == "failed" {
			go failed(data.Get("message").String())
			return nil
		}
		go handle(data)
		return nil
	})
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		text := what + " failed"
		if m := args[0].Get("message"); m.Type() == js.TypeString && m.String() != "" {
			text += ": " + m.String()
		}
		go failed(text)
		return nil
	})
	w.funcs = []js.Func{onMessage, onError}
	w.w.Set("onmessage", onMessage)
	w.w.Set("onerror", onError)
	// The worker resolves the files' names against its own address: make them absolute.
	base := js.Global().Get("document").Get("baseURI")
	abs := func(name string) string { return js.Global().Get("URL").New(name, base).Get("href").String() }
	w.post(map[string]any{"type": "init", "wasmExec": abs(runtime), "wasm": abs(wasm), "what": what})
	return w, nil
}

// post sends msg; the buffers in transfer move to the worker.
func (w *worker) post(msg map[string]any, transfer ...any) {
	if transfer == nil {
		transfer = []any{}
	}
	w.w.Call("postMessage", msg, transfer)
}

// float32Array copies f into a new JavaScript Float32Array.
func float32Array(f []float32) js.Value {
	arr := js.Global().Get("Float32Array").New(len(f))
	if len(f) > 0 {
		js.CopyBytesToJS(js.Global().Get("Uint8Array").New(arr.Get("buffer")), floatBytes(f))
	}
	return arr
}

func readWorkerMessage(v js.Value) workerMessage {
	if v.Type() != js.TypeObject {
		return workerMessage{Type: "failed", Message: "the map worker sent something unexpected"}
	}
	str := func(k string) string {
		if s := v.Get(k); s.Type() == js.TypeString {
			return s.String()
		}
		return ""
	}
	num := func(k string) float64 {
		if s := v.Get(k); s.Type() == js.TypeNumber {
			return s.Float()
		}
		return 0
	}
	m := workerMessage{Type: str("type"), Message: str("message") + str("error"), ID: int(num("id")), Seq: int(num("seq")),
		Iter: int(num("iter")), Total: int(num("total")), Neighbours: int(num("found")), Points: int(num("points")),
		Dims: int(num("dims")), Exaggerated: int(num("exaggerated")), Done: v.Get("done").Truthy(), Ms: num("ms"), KL: num("kl")}
	if c := v.Get("coords"); c.InstanceOf(js.Global().Get("Float32Array")) {
		m.coordsJS = c
		m.Coords = make([]float32, c.Length())
		if len(m.Coords) > 0 {
			js.CopyBytesToGo(floatBytes(m.Coords), js.Global().Get("Uint8Array").New(c.Get("buffer"), c.Get("byteOffset"), c.Get("byteLength")))
		}
	}
	if p := v.Get("pos"); p.InstanceOf(js.Global().Get("Array")) {
		for i := 0; i < p.Length(); i++ {
			m.Pos = append(m.Pos, p.Index(i).Float())
		}
	}
	if p := v.Get("neighbours"); p.InstanceOf(js.Global().Get("Array")) {
		for i := 0; i < p.Length(); i++ {
			m.Nearest = append(m.Nearest, p.Index(i).Int())
		}
	}
	return m
}

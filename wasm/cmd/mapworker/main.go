//go:build js && wasm

// Command mapworker is the Map view's second WebAssembly program: the live maps (exact
// neighbours, t-SNE, UMAP, placing new points; see wasm/livemap) in a Web Worker, so that the
// page's main thread only draws what comes back. It has no ebiten and no vugu, so it is small
// and starts fast. web/worker.js starts it; the page talks to it with messages:
//
//	page → worker: {type: "start", id, method, dims, points, perplexity, iterations, seed,
//	                quiet (post only the finished map), features: Float32Array(points·128)}
//	               {type: "pause" | "resume" | "stop", id}, {type: "extend", id, iterations}
//	               {type: "place", id, seq, features: Float32Array(128)}
//	worker → page: {type: "progress", id, iter, total, found (points whose neighbours are found), points, exaggerated, done,
//	                ms, kl, coords: Float32Array(points·dims) or null}
//	               {type: "placed", id, seq, pos: [dims], neighbours: [...], error}
//	               {type: "error", id, message}
package main

import (
	"math"
	"syscall/js"
	"time"
	"unsafe"

	"lookbook/wasm/kernels"
	"lookbook/wasm/livemap"
	"lookbook/wasm/workerhost"
)

// slice is how long the worker computes before it looks at its messages; progress goes to the
// page at most every postEvery (the page draws its own frames in between).
const (
	slice     = 40 * time.Millisecond
	postEvery = 80 * time.Millisecond
)

type message struct {
	kind, method        string
	id, seq             int
	dims, points, iters int
	perplexity          float64
	seed                uint64
	quiet               bool // post only the finished map
	features            []float32
}

type worker struct {
	inbox    chan message
	host     *workerhost.Host
	run      *livemap.Run
	id       int
	paused   bool
	quiet    bool
	lastPost time.Time
	posted   bool // whether the finished map has been posted
}

func main() {
	w := &worker{inbox: make(chan message, 256)}
	// Without the SIMD kernel the neighbour search runs in plain Go: slower, still correct.
	if err := kernels.Install(); err != nil {
		js.Global().Get("console").Call("warn", "Lookbook map worker:", err.Error())
	}
	w.host = workerhost.Listen(func(v js.Value) { w.inbox <- read(v) })
	w.loop()
}

// read copies a message out of JavaScript (a callback must not block, so the loop handles it).
func read(v js.Value) message {
	m := message{kind: str(v.Get("type")), method: str(v.Get("method")), id: num(v.Get("id")), seq: num(v.Get("seq")),
		dims: num(v.Get("dims")), points: num(v.Get("points")), iters: num(v.Get("iterations"))}
	if p := v.Get("perplexity"); p.Type() == js.TypeNumber {
		m.perplexity = p.Float()
	}
	m.quiet = v.Get("quiet").Truthy()
	if s := v.Get("seed"); s.Type() == js.TypeNumber {
		m.seed = uint64(s.Float())
	}
	if f := v.Get("features"); f.InstanceOf(js.Global().Get("Float32Array")) {
		m.features = make([]float32, f.Length())
		if len(m.features) > 0 {
			js.CopyBytesToGo(bytesOf(m.features), js.Global().Get("Uint8Array").New(f.Get("buffer"), f.Get("byteOffset"), f.Get("byteLength")))
		}
	}
	return m
}

func str(v js.Value) string {
	if v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

func num(v js.Value) int {
	if v.Type() == js.TypeNumber {
		if f := v.Float(); f == math.Trunc(f) && math.Abs(f) < 1<<31 {
			return int(f)
		}
		return -1 << 31 // not a whole number: fails every check
	}
	return 0
}

func (w *worker) loop() {
	for {
		if w.run == nil || w.paused || w.run.Done() {
			w.handle(<-w.inbox) // waiting here hands the thread back to the event loop
			continue
		}
		select {
		case m := <-w.inbox:
			w.handle(m)
			continue
		default:
		}
		done := w.run.Step(slice)
		if done || !w.quiet && time.Since(w.lastPost) >= postEvery {
			w.progress()
		}
		w.host.Yield()
	}
}

func (w *worker) handle(m message) {
	switch m.kind {
	case "start":
		w.run, w.paused, w.posted, w.quiet = nil, false, false, m.quiet
		w.id = m.id
		req := livemap.Request{Method: m.method, Dims: m.dims, Points: m.points, Perplexity: m.perplexity, Iterations: m.iters, Seed: m.seed}
		run, err := livemap.Start(m.features, len(m.features)/max(m.points, 1), req)
		if err != nil {
			post(map[string]any{"type": "error", "id": m.id, "message": err.Error()}, nil)
			return
		}
		w.run = run
		if !w.quiet {
			w.progress()
		}
	case "pause", "resume":
		if m.id == w.id {
			w.paused = m.kind == "pause"
		}
	case "stop":
		if m.id == w.id {
			w.run = nil
		}
	case "extend":
		if m.id == w.id && w.run != nil && m.iters > 0 {
			w.run.Extend(m.iters)
			w.posted = false
		}
	case "place":
		w.place(m)
	}
}

// progress posts the run's state, with the layout once there is one.
func (w *worker) progress() {
	r := w.run
	p := r.Progress()
	msg := map[string]any{"type": "progress", "id": w.id, "iter": p.Iter, "total": p.Total, "found": p.Neighbours,
		"points": r.Points, "dims": r.Dims, "exaggerated": p.Exaggerated, "done": r.Done(),
		"ms": float64(r.Elapsed.Microseconds()) / 1000, "coords": nil}
	var transfer []any
	if y := r.Layout(); y != nil {
		f := make([]float32, len(y))
		for i, v := range y {
			f[i] = float32(v)
		}
		arr := js.Global().Get("Float32Array").New(len(f))
		js.CopyBytesToJS(js.Global().Get("Uint8Array").New(arr.Get("buffer")), bytesOf(f))
		msg["coords"] = arr
		transfer = append(transfer, arr.Get("buffer"))
	}
	if r.Done() {
		if kl := r.KL(); !math.IsNaN(kl) {
			msg["kl"] = kl
		}
		w.posted = true
	}
	post(msg, transfer)
	w.lastPost = time.Now()
}

func (w *worker) place(m message) {
	reply := map[string]any{"type": "placed", "id": m.id, "seq": m.seq}
	switch {
	case w.run == nil || m.id != w.id:
		reply["error"] = "no such map"
	default:
		pos, nb, err := w.run.Place(m.features)
		if err != nil {
			reply["error"] = err.Error()
			break
		}
		ps, ns := make([]any, len(pos)), make([]any, len(nb))
		for i, v := range pos {
			ps[i] = v
		}
		for i, v := range nb {
			ns[i] = v
		}
		reply["pos"], reply["neighbours"] = ps, ns
	}
	post(reply, nil)
}

func post(msg map[string]any, transfer []any) {
	if transfer == nil {
		transfer = []any{}
	}
	js.Global().Call("postMessage", msg, transfer)
}

func bytesOf(f []float32) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), 4*len(f))
}

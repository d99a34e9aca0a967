//go:build js && wasm

package main

import (
	"errors"
	"math"
	"syscall/js"
	"time"

	"lookbook/wasm/livemap"
	"lookbook/wasm/mapview"
)

// liveMapAPI runs lookbook.liveMap's maps, one after another, on a map worker of their own (the
// view's live map keeps its worker).
type liveMapAPI struct {
	app    *App // the shared state: the model, the pad's input, the lock
	worker *mapWorker
	runs   int
	queue  []*liveMapCall // the first is running
}

type liveMapCall struct {
	id              int
	req             livemap.Request
	resolve, reject js.Value
	start           time.Time
}

// call is lookbook.liveMap(options): it returns a promise, rejected at once with a clear
// message for bad options.
func (l *liveMapAPI) call(args []js.Value) any {
	req, err := liveMapRequest(args)
	var call *liveMapCall
	executor := js.FuncOf(func(_ js.Value, p []js.Value) any {
		call = &liveMapCall{req: req, resolve: p[0], reject: p[1], start: time.Now()}
		return nil
	})
	promise := js.Global().Get("Promise").New(executor)
	executor.Release()
	if err != nil {
		call.reject.Invoke(js.Global().Get("Error").New("lookbook.liveMap: " + err.Error()))
		return promise
	}
	go l.run(call)
	return promise
}

// liveMapRequest reads liveMap's options.
func liveMapRequest(args []js.Value) (livemap.Request, error) {
	req := livemap.Request{Seed: 1, Points: livemap.MaxPoints}
	if len(args) != 1 || args[0].Type() != js.TypeObject {
		return req, errors.New(`it takes one object: {method: "tsne" | "umap", dims: 2 | 3, points: 20 to 10000}`)
	}
	o := args[0]
	if m := o.Get("method"); m.Type() == js.TypeString {
		req.Method = m.String()
	} else {
		return req, errors.New(`method must be "tsne" or "umap"`)
	}
	ints := []struct {
		name     string
		to       *int
		optional bool
	}{{"dims", &req.Dims, false}, {"points", &req.Points, true}, {"iterations", &req.Iterations, true}}
	for _, f := range ints {
		v := o.Get(f.name)
		if v.IsUndefined() && f.optional {
			continue
		}
		if v.Type() != js.TypeNumber || v.Float() != math.Trunc(v.Float()) || math.Abs(v.Float()) > 1e9 {
			return req, errors.New(f.name + " must be a whole number")
		}
		*f.to = v.Int()
	}
	if p := o.Get("perplexity"); !p.IsUndefined() {
		if p.Type() != js.TypeNumber {
			return req, errors.New("perplexity must be a number")
		}
		req.Perplexity = p.Float()
	}
	return req, req.Check()
}

// run waits for the map data (loading it if the Map view has not), then queues the call.
func (l *liveMapAPI) run(call *liveMapCall) {
	a := l.app
	if err := a.Maps.await(); err != nil {
		call.reject.Invoke(js.Global().Get("Error").New("lookbook.liveMap: " + err.Error()))
		return
	}
	a.env.Lock()
	defer a.env.UnlockOnly()
	if l.worker == nil {
		w, err := newMapWorker(l.onMessage)
		if err != nil {
			call.reject.Invoke(js.Global().Get("Error").New("lookbook.liveMap: " + err.Error()))
			return
		}
		l.worker = w
	}
	l.runs++
	call.id = l.runs
	l.queue = append(l.queue, call)
	if len(l.queue) == 1 {
		l.startNext()
	}
}

// startNext sends the first queued call to the worker. Called with env locked.
func (l *liveMapAPI) startNext() {
	a := l.app
	if len(l.queue) == 0 {
		return
	}
	c := l.queue[0]
	features := float32Array(a.Maps.data.Features[:c.req.Points*mapview.Latent])
	l.worker.post(map[string]any{"type": "start", "id": c.id, "method": c.req.Method, "dims": c.req.Dims, "points": c.req.Points,
		"perplexity": c.req.Perplexity, "iterations": c.req.Iterations, "seed": float64(c.req.Seed), "quiet": true,
		"features": features},
		features.Get("buffer"))
}

// onMessage takes a message from the API's worker: the first call's answer, or a failure.
func (l *liveMapAPI) onMessage(msg workerMessage) {
	a := l.app
	a.env.Lock()
	defer a.env.UnlockOnly()
	if msg.Type == "failed" {
		for _, c := range l.queue {
			c.reject.Invoke(js.Global().Get("Error").New("lookbook.liveMap: " + msg.Message))
		}
		l.queue, l.worker = nil, nil
		return
	}
	if len(l.queue) == 0 || msg.ID != l.queue[0].id {
		return
	}
	c := l.queue[0]
	switch {
	case msg.Type == "error":
		c.reject.Invoke(js.Global().Get("Error").New("lookbook.liveMap: " + msg.Message))
	case msg.Type == "progress" && msg.Done:
		out := map[string]any{"ms": float64(time.Since(c.start).Microseconds()) / 1000, "computeMs": msg.Ms,
			"coords": msg.coordsJS, "method": c.req.Method, "dims": c.req.Dims, "points": c.req.Points}
		if c.req.Method == livemap.TSNE {
			out["kl"] = msg.KL
		}
		c.resolve.Invoke(out)
	default:
		return
	}
	l.queue = l.queue[1:]
	l.startNext()
}

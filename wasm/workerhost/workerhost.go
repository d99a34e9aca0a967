//go:build js && wasm

// Package workerhost is a worker program's end of web/worker.js, shared by the map and the
// training workers: it takes the page's messages and lets a long computation yield to the
// event loop between slices.
package workerhost

import "syscall/js"

// Host delivers the page's messages and yields the thread.
type Host struct {
	wake chan struct{}
	port js.Value // posting to it wakes Yield after the event loop has run
}

// Listen hands every message the page sends to deliver (which must not block: copy it and
// queue it) and tells web/worker.js the program listens.
func Listen(deliver func(js.Value)) *Host {
	h := &Host{wake: make(chan struct{}, 1)}
	channel := js.Global().Get("MessageChannel").New()
	channel.Get("port1").Set("onmessage", js.FuncOf(func(js.Value, []js.Value) any {
		select {
		case h.wake <- struct{}{}:
		default:
		}
		return nil
	}))
	h.port = channel.Get("port2")
	js.Global().Set("lookbookWorker", js.FuncOf(func(_ js.Value, args []js.Value) any {
		deliver(args[0])
		return nil
	}))
	js.Global().Call("lookbookWorkerReady")
	return h
}

// Yield lets the event loop deliver messages before the next slice: a message to itself
// comes back at once (a timer would be clamped to 4 ms).
func (h *Host) Yield() {
	h.port.Call("postMessage", nil)
	<-h.wake
}

//go:build js && wasm

// Package promise waits for JavaScript promises from Go: the browser program and the training
// worker both fetch and read streams this way.
package promise

import (
	"errors"
	"syscall/js"
)

// Await blocks the calling goroutine (never the event loop, which runs meanwhile) until p
// settles, and returns its value or its rejection as an error.
func Await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var onOK, onErr js.Func
	onOK = js.FuncOf(func(this js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		onOK.Release()
		onErr.Release()
		return nil
	})
	onErr = js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := "unknown error"
		if len(args) > 0 {
			msg = args[0].Call("toString").String()
		}
		ch <- result{err: errors.New(msg)}
		onOK.Release()
		onErr.Release()
		return nil
	})
	p.Call("then", onOK, onErr)
	r := <-ch
	return r.v, r.err
}

//go:build js && wasm

package kernels

import (
	"errors"
	"fmt"
	"syscall/js"
	"unsafe"

	"lookbook/ml"
)

// Install instantiates the kernel on the Go program's memory (which the page's loader hands
// over as lookbook._goMemory) and makes ml use it. Without WebAssembly SIMD, or without that
// memory, it returns an error and ml keeps its Go kernel.
func Install() error {
	mem := js.Global().Get("lookbook").Get("_goMemory")
	if !mem.Truthy() {
		return errors.New("kernels: the loader did not pass the program's memory")
	}
	exports, err := instantiate(mem)
	if err != nil {
		return err
	}
	tiles, dots := exports.Get("tiles"), exports.Get("dots")
	ml.SetTileKernel(func(kc int, a []float32, rowPanels int, b []float32, panels int, out []float32) {
		tiles.Invoke(kc, address(a), rowPanels, address(b), panels, address(out))
	})
	ml.SetDotKernel(func(n, k int, x, b []float32, ldb int, y []float32, accumulate bool) {
		acc := 0
		if accumulate {
			acc = 1
		}
		dots.Invoke(n, k, address(x), address(b), ldb, address(y), acc)
	})
	return nil
}

// instantiate compiles the module (synchronously: it is far below the browsers' 4 KB limit
// for that) with mem as its memory, and returns its exports.
func instantiate(mem js.Value) (exports js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("kernels: this browser cannot run the SIMD kernel: %v", r)
		}
	}()
	wasm := js.Global().Get("WebAssembly")
	code := js.Global().Get("Uint8Array").New(len(Module))
	js.CopyBytesToJS(code, Module)
	module := wasm.Get("Module").New(code)
	imports := map[string]any{"env": map[string]any{"mem": mem}}
	instance := wasm.Get("Instance").New(module, imports)
	return instance.Get("exports"), nil
}

// address is where a slice's first element sits in the program's linear memory. Go's heap
// does not move, and the slice stays alive on the caller's stack during the call.
func address(s []float32) int { return int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))) }

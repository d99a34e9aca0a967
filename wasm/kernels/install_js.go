//go:build js && wasm

package kernels

import (
	"errors"
	"fmt"
	"syscall/js"
	"unsafe"

	"lookbook/ml"
)

// Install instantiates the kernels on the Go program's memory (which the page's loader hands
// over as lookbook._goMemory) and makes ml use them: the tile and dot kernels for its matrix
// products, and the eval kernels for frozen layers. Without WebAssembly SIMD, or without that
// memory, it returns an error and ml keeps its Go code.
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
	ml.SetEvalKernels(evalKernels(exports))
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

// evalKernels wraps the module's whole-layer kernels as ml.EvalKernels, each called once per
// layer and image with the addresses of its operands.
func evalKernels(exports js.Value) *ml.EvalKernels {
	gather, tiles, scatter, biasAct := exports.Get("gather"), exports.Get("ftiles"), exports.Get("scatter"), exports.Get("bias_act")
	return &ml.EvalKernels{
		Gather: func(dst, x []float32, table []int32, channels, plane, taps, panels int) {
			gather.Invoke(address(dst), address(x), address(table), channels, plane, taps, panels)
		},
		Tiles: func(ep *ml.Epilogue, k int, a []float32, rowPanels int, b []float32, panels int, out []float32, ldo, m int) {
			tiles.Invoke(int(ep.Mode), k, address(a), rowPanels, address(b), panels, address(out), ldo, m,
				address(ep.Bias), address(ep.Mean), address(ep.Inv), address(ep.Gamma), address(ep.Beta))
		},
		Scatter: func(out, col []float32, table []int32, channels, plane, taps, pixels int) {
			scatter.Invoke(address(out), address(col), address(table), channels, plane, taps, pixels)
		},
		BiasAct: func(x, bias []float32, plane int, act ml.Activation) {
			biasAct.Invoke(address(x), address(bias), len(bias), plane, int(act))
		},
	}
}

// instantiate compiles the module (synchronously: at about 6 KB it is far below Chromium's
// 8 MB limit for that on the main thread) with mem as its memory, and returns its exports.
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

// address is where a slice's first element sits in the program's linear memory (0 for an
// empty one, which the kernels then do not read). Go's heap does not move, and the slice stays
// alive on the caller's stack during the call.
func address[T float32 | int32](s []T) int { return int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))) }

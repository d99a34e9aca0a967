//go:build js && wasm

package kernels

import (
	"errors"
	"fmt"
	"syscall/js"

	"lookbook/ml"
	"lookbook/ml/knn"
	"lookbook/ml/tsne"
	"lookbook/ml/umap"
)

// Install instantiates the kernels on the Go program's memory (which the page's loader hands
// over as lookbook._goMemory) and makes ml use them: the tile and dot kernels for its matrix
// products, the eval kernels for frozen layers, knn its scan, umap its epochs and tsne its 2D
// repulsion and attraction. Without WebAssembly SIMD, or without that memory, it returns an
// error and ml keeps its Go code.
func Install() error {
	if err := instantiateForImports(); err != nil {
		return err
	}
	ml.SetKernels(moduleKernels())
	tsne.SetKernels(tsneKernels())
	knn.SetScanKernel(knnScan)
	umap.SetEpochKernel(umapEpoch)
	return nil
}

// instantiateForImports instantiates the module on the program's memory and puts its exports
// at lookbook._kernels, where the program's kernel imports forward their calls.
func instantiateForImports() error {
	api := js.Global().Get("lookbook")
	if !api.Truthy() || !api.Get("_goMemory").Truthy() {
		return errors.New("kernels: the loader did not pass the program's memory")
	}
	exports, err := instantiate(api.Get("_goMemory"))
	if err != nil {
		return err
	}
	api.Set("_kernels", exports)
	return nil
}

// instantiate compiles the module (synchronously: at about 4 KB it is far below Chromium's
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

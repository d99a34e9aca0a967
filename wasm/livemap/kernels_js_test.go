//go:build js && wasm

package livemap

import (
	"testing"

	"lookbook/wasm/kernels"
)

// installKernels installs the SIMD kernel, as the map worker does.
func installKernels(t *testing.T) {
	if err := kernels.Install(); err != nil {
		t.Fatal(err)
	}
}

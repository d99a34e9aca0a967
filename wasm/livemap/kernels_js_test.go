//go:build js && wasm

package livemap

import (
	"testing"

	"lookbook/wasm/kernels"
)

func installKernels(t *testing.T) {
	if err := kernels.Install(); err != nil {
		t.Fatal(err)
	}
}

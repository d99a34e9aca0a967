//go:build !(js && wasm)

package livemap

import "testing"

// installKernels: natively ml uses its own assembly.
func installKernels(t *testing.T) {}

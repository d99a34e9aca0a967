//go:build js && wasm

package kernels

import (
	"math"
	"math/rand/v2"
	"syscall/js"
	"testing"

	"lookbook/ml/tsne"
)

// TestTSNEKernelsEqualGo: a whole 2D t-SNE (neighbours, early exaggeration, the rest) with the
// SIMD repulsion and attraction ends on the same coordinates as with tsne's Go code, bit for
// bit, on clustered points with duplicates (leaves holding more than one point).
func TestTSNEKernelsEqualGo(t *testing.T) {
	t.Cleanup(func() { tsne.SetKernels(nil) })
	if !js.Global().Get("lookbook").Truthy() {
		t.Skip("run through scripts/wasmexec (make test-wasm) to get the program's memory")
	}
	const n, d = 600, 16
	rng := rand.New(rand.NewPCG(19, 2))
	x := make([]float32, n*d)
	for i := 0; i < n; i++ {
		for a := 0; a < d; a++ {
			x[i*d+a] = float32(i%5*3) + float32(rng.NormFloat64())
		}
	}
	copy(x[10*d:11*d], x[:d]) // a duplicate point
	embed := func() []float64 {
		cfg := tsne.DefaultConfig(2)
		cfg.Iterations, cfg.Seed = 400, 7
		ts, err := tsne.New(x, n, d, cfg)
		if err != nil {
			t.Fatal(err)
		}
		ts.Run()
		return ts.Y
	}
	tsne.SetKernels(tsne.GoKernels())
	want := embed()
	if err := instantiateForImports(); err != nil {
		t.Fatal(err)
	}
	tsne.SetKernels(tsneKernels())
	got := embed()
	for i := range want {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("coordinate %d is %v with the SIMD kernels, %v with Go's", i, got[i], want[i])
		}
	}
}

//go:build js && wasm

package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"syscall/js"
	"testing"

	"lookbook/ml/knn"
	"lookbook/ml/tsne"
	"lookbook/ml/umap"
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

// TestKNNScanEqualsGo: the neighbour search's SIMD filter picks the same columns as Go's, over
// odd and even lengths, the row itself inside and outside the chunk, bounds from none to all,
// and exact ties at the bound.
func TestKNNScanEqualsGo(t *testing.T) {
	if !js.Global().Get("lookbook").Truthy() {
		t.Skip("run through scripts/wasmexec (make test-wasm) to get the program's memory")
	}
	if err := instantiateForImports(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 12))
	ref := knn.GoScanKernel()
	for _, n := range []int{1, 2, 7, 64, 511, 512} {
		dots, norms := make([]float32, n), make([]float64, n)
		for j := range dots {
			dots[j] = float32(rng.NormFloat64() * 3)
			norms[j] = 10 + rng.Float64()*5
		}
		ni := 12.0
		tie := max(ni+norms[n/2]-2*float64(dots[n/2]), 0)
		for _, self := range []int{-3, 0, n / 2, n - 1, n + 4} {
			for _, bound := range []float64{math.Inf(1), 0, 5, 20, tie, math.Inf(-1)} {
				want, got := make([]int32, n), make([]int32, n)
				w, g := ref(dots, norms, self, ni, bound, want), knnScan(dots, norms, self, ni, bound, got)
				if w != g || !slices.Equal(want[:w], got[:g]) {
					t.Fatalf("n %d, self %d, bound %v: kernel kept %v, Go %v", n, self, bound, got[:g], want[:w])
				}
			}
		}
	}
}

// TestUMAPEpochKernelEqualsGo: whole UMAP layouts, 2D and 3D, come out the same with the
// epoch kernel as with umap's Go epochs, bit for bit, duplicates included (their distance 0).
func TestUMAPEpochKernelEqualsGo(t *testing.T) {
	t.Cleanup(func() { umap.SetEpochKernel(nil) })
	if !js.Global().Get("lookbook").Truthy() {
		t.Skip("run through scripts/wasmexec (make test-wasm) to get the program's memory")
	}
	if err := instantiateForImports(); err != nil {
		t.Fatal(err)
	}
	const n, d = 400, 8
	rng := rand.New(rand.NewPCG(3, 30))
	x := make([]float32, n*d)
	for i := 0; i < n; i++ {
		for a := 0; a < d; a++ {
			x[i*d+a] = float32(i%4*4) + float32(rng.NormFloat64())
		}
	}
	copy(x[5*d:6*d], x[:d])
	for _, dims := range []int{2, 3} {
		layout := func(k umap.EpochKernel) []float64 {
			umap.SetEpochKernel(k)
			cfg := umap.DefaultConfig(dims)
			cfg.Seed, cfg.Epochs = 9, 120
			u, err := umap.New(x, n, d, cfg)
			if err != nil {
				t.Fatal(err)
			}
			u.Run()
			return u.Y
		}
		want, got := layout(umap.GoEpochKernel()), layout(umapEpoch)
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%dD: coordinate %d is %v with the kernel, %v with Go's", dims, i, got[i], want[i])
			}
		}
	}
}

//go:build js && wasm

package kernels

import (
	"math"
	"math/rand/v2"
	"syscall/js"
	"testing"
	"unsafe"

	"lookbook/ml"
)

// uninstallAfter removes every installed kernel when the test ends, even when it fails
// between installing and removing one, so no later test runs on a kernel it did not choose.
func uninstallAfter(t *testing.T) {
	t.Cleanup(func() { ml.SetKernels(nil) })
}

// copyingKernel and copyingKernels give the kernels a memory of their own and copy operands in
// and out, so these tests check the kernels' arithmetic alone; TestInstall checks the
// zero-copy path, on the program's own memory (scripts/wasmexec hands it over like the page).
func copyingKernel(t *testing.T) (ml.TileKernel, *int) {
	tiles, _, calls := copyingKernels(t)
	return tiles, calls
}

func copyingKernels(t *testing.T) (ml.TileKernel, ml.DotKernel, *int) {
	t.Helper()
	mem := js.Global().Get("WebAssembly").Get("Memory").New(map[string]any{"initial": 64}) // 4 MiB
	exports, err := instantiate(mem)
	if err != nil {
		t.Skip(err)
	}
	tiles, dots := exports.Get("tiles"), exports.Get("dots")
	calls := 0
	bytesOf := func(v []float32) []byte { return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*len(v)) }
	view := func() js.Value { return js.Global().Get("Uint8Array").New(mem.Get("buffer")) }
	put := func(at int, v []float32) { js.CopyBytesToJS(view().Call("subarray", at, at+4*len(v)), bytesOf(v)) }
	get := func(v []float32, at int) { js.CopyBytesToGo(bytesOf(v), view().Call("subarray", at, at+4*len(v))) }
	check := func(floats int) {
		if 4*floats > 64<<16 {
			t.Fatalf("operands too large for the test memory")
		}
	}
	tileFn := func(kc int, a []float32, rowPanels int, b []float32, panels int, out []float32) {
		calls++
		na, nb, no := kc*6*rowPanels, kc*16*panels, 96*rowPanels*panels
		check(na + nb + no)
		put(0, a[:na])
		put(4*na, b[:nb])
		tiles.Invoke(kc, 0, rowPanels, 4*na, panels, 4*(na+nb))
		get(out[:no], 4*(na+nb))
	}
	dotFn := func(n, k int, x, b []float32, ldb int, y []float32, accumulate bool) {
		calls++
		nb := (n-1)*ldb + k
		check(k + nb + n)
		put(0, x[:k])
		put(4*k, b[:nb])
		put(4*(k+nb), y[:n])
		acc := 0
		if accumulate {
			acc = 1
		}
		dots.Invoke(n, k, 0, 4*k, ldb, 4*(k+nb), acc)
		get(y[:n], 4*(k+nb))
	}
	return tileFn, dotFn, &calls
}

// TestDotKernel: one-row products with a transposed B through the SIMD dot kernel agree with
// the Go path within rounding.
func TestDotKernel(t *testing.T) {
	uninstallAfter(t)
	_, dk, calls := copyingKernels(t)
	rng := rand.New(rand.NewPCG(6, 6))
	for _, s := range [][2]int{{1, 1}, {10, 7}, {256, 512}, {2048, 256}, {33, 129}} {
		n, k := s[0], s[1]
		x, b := make([]float32, k), make([]float32, n*k)
		for i := range x {
			x[i] = 2*rng.Float32() - 1
		}
		for i := range b {
			b[i] = 2*rng.Float32() - 1
		}
		for _, acc := range []bool{false, true} {
			want := make([]float32, n)
			for i := range want {
				want[i] = float32(i) / 7
			}
			got := append([]float32(nil), want...)
			ml.MatMul(1, n, k, ml.Mat{Data: x, Stride: k}, ml.Mat{Data: b, Stride: k, Trans: true}, want, n, acc)
			ml.SetKernels(&ml.Kernels{Dot: dk})
			ml.MatMul(1, n, k, ml.Mat{Data: x, Stride: k}, ml.Mat{Data: b, Stride: k, Trans: true}, got, n, acc)
			ml.SetKernels(nil)
			for i := range want {
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-5*math.Sqrt(float64(k)) {
					t.Fatalf("n %d k %d acc %v: y[%d] = %v, want %v", n, k, acc, i, got[i], want[i])
				}
			}
		}
	}
	if *calls == 0 {
		t.Fatal("the dot kernel was never called")
	}
}

// TestKernelEqualsGoKernel: with the SIMD kernel installed, matrix products equal those of
// ml's Go kernel bit for bit, on shapes across tile and block edges, transposed or not.
func TestKernelEqualsGoKernel(t *testing.T) {
	uninstallAfter(t)
	k, calls := copyingKernel(t)
	rng := rand.New(rand.NewPCG(5, 5))
	sizes := [][3]int{{1, 1, 1}, {5, 15, 3}, {6, 16, 1}, {7, 17, 300}, {73, 33, 257}, {16, 1024, 9}, {1, 256, 512}, {3, 200, 129}}
	for _, s := range sizes {
		for _, tb := range []bool{false, true} {
			m, n, kk := s[0], s[1], s[2]
			a := make([]float32, m*kk)
			b := make([]float32, kk*n)
			for i := range a {
				a[i] = 2*rng.Float32() - 1
			}
			for i := range b {
				b[i] = 2*rng.Float32() - 1
			}
			bm := ml.Mat{Data: b, Stride: n, Trans: tb}
			if tb {
				bm.Stride = kk
			}
			want := make([]float32, m*n)
			ml.MatMul(m, n, kk, ml.Mat{Data: a, Stride: kk}, bm, want, n, false)
			ml.SetKernels(&ml.Kernels{Tile: k})
			got := make([]float32, m*n)
			ml.MatMul(m, n, kk, ml.Mat{Data: a, Stride: kk}, bm, got, n, false)
			ml.SetKernels(nil)
			for i := range want {
				if got[i] != want[i] || math.IsNaN(float64(got[i])) {
					t.Fatalf("%v trans=%v: c[%d] = %v with the SIMD kernel, %v with Go's", s, tb, i, got[i], want[i])
				}
			}
		}
	}
	if *calls == 0 {
		t.Fatal("the SIMD kernel was never called")
	}
}

// TestModelsEqualWithKernel: FashionNet and the VAE decoder give the same outputs with the
// SIMD kernels as with Go's (the tiles bit for bit, the dot products within 1e-5).
func TestModelsEqualWithKernel(t *testing.T) {
	uninstallAfter(t)
	k, dk, _ := copyingKernels(t)
	net, vae, x, z := randomModels(2, 1)
	want := append([]float32(nil), net.Forward(x).Data...)
	wantFace := append([]float32(nil), vae.Decode(z).Data...)
	ml.SetKernels(&ml.Kernels{Tile: k})
	tilesOnly := append([]float32(nil), net.Forward(x).Data...)
	ml.SetKernels(&ml.Kernels{Tile: k, Dot: dk})
	got := append([]float32(nil), net.Forward(x).Data...)
	gotFace := append([]float32(nil), vae.Decode(z).Data...)
	ml.SetKernels(nil)
	for i := range want {
		if tilesOnly[i] != want[i] {
			t.Errorf("FashionNet logit %d: %v with the SIMD tile kernel, %v with Go's", i, tilesOnly[i], want[i])
		}
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-5 {
			t.Errorf("FashionNet logit %d: %v with both SIMD kernels, %v with Go's", i, got[i], want[i])
		}
	}
	for i := range wantFace {
		if d := math.Abs(float64(gotFace[i] - wantFace[i])); d > 1e-5 {
			t.Fatalf("VAE pixel %d: %v with the SIMD kernels, %v with Go's", i, gotFace[i], wantFace[i])
		}
	}
}

// TestInstall installs the kernels the way the app does, on the program's own memory (the
// test runner, scripts/wasmexec, hands it over like the page's loader), and checks the models
// against Go's kernels.
func TestInstall(t *testing.T) {
	uninstallAfter(t)
	if !js.Global().Get("lookbook").Truthy() {
		t.Skip("run through scripts/wasmexec (make test-wasm) to get the program's memory")
	}
	net, vae, x, z := randomModels(3, 4)
	one := ml.FromData(x.Data[:1024], 1, 1, 32, 32)
	want := append([]float32(nil), net.Forward(x).Data...)
	wantOne := append([]float32(nil), net.Forward(one).Data...)
	wantFace := append([]float32(nil), vae.Decode(z).Data...)
	if err := Install(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string][2][]float32{
		"FashionNet, batch of 4": {want, net.Forward(x).Data},
		"FashionNet, one image":  {wantOne, net.Forward(one).Data},
		"VAE decoder":            {wantFace, vae.Decode(z).Data},
	} {
		for i := range c[0] {
			if d := math.Abs(float64(c[0][i] - c[1][i])); d > 1e-5 {
				t.Fatalf("%s: output %d is %v with the installed kernels, %v with Go's", name, i, c[1][i], c[0][i])
			}
		}
	}
}

// randomModels returns a FashionNet in evaluation mode and a VAE with random weights (seeded by
// seed), a batch of random images for the first and one random latent code for the second.
func randomModels(seed uint64, batch int) (*ml.FashionNet, *ml.VAE, *ml.Tensor, *ml.Tensor) {
	rng := rand.New(rand.NewPCG(1, seed))
	net := ml.NewFashionNet(rng)
	net.SetTraining(false)
	vae := ml.NewVAE(rng)
	x := ml.NewTensor(batch, 1, 32, 32)
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	z := ml.NewTensor(1, ml.VAELatent)
	for i := range z.Data {
		z.Data[i] = float32(rng.NormFloat64())
	}
	return net, vae, x, z
}

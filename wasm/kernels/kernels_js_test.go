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

// The test runner (Node) does not hand the program's memory to the test, so these tests give
// the kernel a memory of its own and copy operands in and out: the kernel's arithmetic is what
// is under test here, and the browser tests cover the zero-copy path.
func copyingKernel(t *testing.T) (ml.TileKernel, *int) {
	t.Helper()
	mem := js.Global().Get("WebAssembly").Get("Memory").New(map[string]any{"initial": 64}) // 4 MiB
	tiles, err := instantiate(mem)
	if err != nil {
		t.Skip(err)
	}
	calls := 0
	return func(kc int, a []float32, rowPanels int, b []float32, panels int, out []float32) {
		calls++
		na, nb, no := kc*6*rowPanels, kc*16*panels, 96*rowPanels*panels
		if 4*(na+nb+no) > 64<<16 {
			t.Fatalf("block too large for the test memory")
		}
		view := js.Global().Get("Uint8Array").New(mem.Get("buffer"))
		put := func(at int, v []float32) {
			js.CopyBytesToJS(view.Call("subarray", at, at+4*len(v)), unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*len(v)))
		}
		put(0, a[:na])
		put(4*na, b[:nb])
		tiles.Invoke(kc, 0, rowPanels, 4*na, panels, 4*(na+nb))
		js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(out))), 4*no), view.Call("subarray", 4*(na+nb), 4*(na+nb+no)))
	}, &calls
}

// TestKernelEqualsGoKernel: with the SIMD kernel installed, matrix products equal those of
// ml's Go kernel bit for bit, on shapes across tile and block edges, transposed or not.
func TestKernelEqualsGoKernel(t *testing.T) {
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
			ml.SetTileKernel(k)
			got := make([]float32, m*n)
			ml.MatMul(m, n, kk, ml.Mat{Data: a, Stride: kk}, bm, got, n, false)
			ml.SetTileKernel(nil)
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
// SIMD kernel as with Go's.
func TestModelsEqualWithKernel(t *testing.T) {
	k, _ := copyingKernel(t)
	rng := rand.New(rand.NewPCG(1, 2))
	net := ml.NewFashionNet(rng)
	net.SetTraining(false)
	vae := ml.NewVAE(rng)
	x := ml.NewTensor(1, 1, 32, 32)
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	z := ml.NewTensor(1, ml.VAELatent)
	for i := range z.Data {
		z.Data[i] = float32(rng.NormFloat64())
	}
	want := append([]float32(nil), net.Forward(x).Data...)
	wantFace := append([]float32(nil), vae.Decode(z).Data...)
	ml.SetTileKernel(k)
	got := append([]float32(nil), net.Forward(x).Data...)
	gotFace := append([]float32(nil), vae.Decode(z).Data...)
	ml.SetTileKernel(nil)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("FashionNet logit %d: %v with the SIMD kernel, %v with Go's", i, got[i], want[i])
		}
	}
	for i := range wantFace {
		if gotFace[i] != wantFace[i] {
			t.Fatalf("VAE pixel %d: %v with the SIMD kernel, %v with Go's", i, gotFace[i], wantFace[i])
		}
	}
}

//go:build js && wasm

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"syscall/js"
	"testing"

	"lookbook/ml"
	"lookbook/ml/explain"
)

// simdEvalKernels instantiates the module on the program's own memory, as Install does, and
// returns its whole-layer kernels alone (called through the program's imports) without
// installing them.
func simdEvalKernels(t *testing.T) *ml.Kernels {
	t.Helper()
	if !js.Global().Get("lookbook").Truthy() {
		t.Skip("run through scripts/wasmexec (make test-wasm) to get the program's memory")
	}
	if err := instantiateForImports(); err != nil {
		t.Fatal(err)
	}
	return wholeLayer(moduleKernels())
}

// wholeLayer keeps k's whole-layer kernels alone: products keep ml's packed path, so that two
// sets can be compared bit for bit (dot kernels may sum in different orders).
func wholeLayer(k *ml.Kernels) *ml.Kernels {
	return &ml.Kernels{Gather: k.Gather, Tiles: k.Tiles, Scatter: k.Scatter, BiasAct: k.BiasAct}
}

func randFloats(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

// bitsEqual fails unless got equals want element by element (NaN matching NaN).
func bitsEqual(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] && !(got[i] != got[i] && want[i] != want[i]) {
			t.Fatalf("%s: value %d is %v with the SIMD kernel, %v with Go's", what, i, got[i], want[i])
		}
	}
}

// TestEvalKernelsEqualGo: each SIMD eval kernel gives its Go reference's numbers bit for bit,
// over every epilogue, depths across the 256 blocks, partial row panels and awkward values.
func TestEvalKernelsEqualGo(t *testing.T) {
	uninstallAfter(t)
	simd, ref := simdEvalKernels(t), wholeLayer(ml.GoKernels())
	rng := rand.New(rand.NewPCG(8, 8))

	t.Run("gather", func(t *testing.T) {
		channels, plane, taps, panels := 3, 50, 4, 3
		x := randFloats(rng, channels*plane)
		table := make([]int32, taps*panels*16)
		for i := range table {
			table[i] = int32(rng.IntN(plane+10)) - 10 // some negative: padding
		}
		got, want := randFloats(rng, panels*channels*taps*16), make([]float32, panels*channels*taps*16)
		simd.Gather(got, x, table, channels, plane, taps, panels)
		ref.Gather(want, x, table, channels, plane, taps, panels)
		bitsEqual(t, "gather", got, want)
	})

	for _, k := range []int{1, 9, 144, 256, 257, 576} {
		for _, mode := range []ml.EpilogueMode{ml.EpSum, ml.EpBias, ml.EpBiasReLU, ml.EpBiasReLUNormPool, ml.EpColBias, ml.EpColBiasReLU} {
			t.Run(fmt.Sprintf("tiles k%d mode%d", k, mode), func(t *testing.T) {
				m, panels := 10, 3 // two row panels, the second partial
				rowPanels := (m + 5) / 6
				a, b := randFloats(rng, rowPanels*k*6), randFloats(rng, panels*k*16)
				b[7] = float32(math.NaN())
				ep := &ml.Epilogue{Mode: mode, Bias: randFloats(rng, panels*16), Mean: randFloats(rng, m), Inv: randFloats(rng, m),
					Gamma: randFloats(rng, m), Beta: randFloats(rng, m)}
				ldo := panels*16 + 3
				if mode == ml.EpBiasReLUNormPool {
					ldo = panels*4 + 1
				}
				got, want := make([]float32, m*ldo), make([]float32, m*ldo)
				simd.Tiles(ep, k, a, rowPanels, b, panels, got, ldo, m)
				ref.Tiles(ep, k, a, rowPanels, b, panels, want, ldo, m)
				bitsEqual(t, "tiles", got, want)
			})
		}
	}

	t.Run("scatter", func(t *testing.T) {
		channels, plane, taps, pixels := 3, 40, 16, 20
		col := randFloats(rng, channels*taps*pixels)
		table := make([]int32, taps*pixels)
		for i := range table {
			table[i] = int32(rng.IntN(plane+5)) - 5
		}
		got, want := randFloats(rng, channels*plane), randFloats(rng, channels*plane)
		simd.Scatter(got, col, table, channels, plane, taps, pixels)
		ref.Scatter(want, col, table, channels, plane, taps, pixels)
		bitsEqual(t, "scatter", got, want)
	})

	for _, act := range []ml.Activation{ml.ActNone, ml.ActReLU, ml.ActSigmoid} {
		t.Run(fmt.Sprintf("bias_act %d", act), func(t *testing.T) {
			const plane = 4096
			x := make([]float32, 2*plane)
			for i := range x {
				x[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(4)-1)))
			}
			inf := float32(math.Inf(1))
			copy(x, []float32{0, float32(math.Copysign(0, -1)), inf, -inf, float32(math.NaN()), 87, -87, -87.5, 88, -88, 1e-30, -1e-30})
			bias := []float32{0, 0.75}
			got, want := append([]float32(nil), x...), append([]float32(nil), x...)
			simd.BiasAct(got, bias, plane, act)
			ref.BiasAct(want, bias, plane, act)
			bitsEqual(t, "bias_act", got, want)
		})
	}
}

// TestModelsEqualWithEvalKernels: both models give the same numbers with the SIMD eval
// kernels as with their Go reference, bit for bit.
func TestModelsEqualWithEvalKernels(t *testing.T) {
	uninstallAfter(t)
	simd := simdEvalKernels(t)
	rng := rand.New(rand.NewPCG(9, 9))
	net := ml.NewFashionNet(rng)
	net.SetTraining(false)
	vae := ml.NewVAE(rng)
	vae.SetFrozen(true)
	x := ml.FromData(make([]float32, 2*1024), 2, 1, 32, 32)
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	faces := ml.FromData(make([]float32, 3*1024), 1, 3, 32, 32)
	for i := range faces.Data {
		faces.Data[i] = rng.Float32()
	}
	z := ml.FromData(randFloats(rng, 2*ml.VAELatent), 2, ml.VAELatent)
	run := func(k *ml.Kernels) (logits, mean, face []float32) {
		ml.SetKernels(k)
		logits = append(logits, net.Forward(x).Data...)
		m, _ := vae.Encode(faces)
		mean = append(mean, m.Data...)
		face = append(face, vae.Decode(z).Data...)
		return logits, mean, face
	}
	wl, wm, wf := run(wholeLayer(ml.GoKernels()))
	gl, gm, gf := run(simd)
	bitsEqual(t, "FashionNet logits", gl, wl)
	bitsEqual(t, "VAE mean", gm, wm)
	bitsEqual(t, "VAE decoding", gf, wf)
}

// TestOneInputAllocatesNothing: with the kernels installed, classifying one image and decoding
// one code allocate nothing once the models are warm. The app's WebAssembly exports rely on
// it: Go must not stop inside one to help the garbage collector.
func TestOneInputAllocatesNothing(t *testing.T) {
	uninstallAfter(t)
	if !js.Global().Get("lookbook").Truthy() {
		t.Skip("run through scripts/wasmexec (make test-wasm) to get the program's memory")
	}
	if err := Install(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(10, 10))
	net := ml.NewFashionNet(rng)
	net.SetTraining(false)
	vae := ml.NewVAE(rng)
	vae.SetFrozen(true)
	x := ml.NewTensor(1, 1, 32, 32)
	z := ml.FromData(randFloats(rng, ml.VAELatent), 1, ml.VAELatent)
	for name, f := range map[string]func(){
		"FashionNet, one image": func() { net.Forward(x) },
		"VAE decoder, one code": func() { vae.Decode(z) },
	} {
		f() // warm: buffers and packed weights are made on the first call
		if n := testing.AllocsPerRun(50, f); n != 0 {
			t.Errorf("%s: %.0f allocations a call, want none", name, n)
		}
	}
}

// TestExplanationsWithKernels: with every kernel installed, as in the page, each method's map
// equals the one ml's own code gives within 1e-4 of its largest value (integrated gradients
// then runs its forward and backward passes through the eval kernels, whose sums round
// differently), and integrated gradients stays complete.
func TestExplanationsWithKernels(t *testing.T) {
	uninstallAfter(t)
	if !js.Global().Get("lookbook").Truthy() {
		t.Skip("run through scripts/wasmexec (make test-wasm) to get the program's memory")
	}
	rng := rand.New(rand.NewPCG(11, 11))
	net := ml.NewFashionNet(rng)
	net.SetTraining(false)
	x := make([]float32, explain.Pixels)
	for y := 6; y < 26; y++ {
		for c := 9; c < 23; c++ {
			x[y*explain.Side+c] = 0.2 + 0.8*rng.Float32()
		}
	}
	options := []explain.Options{{Method: explain.GradCAM, Block: 2}, {Method: explain.IntegratedGradients, Class: 3}, {Method: explain.Occlusion, Class: 7}, {Method: explain.StepwiseOcclusion}}
	explainAll := func() []explain.Result {
		e := explain.New(net)
		var rs []explain.Result
		for _, o := range options {
			r, err := e.Explain(x, o)
			if err != nil {
				t.Fatal(err)
			}
			rs = append(rs, r)
		}
		return rs
	}
	ml.SetKernels(nil)
	want := explainAll()
	if err := Install(); err != nil {
		t.Fatal(err)
	}
	got := explainAll()
	for i, r := range got {
		var worst, scale float64
		for p, w := range want[i].Map {
			scale = math.Max(scale, math.Abs(float64(w)))
			worst = math.Max(worst, math.Abs(float64(r.Map[p]-w)))
		}
		if !(worst <= 1e-4*scale) {
			t.Errorf("%s: off by %g against a largest value of %g", r.Method, worst, scale)
		}
		if r.Method == explain.IntegratedGradients && !(r.CompletenessError < explain.MaxCompletenessError) {
			t.Errorf("integrated gradients: completeness error %g", r.CompletenessError)
		}
	}
}

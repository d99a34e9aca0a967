package ml

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// adamOriginal is Adam.Update's per-element arithmetic as first written (a separate AdamW
// shrink pass, then the step), with its moments flushed below float32's normal range as now:
// the vectorised step must give its weights bit for bit, so that a training run's weights do
// not depend on which path ran.
func adamOriginal(w, g, m, v []float32, b1, b2 float32, shrink float32, stepSize, sqrtBC2, eps float64) {
	for j := range w {
		w[j] *= shrink
	}
	for j := range w {
		gj := g[j]
		m[j] = b1*m[j] + (1-b1)*gj
		v[j] = b2*v[j] + (1-b2)*gj*gj
		for _, mom := range []*float32{&m[j], &v[j]} {
			if *mom != 0 && math.Abs(float64(*mom)) < 0x1p-126 {
				*mom = 0
			}
		}
		denom := math.Sqrt(float64(v[j]))/sqrtBC2 + eps
		w[j] -= float32(stepSize * float64(m[j]) / denom)
	}
}

func TestAdamStepIsTheOriginalArithmetic(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{1, 7, 8, 13, 4096 + 5, 3*adamChunk + 11} {
		for _, shrink := range []float32{1, 1 - 1e-5} {
			w, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range w {
				w[i], g[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())*1e-3
				m[i], v[i] = float32(rng.NormFloat64())*1e-3, float32(rng.Float64())*1e-6
			}
			g[0], v[n-1] = 0, 0 // a zero gradient and a zero second moment
			// Moments decaying into float32's subnormal range (flushed), and just above it.
			for i := 1; i < n; i += 5 {
				g[i], m[i], v[i] = 0, float32(math.Copysign(1.2e-38, rng.NormFloat64())), 1.1e-38
				if i%2 == 0 {
					m[i], v[i] = 1.4e-38, 1.3e-38
				}
			}
			ww, wm, wv := append([]float32(nil), w...), append([]float32(nil), m...), append([]float32(nil), v...)
			const b1, b2, lr = 0.9, 0.999, 1e-3
			bc1, bc2 := 1-math.Pow(b1, 3), 1-math.Pow(b2, 3)
			adamOriginal(ww, g, wm, wv, b1, b2, shrink, lr/bc1, math.Sqrt(bc2), 1e-8)
			c := AdamConsts{B1: b1, C1: 1 - float32(b1), B2: b2, C2: 1 - float32(b2), Shrink: shrink,
				SqrtBC2: math.Sqrt(bc2), Eps: 1e-8, Step: lr / bc1}
			adamRange(&c, w, g, m, v)
			sameFloats(t, "weights", w, ww)
			sameFloats(t, "first moments", m, wm)
			sameFloats(t, "second moments", v, wv)
		}
	}
}

// TestNativeDotKernel: the installed dot kernel agrees with the reference within rounding for
// row counts and depths around its blocking (4 rows, 16 and 8 columns, a tail).
func TestNativeDotKernel(t *testing.T) {
	dot := kernels().Dot
	if dot == nil {
		t.Skip("no native dot kernel on this machine")
	}
	rng := rand.New(rand.NewPCG(6, 6))
	for _, n := range []int{1, 3, 4, 5, 9, 2048} {
		for _, k := range []int{3, 8, 15, 16, 24, 120, 2048} {
			ldb := k + 3
			x, b := make([]float32, k), make([]float32, n*ldb)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			for i := range b {
				b[i] = float32(rng.NormFloat64())
			}
			for _, acc := range []bool{false, true} {
				got, want := make([]float32, n), make([]float32, n)
				for i := range got {
					got[i], want[i] = 1, 1
				}
				dot(n, k, x, b, ldb, got, acc)
				dotGo(n, k, x, b, ldb, want, acc)
				for i := range got {
					if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*math.Sqrt(float64(k)) {
						t.Fatalf("n %d k %d accumulate %v: y[%d] = %v, want %v", n, k, acc, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// specialFloats are values where a vectorised comparison could part from Go's: NaN, both zeros,
// infinities, a subnormal, and repeats (ties in a pooling window).
func specialFloats(rng *rand.Rand, n int) []float32 {
	special := []float32{float32(math.NaN()), 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)),
		float32(math.Inf(-1)), 1e-40, -1e-40, 1, 1, -1}
	x := make([]float32, n)
	for i := range x {
		if rng.IntN(3) == 0 {
			x[i] = special[rng.IntN(len(special))]
		} else {
			x[i] = float32(rng.NormFloat64())
		}
	}
	return x
}

// sameBits fails unless got and want hold the same bits (NaN payloads and zero signs included).
func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: value %d is %v (%#x), want %v (%#x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// TestElementwiseKernelsMatchGo: ReLU, its gradient and 2×2 max-pooling with its
// argmax give their Go references' bits, on lengths around the vector width.
func TestElementwiseKernelsMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{1, 7, 8, 9, 31, 64, 1000} {
		x, dy := specialFloats(rng, n), specialFloats(rng, n)
		got, want := make([]float32, n), make([]float32, n)
		reluInto(got, x)
		reluGo(want, x)
		sameBits(t, "relu", got, want)
		reluBackInto(got, want, dy)
		back := make([]float32, n)
		reluBackGo(back, want, dy)
		sameBits(t, "relu gradient", got, back)
	}
	for _, wo := range []int{1, 4, 8, 9, 16, 24} {
		w := 2 * wo
		top, bottom := specialFloats(rng, w), specialFloats(rng, w)
		got, want := make([]float32, wo), make([]float32, wo)
		gotArg, wantArg := make([]int32, wo), make([]int32, wo)
		maxPool2Row(got, gotArg, top, bottom, 100)
		maxPool2RowGo(want, wantArg, top, bottom, 100, 0)
		sameBits(t, "max-pool", got, want)
		if !slices.Equal(gotArg, wantArg) {
			t.Fatalf("max-pool of width %d: argmax %v, want %v", w, gotArg, wantArg)
		}
	}
}

// TestWideMicroKernelSameBits: products through the two-tile AVX-512 kernel give the AVX2
// kernel's bits (each element is the same chain of FMAs), for shapes with whole and partial
// tiles, set and accumulated.
func TestWideMicroKernelSameBits(t *testing.T) {
	if !haveAVX512 {
		t.Skip("no AVX-512 here")
	}
	rng := rand.New(rand.NewPCG(8, 8))
	for _, s := range [][3]int{{12, 16, 5}, {30, 50, 300}, {128, 576, 1024}, {7, 33, 17}} {
		m, n, k := s[0], s[1], s[2]
		a, b := randTensor(rng, m, k), randTensor(rng, k, n)
		wide, narrow := make([]float32, m*n), make([]float32, m*n)
		for i := range wide {
			wide[i] = float32(i % 7)
			narrow[i] = wide[i]
		}
		for _, acc := range []bool{false, true} {
			gemm(m, n, k, matrix{data: a.Data, ld: k}, matrix{data: b.Data, ld: n}, wide, n, acc)
			haveAVX512 = false
			gemm(m, n, k, matrix{data: a.Data, ld: k}, matrix{data: b.Data, ld: n}, narrow, n, acc)
			haveAVX512 = true
			sameBits(t, "product", wide, narrow)
		}
	}
}

// TestRowKernelsMatchGo: the strided row sum and copy (masked tails), BatchNorm's passes and
// the transposing pack give their Go references' bits.
func TestRowKernelsMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for n := 1; n <= 20; n++ {
		const rows, ds, ss = 3, 23, 21
		src, dst := specialFloats(rng, rows*ss), specialFloats(rng, rows*ds)
		for _, op := range []struct {
			name   string
			native func(int, int, []float32, int, []float32, int)
			ref    func(int, int, []float32, int, []float32, int)
		}{{"add rows", addRows, addRowsGo}, {"copy rows", copyRows, copyRowsGo}} {
			got, want := append([]float32(nil), dst...), append([]float32(nil), dst...)
			op.native(rows, n, got, ds, src, ss)
			op.ref(rows, n, want, ds, src, ss)
			sameBits(t, op.name, got, want)
		}
		x, xh := specialFloats(rng, n), specialFloats(rng, n)
		gotB, wantB := make([]float32, n), make([]float32, n)
		copyBiasReLU(gotB, x, 0.25)
		copyBiasReLUGo(wantB, x, 0.25)
		sameBits(t, "bias and ReLU", gotB, wantB)
		wantR := make([]float32, n)
		copyBiasGo(wantB, x, 0.25)
		reluGo(wantR, wantB)
		sameBits(t, "bias and ReLU as two layers", gotB, wantR)
		c4 := [4]float32{0.3, 1.7, -0.8, 0.1}
		gotH, gotO, wantH, wantO := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		bnApply(x, gotH, gotO, 1, n, n, c4[:])
		bnApplyGo(x, wantH, wantO, &c4)
		sameBits(t, "normalised", gotH, wantH)
		sameBits(t, "batchnorm", gotO, wantO)
		c3 := [3]float32{1.3, 0.01, -0.02}
		bnBack(x, xh, gotO, nil, 1, n, n, c3[:])
		bnBackGo(x, xh, wantO, &c3)
		sameBits(t, "batchnorm gradient", gotO, wantO)
		// Three planes, strided, in one call: the values between planes stay untouched.
		const planes, stride = 3, 29
		xs, hs := specialFloats(rng, planes*stride), specialFloats(rng, planes*stride)
		gotH, gotO = specialFloats(rng, planes*stride), specialFloats(rng, planes*stride)
		wantH, wantO = append([]float32(nil), gotH...), append([]float32(nil), gotO...)
		bnApply(xs, gotH, gotO, planes, n, stride, c4[:])
		for p := 0; p < planes; p++ {
			bnApplyGo(xs[p*stride:p*stride+n], wantH[p*stride:], wantO[p*stride:], &c4)
		}
		sameBits(t, "normalised, planes", gotH, wantH)
		sameBits(t, "batchnorm, planes", gotO, wantO)
		bnBack(xs, hs, gotO, nil, planes, n, stride, c3[:])
		for p := 0; p < planes; p++ {
			bnBackGo(xs[p*stride:p*stride+n], hs[p*stride:], wantO[p*stride:], &c3)
		}
		sameBits(t, "batchnorm gradient, planes", gotO, wantO)
		// Through the ReLU before (its output: ≥ 0, zeros, NaN), per-plane constants.
		relu := specialFloats(rng, planes*stride)
		reluGo(relu, relu)
		cs := []float32{1.3, 0.01, -0.02, -0.7, 0.2, 0.05, 2, -1, 0.5}
		gotO, wantO = specialFloats(rng, planes*stride), make([]float32, planes*stride)
		copy(wantO, gotO)
		bnBack(xs, hs, gotO, relu, planes, n, stride, cs)
		for p := 0; p < planes; p++ {
			o := p * stride
			bnBackReLUGo(xs[o:o+n], hs[o:], relu[o:], wantO[o:], (*[3]float32)(cs[3*p:]))
			unmasked := make([]float32, n)
			bnBackGo(xs[o:o+n], hs[o:], unmasked, (*[3]float32)(cs[3*p:]))
			reluBackGo(unmasked, relu[o:o+n], unmasked)
			sameBits(t, "batchnorm gradient, then ReLU's", wantO[o:o+n], unmasked)
		}
		sameBits(t, "batchnorm gradient through ReLU, planes", gotO, wantO)

		a := specialFloats(rng, microRows*41)
		gotA, wantA := make([]float32, n*microRows+2), make([]float32, n*microRows+2)
		packA6(gotA, a, 41, n)
		packA6Go(wantA, a, 41, 0, n)
		sameBits(t, "six-row pack", gotA[:n*microRows], wantA[:n*microRows])

		const ld = 37
		b := specialFloats(rng, microCols*ld)
		got, want := make([]float32, n*microCols), make([]float32, n*microCols)
		packBTrans(got, b, ld, n)
		packBTransGo(want, b, ld, 0, n)
		sameBits(t, "transposing pack", got, want)
	}
}

// TestPlaneReductionsSameBits: the four-plane reductions give, bit for bit, the plane-by-plane
// sums of sum64, sumSquaredDev64 and dot64 that BatchNorm and the bias gradients used.
func TestPlaneReductionsSameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	for _, n := range []int{1, 3, 4, 5, 16, 63, 256} {
		for _, planes := range []int{1, 3, 4, 5, 9, 64, 70, 133} { // past 64: several calls
			stride := n + 5
			x, y := make([]float32, planes*stride), make([]float32, planes*stride)
			for i := range x {
				x[i], y[i] = float32(rng.NormFloat64()*3+1), float32(rng.NormFloat64())
			}
			var sum, sq, dot float64
			for p := 0; p < planes; p++ {
				sum += sum64(x[p*stride : p*stride+n])
				sq += sumSquaredDev64(x[p*stride:p*stride+n], 0.7)
				dot += dot64(x[p*stride:p*stride+n], y[p*stride:p*stride+n])
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"sum", sumPlanes(x, planes, n, stride), sum}, {"squared deviations", sqDevPlanes(x, planes, n, stride, 0.7), sq},
				{"dot", dotPlanes(x, y, planes, n, stride), dot}} {
				if math.Float64bits(c.got) != math.Float64bits(c.want) {
					t.Fatalf("%s of %d planes of %d: %v, want %v", c.name, planes, n, c.got, c.want)
				}
			}
		}
	}
}

// TestTrainingStepsDoNotAllocate: once warm, training steps of both models allocate nothing:
// every job handed to the cores is a body made once (a new closure per call would be an
// allocation per call, whatever the number of cores). testing.AllocsPerRun runs on one core;
// on two, the runtime may now and then allocate for itself (the record of a sleeping helper's
// wait, a pool's per-core slot after a collection).
func TestTrainingStepsDoNotAllocate(t *testing.T) {
	if runtime.GOARCH == "wasm" {
		t.Skip("native training; under wasm these steps take seconds (one image's evaluation is checked in the browser)")
	}
	rng := rand.New(rand.NewPCG(11, 11))
	net := NewFashionNet(rng)
	netParams, netOpt := net.Params(), NewAdam(net.Params())
	x, labels := fashionBatch(rng, 64)
	vae := NewVAE(rng)
	vaeParams, vaeOpt := vae.Params(), NewAdam(vae.Params())
	faces, eps := uniformImages(rng, 32, 3), NewTensor(32, VAELatent)
	for name, step := range map[string]func(){
		"FashionNet": func() { ZeroGrads(netParams); net.Loss(x, labels); netOpt.Update() },
		"VAE":        func() { FillNormal(eps, rng); ZeroGrads(vaeParams); vae.Loss(faces, eps, 1e-5); vaeOpt.Update() },
	} {
		step() // buffers grown
		if n := testing.AllocsPerRun(3, step); n > 0 {
			t.Errorf("%s: %v allocations a training step, want none", name, n)
		}
	}
}

// TestNativeEvalPath: with the native kernels, frozen models give the batched layers' numbers,
// one image at a time (the whole-layer path) as for a batch: the convolution blocks bit for bit,
// the outputs within rounding (the dot kernel of one-row linear layers sums in another order).
func TestNativeEvalPath(t *testing.T) {
	if !haveFMA {
		t.Skip("no native kernels here")
	}
	t.Cleanup(func() { SetKernels(nil) })
	rng := rand.New(rand.NewPCG(12, 12))
	net := NewFashionNet(rng)
	randomNorms(rng, net.norms())
	net.SetTraining(false)
	vae := NewVAE(rng)
	vae.SetFrozen(true)
	near := func(what string, got, want []float32) {
		t.Helper()
		for i := range want {
			if d := math.Abs(float64(got[i] - want[i])); d > 1e-5*(1+math.Abs(float64(want[i]))) {
				t.Fatalf("%s: value %d is %v natively, %v with the layers", what, i, got[i], want[i])
			}
		}
	}
	for _, b := range []int{1, 3, 9} {
		x, _ := fashionBatch(rng, b)
		faces, z := randTensor(rng, b, 3, 32, 32), randTensor(rng, b, VAELatent)
		logits := append([]float32(nil), net.Forward(x).Data...)
		var blocks [4][]float32
		for i := range blocks {
			blocks[i] = append([]float32(nil), net.Block(i).Data...)
		}
		mean, _ := vae.Encode(faces)
		nativeMean := append([]float32(nil), mean.Data...)
		face := append([]float32(nil), vae.Decode(z).Data...)
		SetKernels(&Kernels{}) // nothing installed: the batched layers
		near("FashionNet logits", logits, net.Forward(x).Data)
		for i := range blocks {
			sameFloats(t, "FashionNet block", blocks[i], net.Block(i).Data)
		}
		mean, _ = vae.Encode(faces)
		near("VAE mean", nativeMean, mean.Data)
		near("VAE decoding", face, vae.Decode(z).Data)
		SetKernels(nil)
	}
}

// TestNarrowPoolingMatchesGo: pooling back-to-back pairs of 8- and 4-wide rows eight windows at
// a time gives the row-by-row Go pooling's values and argmax.
func TestNarrowPoolingMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	for _, w := range []int{8, 4} {
		for pairs := 1; pairs <= 9; pairs++ {
			x := specialFloats(rng, pairs*2*w)
			got, want := make([]float32, pairs*w/2), make([]float32, pairs*w/2)
			gotArg, wantArg := make([]int32, pairs*w/2), make([]int32, pairs*w/2)
			done := maxPool2Pairs(got, gotArg, x, pairs, w, 50)
			for p := 0; p < pairs; p++ {
				o, r0 := p*w/2, 2*p*w
				maxPool2RowGo(want[o:o+w/2], wantArg[o:o+w/2], x[r0:r0+w], x[r0+w:r0+2*w], 50+r0, 0)
				if p >= done {
					copy(got[o:o+w/2], want[o:o+w/2])
					copy(gotArg[o:o+w/2], wantArg[o:o+w/2])
				}
			}
			sameBits(t, "narrow pooling", got, want)
			if !slices.Equal(gotArg, wantArg) {
				t.Fatalf("width %d, %d pairs: argmax %v, want %v", w, pairs, gotArg, wantArg)
			}
		}
	}
}

// TestGemmReadsBatchesWhereTheyLie: a left operand given as an NCHW batch seen as C×B·P (the
// weight gradient's output gradient) gives the product of its channel-major copy, bit for bit.
func TestGemmReadsBatchesWhereTheyLie(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	for _, s := range [][3]int{{16, 9, 100}, {32, 144, 256}, {7, 20, 16}, {13, 33, 1}} {
		c, n, p := s[0], s[1], s[2]
		const batch = 5
		nchw := randTensor(rng, batch, c, p)
		cb := make([]float32, c*batch*p)
		toChannelMajor(&batchJobs{}, cb, nchw.Data, batch, c, p)
		b := randTensor(rng, batch*p, n)
		got, want := make([]float32, c*n), make([]float32, c*n)
		gemm(c, n, batch*p, matrix{data: nchw.Data, ld: p, img: c * p}, matrix{data: b.Data, ld: n}, got, n, false)
		gemm(c, n, batch*p, matrix{data: cb, ld: batch * p}, matrix{data: b.Data, ld: n}, want, n, false)
		sameBits(t, "product", got, want)
	}
}

package ml

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomNorms gives every BatchNorm running statistics and an affine part worth testing
// (negative scales flip the pooling order).
func randomNorms(rng *rand.Rand, bns []*BatchNorm) {
	for _, bn := range bns {
		for ch := 0; ch < bn.C; ch++ {
			bn.RunningMean.Value.Data[ch] = float32(rng.NormFloat64()) * 0.1
			bn.RunningVar.Value.Data[ch] = 0.05 + rng.Float32()*0.1
			bn.Weight.Value.Data[ch] = float32(rng.NormFloat64())
			bn.Bias.Value.Data[ch] = float32(rng.NormFloat64())
		}
	}
}

// sameFloats fails unless got equals want element by element (NaN matching NaN; the pooling
// may pick +0 where the layers pick −0, which compare equal).
func sameFloats(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] && !(got[i] != got[i] && want[i] != want[i]) {
			t.Fatalf("%s: value %d is %v with the eval kernels, %v with the layers", what, i, got[i], want[i])
		}
	}
}

// withGoMicroKernel makes the layers use the portable micro-kernel, as they do in the browser:
// the eval kernels follow its rounding, not the FMA assembly's.
func withGoMicroKernel(t *testing.T) {
	saved := haveFMA
	haveFMA = false
	t.Cleanup(func() { haveFMA = saved })
}

// TestEvalKernelsMatchLayers: with the reference eval kernels installed, both models give the
// unfused layers' numbers bit for bit, for one image and for a batch, including FashionNet's
// block outputs and a NaN in the input.
func TestEvalKernelsMatchLayers(t *testing.T) {
	t.Cleanup(func() { SetKernels(nil) }) // also when a check fails midway
	withGoMicroKernel(t)
	rng := rand.New(rand.NewPCG(21, 21))
	net := NewFashionNet(rng)
	randomNorms(rng, net.norms())
	net.SetTraining(false)
	vae := NewVAE(rng)
	vae.SetFrozen(true)
	for _, b := range []int{1, 3} {
		x, _ := fashionBatch(rng, b)
		x.Data[100] = float32(math.NaN())
		faces := randTensor(rng, b, 3, 32, 32)
		z := randTensor(rng, b, VAELatent)

		want := append([]float32(nil), net.Forward(x).Data...)
		var wantBlocks [4][]float32
		for i := range wantBlocks {
			wantBlocks[i] = append([]float32(nil), net.Block(i).Data...)
		}
		mean, logvar := vae.Encode(faces)
		wantMean, wantLogvar := append([]float32(nil), mean.Data...), append([]float32(nil), logvar.Data...)
		wantFace := append([]float32(nil), vae.Decode(z).Data...)

		SetKernels(goWholeLayerKernels())
		got := net.Forward(x).Data
		sameFloats(t, "FashionNet logits", got, want)
		for i := range wantBlocks {
			sameFloats(t, "FashionNet block", net.Block(i).Data, wantBlocks[i])
		}
		mean, logvar = vae.Encode(faces)
		sameFloats(t, "VAE mean", mean.Data, wantMean)
		sameFloats(t, "VAE log-variance", logvar.Data, wantLogvar)
		sameFloats(t, "VAE decoding", vae.Decode(z).Data, wantFace)
		SetKernels(nil)
	}
	if net.Conv[0].eval == nil || vae.DecDeconv2.eval == nil {
		t.Error("the eval kernels were not used")
	}
}

// TestEvalKernelsFallBack: layers the kernels cannot run (not frozen, or output pixels not in
// whole panels) keep the layers' path and its numbers.
func TestEvalKernelsFallBack(t *testing.T) {
	t.Cleanup(func() { SetKernels(nil) }) // also when a check fails midway
	withGoMicroKernel(t)
	rng := rand.New(rand.NewPCG(22, 22))
	k := goWholeLayerKernels()
	conv := NewConv2d("c", 2, 5, 3, 1, 1)
	conv.Init(rng)
	x := randTensor(rng, 1, 2, 5, 5) // 25 output pixels: not whole panels
	if _, ok := conv.forwardEval(k, x, &Epilogue{Mode: EpBias}); ok {
		t.Error("the eval path ran an unfrozen layer")
	}
	conv.SetFrozen(true)
	if _, ok := conv.forwardEval(k, x, &Epilogue{Mode: EpBias}); ok {
		t.Error("the eval path ran 25 output pixels")
	}
	x = randTensor(rng, 1, 2, 4, 8) // 32 pixels, but 2×4 = 8 pooling windows
	if _, ok := conv.forwardEval(k, x, &Epilogue{Mode: EpBias}); !ok {
		t.Error("the eval path refused 32 output pixels")
	}
	want := append([]float32(nil), conv.Forward(x).Data...)
	got, _ := conv.forwardEval(k, x, &Epilogue{Mode: EpBias})
	sameFloats(t, "convolution", got.Data, want)
}

// goWholeLayerKernels is the Go reference of the whole-layer kernels alone: products keep the
// packed path (the reference dot kernel sums in another order, not bit for bit).
func goWholeLayerKernels() *Kernels {
	k := GoKernels()
	k.Tile, k.Dot = nil, nil
	return k
}

// TestExplainingThroughEvalKernels: a model readied for explanations runs its convolutions' and
// linear layers' forward pass and their input gradients through the eval kernels. The forward pass keeps the
// layers' numbers bit for bit; the input gradient, a convolution by the flipped kernels, sums in
// another order and stays within float32 rounding of the layers' col2im.
func TestExplainingThroughEvalKernels(t *testing.T) {
	t.Cleanup(func() { SetKernels(nil) })
	withGoMicroKernel(t)
	rng := rand.New(rand.NewPCG(23, 23))
	net := NewFashionNet(rng)
	randomNorms(rng, net.norms())
	net = net.Copy()
	net.SetGradientsFrom(0)
	for _, b := range []int{1, 3} {
		x, _ := fashionBatch(rng, b)
		dLogits := randTensor(rng, b, 10)
		run := func() (logits, block1Grad, inputGrad []float32) {
			logits = append(logits, net.Forward(x).Data...)
			net.BackwardTo(dLogits, -1)
			return logits, append(block1Grad, net.BlockGrad(1).Data...), append(inputGrad, net.InputGrad().Data...)
		}
		wantLogits, wantBlock, wantInput := run()
		SetKernels(goWholeLayerKernels())
		gotLogits, gotBlock, gotInput := run()
		SetKernels(nil)
		if net.Conv[2].evalDx == nil || b > 1 && net.FC1.evalDx == nil {
			t.Fatal("the input gradient did not go through the eval kernels")
		}
		sameFloats(t, "logits", gotLogits, wantLogits)
		for what, pair := range map[string][2][]float32{"block 2's gradient": {gotBlock, wantBlock}, "input gradient": {gotInput, wantInput}} {
			var scale, worst float64
			for i, w := range pair[1] {
				scale = math.Max(scale, math.Abs(float64(w)))
				worst = math.Max(worst, math.Abs(float64(pair[0][i]-w)))
			}
			if scale == 0 || worst > 1e-5*scale {
				t.Errorf("batch %d, %s: off by %g against a largest value of %g", b, what, worst, scale)
			}
		}
	}
}

package ml

import (
	"math/rand/v2"
	"testing"
)

// Benchmarks of the shapes the trainer and the browser use. Compare with PyTorch on the same
// machine with scripts/bench_torch.py (see the README's speed table).

func fashionBatch(rng *rand.Rand, b int) (*Tensor, []int) {
	labels := make([]int, b)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	return uniformImages(rng, b, 1), labels
}

// uniformImages is a batch of b random 32×32 images with c channels, pixels in [0, 1).
func uniformImages(rng *rand.Rand, b, c int) *Tensor {
	x := NewTensor(b, c, 32, 32)
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	return x
}

// loop times step, reporting allocations.
func loop(b *testing.B, step func()) {
	b.ReportAllocs()
	for b.Loop() {
		step()
	}
}

// BenchmarkFashionNetTrainStep is one optimisation step at batch 64: forward, backward, Adam.
func BenchmarkFashionNetTrainStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := NewFashionNet(rng)
	opt := NewAdam(m.Params())
	x, labels := fashionBatch(rng, 64)
	ps := m.Params()
	loop(b, func() { ZeroGrads(ps); m.Loss(x, labels); opt.Update() })
}

// BenchmarkFashionNetInfer classifies one image in evaluation mode.
func BenchmarkFashionNetInfer(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := NewFashionNet(rng)
	m.SetTraining(false)
	x, _ := fashionBatch(rng, 1)
	loop(b, func() { m.Forward(x) })
}

// BenchmarkVAEDecode decodes one latent code to a face.
func BenchmarkVAEDecode(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, z := NewVAE(rng), randTensor(rng, 1, VAELatent)
	m.SetFrozen(true) // inference, as in the app and the trainer's galleries
	loop(b, func() { m.Decode(z) })
}

// BenchmarkVAEReconstruct encodes and decodes one face.
func BenchmarkVAEReconstruct(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := NewVAE(rng)
	m.SetFrozen(true)
	x := uniformImages(rng, 1, 3)
	loop(b, func() { m.Reconstruct(x) })
}

// BenchmarkVAETrainStep is one optimisation step at batch 32.
func BenchmarkVAETrainStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := NewVAE(rng)
	opt := NewAdam(m.Params())
	x, eps := uniformImages(rng, 32, 3), NewTensor(32, VAELatent)
	ps := m.Params()
	loop(b, func() { FillNormal(eps, rng); ZeroGrads(ps); m.Loss(x, eps, 1e-5); opt.Update() })
}

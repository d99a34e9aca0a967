package ml

import (
	"math/rand/v2"
	"testing"
)

// Benchmarks of the shapes the trainer and the browser use. Compare with PyTorch on the same
// machine with scripts/bench_torch.py (see the README's speed table).

func fashionBatch(rng *rand.Rand, b int) (*Tensor, []int) {
	x := NewTensor(b, 1, 32, 32)
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	labels := make([]int, b)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	return x, labels
}

// BenchmarkFashionNetTrainStep is one optimisation step at batch 64: forward, backward, Adam.
func BenchmarkFashionNetTrainStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := NewFashionNet(rng)
	opt := NewAdam(m.Params())
	x, labels := fashionBatch(rng, 64)
	b.ReportAllocs()
	for b.Loop() {
		ZeroGrads(m.Params())
		m.Loss(x, labels)
		opt.Update()
	}
}

// BenchmarkFashionNetInfer classifies one image in evaluation mode.
func BenchmarkFashionNetInfer(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := NewFashionNet(rng)
	m.SetTraining(false)
	x, _ := fashionBatch(rng, 1)
	b.ReportAllocs()
	for b.Loop() {
		m.Forward(x)
	}
}

// BenchmarkVAEDecode decodes one latent code to a face.
func BenchmarkVAEDecode(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := NewVAE(rng)
	z := randTensor(rng, 1, VAELatent)
	b.ReportAllocs()
	for b.Loop() {
		m.Decode(z)
	}
}

// BenchmarkVAEReconstruct encodes and decodes one face.
func BenchmarkVAEReconstruct(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := NewVAE(rng)
	x := NewTensor(1, 3, 32, 32)
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Reconstruct(x)
	}
}

// BenchmarkVAETrainStep is one optimisation step at batch 32.
func BenchmarkVAETrainStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := NewVAE(rng)
	opt := NewAdam(m.Params())
	x := NewTensor(32, 3, 32, 32)
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	eps := NewTensor(32, VAELatent)
	b.ReportAllocs()
	for b.Loop() {
		FillNormal(eps, rng)
		ZeroGrads(m.Params())
		m.Loss(x, eps, 1e-5)
		opt.Update()
	}
}

//go:build !(js && wasm)

// Natively only: under js/wasm, without the page's kernels, forty training steps take 8 s;
// the page trains without BatchNorm in e2e/train_test.go.

package ml

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFashionNetWithoutBatchNorm: switched off, the BatchNorm layers leave training and
// evaluation computing the same function, stay at their initial state while the rest learns,
// and are no optimiser's business.
func TestFashionNetWithoutBatchNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	m := NewFashionNet(rng)
	m.WithoutBatchNorm()
	if got, all := len(m.TrainableParams()), len(m.Params()); got != all-12 {
		t.Fatalf("%d trainable tensors of %d, want all but the 6 BatchNorm layers' γ and β", got, all)
	}
	x := NewTensor(8, 1, 32, 32)
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	labels := []int{0, 1, 2, 3, 4, 5, 6, 7}
	opt := NewAdam(m.TrainableParams())
	opt.LR = 3e-3
	first, _ := m.Loss(x, labels)
	var last float64
	for step := 0; step < 40; step++ {
		ZeroGrads(m.Params())
		last, _ = m.Loss(x, labels)
		opt.Update()
	}
	if !(last < 0.8*first) { // without BatchNorm it learns slowly: the course's point
		t.Errorf("loss %.3f after 40 steps on one batch, from %.3f: it does not learn", last, first)
	}
	for _, bn := range m.norms() {
		if bn.Weight.Value.Data[0] != 1 || bn.Bias.Value.Data[0] != 0 || bn.RunningMean.Value.Data[0] != 0 || bn.RunningVar.Value.Data[0] != 1 || bn.NumBatchesTracked != 0 {
			t.Fatalf("%s moved: γ %v β %v mean %v var %v", bn.Weight.Name, bn.Weight.Value.Data[0], bn.Bias.Value.Data[0], bn.RunningMean.Value.Data[0], bn.RunningVar.Value.Data[0])
		}
	}
	train := append([]float32(nil), m.Forward(x).Data...)
	m.SetTraining(false)
	for i, v := range m.Forward(x).Data {
		if d := v - train[i]; d > 1e-4 || d < -1e-4 {
			t.Fatalf("logit %d: %v in evaluation, %v in training", i, v, train[i])
		}
	}
}

// TestConfidenceIsTheTopProbability: Confidence is the softmax's largest probability, and
// leaves its input as it was.
func TestConfidenceIsTheTopProbability(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m := NewFashionNet(rng)
	m.SetTraining(false)
	x := make([]float32, 1024)
	for i := range x {
		x[i] = rng.Float32()
	}
	kept := slices.Clone(x)
	logits := m.Forward(FromData(slices.Clone(x), 1, 1, 32, 32)).Data
	probs := make([]float32, len(logits))
	Softmax(probs, logits, len(logits))
	if got, want := m.Confidence(x), float64(slices.Max(probs)); math.Abs(got-want) > 1e-6 {
		t.Errorf("Confidence %v, the top probability %v", got, want)
	}
	if !slices.Equal(x, kept) {
		t.Error("Confidence changed its input")
	}
}

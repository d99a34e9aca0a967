package ml

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFusedBlockTailMatches: in evaluation, FashionNet's fused ReLU→BatchNorm→pool gives the
// unfused layers' output bit for bit, NaN and ties included.
func TestFusedBlockTailMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	x := FromData(randSlice(rng, 2*6*8*8), 2, 6, 8, 8)
	x.Data[5], x.Data[70] = float32(math.NaN()), float32(math.Copysign(0, -1))
	x.Data[10], x.Data[11] = 0.25, 0.25
	bn := NewBatchNorm("bn", 6)
	for ch := 0; ch < 6; ch++ {
		bn.RunningMean.Value.Data[ch] = float32(rng.NormFloat64())
		bn.RunningVar.Value.Data[ch] = 0.1 + rng.Float32()
		bn.Weight.Value.Data[ch] = float32(rng.NormFloat64()) // negative scales flip the order
		bn.Bias.Value.Data[ch] = float32(rng.NormFloat64())
	}
	bn.Train = false
	want := NewMaxPool2d(2).Forward(bn.Forward(new(ReLU).Forward(x))).Data
	got := reluNormPool(x, bn, NewMaxPool2d(2)).Data
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("output %d: fused %v, unfused %v", i, got[i], want[i])
		}
	}
}

// TestSigmoidAccuracy: the float32 sigmoid stays within 1e-7 of the float64 one, and keeps its
// limits and NaN.
func TestSigmoidAccuracy(t *testing.T) {
	ref := func(v float32) float64 { return 1 / (1 + math.Exp(-float64(v))) }
	worst := 0.0
	for v := float32(-100); v <= 100; v += 0.0037 {
		worst = max(worst, math.Abs(float64(sigmoid(v))-ref(v)))
	}
	if worst > 1e-7 {
		t.Errorf("sigmoid is off by up to %.2g", worst)
	}
	for _, c := range []struct{ in, want float32 }{{0, 0.5}, {200, 1}, {-200, 0}, {float32(math.Inf(1)), 1}, {float32(math.Inf(-1)), 0}} {
		if got := sigmoid(c.in); got != c.want {
			t.Errorf("sigmoid(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if got := sigmoid(float32(math.NaN())); got == got {
		t.Errorf("sigmoid(NaN) = %v", got)
	}
}

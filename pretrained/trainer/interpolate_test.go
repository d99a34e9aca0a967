package trainer

import (
	"math/rand/v2"
	"testing"

	"lookbook/ml"
)

// TestInterpolateFashionNet: alpha 0 and 1 give the two models, 0.5 their midpoint, in every
// weight and BatchNorm statistic.
func TestInterpolateFashionNet(t *testing.T) {
	a := ml.NewFashionNet(rand.New(rand.NewPCG(1, 1)))
	b := ml.NewFashionNet(rand.New(rand.NewPCG(2, 2)))
	b.Norm[0].RunningMean.Value.Data[3] = 4 // a statistic, not only the weights
	for _, tc := range []struct {
		alpha float64
		want  func(x, y float32) float32
	}{
		{0, func(x, y float32) float32 { return x }},
		{1, func(x, y float32) float32 { return y }},
		{0.5, func(x, y float32) float32 { return float32(0.5*float64(x) + 0.5*float64(y)) }},
	} {
		m := InterpolateFashionNet(a, b, tc.alpha)
		sa, sb, sm := a.State(), b.State(), m.State()
		for i, e := range sm {
			if e.Float == nil {
				continue
			}
			for j, v := range e.Float.Data {
				if want := tc.want(sa[i].Float.Data[j], sb[i].Float.Data[j]); v != want {
					t.Fatalf("alpha %g: %s[%d] = %v, want %v", tc.alpha, e.Name, j, v, want)
				}
			}
		}
	}
}

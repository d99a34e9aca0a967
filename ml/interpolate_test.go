package ml

import (
	"math"
	"testing"
)

func TestInterpolationEndpointsAndNorm(t *testing.T) {
	a := []float32{3, 0, 0}
	b := []float32{0, 4, 0}
	dst := make([]float32, 3)
	for _, f := range []func([]float32, []float32, []float32, float64){Lerp, Slerp} {
		f(dst, a, b, 0)
		if dst[0] != 3 || dst[1] != 0 {
			t.Errorf("t=0 gave %v, want a", dst)
		}
		f(dst, a, b, 1)
		if math.Abs(float64(dst[1]-4)) > 1e-6 || math.Abs(float64(dst[0])) > 1e-6 {
			t.Errorf("t=1 gave %v, want b", dst)
		}
	}
	Slerp(dst, a, b, 0.5)
	norm := math.Hypot(float64(dst[0]), float64(dst[1]))
	if math.Abs(norm-3.5) > 1e-5 || math.Abs(float64(dst[0]-dst[1])) > 1e-6 {
		t.Errorf("slerp midpoint %v: norm %.4f, want 3.5 at 45° between the directions", dst, norm)
	}
	Lerp(dst, a, b, 0.5)
	if n := math.Hypot(float64(dst[0]), float64(dst[1])); n > 2.6 {
		t.Errorf("lerp midpoint norm %.3f: expected it to shrink (2.5)", n)
	}
	// Parallel vectors: no division by zero.
	Slerp(dst, a, []float32{6, 0, 0}, 0.5)
	if dst[0] != 4.5 {
		t.Errorf("parallel slerp gave %v, want 4.5", dst[0])
	}
}

package prep

import (
	"math"
	"testing"
)

func TestExactLogAndExp(t *testing.T) {
	for _, x := range []float64{1e-300, 1e-6, 0.04, 0.5, 0.7071, 1, 1.5, 2, 10, 12345.678, 1e300} {
		if got, want := exactLog(x), math.Log(x); math.Abs(got-want) > 1e-13*math.Max(1, math.Abs(want)) {
			t.Errorf("exactLog(%g) = %.17g, want %.17g", x, got, want)
		}
	}
	for _, x := range []float64{0, -1e-9, -0.3, -0.5, -1, -7.25, -50, -300, -650} {
		if got, want := exactExp(x), math.Exp(x); math.Abs(got-want) > 1e-12*want {
			t.Errorf("exactExp(%g) = %.17g, want %.17g", x, got, want)
		}
	}
}

package pca

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Reference: scikit-learn 1.2.1's sklearn.decomposition.PCA(n_components=2) on the 8×4 matrix
// below (x[i][j] = sin(1.3i + 0.7j)·(j+1) + 0.1i). Principal directions are defined up to sign,
// so the comparison flips ours to match the reference's sign.
var (
	refX          = []float32{0.0, 1.2884353399276733, 2.9563491344451904, 3.4528374671936035, 1.0635582208633423, 1.9185948371887207, 1.3821396827697754, -0.9221643805503845, 0.7155013680458069, -0.11549139022827148, -2.0704073905944824, -3.7996931076049805, -0.38776615262031555, -1.6873819828033447, -2.1968023777008057, -0.8176620006561279, -0.4834546446800232, -0.3477533161640167, 1.3346240520477295, 3.801746368408203, 0.7151200175285339, 2.0873358249664307, 3.496824026107788, 3.4375884532928467, 1.5985432863235474, 2.196974277496338, 1.2686697244644165, -1.2301435470581055, 1.0190984010696411, -0.0329582579433918, -1.9390872716903687, -3.2167108058929443}
	refComponents = [][]float64{{0.058193312621289746, -0.18550513134985702, -0.5771560565458169, -0.79315337167632}, {-0.3819861906584628, -0.6786314007246296, -0.4378223591735621, 0.44928560393636036}}
	refRatio      = []float64{0.8065695519601095, 0.19129084157076418}
	refVariance   = []float64{13.909874024190113, 3.298948617344082}
	refProjection = [][]float64{{-4.216372048408731, 0.22730104361908254}, {0.10723417225096232, -1.8830107270114556}, {4.739293042169329, -0.15089289180174426}, {2.6744256016225996, 2.7323965051749073}, {-3.281734375051983, 2.389130384948497}, {-4.622800431761078, -0.8315069397328931}, {0.3964904828241367, -2.3649756006308698}, {4.203463556354763, -0.1184417745655233}}
)

func TestMatchesScikitLearn(t *testing.T) {
	p, err := Fit(refX, 8, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-5 // the input is float32
	for c := 0; c < 2; c++ {
		sign := 1.0
		if p.Components[c*4]*refComponents[c][0] < 0 {
			sign = -1
		}
		for j := 0; j < 4; j++ {
			if got := sign * p.Components[c*4+j]; math.Abs(got-refComponents[c][j]) > tol {
				t.Errorf("component %d[%d] = %v, want %v", c, j, got, refComponents[c][j])
			}
		}
		for i := 0; i < 8; i++ {
			var y [2]float64
			p.Project(y[:], refX[i*4:(i+1)*4])
			if got := sign * y[c]; math.Abs(got-refProjection[i][c]) > tol {
				t.Errorf("projection of row %d on %d = %v, want %v", i, c, got, refProjection[i][c])
			}
		}
		if math.Abs(p.Ratio[c]-refRatio[c]) > tol || math.Abs(p.Variance[c]-refVariance[c]) > 1e-4 {
			t.Errorf("component %d explains %v (ratio %v), want %v (%v)", c, p.Variance[c], p.Ratio[c], refVariance[c], refRatio[c])
		}
	}
}

func TestFitRejectsBadShapes(t *testing.T) {
	for _, c := range []struct{ n, d, k, len int }{{1, 4, 2, 4}, {8, 4, 5, 32}, {8, 4, 2, 31}, {8, 4, 0, 32}} {
		if _, err := Fit(make([]float32, c.len), c.n, c.d, c.k); err == nil {
			t.Errorf("Fit(%d×%d, k=%d, %d values) gave no error", c.n, c.d, c.k, c.len)
		}
	}
}

// Points spread along the direction (3, 4)/5 with a little noise across it: the first
// component is that direction, and it explains almost all the variance.
func ExamplePCA_Project() {
	x := []float32{}
	for i := -5; i <= 5; i++ {
		across := float32(0.1 * float64((i+10)%2*2-1)) // ±0.1, perpendicular to the line
		x = append(x, float32(3*i)/5-4*across/5, float32(4*i)/5+3*across/5)
	}
	p, _ := Fit(x, 11, 2, 1)
	fmt.Printf("direction (%.2f, %.2f), explains %.1f%%\n", p.Components[0], p.Components[1], 100*p.Ratio[0])
	var y [1]float64
	p.Project(y[:], []float32{3, 4})
	fmt.Printf("(3, 4) lies %.2f along it\n", y[0])
	// Output:
	// direction (0.60, 0.80), explains 99.9%
	// (3, 4) lies 5.00 along it
}

func TestTSNEStart(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	n, d := 200, 6
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64()) * float32(1+i%d)
	}
	y, err := TSNEStart(x, n, d, 2)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := Fit(x, n, d, 2)
	proj := p.Transform(x, n)
	var mean, sq float64
	for i := 0; i < n; i++ {
		mean += y[2*i]
	}
	mean /= float64(n)
	for i := 0; i < n; i++ {
		sq += (y[2*i] - mean) * (y[2*i] - mean)
	}
	if std := math.Sqrt(sq / float64(n)); math.Abs(std-1e-4) > 1e-10 {
		t.Errorf("first coordinate's standard deviation %g, want 1e-4", std)
	}
	k := y[0] / proj[0]
	for i := range y {
		if math.Abs(y[i]-k*proj[i]) > 1e-12 {
			t.Fatalf("coordinate %d is not the scaled projection", i)
		}
	}
	if _, err := TSNEStart(make([]float32, n*d), n, d, 2); err == nil {
		t.Error("constant data gave a starting layout")
	}
}

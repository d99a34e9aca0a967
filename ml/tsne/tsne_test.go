package tsne

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// clusters returns n points in d dimensions drawn around c well-separated centres, and labels.
func clusters(rng *rand.Rand, n, d, c int, spread float64) ([]float32, []int) {
	centres := make([]float64, c*d)
	for i := range centres {
		centres[i] = 10 * rng.NormFloat64()
	}
	x := make([]float32, n*d)
	labels := make([]int, n)
	for i := 0; i < n; i++ {
		labels[i] = i % c
		for a := 0; a < d; a++ {
			x[i*d+a] = float32(centres[labels[i]*d+a] + spread*rng.NormFloat64())
		}
	}
	return x, labels
}

func randomSparse(rng *rand.Rand, n int) *Sparse {
	x, _ := clusters(rng, n, 5, 3, 1)
	t, _ := New(x, n, 5, DefaultConfig(2))
	for t.P == nil {
		t.unit()
	}
	return t.P
}

func TestBarnesHutMatchesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, dims := range []int{2, 3} {
		n := 300
		P := randomSparse(rng, n)
		y := make([]float64, n*dims)
		for i := range y {
			y[i] = 5 * rng.NormFloat64()
		}
		exact := make([]float64, n*dims)
		zExact := gradient(exact, y, P, n, dims, 1, 0, nil)
		for _, c := range []struct {
			theta, bound float64
		}{{0, 1e-12}, {0.5, 0.03}, {1, 0.2}} {
			var tr tree
			rep := make([]float64, n*dims)
			zBH := bhRepulsion(rep, y, n, dims, c.theta, &tr)
			if c.theta == 0 {
				// θ = 0 opens every cell: the tree visits each other point once.
				refRep := make([]float64, n*dims)
				exactRepulsion(refRep, y, n, dims)
				if e := relErr(rep, refRep); e > c.bound {
					t.Errorf("%dD θ=0: repulsion differs from exact by %.3g", dims, e)
				}
			}
			grad := make([]float64, n*dims)
			attraction(grad, y, P, n, dims, 1)
			for i := range grad {
				grad[i] = 4 * (grad[i] - rep[i]/zBH)
			}
			e := relErr(grad, exact)
			t.Logf("%dD θ=%g: gradient relative error %.2g", dims, c.theta, e)
			if e > c.bound {
				t.Errorf("%dD θ=%g: gradient relative error %.3g, want ≤ %g", dims, c.theta, e, c.bound)
			}
			if e := math.Abs(zBH-zExact) / zExact; e > c.bound {
				t.Errorf("%dD θ=%g: Z relative error %.3g, want ≤ %g", dims, c.theta, e, c.bound)
			}
		}
	}
}

func relErr(got, want []float64) float64 {
	var num, den float64
	for i := range got {
		num += (got[i] - want[i]) * (got[i] - want[i])
		den += want[i] * want[i]
	}
	return math.Sqrt(num / den)
}

func TestClustersSeparateAndKLFalls(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	n, d := 400, 20
	x, labels := clusters(rng, n, d, 4, 1)
	for _, dims := range []int{2, 3} {
		cfg := DefaultConfig(dims)
		cfg.Iterations = 500
		ts, err := New(x, n, d, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for ts.Iter < cfg.ExaggerationIters+50 {
			ts.unit()
		}
		klEarly := ts.KL()
		ts.Run()
		klEnd := ts.KL()
		if !(klEnd < klEarly) {
			t.Errorf("%dD: KL did not fall after exaggeration: %.3f → %.3f", dims, klEarly, klEnd)
		}
		if acc := KNNAccuracy(ts.Y, n, dims, labels, 10); acc < 0.999 {
			t.Errorf("%dD: well-separated clusters: 10-NN accuracy %.3f, want 1", dims, acc)
		}
		if tw := Trustworthiness(x, n, d, ts.Y, dims, 12); tw < 0.9 {
			t.Errorf("%dD: trustworthiness %.3f, want ≥ 0.9", dims, tw)
		}
	}
}

func TestInitIsChecked(t *testing.T) {
	x := make([]float32, 40*3)
	cfg := DefaultConfig(2)
	cfg.Init = make([]float64, 40*3)
	if _, err := New(x, 40, 3, cfg); err == nil {
		t.Error("accepted 120 initial coordinates for 40 points in 2D")
	}
	cfg.Init = make([]float64, 40*2)
	for i := range cfg.Init {
		cfg.Init[i] = float64(i) * 1e-5
	}
	ts, err := New(x, 40, 3, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for ts.P == nil {
		ts.unit()
	}
	for i, v := range cfg.Init {
		if ts.Y[i] != v {
			t.Fatalf("Y[%d] starts at %g, want %g", i, ts.Y[i], v)
		}
	}
}

func TestStepMatchesRun(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	x, _ := clusters(rng, 600, 8, 3, 1)
	cfg := DefaultConfig(2)
	cfg.Iterations = 60
	a, _ := New(x, 600, 8, cfg)
	a.Run()
	b, _ := New(x, 600, 8, cfg)
	steps := 0
	for !b.Step(time.Nanosecond) {
		steps++
	}
	if steps < 60 {
		t.Errorf("Step(1ns) finished in %d calls; each call should do one bounded unit", steps)
	}
	for i := range a.Y {
		if a.Y[i] != b.Y[i] {
			t.Fatalf("stepped result differs at %d: %v vs %v", i, a.Y[i], b.Y[i])
		}
	}
	// Smaller blocks split the neighbour search and calibration into more, shorter units,
	// and change nothing else.
	small := cfg
	small.BlockRows = 16
	c, _ := New(x, 600, 8, small)
	blocks := 0
	for !c.Step(time.Nanosecond) {
		blocks++
	}
	if want := 60 + 2*600/16; blocks < want {
		t.Errorf("BlockRows 16: %d units, want at least %d", blocks, want)
	}
	for i := range a.Y {
		if a.Y[i] != c.Y[i] {
			t.Fatalf("BlockRows 16: result differs at %d: %v vs %v", i, a.Y[i], c.Y[i])
		}
	}
}

func TestPlacedPointsLandAmongTheirClass(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	n, held, d := 600, 100, 10
	x, labels := clusters(rng, n+held, d, 6, 9) // overlapping enough that accuracy is not trivial
	cfg := DefaultConfig(2)
	cfg.Iterations = 500
	ts, _ := New(x[:n*d], n, d, cfg)
	ts.Run()
	mapAcc := KNNAccuracy(ts.Y, n, 2, labels[:n], 10)
	m := NewMap(x[:n*d], n, d, ts.Y, 2, cfg.Perplexity)
	// Classify each placed point by a 10-NN vote among the map's points.
	correct := 0
	for h := 0; h < held; h++ {
		i := n + h
		pl := m.Place(x[i*d : (i+1)*d])
		votes := make([]int, 6)
		for _, j := range nearestTo(ts.Y, n, pl.Y, 10) {
			votes[labels[j]]++
		}
		best := 0
		for c := range votes {
			if votes[c] > votes[best] {
				best = c
			}
		}
		if best == labels[i] {
			correct++
		}
	}
	placedAcc := float64(correct) / float64(held)
	t.Logf("10-NN accuracy: map %.3f, placed points %.3f", mapAcc, placedAcc)
	if placedAcc < mapAcc-0.02 {
		t.Errorf("placed points' 10-NN accuracy %.3f is more than 2 points below the map's %.3f", placedAcc, mapAcc)
	}
}

func nearestTo(y []float64, n int, p []float64, k int) []int {
	type c struct {
		j int
		d float64
	}
	all := make([]c, n)
	for j := 0; j < n; j++ {
		dx, dy := y[2*j]-p[0], y[2*j+1]-p[1]
		all[j] = c{j, dx*dx + dy*dy}
	}
	for a := 0; a < k; a++ {
		for b := a + 1; b < n; b++ {
			if all[b].d < all[a].d {
				all[a], all[b] = all[b], all[a]
			}
		}
	}
	out := make([]int, k)
	for a := range out {
		out[a] = all[a].j
	}
	return out
}

func TestTrustworthinessBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	n := 200
	x := make([]float32, n*2)
	y := make([]float64, n*2)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
		y[i] = float64(x[i])
	}
	if tw := Trustworthiness(x, n, 2, y, 2, 12); math.Abs(tw-1) > 1e-12 {
		t.Errorf("identity embedding: trustworthiness %v, want 1", tw)
	}
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	if tw := Trustworthiness(x, n, 2, y, 2, 12); tw > 0.6 {
		t.Errorf("random embedding: trustworthiness %v, want about 0.5", tw)
	}
}

func TestConditionalHitsPerplexity(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	d2 := make([]float64, 90)
	for i := range d2 {
		d2[i] = 50 + 20*rng.Float64()
	}
	p := make([]float64, 90)
	conditional(p, d2, 30)
	var h, sum float64
	for _, v := range p {
		sum += v
		if v > 0 {
			h -= v * math.Log(v)
		}
	}
	if math.Abs(math.Exp(h)-30) > 0.01 || math.Abs(sum-1) > 1e-9 {
		t.Errorf("perplexity %.4f (sum %.6f), want 30", math.Exp(h), sum)
	}
}

package prep

import (
	"image/color"
	"math"
	"math/rand/v2"
	"testing"
)

// TestMinCutIsTheLeastEnergy: on small grids with random costs, minCut's labelling costs as
// little as the best of all labellings (found by trying every one), and fixed pixels stay
// background.
func TestMinCutIsTheLeastEnergy(t *testing.T) {
	const w, h = 4, 3
	const n = w * h
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 300 {
		unary, fixed := make([]float32, n), make([]bool, n)
		right, down := make([]float32, n), make([]float32, n)
		for i := range n {
			unary[i] = float32(2 * rng.NormFloat64())
			fixed[i] = rng.IntN(8) == 0
			right[i], down[i] = 2*rng.Float32(), 2*rng.Float32()
		}
		weight := func(i, j int) float32 {
			if j == i+1 {
				return right[i]
			}
			return down[i]
		}
		energy := func(garment func(i int) bool) float64 {
			var e float64
			for i := range n {
				if !garment(i) {
					continue
				}
				if fixed[i] {
					return math.Inf(1)
				}
				e += float64(unary[i])
			}
			for i := range n {
				if x := i % w; x+1 < w && garment(i) != garment(i+1) {
					e += float64(right[i])
				}
				if i+w < n && garment(i) != garment(i+w) {
					e += float64(down[i])
				}
			}
			return e
		}
		got := minCut(unary, weight, fixed, w, h)
		best := math.Inf(1)
		for set := range 1 << n {
			best = min(best, energy(func(i int) bool { return set>>i&1 == 1 }))
		}
		if e := energy(func(i int) bool { return got[i] }); math.Abs(e-best) > 1e-4 {
			t.Fatalf("trial %d: the cut costs %.5f, the least is %.5f", trial, e, best)
		}
	}
}

// BenchmarkMinCut: one GrabCut round's graph cut on a 128×96 photo.
func BenchmarkMinCut(b *testing.B) {
	img := floorPhoto(128, 96, tShirt(128, 96), color.RGBA{200, 30, 40, 255}, 7)
	s := newScene(img)
	mask := make([]bool, s.w*s.h)
	s.fillMiddle(mask, rectInset)
	unary, ok := garmentCosts(s.col, mask)
	if !ok {
		b.Fatal("no colour models")
	}
	fixed := make([]bool, len(mask))
	for i := range fixed {
		fixed[i] = borderSide(i%s.w, i/s.w, s.w, s.h, s.band) >= 0
	}
	for b.Loop() {
		minCut(unary, s.weight, fixed, s.w, s.h)
	}
}

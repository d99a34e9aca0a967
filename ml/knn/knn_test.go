package knn

import (
	"math/rand/v2"
	"sort"
	"testing"
)

// TestFindMatchesNaive compares Find with a direct computation in float64, on random points and
// on points with equal distances (which must go to the smaller index).
func TestFindMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, d, k = 700, 9, 6
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.IntN(5)) // a coarse grid: many ties
	}
	g := Find(x, n, d, k)
	for i := 0; i < n; i++ {
		type cand struct {
			j  int
			d2 float64
		}
		var all []cand
		for j := 0; j < n; j++ {
			if j == i {
				continue
			}
			var s float64
			for a := 0; a < d; a++ {
				diff := float64(x[i*d+a]) - float64(x[j*d+a])
				s += diff * diff
			}
			all = append(all, cand{j, s})
		}
		sort.Slice(all, func(p, q int) bool { return all[p].d2 < all[q].d2 || all[p].d2 == all[q].d2 && all[p].j < all[q].j })
		for r := 0; r < k; r++ {
			if g.Index[i*k+r] != all[r].j || g.Dist2[i*k+r] != all[r].d2 {
				t.Fatalf("point %d, neighbour %d: got %d at %g, want %d at %g", i, r, g.Index[i*k+r], g.Dist2[i*k+r], all[r].j, all[r].d2)
			}
		}
	}
}

package tsne

import (
	"math"
	"sort"
)

// Map is a finished embedding onto which new points can be placed: the features x (N×D) and
// their coordinates y (N×Dims). Its Barnes-Hut tree is built once.
type Map struct {
	X          []float32
	N, D, Dims int
	Y          []float64
	Perplexity float64
	Theta      float64

	tree tree
}

// NewMap wraps a finished embedding for placing points.
func NewMap(x []float32, n, d int, y []float64, dims int, perplexity float64) *Map {
	m := &Map{X: x, N: n, D: d, Dims: dims, Y: y, Perplexity: perplexity, Theta: 0.5}
	m.tree.build(y, n, dims)
	return m
}

// Placement is where a new point lands and the map points nearest to it in feature space.
type Placement struct {
	Y          []float64 // Dims coordinates
	Neighbours []int     // nearest first
	Weights    []float64 // their affinities P(j|new), summing to 1
}

// Place embeds a new feature vector (D) into the fixed map, the way openTSNE transforms new
// data: affinities to its 3·perplexity nearest map points calibrated to the map's perplexity,
// a start at their affinity-weighted mean, then gradient descent on the new point's own
// KL(P(·|new) ‖ Q(·|new)) with the map held fixed (repulsion by the map's Barnes-Hut tree).
// Not safe for concurrent use.
func (m *Map) Place(x []float32) Placement {
	k := min(m.N, int(3*m.Perplexity+1))
	d2 := make([]float64, m.N)
	for j := 0; j < m.N; j++ {
		row := m.X[j*m.D : (j+1)*m.D]
		var s float64
		for a, v := range x[:m.D] {
			diff := float64(v) - float64(row[a])
			s += diff * diff
		}
		d2[j] = s
	}
	idx := make([]int, m.N)
	for j := range idx {
		idx[j] = j
	}
	sort.Slice(idx, func(a, b int) bool {
		if d2[idx[a]] != d2[idx[b]] {
			return d2[idx[a]] < d2[idx[b]]
		}
		return idx[a] < idx[b]
	})
	nb := idx[:k]
	nd := make([]float64, k)
	for t, j := range nb {
		nd[t] = d2[j]
	}
	p := make([]float64, k)
	conditional(p, nd, m.Perplexity)

	dims := m.Dims
	y := make([]float64, dims)
	for t, j := range nb {
		for a := 0; a < dims; a++ {
			y[a] += p[t] * m.Y[j*dims+a]
		}
	}
	cost, grad := m.costGrad(y, nb, p)
	step := 1.0
	for it := 0; it < 100 && step > 1e-6; it++ {
		cand := make([]float64, dims)
		for a := range cand {
			cand[a] = y[a] - step*grad[a]
		}
		c2, g2 := m.costGrad(cand, nb, p)
		if c2 < cost {
			y, cost, grad = cand, c2, g2
			step *= 1.5
		} else {
			step *= 0.5
		}
	}
	return Placement{Y: y, Neighbours: append([]int(nil), nb...), Weights: p}
}

// costGrad is the new point's cost up to a constant, −Σ p_j log w_j + log Z, and its gradient
// 2 Σ p_j w_j (y − y_j) − 2 Σ_k w_k² (y − y_k) / Z.
func (m *Map) costGrad(y []float64, nb []int, p []float64) (float64, []float64) {
	dims := m.Dims
	force := make([]float64, dims)
	var z float64
	z = m.tree.repulsion(y, -1, m.Theta, force)
	grad := make([]float64, dims)
	var cost float64
	for t, j := range nb {
		var dist2 float64
		var diff [3]float64
		for a := 0; a < dims; a++ {
			diff[a] = y[a] - m.Y[j*dims+a]
			dist2 += diff[a] * diff[a]
		}
		w := 1 / (1 + dist2)
		cost -= p[t] * math.Log(w)
		for a := 0; a < dims; a++ {
			grad[a] += 2 * p[t] * w * diff[a]
		}
	}
	for a := 0; a < dims; a++ {
		grad[a] -= 2 * force[a] / z
	}
	return cost + math.Log(z), grad
}

// Package tsne is t-distributed stochastic neighbour embedding (van der Maaten & Hinton 2008)
// with the Barnes-Hut approximation (van der Maaten 2014), in 2 or 3 dimensions, following
// scikit-learn's choices so that the two can be compared: exact nearest neighbours (3·perplexity
// of them), perplexity calibrated by binary search, symmetrised P, PCA initialisation scaled to
// a standard deviation of 1e-4, early exaggeration 12 for 250 iterations with momentum 0.5,
// then momentum 0.8, per-coordinate gains, and the learning rate max(N/12/4, 50).
//
// The optimisation is step-able (see TSNE.Step): it does bounded work per call, so a browser
// can animate it without freezing the page. It can also place new points on a finished map
// (see Map.Place), as openTSNE does.
package tsne

import (
	"cmp"
	"math"
	"slices"

	"lookbook/ml/knn"
)

// Sparse is a symmetric n×n matrix of joint probabilities in compressed rows.
type Sparse struct {
	RowStart []int // n+1
	Col      []int32
	Val      []float64
}

// conditional sets p (len(dist2)) to P(j|i) ∝ exp(−β·d²_j) with β found by binary search so
// that the distribution's entropy is log(perplexity) (natural log, as scikit-learn).
func conditional(p, dist2 []float64, perplexity float64) {
	target := math.Log(perplexity)
	beta, lo, hi := 1.0, math.Inf(-1), math.Inf(1)
	for iter := 0; iter < 100; iter++ {
		var sum float64
		for j, d := range dist2 {
			p[j] = math.Exp(-d * beta)
			sum += p[j]
		}
		if sum == 0 {
			sum = 1e-8
		}
		var sumDP float64
		for j, d := range dist2 {
			p[j] /= sum
			sumDP += d * p[j]
		}
		entropy := math.Log(sum) + beta*sumDP
		diff := entropy - target
		if math.Abs(diff) <= 1e-5 {
			break
		}
		if diff > 0 {
			lo = beta
			if math.IsInf(hi, 1) {
				beta *= 2
			} else {
				beta = (beta + hi) / 2
			}
		} else {
			hi = beta
			if math.IsInf(lo, -1) {
				beta /= 2
			} else {
				beta = (beta + lo) / 2
			}
		}
	}
}

// symmetrise builds P = (P(j|i) + P(i|j)) / Σ from the conditionals (n×k, aligned with nb).
func symmetrise(nb *knn.Graph, cond []float64, n int) *Sparse {
	b := newSymmetriser(nb, cond, n)
	b.rows(0, n)
	return b.finish()
}

// symmetriser builds the symmetric P in steps (gather the entries, merge rows block by block,
// normalise), because in the browser it runs as units of the live t-SNE that must stay short.
type symmetriser struct {
	n       int
	start   []int
	entries []symEntry
	s       *Sparse
	total   float64
	done    int // rows merged
}

type symEntry struct {
	j int32
	v float64
}

func newSymmetriser(nb *knn.Graph, cond []float64, n int) *symmetriser {
	start := make([]int, n+1)
	for i := 0; i < n; i++ {
		start[i+1] += nb.K
		for t := 0; t < nb.K; t++ {
			start[nb.Index[i*nb.K+t]+1]++
		}
	}
	for i := 0; i < n; i++ {
		start[i+1] += start[i]
	}
	fill := append([]int(nil), start[:n]...)
	entries := make([]symEntry, start[n])
	for i := 0; i < n; i++ {
		for t := 0; t < nb.K; t++ {
			j, v := nb.Index[i*nb.K+t], cond[i*nb.K+t]
			entries[fill[i]] = symEntry{int32(j), v}
			fill[i]++
			entries[fill[j]] = symEntry{int32(i), v}
			fill[j]++
		}
	}
	s := &Sparse{RowStart: make([]int, n+1), Col: make([]int32, 0, start[n]), Val: make([]float64, 0, start[n])}
	return &symmetriser{n: n, start: start, entries: entries, s: s}
}

// rows merges rows [b.done, hi): sorted by column, the two entries of a pair summed.
func (b *symmetriser) rows(lo, hi int) {
	s := b.s
	for i := lo; i < hi; i++ {
		row := b.entries[b.start[i]:b.start[i+1]]
		slices.SortStableFunc(row, func(x, y symEntry) int { return cmp.Compare(x.j, y.j) })
		for t := 0; t < len(row); t++ {
			if t > 0 && row[t].j == row[t-1].j {
				s.Val[len(s.Val)-1] += row[t].v
			} else {
				s.Col = append(s.Col, row[t].j)
				s.Val = append(s.Val, row[t].v)
			}
			b.total += row[t].v
		}
		s.RowStart[i+1] = len(s.Col)
	}
	b.done = hi
}

func (b *symmetriser) finish() *Sparse {
	for i := range b.s.Val {
		b.s.Val[i] /= max(b.total, 1e-300)
	}
	return b.s
}

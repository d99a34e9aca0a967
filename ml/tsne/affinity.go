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
	"container/heap"
	"math"
	"slices"
	"sort"

	"lookbook/ml"
)

// Sparse is a symmetric n×n matrix of joint probabilities in compressed rows.
type Sparse struct {
	RowStart []int // n+1
	Col      []int
	Val      []float64
}

// neighbours holds, for each of n points, its k nearest other points and their squared
// distances, nearest first.
type neighbours struct {
	k     int
	index []int     // n×k
	dist2 []float64 // n×k
}

// squaredNorms returns |x_i|² of each row of x (n×d).
func squaredNorms(x []float32, n, d int) []float64 {
	out := make([]float64, n)
	for i := range out {
		var s float64
		for _, v := range x[i*d : (i+1)*d] {
			s += float64(v) * float64(v)
		}
		out[i] = s
	}
	return out
}

// knnRows finds the k nearest neighbours of rows [lo, hi) of x among all n rows (excluding the
// row itself), by brute force: one matrix product gives the dot products, and
// |a−b|² = |a|² + |b|² − 2a·b. Exact, and at these sizes faster than any tree.
func knnRows(nb *neighbours, x []float32, norms []float64, n, d, lo, hi int) {
	rows := hi - lo
	dots := make([]float32, rows*n)
	ml.MatMul(rows, n, d, ml.Mat{Data: x[lo*d:], Stride: d}, ml.Mat{Data: x, Stride: d, Trans: true}, dots, n, false)
	ml.ParallelFor(rows, func(a, b int) {
		h := &maxHeap{}
		for r := a; r < b; r++ {
			i := lo + r
			*h = (*h)[:0]
			row := dots[r*n : (r+1)*n]
			for j, dot := range row {
				if j == i {
					continue
				}
				d2 := max(norms[i]+norms[j]-2*float64(dot), 0)
				if h.Len() < nb.k {
					heap.Push(h, candidate{j, d2})
				} else if d2 < (*h)[0].d2 || d2 == (*h)[0].d2 && j < (*h)[0].j {
					(*h)[0] = candidate{j, d2}
					heap.Fix(h, 0)
				}
			}
			sorted := append([]candidate(nil), (*h)...)
			sort.Slice(sorted, func(p, q int) bool {
				if sorted[p].d2 != sorted[q].d2 {
					return sorted[p].d2 < sorted[q].d2
				}
				return sorted[p].j < sorted[q].j
			})
			for t, c := range sorted {
				nb.index[i*nb.k+t], nb.dist2[i*nb.k+t] = c.j, c.d2
			}
		}
	})
}

type candidate struct {
	j  int
	d2 float64
}

// maxHeap keeps the k best candidates with the worst on top (ties: the larger index is worse,
// so results do not depend on scan order).
type maxHeap []candidate

func (h maxHeap) Len() int { return len(h) }
func (h maxHeap) Less(a, b int) bool {
	if h[a].d2 != h[b].d2 {
		return h[a].d2 > h[b].d2
	}
	return h[a].j > h[b].j
}
func (h maxHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *maxHeap) Push(v any)   { *h = append(*h, v.(candidate)) }
func (h *maxHeap) Pop() any {
	old := *h
	v := old[len(old)-1]
	*h = old[:len(old)-1]
	return v
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
func symmetrise(nb *neighbours, cond []float64, n int) *Sparse {
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

func newSymmetriser(nb *neighbours, cond []float64, n int) *symmetriser {
	start := make([]int, n+1)
	for i := 0; i < n; i++ {
		start[i+1] += nb.k
		for t := 0; t < nb.k; t++ {
			start[nb.index[i*nb.k+t]+1]++
		}
	}
	for i := 0; i < n; i++ {
		start[i+1] += start[i]
	}
	fill := append([]int(nil), start[:n]...)
	entries := make([]symEntry, start[n])
	for i := 0; i < n; i++ {
		for t := 0; t < nb.k; t++ {
			j, v := nb.index[i*nb.k+t], cond[i*nb.k+t]
			entries[fill[i]] = symEntry{int32(j), v}
			fill[i]++
			entries[fill[j]] = symEntry{int32(i), v}
			fill[j]++
		}
	}
	s := &Sparse{RowStart: make([]int, n+1), Col: make([]int, 0, start[n]), Val: make([]float64, 0, start[n])}
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
				s.Col = append(s.Col, int(row[t].j))
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

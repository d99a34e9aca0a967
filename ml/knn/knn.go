// Package knn finds exact nearest neighbours by brute force: one matrix product gives the dot
// products of a block of rows with all rows, and |a−b|² = |a|² + |b|² − 2a·b. Exact, and at
// the sizes of the maps (10,000 points of 128 features) faster than any tree. t-SNE and UMAP
// build their graphs on it.
package knn

import (
	"math"
	"sort"
	"sync/atomic"

	"lookbook/ml"
)

// Graph holds, for each of n points, its K nearest other points and their squared distances,
// nearest first (ties: the smaller index first).
type Graph struct {
	K     int
	Index []int     // n×K
	Dist2 []float64 // n×K
}

// NewGraph makes room for the neighbours of n points.
func NewGraph(n, k int) *Graph {
	return &Graph{K: k, Index: make([]int, n*k), Dist2: make([]float64, n*k)}
}

// Find returns the k nearest neighbours of every row of x (n×d), in blocks of rows to bound the
// memory of the products.
func Find(x []float32, n, d, k int) *Graph {
	g, norms := NewGraph(n, k), SquaredNorms(x, n, d)
	const block = 512
	for lo := 0; lo < n; lo += block {
		g.Rows(x, norms, n, d, lo, min(lo+block, n))
	}
	return g
}

// SquaredNorms returns |x_i|² of each row of x (n×d).
func SquaredNorms(x []float32, n, d int) []float64 {
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

// Rows finds the neighbours of rows [lo, hi) of x among all n rows (excluding the row itself);
// norms are SquaredNorms(x). Callers that must bound the work per call (the browser) take a
// few rows at a time.
func (g *Graph) Rows(x []float32, norms []float64, n, d, lo, hi int) {
	rows := hi - lo
	dots := make([]float32, rows*n)
	ml.MatMul(rows, n, d, ml.Mat{Data: x[lo*d:], Stride: d}, ml.Mat{Data: x, Stride: d, Trans: true}, dots, n, false)
	scan := scanKernel()
	ml.ParallelFor(rows, func(a, b int) {
		best, found := NewBest(g.K), make([]int32, scanChunk)
		for r := a; r < b; r++ {
			i := lo + r
			best.Reset()
			// Most candidates are farther than the k kept: a chunk at a time, scan drops those
			// beyond the bound as it stood at the chunk's start, and the rest are tested here
			// against the bound as it tightens, so the offers are those of a plain loop.
			bound, ni, row := math.Inf(1), norms[i], dots[r*n:(r+1)*n]
			for c0 := 0; c0 < n; c0 += scanChunk {
				c1 := min(c0+scanChunk, n)
				for _, jj := range found[:scan(row[c0:c1], norms[c0:c1], i-c0, ni, bound, found)] {
					j := c0 + int(jj)
					if d2 := max(ni+norms[j]-2*float64(row[j]), 0); d2 <= bound {
						best.Offer(j, d2)
						bound = best.Bound()
					}
				}
			}
			best.Sorted(g.Index[i*g.K:(i+1)*g.K], g.Dist2[i*g.K:(i+1)*g.K])
		}
	})
}

// scanChunk is how many columns one call of the scan kernel filters.
const scanChunk = 512

// ScanKernel writes into out the columns j < len(dots), other than self, whose squared
// distance max(ni + norms[j] − 2·dots[j], 0), computed in float64 in that order, is at most
// bound, in increasing order, and returns how many it wrote.
type ScanKernel func(dots []float32, norms []float64, self int, ni, bound float64, out []int32) int

var installedScan atomic.Pointer[ScanKernel]

// SetScanKernel installs a faster ScanKernel (the browser's wasm SIMD one), process-wide like
// ml.SetKernels; nil restores Go's, scanGo, which an installed one must equal.
func SetScanKernel(k ScanKernel) {
	if k == nil {
		installedScan.Store(nil)
		return
	}
	installedScan.Store(&k)
}

func scanKernel() ScanKernel {
	if k := installedScan.Load(); k != nil {
		return *k
	}
	return scanGo
}

// GoScanKernel returns ScanKernel's reference, in Go.
func GoScanKernel() ScanKernel { return scanGo }

// scanGo is ScanKernel in Go.
func scanGo(dots []float32, norms []float64, self int, ni, bound float64, out []int32) int {
	count := 0
	for j, dot := range dots {
		if d2 := max(ni+norms[j]-2*float64(dot), 0); d2 <= bound && j != self {
			out[count] = int32(j)
			count++
		}
	}
	return count
}

// Best keeps the k nearest candidates offered so far. Ties go to the smaller index, so that
// results do not depend on the order of the scan.
type Best struct {
	k int
	h []candidate // a max-heap: the worst kept candidate at the top
}

// NewBest keeps the k nearest.
func NewBest(k int) *Best { return &Best{k: k, h: make([]candidate, 0, k)} }

// Reset forgets every candidate.
func (b *Best) Reset() { b.h = b.h[:0] }

// Offer considers point j at squared distance d2.
func (b *Best) Offer(j int, d2 float64) {
	c := candidate{j, d2}
	if len(b.h) < b.k {
		b.h = append(b.h, c)
		b.up(len(b.h) - 1)
	} else if c.less(b.h[0]) {
		b.h[0] = c
		b.down()
	}
}

// up and down restore the heap after a change at position i or at the top. They are
// container/heap's, written for this one type: its interface calls cost more than the
// comparisons in the neighbour search's inner loop (in wasm above all).
func (b *Best) up(i int) {
	h := b.h
	for i > 0 {
		parent := (i - 1) / 2
		if !h[parent].less(h[i]) {
			break
		}
		h[parent], h[i] = h[i], h[parent]
		i = parent
	}
}

func (b *Best) down() {
	h, i := b.h, 0
	for {
		child := 2*i + 1
		if child >= len(h) {
			return
		}
		if r := child + 1; r < len(h) && h[child].less(h[r]) {
			child = r
		}
		if !h[i].less(h[child]) {
			return
		}
		h[i], h[child] = h[child], h[i]
		i = child
	}
}

// Sorted writes the kept candidates nearest first into index and dist2 (dist2 may be nil).
func (b *Best) Sorted(index []int, dist2 []float64) {
	sorted := append([]candidate(nil), b.h...)
	sort.Slice(sorted, func(p, q int) bool { return sorted[p].less(sorted[q]) })
	for t, c := range sorted {
		index[t] = c.j
		if dist2 != nil {
			dist2[t] = c.d2
		}
	}
}

// Bound is the distance a candidate must not exceed to be kept: the worst kept one's once k
// are kept, else +Inf.
func (b *Best) Bound() float64 {
	if len(b.h) < b.k {
		return math.Inf(1)
	}
	return b.h[0].d2
}

// Len is how many candidates are kept.
func (b *Best) Len() int { return len(b.h) }

type candidate struct {
	j  int
	d2 float64
}

func (c candidate) less(o candidate) bool { return c.d2 < o.d2 || c.d2 == o.d2 && c.j < o.j }

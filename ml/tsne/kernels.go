package tsne

import (
	"sync/atomic"

	"lookbook/ml"
)

// Kernels are t-SNE's two hot loops in 2D, which a platform can replace with faster ones of its
// own: the browser's map worker installs wasm SIMD versions (wasm/kernels), because Go emits
// no SIMD for WebAssembly and its scalar code there runs the iterations at about half native
// speed. A nil field keeps tsne's Go code; GoKernels is the reference an installed kernel must
// equal bit for bit.
type Kernels struct {
	// Repulsion2 walks the flat tree for every point i of order (in that order): it sets
	// zPart[i] to Σ w and adds Σ w²·(y_i − com) to rep[2i:2i+2], as repulsion2 does, with
	// theta2 the squared Barnes-Hut accuracy.
	Repulsion2 func(flat []FlatNode, order []int32, y, rep, zPart []float64, theta2 float64)
	// Attraction2 sets grad[2i:2i+2] to exaggeration · Σ_e val[e]·w_ij·(y_i − y_j), j = col[e],
	// over each row's entries e in [rowStart[i], rowStart[i+1]), as attraction2 does.
	Attraction2 func(rowStart []int, col []int32, val, y, grad []float64, exaggeration float64)
}

var installed atomic.Pointer[Kernels]

// SetKernels installs k for every later iteration (nil restores tsne's own code). Like
// ml.SetKernels it is process-wide, meant to be set once at start; tests that set it restore it
// with t.Cleanup.
func SetKernels(k *Kernels) { installed.Store(k) }

// GoKernels returns the reference of every kernel, in Go.
func GoKernels() *Kernels {
	return &Kernels{Repulsion2: repulsion2All, Attraction2: attraction2Rows}
}

// kernels returns the installed kernels, each nil one filled in with Go's.
func kernels() Kernels {
	k := Kernels{Repulsion2: repulsion2All, Attraction2: attraction2Rows}
	if in := installed.Load(); in != nil {
		if in.Repulsion2 != nil {
			k.Repulsion2 = in.Repulsion2
		}
		if in.Attraction2 != nil {
			k.Attraction2 = in.Attraction2
		}
	}
	return k
}

// repulsion2All is Kernels.Repulsion2 in Go, on all cores.
func repulsion2All(flat []FlatNode, order []int32, y, rep, zPart []float64, theta2 float64) {
	// In the tree's order, so that consecutive points walk much the same cells (in cache).
	ml.ParallelFor(len(order), func(lo, hi int) {
		for _, at := range order[lo:hi] {
			i := int(at)
			zPart[i] = repulsion2(flat, y[2*i:2*i+2], i, theta2, rep[2*i:2*i+2])
		}
	})
}

// attraction2Rows is Kernels.Attraction2 in Go, on all cores: attraction in 2D, written out.
func attraction2Rows(rowStart []int, col []int32, val, y, grad []float64, exaggeration float64) {
	ml.ParallelFor(len(rowStart)-1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			yx, yy := y[2*i], y[2*i+1]
			var ax, ay float64
			cols, vals := col[rowStart[i]:rowStart[i+1]], val[rowStart[i]:rowStart[i+1]]
			for e, j := range cols {
				dx, dy := yx-y[2*j], yy-y[2*j+1]
				d2 := dx*dx + dy*dy
				pw := exaggeration * vals[e] / (1 + d2)
				ax += pw * dx
				ay += pw * dy
			}
			grad[2*i], grad[2*i+1] = ax, ay
		}
	})
}

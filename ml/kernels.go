package ml

import "sync/atomic"

// Kernels are the few functions that a platform can replace with faster ones of its own. The
// browser does: Go emits no SIMD for WebAssembly, so the app installs hand-written wasm SIMD
// kernels at start (wasm/kernels), and ml itself stays pure Go. Natively nothing is installed.
//
// A nil field keeps ml's own code for that job. GoKernels is the reference an installed set
// must equal: bit for bit for every kernel but Dot, whose sums may run in any order.
type Kernels struct {
	// Tile computes whole blocks of micro-tiles for every matrix product; nil: ml's
	// micro-kernel, one tile at a time.
	Tile TileKernel
	// Dot takes one-row products with a transposed right operand (a linear layer on one
	// input), reading the weights where they lie; nil: the packed product.
	Dot DotKernel

	// The whole-layer kernels (evalkernels.go): with all four set, frozen layers run one
	// image at a time through them; otherwise they keep their batched path. Panels are 16
	// columns wide (microCols) and packed weights are panels of 6 rows (microRows), each
	// panel holding the whole depth k.

	// Gather packs one image's im2col matrix into B panels: panel p holds k = channels·taps
	// rows of 16 floats, row c·taps + t, column j being x[c·plane + table[(t·panels + p)·16 +
	// j]], or 0 where that table entry is negative.
	Gather func(dst, x []float32, table []int32, channels, plane, taps, panels int)
	// Tiles multiplies packed weights (rowPanels panels of k×6) by B panels (panels of
	// k×16), summing the depth in blocks of blockK as gemm does, and writes rows i < m
	// through the epilogue: out[i·ldo + 16p + j], or for EpBiasReLUNormPool the max over each
	// group of 4 columns, out[i·ldo + 4p + w].
	Tiles func(ep *Epilogue, k int, a []float32, rowPanels int, b []float32, panels int, out []float32, ldo, m int)
	// Scatter is col2im for one image: it zeroes out (channels planes of plane floats), then
	// adds every col[(c·taps + t)·pixels + j] at out[c·plane + table[t·pixels + j]] where that
	// entry is not negative, in that order.
	Scatter func(out, col []float32, table []int32, channels, plane, taps, pixels int)
	// BiasAct sets x[c·plane + i] to act(x[c·plane + i] + bias[c]) for every channel c;
	// plane is a multiple of 4.
	BiasAct func(x, bias []float32, plane int, act Activation)
	// The training passes' element-wise loops, as bnBack, bnApply and addRows take them (see
	// native_other.go), and 2×2 pooling, each giving ml's Go bit for bit; nil: the Go.
	// Natively they have assembly of their own.
	BNBack  func(dy, xhat, dx, out []float32, planes, n, stride int, c []float32)
	BNApply func(x, xhat, out []float32, planes, n, stride int, c []float32)
	AddRows func(rows, n int, dst []float32, dstStride int, src []float32, srcStride int)
	// MaxPool2 pools one h×w plane of x (from index base) in 2×2 windows into out and arg (the
	// maximum's index in x), as maxPool2RowGo does row pair by row pair.
	MaxPool2 func(x, out []float32, arg []int32, base, h, w int)
	// PackBTrans packs 16 rows of a transposed B operand as a B panel, dst[p·16 + j] =
	// src[j·ld + p] for j < 16 and p < kc, kc a multiple of 4 (packBTransGo; the weight
	// gradient's columns).
	PackBTrans func(dst, src []float32, ld, kc int)
	// PackBCopy packs 16 columns of an untransposed B as a B panel, dst[p·16 + j] = src[p·ld +
	// j] (packBCopyGo); CopyRows copies rows as copyRowsGo does (placing tiles, im2col's runs).
	PackBCopy func(dst, src []float32, ld, kc int)
	CopyRows  func(rows, n int, dst []float32, dstStride int, src []float32, srcStride int)
	// Im2col writes one image's column matrix, rows ld floats apart from col[0], as im2col does
	// for a convolution of c channels of h×w, a kernel×kernel kernel, stride and pad, giving
	// ho×wo; Col2im adds such a matrix back into dx as col2im does (dx zeroed by the caller).
	Im2col func(col []float32, ld int, x []float32, c, h, w, kernel, stride, pad, ho, wo int)
	Col2im func(dx, col []float32, ld int, c, h, w, kernel, stride, pad, ho, wo int)
	// Adam is one optimiser step on w, g, m and v (of equal length) as adamGo takes it.
	Adam func(c *AdamConsts, w, g, m, v []float32)
	// ReLU and ReLUBack are reluGo and reluBackGo.
	ReLU     func(out, x []float32)
	ReLUBack func(dx, out, dy []float32)
	// HalfSum sets g[i] = (g[i] + peer[i])·½ (HalfSumInto's Go): two workers' gradients
	// averaged.
	HalfSum func(g, peer []float32)
	// SumLanes, SqDevLanes and DotLanes set out[4q+j], for each of planes planes of x (stride
	// apart), to lane j of sum64, sumSquaredDev64 (from means[q·meanStep]) or dot64 (with y's
	// plane q) over the plane's first n4 values, n4 a multiple of 4: the four running sums the
	// Go keeps, in the same order.
	SumLanes   func(out []float64, x []float32, planes, n4, stride int)
	SqDevLanes func(out []float64, x []float32, planes, n4, stride int, means []float64, meanStep int)
	DotLanes   func(out []float64, x, y []float32, planes, n4, stride int)

	// MaxBatch is the largest batch the whole-layer kernels take (0: any). They run one image
	// at a time on one core, which natively loses to the batched layers on both cores beyond
	// a few images (10,000 test images: 3.6 s against 2.4 s).
	MaxBatch int
}

// takes reports whether the whole-layer kernels take a batch of b.
func (k *Kernels) takes(b int) bool { return k.MaxBatch == 0 || b <= k.MaxBatch }

// DotKernel sets y[j] to Σ_p x[p]·b[j·ldb+p] for j < n (or adds it, with accumulate): a row
// times a transposed matrix. Its sums may run in any order (results within rounding of
// gemm's).
type DotKernel func(n, k int, x, b []float32, ldb int, y []float32, accumulate bool)

// TileKernel computes a whole block of micro-tiles: for every packed A panel r (kc×6 floats,
// rowPanels of them in a) and packed B panel p (kc×16 floats, panels of them in b), the 6×16
// product tile, row-major, at out[(p·rowPanels+r)·96:]. Each tile must equal microKernelGo's.
type TileKernel func(kc int, a []float32, rowPanels int, b []float32, panels int, out []float32)

var installed atomic.Pointer[Kernels]

// SetKernels installs k for every later product and frozen layer (nil restores ml's own
// code). Like a CPU feature switch it is process-wide, meant to be set once, before any
// product runs; tests that set it restore it with t.Cleanup.
func SetKernels(k *Kernels) { installed.Store(k) }

// kernels returns the installed set; when none is, the native one where the processor has
// AVX2 and FMA (nativeKernels), or else an empty one.
func kernels() *Kernels {
	if k := installed.Load(); k != nil {
		return k
	}
	if haveFMA {
		return &nativeKernels
	}
	return &noKernels
}

var noKernels Kernels

// eval reports whether the whole-layer kernels are installed.
func (k *Kernels) eval() bool {
	return k.Gather != nil && k.Tiles != nil && k.Scatter != nil && k.BiasAct != nil
}

// GoKernels returns the reference of every kernel, in Go.
func GoKernels() *Kernels {
	return &Kernels{Tile: tileGo, Dot: dotGo, Gather: gatherGo, Tiles: tilesGo, Scatter: scatterGo, BiasAct: biasActGo}
}

// tileGo is TileKernel's reference: microKernelGo on every pair of panels.
func tileGo(kc int, a []float32, rowPanels int, b []float32, panels int, out []float32) {
	for p := 0; p < panels; p++ {
		for r := 0; r < rowPanels; r++ {
			microKernelGo(kc, a[r*kc*microRows:], b[p*kc*microCols:], out[(p*rowPanels+r)*microRows*microCols:])
		}
	}
}

// dotGo is DotKernel's reference, summing in order.
func dotGo(n, k int, x, b []float32, ldb int, y []float32, accumulate bool) {
	for j := 0; j < n; j++ {
		var s float32
		for p, xv := range x[:k] {
			s += xv * b[j*ldb+p]
		}
		if accumulate {
			y[j] += s
		} else {
			y[j] = s
		}
	}
}

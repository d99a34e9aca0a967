package ml

// Native kernels for amd64 with AVX2 and FMA: what the browser gets from its wasm kernels, the
// native build gets from Go assembly here, installed by default (see kernels()).

// nativeKernels are what kernels() gives natively on amd64 with AVX2 and FMA: the dot kernel in
// assembly, and the whole-layer kernels with the FMA micro-kernel, which give the batched
// layers' bits (the dot kernel sums in another order: within rounding). With them, frozen
// layers run a few images one at a time without im2col, packing or layout copies.
var nativeKernels = Kernels{Dot: dotFMA, Gather: gatherGo, Tiles: tilesFMA, Scatter: scatterGo, BiasAct: biasActGo, MaxBatch: 4}

func tilesFMA(ep *Epilogue, k int, a []float32, rowPanels int, b []float32, panels int, out []float32, ldo, m int) {
	tilesWith(microKernel, ep, k, a, rowPanels, b, panels, out, ldo, m)
}

//go:noescape
func dot4AVX2(k int, x, b *float32, ldb int, y *float32)

//go:noescape
func dot1AVX2(k int, x, b *float32) float32

// dotFMA is DotKernel in AVX2/FMA: four weight rows at a time against x, eight lanes each, the
// rows split between the cores when there are enough. Its sums run in another order than
// dotGo's (within rounding of it).
func dotFMA(n, k int, x, b []float32, ldb int, y []float32, accumulate bool) {
	k8 := k &^ 7
	if k8 == 0 || n == 0 {
		dotGo(n, k, x, b, ldb, y, accumulate)
		return
	}
	_ = x[k-1]
	_ = b[(n-1)*ldb+k-1]
	_ = y[n-1]
	quads := (n + 3) / 4
	if n*k < minParallelWork*8 {
		dotRows(0, n, k, k8, x, b, ldb, y, accumulate)
		return
	}
	parallelFor(quads, n*k, func(lo, hi int) {
		dotRows(4*lo, min(4*hi, n), k, k8, x, b, ldb, y, accumulate)
	})
}

// dotRows is dotFMA for rows [lo, hi).
func dotRows(lo, hi, k, k8 int, x, b []float32, ldb int, y []float32, accumulate bool) {
	var s [4]float32
	j := lo
	for ; j+4 <= hi; j += 4 {
		dot4AVX2(k8, &x[0], &b[j*ldb], ldb, &s[0])
		for r, v := range s {
			for p := k8; p < k; p++ {
				v += x[p] * b[(j+r)*ldb+p]
			}
			if accumulate {
				y[j+r] += v
			} else {
				y[j+r] = v
			}
		}
	}
	for ; j < hi; j++ {
		v := dot1AVX2(k8, &x[0], &b[j*ldb])
		for p := k8; p < k; p++ {
			v += x[p] * b[j*ldb+p]
		}
		if accumulate {
			y[j] += v
		} else {
			y[j] = v
		}
	}
}

//go:noescape
func adamAVX2(n int, w, grad, mom, vel *float32, c *AdamConsts)

// adamRange is one Adam step on w, g, m and v (of equal length): the assembly on whole groups
// of eight, adamGo on the rest, the same numbers either way.
func adamRange(c *AdamConsts, w, g, m, v []float32) {
	n8 := len(w) &^ 7
	if haveFMA && n8 > 0 {
		_, _, _ = g[len(w)-1], m[len(w)-1], v[len(w)-1]
		adamAVX2(n8, &w[0], &g[0], &m[0], &v[0], c)
		w, g, m, v = w[n8:], g[n8:], m[n8:], v[n8:]
	}
	adamGo(c, w, g, m, v)
}

//go:noescape
func reluAVX2(n int, x, out *float32)

//go:noescape
func reluBackAVX2(n int, out, dy, dx *float32)

//go:noescape
func maxPool2AVX2(windows int, top, bottom, out *float32, arg *int32, at int32, w int)

// vectorPrefix is how much of a slice of length n the assembly takes: whole groups of eight,
// where the processor has AVX2.
func vectorPrefix(n int) int {
	if !haveFMA {
		return 0
	}
	return n &^ 7
}

// reluInto sets out = ReLU(x).
func reluInto(out, x []float32) {
	out = out[:len(x)]
	if n := vectorPrefix(len(x)); n > 0 {
		reluAVX2(n, &x[0], &out[0])
		x, out = x[n:], out[n:]
	}
	reluGo(out, x)
}

// reluBackInto sets dx = dy where out ≠ 0.
func reluBackInto(dx, out, dy []float32) {
	dx, out = dx[:len(dy)], out[:len(dy)]
	if n := vectorPrefix(len(dy)); n > 0 {
		reluBackAVX2(n, &out[0], &dy[0], &dx[0])
		dx, out, dy = dx[n:], out[n:], dy[n:]
	}
	reluBackGo(dx, out, dy)
}

// maxPool2Row pools one pair of input rows, top and bottom (each w wide, bottom right after
// top, top starting at input index at), into len(out) windows.
func maxPool2Row(out []float32, arg []int32, top, bottom []float32, at int) {
	w := len(top)
	if n := vectorPrefix(len(out)); n > 0 {
		_, _ = top[2*n-1], bottom[2*n-1]
		_ = arg[n-1]
		maxPool2AVX2(n, &top[0], &bottom[0], &out[0], &arg[0], int32(at), w)
		if n == len(out) {
			return
		}
	}
	maxPool2RowGo(out, arg, top, bottom, at, vectorPrefix(len(out)))
}

//go:noescape
func addRowsAVX2(rows, n int, dst *float32, dstStride int, src *float32, srcStride int)

//go:noescape
func copyRowsAVX2(rows, n int, dst *float32, dstStride int, src *float32, srcStride int)

//go:noescape
func bnApplyAVX2(n, planes, stride int, x, xhat, out *float32, c *float32, cStep int)

//go:noescape
func bnBackAVX2(n, planes, stride int, dy, xhat, dx *float32, c *float32, cStep int, out *float32)

//go:noescape
func packBTransAVX2(blocks int, src *float32, ld int, dst *float32)

// addRows sets dst[r·dstStride + i] += src[r·srcStride + i] for r < rows, i < n.
func addRows(rows, n int, dst []float32, dstStride int, src []float32, srcStride int) {
	if rows <= 0 || n <= 0 {
		return
	}
	if !haveFMA {
		addRowsGo(rows, n, dst, dstStride, src, srcStride)
		return
	}
	_ = dst[(rows-1)*dstStride+n-1]
	_ = src[(rows-1)*srcStride+n-1]
	addRowsAVX2(rows, n, &dst[0], dstStride, &src[0], srcStride)
}

// copyRows sets dst[r·dstStride + i] = src[r·srcStride + i] for r < rows, i < n.
func copyRows(rows, n int, dst []float32, dstStride int, src []float32, srcStride int) {
	if rows <= 0 || n <= 0 {
		return
	}
	if !haveFMA {
		copyRowsGo(rows, n, dst, dstStride, src, srcStride)
		return
	}
	_ = dst[(rows-1)*dstStride+n-1]
	_ = src[(rows-1)*srcStride+n-1]
	copyRowsAVX2(rows, n, &dst[0], dstStride, &src[0], srcStride)
}

// bnApply sets xhat = (x − mean)·inv and out = γ·xhat + β on the first n values of planes
// planes, stride apart, with c holding mean, inv, γ and β: one set for all planes (4 values) or
// one per plane (4·planes).
func bnApply(x, xhat, out []float32, planes, n, stride int, c []float32) {
	if planes == 0 || n == 0 {
		return
	}
	last := (planes-1)*stride + n
	x, xhat, out = x[:last], xhat[:last], out[:last]
	step := constStep(c, 4, planes)
	if n8 := vectorPrefix(n); n8 > 0 {
		bnApplyAVX2(n8, planes, stride, &x[0], &xhat[0], &out[0], &c[0], 4*step)
		if n8 == n {
			return
		}
	}
	for p := 0; p < planes; p++ {
		o, from := p*stride, p*stride+vectorPrefix(n)
		bnApplyGo(x[from:o+n], xhat[from:], out[from:], (*[4]float32)(c[p*step:]))
	}
}

// bnBack sets dx = (a·dy − mDy) − xhat·mXh on the first n values of planes planes, stride
// apart, with c holding a, mDy and mXh: one set for all planes (3 values) or one per plane.
// With out (laid out as dy), the gradient goes on through the ReLU whose output out is: dx is
// +0 where out is.
func bnBack(dy, xhat, dx, out []float32, planes, n, stride int, c []float32) {
	if planes == 0 || n == 0 {
		return
	}
	last := (planes-1)*stride + n
	dy, xhat, dx = dy[:last], xhat[:last], dx[:last]
	if out != nil {
		out = out[:last]
	}
	step := constStep(c, 3, planes)
	n8 := vectorPrefix(n)
	if n8 > 0 {
		var mask *float32
		if out != nil {
			mask = &out[0]
		}
		bnBackAVX2(n8, planes, stride, &dy[0], &xhat[0], &dx[0], &c[0], 4*step, mask)
		if n8 == n {
			return
		}
	}
	for p := 0; p < planes; p++ {
		o, from := p*stride, p*stride+n8
		if out != nil {
			bnBackReLUGo(dy[from:o+n], xhat[from:], out[from:], dx[from:], (*[3]float32)(c[p*step:]))
		} else {
			bnBackGo(dy[from:o+n], xhat[from:], dx[from:], (*[3]float32)(c[p*step:]))
		}
	}
}

// packBTrans packs 16 whole columns of a transposed op(B): dst[p·16 + j] = src[j·ld + p] for
// j < 16, p < kc.
func packBTrans(dst, src []float32, ld, kc int) {
	blocks := 0
	if haveFMA {
		blocks = kc / 8
	}
	if blocks > 0 {
		_ = src[15*ld+8*blocks-1]
		_ = dst[blocks*8*microCols-1]
		packBTransAVX2(blocks, &src[0], ld, &dst[0])
	}
	packBTransGo(dst, src, ld, 8*blocks, kc)
}

//go:noescape
func packBCopyAVX2(kc int, src *float32, ld int, dst *float32)

// packBCopy packs 16 whole columns of a plain op(B): dst[p·16 + j] = src[p·ld + j].
func packBCopy(dst, src []float32, ld, kc int) {
	if !haveFMA || kc == 0 {
		packBCopyGo(dst, src, ld, kc)
		return
	}
	_ = src[(kc-1)*ld+microCols-1]
	_ = dst[kc*microCols-1]
	packBCopyAVX2(kc, &src[0], ld, &dst[0])
}

//go:noescape
func sumLanes4AVX2(n, groups int, x *float32, stride int, out *float64)

//go:noescape
func sqDevLanes4AVX2(n, groups int, x *float32, stride int, means *float64, meanStep int, out *float64)

//go:noescape
func dotLanes4AVX2(n, groups int, x *float32, stride int, y *float32, out *float64)

// lanes4 runs one of the four-plane kernels on len(lanes)/16 groups of four planes of x (and
// y) from plane p, if the processor has AVX2 and the planes hold a vector, and reports whether
// it did. The squared deviations are from means[0] for every plane, or from means[q] for plane
// q where there is one per plane.
func lanes4(kind int, lanes []float64, x, y []float32, p, n, stride int, means []float64) bool {
	n4, groups := n&^3, len(lanes)/16
	if !haveFMA || n4 == 0 || groups == 0 {
		return false
	}
	_ = x[(p+4*groups-1)*stride+n-1]
	switch kind {
	case laneSum:
		sumLanes4AVX2(n4, groups, &x[p*stride], stride, &lanes[0])
	case laneSqDev:
		if len(means) == 1 {
			sqDevLanes4AVX2(n4, groups, &x[p*stride], stride, &means[0], 0, &lanes[0])
		} else {
			_ = means[p+4*groups-1]
			sqDevLanes4AVX2(n4, groups, &x[p*stride], stride, &means[p], 8, &lanes[0])
		}
	default:
		_ = y[(p+4*groups-1)*stride+n-1]
		dotLanes4AVX2(n4, groups, &x[p*stride], stride, &y[p*stride], &lanes[0])
	}
	return true
}

//go:noescape
func copyBiasAVX2(n int, dst, src *float32, bias float32)

// copyBias sets dst = src + bias.
func copyBias(dst, src []float32, bias float32) {
	dst = dst[:len(src)]
	if n := vectorPrefix(len(src)); n > 0 {
		copyBiasAVX2(n, &dst[0], &src[0], bias)
		dst, src = dst[n:], src[n:]
	}
	copyBiasGo(dst, src, bias)
}

//go:noescape
func packA6AVX2(blocks int, src *float32, ld int, dst *float32)

// packA6 packs six whole rows of a plain op(A): dst[p·6 + i] = src[i·ld + p] for i < 6, p < kc.
func packA6(dst, src []float32, ld, kc int) {
	blocks := 0
	if haveFMA && kc > 8 {
		blocks = (kc - 1) / 8 // the last (up to) eight in Go: the assembly writes past its groups
	}
	if blocks > 0 {
		_ = src[5*ld+8*blocks-1]
		_ = dst[8*blocks*microRows+1] // the last group's two extra floats
		packA6AVX2(blocks, &src[0], ld, &dst[0])
	}
	packA6Go(dst, src, ld, 8*blocks, kc)
}

//go:noescape
func maxPool2W8AVX2(groups int, x, out *float32, arg *int32, at int32)

//go:noescape
func maxPool2W4AVX2(groups int, x, out *float32, arg *int32, at int32)

// maxPool2Pairs pools consecutive pairs of input rows of width w (8 or 4) in eight windows at a
// time: x holds the pairs back to back (planes of even height are), x[0] is input index at, and
// out and arg take w/2 windows a pair. It returns how many pairs it pooled (0 where it does not
// apply); the caller pools the rest.
func maxPool2Pairs(out []float32, arg []int32, x []float32, pairs, w, at int) int {
	if !haveFMA || (w != 8 && w != 4) {
		return 0
	}
	perGroup := 16 / w // pairs in eight windows
	groups := pairs / perGroup
	if groups == 0 {
		return 0
	}
	_ = x[groups*perGroup*2*w-1]
	_, _ = out[groups*8-1], arg[groups*8-1]
	if w == 8 {
		maxPool2W8AVX2(groups, &x[0], &out[0], &arg[0], int32(at))
	} else {
		maxPool2W4AVX2(groups, &x[0], &out[0], &arg[0], int32(at))
	}
	return groups * perGroup
}

//go:noescape
func copyBiasReLUAVX2(n int, dst, src *float32, bias float32)

// copyBiasReLU sets dst = ReLU(src + bias).
func copyBiasReLU(dst, src []float32, bias float32) {
	dst = dst[:len(src)]
	if n := vectorPrefix(len(src)); n > 0 {
		copyBiasReLUAVX2(n, &dst[0], &src[0], bias)
		dst, src = dst[n:], src[n:]
	}
	copyBiasReLUGo(dst, src, bias)
}

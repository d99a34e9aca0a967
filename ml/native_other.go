//go:build !amd64

package ml

// adamRange is one Adam step on w, g, m and v (of equal length).
func adamRange(c *AdamConsts, w, g, m, v []float32) {
	if k := installed.Load(); k != nil && k.Adam != nil && len(w) > 0 {
		// The kernel reads raw memory: the bounds the Go would check, checked first.
		_, _, _ = g[len(w)-1], m[len(w)-1], v[len(w)-1]
		k.Adam(c, w, g, m, v)
		return
	}
	adamGo(c, w, g, m, v)
}

// nativeKernels are empty off amd64: the browser installs its own (wasm/kernels).
var nativeKernels Kernels

func reluInto(out, x []float32) {
	if k := installed.Load(); k != nil && k.ReLU != nil && len(x) > 0 {
		_ = out[len(x)-1]
		k.ReLU(out, x)
		return
	}
	reluGo(out[:len(x)], x)
}

func reluBackInto(dx, out, dy []float32) {
	if k := installed.Load(); k != nil && k.ReLUBack != nil && len(dy) > 0 {
		_, _ = dx[len(dy)-1], out[len(dy)-1]
		k.ReLUBack(dx, out, dy)
		return
	}
	reluBackGo(dx, out, dy)
}
func maxPool2Row(out []float32, arg []int32, top, bottom []float32, at int) {
	maxPool2RowGo(out, arg, top, bottom, at, 0)
}

func addRows(rows, n int, dst []float32, dstStride int, src []float32, srcStride int) {
	if k := installed.Load(); k != nil && k.AddRows != nil && rows > 0 && n > 0 {
		// The kernel reads raw memory: the bounds the Go would check, checked first.
		_, _ = dst[(rows-1)*dstStride+n-1], src[(rows-1)*srcStride+n-1]
		k.AddRows(rows, n, dst, dstStride, src, srcStride)
		return
	}
	addRowsGo(rows, n, dst, dstStride, src, srcStride)
}

func copyRows(rows, n int, dst []float32, dstStride int, src []float32, srcStride int) {
	if k := installed.Load(); k != nil && k.CopyRows != nil && rows > 0 && n > 0 {
		_, _ = dst[(rows-1)*dstStride+n-1], src[(rows-1)*srcStride+n-1]
		k.CopyRows(rows, n, dst, dstStride, src, srcStride)
		return
	}
	copyRowsGo(rows, n, dst, dstStride, src, srcStride)
}

func bnApply(x, xhat, out []float32, planes, n, stride int, c []float32) {
	step := constStep(c, 4, planes)
	if k := installed.Load(); k != nil && k.BNApply != nil && planes > 0 && n > 0 {
		last := (planes-1)*stride + n - 1
		_, _, _ = x[last], xhat[last], out[last]
		k.BNApply(x, xhat, out, planes, n, stride, c)
		return
	}
	for p := 0; p < planes; p++ {
		o := p * stride
		bnApplyGo(x[o:o+n], xhat[o:o+n], out[o:o+n], (*[4]float32)(c[p*step:]))
	}
}

func bnBack(dy, xhat, dx, out []float32, planes, n, stride int, c []float32) {
	step := constStep(c, 3, planes)
	if k := installed.Load(); k != nil && k.BNBack != nil && planes > 0 && n > 0 {
		last := (planes-1)*stride + n - 1
		_, _, _ = dy[last], xhat[last], dx[last]
		if out != nil {
			_ = out[last]
		}
		k.BNBack(dy, xhat, dx, out, planes, n, stride, c)
		return
	}
	for p := 0; p < planes; p++ {
		o := p * stride
		if out != nil {
			bnBackReLUGo(dy[o:o+n], xhat[o:o+n], out[o:o+n], dx[o:o+n], (*[3]float32)(c[p*step:]))
		} else {
			bnBackGo(dy[o:o+n], xhat[o:o+n], dx[o:o+n], (*[3]float32)(c[p*step:]))
		}
	}
}

func packBTrans(dst, src []float32, ld, kc int) {
	from := kc &^ 3
	if k := installed.Load(); k != nil && k.PackBTrans != nil && from > 0 {
		// The kernel reads raw memory: the bounds the Go would check, checked first.
		_, _ = src[(microCols-1)*ld+from-1], dst[from*microCols-1]
		k.PackBTrans(dst, src, ld, from)
	} else {
		from = 0
	}
	packBTransGo(dst, src, ld, from, kc)
}

func packBCopy(dst, src []float32, ld, kc int) {
	if k := installed.Load(); k != nil && k.PackBCopy != nil && kc > 0 {
		_, _ = src[(kc-1)*ld+microCols-1], dst[kc*microCols-1]
		k.PackBCopy(dst, src, ld, kc)
		return
	}
	packBCopyGo(dst, src, ld, kc)
}

// lanes4 runs one of the installed lane kernels on len(lanes)/4 planes of x (and y) from plane
// p, if there is one and the planes hold four values, and reports whether it did (see
// native_amd64.go's).
func lanes4(kind int, lanes []float64, x, y []float32, p, n, stride int, means []float64) bool {
	k := installed.Load()
	n4, planes := n&^3, len(lanes)/4
	if k == nil || n4 == 0 || planes == 0 {
		return false
	}
	// The kernels read raw memory: the bounds the Go would check, checked first.
	_ = x[(p+planes-1)*stride+n-1]
	switch kind {
	case laneSum:
		if k.SumLanes == nil {
			return false
		}
		k.SumLanes(lanes, x[p*stride:], planes, n4, stride)
	case laneSqDev:
		if k.SqDevLanes == nil {
			return false
		}
		if len(means) == 1 {
			k.SqDevLanes(lanes, x[p*stride:], planes, n4, stride, means, 0)
		} else {
			_ = means[p+planes-1]
			k.SqDevLanes(lanes, x[p*stride:], planes, n4, stride, means[p:], 1)
		}
	default:
		if k.DotLanes == nil {
			return false
		}
		_ = y[(p+planes-1)*stride+n-1]
		k.DotLanes(lanes, x[p*stride:], y[p*stride:], planes, n4, stride)
	}
	return true
}

func copyBias(dst, src []float32, bias float32) { copyBiasGo(dst, src, bias) }

func packA6(dst, src []float32, ld, kc int) { packA6Go(dst, src, ld, 0, kc) }

func maxPool2Pairs(out []float32, arg []int32, x []float32, pairs, w, at int) int { return 0 }

func copyBiasReLU(dst, src []float32, bias float32) { copyBiasReLUGo(dst, src, bias) }

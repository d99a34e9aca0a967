package ml

import "math"

// The Go references of the row kernels (rows_amd64.s), and what other platforms run.

func addRowsGo(rows, n int, dst []float32, dstStride int, src []float32, srcStride int) {
	for r := 0; r < rows; r++ {
		d, s := dst[r*dstStride:r*dstStride+n], src[r*srcStride:r*srcStride+n]
		for i, v := range s {
			d[i] += v
		}
	}
}

func copyRowsGo(rows, n int, dst []float32, dstStride int, src []float32, srcStride int) {
	for r := 0; r < rows; r++ {
		copy(dst[r*dstStride:r*dstStride+n], src[r*srcStride:r*srcStride+n])
	}
}

func bnApplyGo(x, xhat, out []float32, c *[4]float32) {
	mean, inv, gamma, beta := c[0], c[1], c[2], c[3]
	xhat, out = xhat[:len(x)], out[:len(x)]
	for i, v := range x {
		h := float32((v - mean) * inv) // the conversions keep any compiler from fusing
		xhat[i] = h
		out[i] = float32(gamma*h) + beta
	}
}

func bnBackGo(dy, xhat, dx []float32, c *[3]float32) {
	a, mDy, mXh := c[0], c[1], c[2]
	xhat, dx = xhat[:len(dy)], dx[:len(dy)]
	for i, d := range dy {
		dx[i] = float32(a*d) - mDy - float32(xhat[i]*mXh)
	}
}

// bnBackReLUGo is bnBackGo followed by reluBackGo with the ReLU output out: BatchNorm's input
// gradient where the ReLU before it let the value through, +0 elsewhere.
func bnBackReLUGo(dy, xhat, out, dx []float32, c *[3]float32) {
	a, mDy, mXh := c[0], c[1], c[2]
	xhat, out, dx = xhat[:len(dy)], out[:len(dy)], dx[:len(dy)]
	for i, d := range dy {
		v := float32(a*d) - mDy - float32(xhat[i]*mXh)
		bits := math.Float32bits(out[i])
		keep := -((bits | -bits) >> 31) // as reluBackGo
		dx[i] = math.Float32frombits(math.Float32bits(v) & keep)
	}
}

// constStep is how many values apart the constants of consecutive planes lie in c: 0 when c
// holds one set of k for all planes, k when it holds one per plane.
func constStep(c []float32, k, planes int) int {
	switch len(c) {
	case k:
		return 0
	case k * planes:
		return k
	}
	panic("ml: constants for every plane, or one set for all, are needed")
}

// packBTransGo is packBTrans for p in [from, kc).
func packBTransGo(dst, src []float32, ld, from, kc int) {
	for j := 0; j < microCols; j++ {
		s := src[j*ld : j*ld+kc]
		for p := from; p < kc; p++ {
			dst[p*microCols+j] = s[p]
		}
	}
}

func packBCopyGo(dst, src []float32, ld, kc int) {
	for p := 0; p < kc; p++ {
		*(*[microCols]float32)(dst[p*microCols:]) = *(*[microCols]float32)(src[p*ld:])
	}
}

func copyBiasGo(dst, src []float32, bias float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = v + bias
	}
}

// packA6Go is packA6 for p in [from, kc).
func packA6Go(dst, src []float32, ld, from, kc int) {
	for i := 0; i < microRows; i++ {
		s := src[i*ld : i*ld+kc]
		for p := from; p < kc; p++ {
			dst[p*microRows+i] = s[p]
		}
	}
}

func copyBiasReLUGo(dst, src []float32, bias float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		v += bias
		if v <= 0 { // as ReLU.Forward
			v = 0
		}
		dst[i] = v
	}
}

package ml

import "math"

// MaxPool2d is PyTorch's nn.MaxPool2d(k) with stride k and no padding: each output is the
// maximum of a k×k window (trailing rows and columns that do not fill a window are dropped).
// Ties go to the first position in row-major order, as in PyTorch, which matters here: after
// ReLU → BatchNorm whole windows often hold one repeated value.
type MaxPool2d struct {
	Kernel int

	inShape []int
	argmax  []int32 // index into the input of each output's maximum
	out     *Tensor
	dx      *Tensor

	// The running pass's arguments, for bodies made once (jobs.go).
	job struct {
		x            []float32
		h, w, ho, wo int
	}
	forwardBody, backwardBody func(lo, hi int)
}

// NewMaxPool2d returns a k×k max pool with stride k.
func NewMaxPool2d(k int) *MaxPool2d { return &MaxPool2d{Kernel: k} }

// Forward maps x (B×C×H×W) to B×C×⌊H/k⌋×⌊W/k⌋.
func (l *MaxPool2d) Forward(x *Tensor) *Tensor {
	mustRank("maxpool2d", x, 4)
	b, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	k := l.Kernel
	ho, wo := h/k, w/k
	l.inShape = x.Shape
	l.out = reuse(l.out, b, c, ho, wo)
	if cap(l.argmax) < len(l.out.Data) {
		l.argmax = make([]int32, len(l.out.Data))
	}
	l.argmax = l.argmax[:len(l.out.Data)]
	if k := installed.Load(); k != nil && k.MaxPool2 != nil && l.Kernel == 2 && h%2 == 0 && w%2 == 0 && h > 0 && w > 0 {
		// Planes of even height stacked are one plane b·c·h high whose windows never straddle
		// two of them: one call of the kernel pools them all (per plane, the small planes of
		// the last blocks cost more in calls than in pooling).
		k.MaxPool2(x.Data, l.out.Data, l.argmax, 0, b*c*h, w)
		return l.out
	}
	if l.forwardBody == nil { // made once (jobs.go)
		l.forwardBody = func(lo, hi int) {
			j := &l.job
			if l.Kernel == 2 && j.h%2 == 0 && (j.w == 8 || j.w == 4) {
				// Planes of even height are back-to-back pairs of rows: narrow ones (the last
				// blocks' 8 and 4 wide) are pooled across planes, eight windows at a time.
				pairs, at := (hi-lo)*j.h/2, lo*j.h*j.w
				done := maxPool2Pairs(l.out.Data[lo*j.ho*j.wo:], l.argmax[lo*j.ho*j.wo:], j.x[at:], pairs, j.w, at)
				for p := done; p < pairs; p++ {
					r0, o := at+2*p*j.w, lo*j.ho*j.wo+p*j.wo
					maxPool2RowGo(l.out.Data[o:o+j.wo], l.argmax[o:o+j.wo], j.x[r0:r0+j.w], j.x[r0+j.w:r0+2*j.w], r0, 0)
				}
				return
			}
			for plane := lo; plane < hi; plane++ {
				l.forwardPlane(j.x, plane, j.h, j.w, j.ho, j.wo)
			}
		}
	}
	l.job.x, l.job.h, l.job.w, l.job.ho, l.job.wo = x.Data, h, w, ho, wo
	parallelFor(b*c, len(x.Data), l.forwardBody)
	return l.out
}

func (l *MaxPool2d) forwardPlane(x []float32, plane, h, w, ho, wo int) {
	if l.Kernel == 2 {
		l.forwardPlane2(x, plane, h, w, ho, wo)
		return
	}
	k := l.Kernel
	base := plane * h * w
	o := plane * ho * wo
	for oy := 0; oy < ho; oy++ {
		for ox := 0; ox < wo; ox++ {
			best, bestAt := float32(math.Inf(-1)), -1
			for ky := 0; ky < k; ky++ {
				row := base + (oy*k+ky)*w + ox*k
				for kx, v := range x[row : row+k] {
					// NaN wins, as in PyTorch's (val > max || isnan(val)).
					if v > best || v != v || bestAt < 0 {
						best, bestAt = v, row+kx
					}
				}
			}
			l.out.Data[o], l.argmax[o] = best, int32(bestAt)
			o++
		}
	}
}

// forwardPlane2 is forwardPlane for 2×2 windows, the only size the models use.
func (l *MaxPool2d) forwardPlane2(x []float32, plane, h, w, ho, wo int) {
	base := plane * h * w
	out := l.out.Data[plane*ho*wo : (plane+1)*ho*wo]
	arg := l.argmax[plane*ho*wo : (plane+1)*ho*wo]
	if k := installed.Load(); k != nil && k.MaxPool2 != nil && ho > 0 && wo > 0 {
		_ = x[base+2*ho*w-1] // the kernel reads raw memory: the Go's bounds, checked first
		k.MaxPool2(x, out, arg, base, h, w)
		return
	}
	for oy := 0; oy < ho; oy++ {
		r0 := base + 2*oy*w
		maxPool2Row(out[oy*wo:(oy+1)*wo], arg[oy*wo:(oy+1)*wo], x[r0:r0+w], x[r0+w:r0+2*w], r0)
	}
}

// maxPool2RowGo pools windows [from, len(out)) of one pair of input rows (see maxPool2Row):
// the reference of the assembly.
func maxPool2RowGo(out []float32, arg []int32, top, bottom []float32, r0, from int) {
	w := len(top)
	for ox := from; ox < len(out); ox++ {
		i := 2 * ox
		best, at := top[i], r0+i
		if v := top[i+1]; v > best || v != v {
			best, at = v, r0+i+1
		}
		if v := bottom[i]; v > best || v != v {
			best, at = v, r0+w+i
		}
		if v := bottom[i+1]; v > best || v != v {
			best, at = v, r0+w+i+1
		}
		out[ox], arg[ox] = best, int32(at)
	}
}

// Backward routes each output gradient to the input position that held the maximum.
func (l *MaxPool2d) Backward(dy *Tensor) *Tensor {
	l.dx = reuse(l.dx, l.inShape...)
	planes := l.inShape[0] * l.inShape[1]
	in, out := len(l.dx.Data)/planes, len(dy.Data)/planes
	if len(l.dx.Data) < minParallelWork {
		l.backwardPlanes(dy.Data, 0, planes, in, out) // inline: no closure for one image
		return l.dx
	}
	// Every maximum lies in its own plane, so planes go to the cores independently.
	if l.backwardBody == nil {
		l.backwardBody = func(lo, hi int) { l.backwardPlanes(l.job.x, lo, hi, l.job.h, l.job.w) }
	}
	l.job.x, l.job.h, l.job.w = dy.Data, in, out // the gradient, and the planes' sizes
	parallelFor(planes, len(l.dx.Data), l.backwardBody)
	return l.dx
}

// backwardPlanes routes the gradients of planes [lo, hi) (out outputs from in inputs each).
func (l *MaxPool2d) backwardPlanes(dy []float32, lo, hi, in, out int) {
	dx := l.dx.Data
	clear(dx[lo*in : hi*in])
	for i := lo * out; i < hi*out; i++ {
		dx[l.argmax[i]] += dy[i]
	}
}

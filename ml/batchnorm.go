package ml

import (
	"fmt"
	"math"
)

// BatchNorm is PyTorch's nn.BatchNorm2d (input B×C×H×W) and nn.BatchNorm1d (input B×C): the
// statistics are per channel C over the batch and every spatial position.
//
// Training mode normalises with the batch mean and the biased batch variance, and updates the
// running estimates with momentum 0.1 using the unbiased variance (n/(n−1) times the biased one),
// exactly as PyTorch does. Evaluation mode normalises with the running estimates.
type BatchNorm struct {
	C        int
	Eps      float64
	Momentum float64
	Train    bool

	Weight, Bias            *Param  // γ and β
	RunningMean, RunningVar *Buffer // updated in training mode only
	// NumBatchesTracked counts training-mode forward passes, as PyTorch's buffer does.
	NumBatchesTracked int64
	// NoParamGrad leaves γ's and β's gradients alone in evaluation mode's backward pass, which
	// then skips the sums they need and computes dx alone (what explanations need).
	NoParamGrad bool

	shape  []int
	xhat   []float32 // normalised input, kept for backward
	invStd []float64 // per channel, of the statistics used by the last forward pass
	out    *Tensor
	dx     *Tensor

	// The running pass's arguments, for bodies made once (jobs.go).
	job struct {
		x    []float32
		b, s int
		pass int // forwardImages's and backwardImages's
		// backwardReLU's: the ReLU output before, and the bias gradient of the layer before it
		reluOut, biasGrad []float32
	}
	jobs                      batchJobs // backwardReLU's bias gradient, for BatchNorm1d
	forwardBody, backwardBody func(lo, hi int)

	// The row-wise and image-wise passes (forwardRows, forwardImages): per-channel sums and
	// constants, per-plane sums ([image][channel], twice), and the image pass's body.
	rowSums   []float64
	rowConsts []float32
	planeSums []float64
	imageBody func(lo, hi int)
}

// NewBatchNorm returns a BatchNorm over c channels with PyTorch's defaults (γ=1, β=0, running
// mean 0 and variance 1), named prefix+".weight", ".bias", ".running_mean", ".running_var".
func NewBatchNorm(prefix string, c int) *BatchNorm {
	l := &BatchNorm{C: c, Eps: 1e-5, Momentum: 0.1, Train: true,
		Weight:      newParam(prefix+".weight", true, c),
		Bias:        newParam(prefix+".bias", true, c),
		RunningMean: &Buffer{Name: prefix + ".running_mean", Value: NewTensor(c)},
		RunningVar:  &Buffer{Name: prefix + ".running_var", Value: NewTensor(c)},
	}
	l.Reset()
	return l
}

// Reset restores PyTorch's initial state: γ=1, β=0, running mean 0, running variance 1.
func (l *BatchNorm) Reset() {
	for c := 0; c < l.C; c++ {
		l.Weight.Value.Data[c], l.Bias.Value.Data[c] = 1, 0
		l.RunningMean.Value.Data[c], l.RunningVar.Value.Data[c] = 0, 1
	}
	l.NumBatchesTracked = 0
}

// Params lists the trainable tensors.
func (l *BatchNorm) Params() []*Param { return []*Param{l.Weight, l.Bias} }

// Forward normalises x (B×C or B×C×H×W) and returns a tensor of the same shape.
func (l *BatchNorm) Forward(x *Tensor) *Tensor {
	if len(x.Shape) != 2 && len(x.Shape) != 4 || x.Shape[1] != l.C {
		panic(fmt.Sprintf("ml: batchnorm %s: input shape %v, want B×%d or B×%d×H×W", l.Weight.Name, x.Shape, l.C, l.C))
	}
	b, c := x.Shape[0], l.C
	s := len(x.Data) / (b * c)
	n := b * s
	l.shape = x.Shape
	l.out = reuse(l.out, x.Shape...)
	l.xhat = grow(l.xhat, len(x.Data))
	if cap(l.invStd) < c {
		l.invStd = make([]float64, c)
	}
	l.invStd = l.invStd[:c]
	if l.Train {
		if n < 2 {
			panic(fmt.Sprintf("ml: batchnorm %s: training needs more than one value per channel, got input %v", l.Weight.Name, x.Shape))
		}
		l.NumBatchesTracked++
	}
	if s == 1 {
		l.forwardRows(x.Data, b)
		return l.out
	}
	if s <= imageOrderPlane {
		l.forwardImages(x.Data, b, s)
		return l.out
	}
	if len(x.Data) < minParallelWork {
		// Inline, so that one image's evaluation allocates nothing (the closure below would).
		for ch := 0; ch < c; ch++ {
			l.forwardChannel(x.Data, ch, b, s)
		}
		return l.out
	}
	if l.forwardBody == nil { // made once (jobs.go)
		l.forwardBody = func(lo, hi int) {
			for ch := lo; ch < hi; ch++ {
				l.forwardChannel(l.job.x, ch, l.job.b, l.job.s)
			}
		}
	}
	l.job.x, l.job.b, l.job.s = x.Data, b, s
	parallelFor(c, len(x.Data), l.forwardBody)
	return l.out
}

// forwardChannel normalises channel ch of x (B×C×S) into l.out and l.xhat.
func (l *BatchNorm) forwardChannel(x []float32, ch, b, s int) {
	c := l.C
	var mean, variance float64
	if l.Train {
		// Two passes with float64 sums: this keeps us within float32 rounding of PyTorch.
		mean = sumPlanes(x[ch*s:], b, s, c*s) / float64(b*s)
		variance = sqDevPlanes(x[ch*s:], b, s, c*s, mean) / float64(b*s)
	}
	consts := l.applyConstants(ch, mean, variance, b*s)
	bnApply(x[ch*s:], l.xhat[ch*s:], l.out.Data[ch*s:], b, s, c*s, consts[:])
}

// applyConstants returns what bnApply applies to channel ch — mean, 1/σ, γ, β — and keeps
// 1/σ for the backward pass. In training they come from the batch mean and (biased) variance
// over n values, which also update the running statistics; in evaluation from the running ones.
func (l *BatchNorm) applyConstants(ch int, mean, variance float64, n int) [4]float32 {
	rm, rv := l.RunningMean.Value.Data, l.RunningVar.Value.Data
	if l.Train {
		m := l.Momentum
		rm[ch] = float32((1-m)*float64(rm[ch]) + m*mean)
		rv[ch] = float32((1-m)*float64(rv[ch]) + m*variance*float64(n)/float64(n-1))
	} else {
		mean, variance = float64(rm[ch]), float64(rv[ch])
	}
	m32, inv32, inv := normConstants(mean, variance, l.Eps)
	l.invStd[ch] = inv
	return [4]float32{m32, inv32, l.Weight.Value.Data[ch], l.Bias.Value.Data[ch]}
}

// normConstants are what BatchNorm applies to a channel of mean and variance: the mean and
// 1/√(variance + eps) as float32 (each element becomes γ·((x − mean)·inv) + β), and inv in
// float64 for the backward pass. Every evaluation path takes its constants from here, so they
// all match the layer bit for bit.
func normConstants(mean, variance, eps float64) (mean32, inv32 float32, inv float64) {
	inv = 1 / math.Sqrt(variance+eps)
	return float32(mean), float32(inv), inv
}

// evalConstants are channel ch's constants with the running statistics (evaluation).
func (l *BatchNorm) evalConstants(ch int) (mean, inv float32) {
	mean, inv, _ = normConstants(float64(l.RunningMean.Value.Data[ch]), float64(l.RunningVar.Value.Data[ch]), l.Eps)
	return mean, inv
}

// Backward takes dy, adds the gradients of γ and β, and returns dx. In training mode the batch
// statistics depend on x, which the standard formula accounts for:
// dx = γ·invStd/n · (n·dy − Σdy − x̂·Σ(dy·x̂)).
func (l *BatchNorm) Backward(dy *Tensor) *Tensor { return l.backwardReLU(dy, nil, nil) }

// backwardReLU is Backward followed by the backward pass of the ReLU before this layer, whose
// output (this layer's input) is reluOut: dx is +0 where reluOut is. With biasGrad it also adds
// Σdx per channel to it: the bias gradient of the layer before the ReLU, summed while dx is in
// cache, which that layer then leaves out (Conv2d.backward). The values are the unfused layers'
// bit for bit.
func (l *BatchNorm) backwardReLU(dy *Tensor, reluOut, biasGrad []float32) *Tensor {
	b, c := l.shape[0], l.C
	s := len(dy.Data) / (b * c)
	l.dx = reuse(l.dx, l.shape...)
	if s == 1 {
		l.backwardRows(dy.Data, b)
		if reluOut != nil {
			reluBackInto(l.dx.Data, reluOut, l.dx.Data)
		}
		if biasGrad != nil {
			sumChannels(&l.jobs, biasGrad, l.dx.Data, b, c, 1)
		}
		return l.dx
	}
	l.job.reluOut, l.job.biasGrad = reluOut, biasGrad
	defer func() { l.job.reluOut, l.job.biasGrad = nil, nil }()
	if s <= imageOrderPlane {
		l.backwardImages(dy.Data, b, s)
		return l.dx
	}
	if l.backwardBody == nil {
		l.backwardBody = func(lo, hi int) {
			for ch := lo; ch < hi; ch++ {
				l.backwardChannel(l.job.x, ch, l.job.b, l.job.s)
			}
		}
	}
	l.job.x, l.job.b, l.job.s = dy.Data, b, s
	parallelFor(c, len(dy.Data), l.backwardBody)
	return l.dx
}

func (l *BatchNorm) backwardChannel(dy []float32, ch, b, s int) {
	c, j := l.C, &l.job
	var sumDy, sumDyXhat float64
	if !l.dxAlone() {
		sumDy = sumPlanes(dy[ch*s:], b, s, c*s)
		sumDyXhat = dotPlanes(dy[ch*s:], l.xhat[ch*s:], b, s, c*s)
	}
	consts := l.gradConstants(ch, sumDy, sumDyXhat, b*s)
	if j.reluOut == nil && j.biasGrad == nil {
		bnBack(dy[ch*s:], l.xhat[ch*s:], l.dx.Data[ch*s:], nil, b, s, c*s, consts[:])
		return
	}
	// A few images at a time, so that their planes of dx are in cache for the bias gradient.
	var each [16]float64
	var sumDx float64
	for b0 := 0; b0 < b; b0 += len(each) {
		k, at := min(len(each), b-b0), (b0*c+ch)*s
		var mask []float32
		if j.reluOut != nil {
			mask = j.reluOut[at:]
		}
		bnBack(dy[at:], l.xhat[at:], l.dx.Data[at:], mask, k, s, c*s, consts[:])
		if j.biasGrad != nil {
			reduceEach(laneSum, l.dx.Data[at:], nil, k, s, c*s, nil, each[:k])
			for _, v := range each[:k] {
				sumDx += v
			}
		}
	}
	if j.biasGrad != nil {
		j.biasGrad[ch] += float32(sumDx)
	}
}

// dxAlone says whether the backward pass computes dx alone: evaluation mode (dx needs no
// sums) with NoParamGrad (γ and β need none either).
func (l *BatchNorm) dxAlone() bool { return l.NoParamGrad && !l.Train }

// gradConstants adds channel ch's gradients of γ and β from Σdy and Σdy·x̂ over its n values
// and returns what bnBack applies: dx = a·dy − mDy − x̂·mXh with a = γ/σ, mDy = a·Σdy/n and
// mXh = a·Σ(dy·x̂)/n in training (the batch statistics depend on x), and a alone in evaluation.
func (l *BatchNorm) gradConstants(ch int, sumDy, sumDyXhat float64, n int) [3]float32 {
	if !l.NoParamGrad {
		l.Weight.Grad.Data[ch] += float32(sumDyXhat)
		l.Bias.Grad.Data[ch] += float32(sumDy)
	}
	scale := float64(l.Weight.Value.Data[ch]) * l.invStd[ch]
	if !l.Train {
		sumDy, sumDyXhat = 0, 0
	}
	return [3]float32{float32(scale), float32(scale * sumDy / float64(n)), float32(scale * sumDyXhat / float64(n))}
}

// BatchNorm1d (B×C: planes of one value) runs row by row. Channel by channel it made several
// calls per value, a fifth of a millisecond for FashionNet's 64×256 on one core while the
// other waited. The per-channel sums are the float64 additions sumPlanes and dotPlanes make
// over planes of one value, in the same order (row by row), and each element goes through
// bnApplyGo's and bnBackGo's float32 operations, so the results are the channel-wise path's
// bit for bit.

// forwardRows is Forward for x of b rows of l.C values.
func (l *BatchNorm) forwardRows(x []float32, b int) {
	c := l.C
	l.rowSums = grow(l.rowSums, 2*c)
	mean, sq := l.rowSums[:c], l.rowSums[c:]
	clear(l.rowSums)
	if l.Train {
		for r := 0; r < b; r++ {
			for ch, v := range x[r*c : (r+1)*c] {
				mean[ch] += float64(v)
			}
		}
		for ch := range mean {
			mean[ch] /= float64(b)
		}
		for r := 0; r < b; r++ {
			for ch, v := range x[r*c : (r+1)*c] {
				d := float64(v) - mean[ch]
				sq[ch] += d * d
			}
		}
	}
	l.rowConsts = grow(l.rowConsts, 4*c)
	for ch := range mean {
		k := l.applyConstants(ch, mean[ch], sq[ch]/float64(b), b)
		copy(l.rowConsts[4*ch:], k[:])
	}
	for r := 0; r < b; r++ {
		xr, hr, or := x[r*c:(r+1)*c], l.xhat[r*c:(r+1)*c], l.out.Data[r*c:(r+1)*c]
		for ch, v := range xr {
			k := l.rowConsts[4*ch : 4*ch+4]
			h := float32((v - k[0]) * k[1]) // as bnApplyGo
			hr[ch] = h
			or[ch] = float32(k[2]*h) + k[3]
		}
	}
}

// backwardRows is Backward for dy of b rows of l.C values.
func (l *BatchNorm) backwardRows(dy []float32, b int) {
	c := l.C
	l.rowSums = grow(l.rowSums, 2*c)
	sumDy, sumDyXhat := l.rowSums[:c], l.rowSums[c:]
	clear(l.rowSums)
	for r := 0; r < b && !l.dxAlone(); r++ {
		hr := l.xhat[r*c : (r+1)*c]
		for ch, d := range dy[r*c : (r+1)*c] {
			sumDy[ch] += float64(d)
			sumDyXhat[ch] += float64(d) * float64(hr[ch])
		}
	}
	l.rowConsts = grow(l.rowConsts, 3*c)
	for ch := range sumDy {
		k := l.gradConstants(ch, sumDy[ch], sumDyXhat[ch], b)
		copy(l.rowConsts[3*ch:], k[:])
	}
	for r := 0; r < b; r++ {
		hr, dr := l.xhat[r*c:(r+1)*c], l.dx.Data[r*c:(r+1)*c]
		for ch, d := range dy[r*c : (r+1)*c] {
			k := l.rowConsts[3*ch : 3*ch+3]
			dr[ch] = float32(k[0]*d) - k[1] - float32(hr[ch]*k[2]) // as bnBackGo
		}
	}
}

// Channels of small planes (the last blocks' 8×8 and 4×4) run image by image. Channel by
// channel, each plane was a cache line or two a page away from the last, and each of a pass's
// thousands of planes paid for reaching it; image by image, the passes stream through memory.
// Each plane's sums are those the channel-wise path takes (reduceEach), added per channel in
// image order as it adds them, and each element goes through the same kernels, so the results
// are the channel-wise path's bit for bit.

// imageOrderPlane is the largest plane that runs image by image.
const imageOrderPlane = 64

const (
	passSums = iota
	passSqDev
	passApply
	passGradSums
	passGrad
)

// forwardImages is Forward for x (B×C×S) image by image.
func (l *BatchNorm) forwardImages(x []float32, b, s int) {
	c := l.C
	l.planeSums = grow(l.planeSums, 2*b*c)
	sums, sqs := l.planeSums[:b*c], l.planeSums[b*c:]
	l.rowSums = grow(l.rowSums, c)
	mean := l.rowSums
	clear(mean)
	if l.Train {
		l.runImages(passSums, x, b, s)
		for ch := range mean {
			mean[ch] = sumChannel(sums, ch, b, c) / float64(b*s)
		}
		l.runImages(passSqDev, x, b, s)
	}
	l.rowConsts = grow(l.rowConsts, 4*c)
	for ch := range mean {
		var variance float64
		if l.Train {
			variance = sumChannel(sqs, ch, b, c) / float64(b*s)
		}
		k := l.applyConstants(ch, mean[ch], variance, b*s)
		copy(l.rowConsts[4*ch:], k[:])
	}
	l.runImages(passApply, x, b, s)
}

// backwardImages is Backward for dy (B×C×S) image by image.
func (l *BatchNorm) backwardImages(dy []float32, b, s int) {
	c := l.C
	l.planeSums = grow(l.planeSums, 2*b*c)
	sums, dots := l.planeSums[:b*c], l.planeSums[b*c:]
	if l.dxAlone() && l.job.biasGrad == nil {
		clear(l.planeSums)
	} else {
		l.runImages(passGradSums, dy, b, s)
	}
	l.rowConsts = grow(l.rowConsts, 3*c)
	for ch := 0; ch < c; ch++ {
		k := l.gradConstants(ch, sumChannel(sums, ch, b, c), sumChannel(dots, ch, b, c), b*s)
		copy(l.rowConsts[3*ch:], k[:])
	}
	l.runImages(passGrad, dy, b, s)
	if l.job.biasGrad != nil {
		for ch := 0; ch < c; ch++ {
			l.job.biasGrad[ch] += float32(sumChannel(sums, ch, b, c))
		}
	}
}

// sumChannel adds channel ch's per-plane values (v is [image][channel]) in image order.
func sumChannel(v []float64, ch, b, c int) float64 {
	var total float64
	for bi := 0; bi < b; bi++ {
		total += v[bi*c+ch]
	}
	return total
}

// runImages runs one pass of forwardImages or backwardImages over the images, on the cores.
func (l *BatchNorm) runImages(pass int, x []float32, b, s int) {
	l.job.x, l.job.b, l.job.s, l.job.pass = x, b, s, pass
	if b*l.C*s < minParallelWork {
		l.imagePass(0, b)
		return
	}
	if l.imageBody == nil { // made once (jobs.go)
		l.imageBody = func(lo, hi int) { l.imagePass(lo, hi) }
	}
	parallelFor(b, b*l.C*s, l.imageBody)
}

// imagePass runs l.job's pass over images [lo, hi).
func (l *BatchNorm) imagePass(lo, hi int) {
	j, c := &l.job, l.C
	s, n, half := j.s, c*j.s, j.b*c
	for bi := lo; bi < hi; bi++ {
		x := j.x[bi*n : (bi+1)*n]
		planes, planes2 := l.planeSums[bi*c:(bi+1)*c], l.planeSums[half+bi*c:half+(bi+1)*c]
		switch j.pass {
		case passSums:
			reduceEach(laneSum, x, nil, c, s, s, nil, planes)
		case passSqDev:
			reduceEach(laneSqDev, x, nil, c, s, s, l.rowSums[:c], planes2)
		case passApply:
			bnApply(x, l.xhat[bi*n:], l.out.Data[bi*n:], c, s, s, l.rowConsts[:4*c])
		case passGradSums:
			reduceEach(laneSum, x, nil, c, s, s, nil, planes)
			reduceEach(laneDot, x, l.xhat[bi*n:], c, s, s, nil, planes2)
		case passGrad:
			var mask []float32
			if j.reluOut != nil {
				mask = j.reluOut[bi*n:]
			}
			bnBack(x, l.xhat[bi*n:], l.dx.Data[bi*n:], mask, c, s, s, l.rowConsts[:3*c])
			if j.biasGrad != nil { // the dy sums are spent: the planes of dx take their place
				reduceEach(laneSum, l.dx.Data[bi*n:(bi+1)*n], nil, c, s, s, nil, planes)
			}
		}
	}
}

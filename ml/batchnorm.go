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

	shape  []int
	xhat   []float32 // normalised input, kept for backward
	invStd []float64 // per channel, of the statistics used by the last forward pass
	out    *Tensor
	dx     *Tensor

	// The running pass's arguments, for bodies made once (jobs.go).
	job struct {
		x    []float32
		b, s int
		n    float64
	}
	forwardBody, backwardBody func(lo, hi int)

	// BatchNorm1d's row-wise passes (forwardRows): per-channel sums and constants.
	rowSums   []float64
	rowConsts []float32
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
	gamma, beta := l.Weight.Value.Data, l.Bias.Value.Data
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
	if len(x.Data) < minParallelWork {
		// Inline, so that one image's evaluation allocates nothing (the closure below would).
		for ch := 0; ch < c; ch++ {
			l.forwardChannel(x.Data, ch, b, s, gamma[ch], beta[ch])
		}
		return l.out
	}
	if l.forwardBody == nil { // made once (jobs.go)
		l.forwardBody = func(lo, hi int) {
			g, be := l.Weight.Value.Data, l.Bias.Value.Data
			for ch := lo; ch < hi; ch++ {
				l.forwardChannel(l.job.x, ch, l.job.b, l.job.s, g[ch], be[ch])
			}
		}
	}
	l.job.x, l.job.b, l.job.s = x.Data, b, s
	parallelFor(c, len(x.Data), l.forwardBody)
	return l.out
}

// forwardChannel normalises channel ch of x (B×C×S) into l.out and l.xhat.
func (l *BatchNorm) forwardChannel(x []float32, ch, b, s int, gamma, beta float32) {
	c := l.C
	n := b * s
	var mean, variance float64
	if l.Train {
		// Two passes with float64 sums: this keeps us within float32 rounding of PyTorch.
		mean = sumPlanes(x[ch*s:], b, s, c*s) / float64(n)
		variance = sqDevPlanes(x[ch*s:], b, s, c*s, mean) / float64(n)
		m := l.Momentum
		rm, rv := l.RunningMean.Value.Data, l.RunningVar.Value.Data
		rm[ch] = float32((1-m)*float64(rm[ch]) + m*mean)
		rv[ch] = float32((1-m)*float64(rv[ch]) + m*variance*float64(n)/float64(n-1))
	} else {
		mean = float64(l.RunningMean.Value.Data[ch])
		variance = float64(l.RunningVar.Value.Data[ch])
	}
	m32, inv32, inv := normConstants(mean, variance, l.Eps)
	l.invStd[ch] = inv
	consts := [4]float32{m32, inv32, gamma, beta}
	for bi := 0; bi < b; bi++ {
		off := (bi*c + ch) * s
		bnApply(x[off:off+s], l.xhat[off:off+s], l.out.Data[off:off+s], &consts)
	}
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
func (l *BatchNorm) Backward(dy *Tensor) *Tensor {
	b, c := l.shape[0], l.C
	s := len(dy.Data) / (b * c)
	n := float64(b * s)
	l.dx = reuse(l.dx, l.shape...)
	if s == 1 {
		l.backwardRows(dy.Data, b)
		return l.dx
	}
	if l.backwardBody == nil {
		l.backwardBody = func(lo, hi int) {
			gamma := l.Weight.Value.Data
			for ch := lo; ch < hi; ch++ {
				l.backwardChannel(l.job.x, ch, l.job.b, l.job.s, l.job.n, gamma[ch])
			}
		}
	}
	l.job.x, l.job.b, l.job.s, l.job.n = dy.Data, b, s, n
	parallelFor(c, len(dy.Data), l.backwardBody)
	return l.dx
}

func (l *BatchNorm) backwardChannel(dy []float32, ch, b, s int, n float64, gamma float32) {
	c := l.C
	sumDy := sumPlanes(dy[ch*s:], b, s, c*s)
	sumDyXhat := dotPlanes(dy[ch*s:], l.xhat[ch*s:], b, s, c*s)
	l.Weight.Grad.Data[ch] += float32(sumDyXhat)
	l.Bias.Grad.Data[ch] += float32(sumDy)
	scale := float64(gamma) * l.invStd[ch]
	// dx = scale·dy − scale/n·(Σdy + x̂·Σ(dy·x̂)), in float32 per element.
	a := float32(scale)
	if !l.Train {
		a, sumDy, sumDyXhat = float32(scale), 0, 0
	}
	consts := [3]float32{a, float32(scale * sumDy / n), float32(scale * sumDyXhat / n)}
	for bi := 0; bi < b; bi++ {
		off := (bi*c + ch) * s
		bnBack(dy[off:off+s], l.xhat[off:off+s], l.dx.Data[off:off+s], &consts)
	}
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
	l.rowConsts = grow(l.rowConsts, 3*c)
	mean, inv := l.rowConsts[:c], l.rowConsts[c:2*c]
	if l.Train {
		l.rowSums = grow(l.rowSums, 2*c)
		mean64, sq := l.rowSums[:c], l.rowSums[c:]
		clear(l.rowSums)
		for r := 0; r < b; r++ {
			for ch, v := range x[r*c : (r+1)*c] {
				mean64[ch] += float64(v)
			}
		}
		n := float64(b)
		for ch := range mean64 {
			mean64[ch] /= n
		}
		for r := 0; r < b; r++ {
			for ch, v := range x[r*c : (r+1)*c] {
				d := float64(v) - mean64[ch]
				sq[ch] += d * d
			}
		}
		m := l.Momentum
		rm, rv := l.RunningMean.Value.Data, l.RunningVar.Value.Data
		for ch, mu := range mean64 {
			variance := sq[ch] / n
			rm[ch] = float32((1-m)*float64(rm[ch]) + m*mu)
			rv[ch] = float32((1-m)*float64(rv[ch]) + m*variance*n/(n-1))
			mean[ch], inv[ch], l.invStd[ch] = normConstants(mu, variance, l.Eps)
		}
	} else {
		rm, rv := l.RunningMean.Value.Data, l.RunningVar.Value.Data
		for ch := range mean {
			mean[ch], inv[ch], l.invStd[ch] = normConstants(float64(rm[ch]), float64(rv[ch]), l.Eps)
		}
	}
	gamma, beta := l.Weight.Value.Data[:c], l.Bias.Value.Data[:c]
	for r := 0; r < b; r++ {
		xr, hr, or := x[r*c:(r+1)*c], l.xhat[r*c:(r+1)*c], l.out.Data[r*c:(r+1)*c]
		for ch, v := range xr {
			h := float32((v - mean[ch]) * inv[ch]) // as bnApplyGo
			hr[ch] = h
			or[ch] = float32(gamma[ch]*h) + beta[ch]
		}
	}
}

// backwardRows is Backward for dy of b rows of l.C values.
func (l *BatchNorm) backwardRows(dy []float32, b int) {
	c := l.C
	l.rowSums = grow(l.rowSums, 2*c)
	sumDy, sumDyXhat := l.rowSums[:c], l.rowSums[c:]
	clear(l.rowSums)
	for r := 0; r < b; r++ {
		hr := l.xhat[r*c : (r+1)*c]
		for ch, d := range dy[r*c : (r+1)*c] {
			sumDy[ch] += float64(d)
			sumDyXhat[ch] += float64(d) * float64(hr[ch])
		}
	}
	l.rowConsts = grow(l.rowConsts, 3*c)
	a, mDy, mXh := l.rowConsts[:c], l.rowConsts[c:2*c], l.rowConsts[2*c:]
	gamma := l.Weight.Value.Data
	n := float64(b)
	for ch := range a {
		// As backwardChannel.
		l.Weight.Grad.Data[ch] += float32(sumDyXhat[ch])
		l.Bias.Grad.Data[ch] += float32(sumDy[ch])
		scale := float64(gamma[ch]) * l.invStd[ch]
		sDy, sDyXhat := sumDy[ch], sumDyXhat[ch]
		if !l.Train {
			sDy, sDyXhat = 0, 0
		}
		a[ch], mDy[ch], mXh[ch] = float32(scale), float32(scale*sDy/n), float32(scale*sDyXhat/n)
	}
	for r := 0; r < b; r++ {
		hr, dr := l.xhat[r*c:(r+1)*c], l.dx.Data[r*c:(r+1)*c]
		for ch, d := range dy[r*c : (r+1)*c] {
			dr[ch] = float32(a[ch]*d) - mDy[ch] - float32(hr[ch]*mXh[ch]) // as bnBackGo
		}
	}
}

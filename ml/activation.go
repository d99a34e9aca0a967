package ml

import "math"

// ReLU is max(0, x). Its gradient at exactly 0 is 0, as in PyTorch.
type ReLU struct {
	out, dx *Tensor
	job     sliceJob
}

// Forward returns max(0, x) in a buffer the layer owns.
func (l *ReLU) Forward(x *Tensor) *Tensor {
	l.out = reuse(l.out, x.Shape...)
	l.job.run(func(out, x, _ []float32) { reluInto(out, x) }, l.out.Data[:len(x.Data)], x.Data, nil)
	return l.out
}

// Backward passes dy where the output was positive.
func (l *ReLU) Backward(dy *Tensor) *Tensor {
	l.dx = reuse(l.dx, dy.Shape...)
	// x is the kept output and y the incoming gradient.
	l.job.run(func(dx, out, dy []float32) { reluBackInto(dx, out, dy) }, l.dx.Data[:len(dy.Data)], l.out.Data[:len(dy.Data)], dy.Data)
	return l.dx
}

// reluGo is ReLU's forward pass in Go, the reference of the assembly (reluInto).
func reluGo(out, x []float32) {
	out = out[:len(x)]
	for i, v := range x {
		// As max(v, 0) (NaN stays NaN, −0 becomes 0), written as a comparison: Go's float max
		// compiles to a long sequence under wasm, where this loop took 15 ns an element.
		if v <= 0 {
			v = 0
		}
		out[i] = v
	}
}

// reluBackGo is ReLU's backward pass in Go, the reference of the assembly (reluBackInto).
func reluBackGo(dx, out, dy []float32) {
	dx, out = dx[:len(dy)], out[:len(dy)]
	for i, d := range dy {
		// Branch-free: out is ≥ 0, so it is positive exactly when its bits are non-zero, and
		// (bits | −bits) has its sign bit set exactly then. Signs are random, so a branch
		// would mispredict half the time.
		bits := math.Float32bits(out[i])
		keep := -((bits | -bits) >> 31)
		dx[i] = math.Float32frombits(math.Float32bits(d) & keep)
	}
}

// Sigmoid is 1/(1+e^−x).
type Sigmoid struct {
	out, dx *Tensor
	job     sliceJob
	zero    [1]float32 // the bias the installed kernel adds
}

// Forward returns σ(x) in a buffer the layer owns.
func (l *Sigmoid) Forward(x *Tensor) *Tensor {
	l.out = reuse(l.out, x.Shape...)
	if k := installed.Load(); k != nil && k.BiasAct != nil && len(x.Data)%4 == 0 {
		// The kernel's sigmoid is sigmoid's, lane by lane, after adding a bias: +0 here, which
		// changes no input's sigmoid (−0 becomes +0, whose sigmoid is the same ½).
		out := l.out.Data[:len(x.Data)]
		copy(out, x.Data)
		k.BiasAct(out, l.zero[:], len(out), ActSigmoid)
		return l.out
	}
	l.job.run(func(out, x, _ []float32) { sigmoidInto(out, x) }, l.out.Data[:len(x.Data)], x.Data, nil)
	return l.out
}

func sigmoidInto(out, x []float32) {
	out = out[:len(x)]
	for i, v := range x {
		out[i] = sigmoid(v)
	}
}

// Backward returns dy·σ(x)·(1−σ(x)).
func (l *Sigmoid) Backward(dy *Tensor) *Tensor {
	l.dx = reuse(l.dx, dy.Shape...)
	l.job.run(func(dx, out, dy []float32) { sigmoidBackInto(dx, out, dy) }, l.dx.Data[:len(dy.Data)], l.out.Data[:len(dy.Data)], dy.Data)
	return l.dx
}

func sigmoidBackInto(dx, out, dy []float32) {
	dx, out = dx[:len(dy)], out[:len(dy)]
	for i, d := range dy {
		y := out[i]
		dx[i] = d * y * (1 - y)
	}
}

func sigmoid(v float32) float32 {
	// Split by sign so that exp never overflows: e = exp(−|v|) ∈ (0, 1].
	if v != v {
		return v
	}
	if v >= 0 {
		return 1 / (1 + expNeg(-v))
	}
	e := expNeg(v)
	return e / (1 + e)
}

// expNeg is exp(x) for x ≤ 0 in float32 arithmetic, within 2e-7 relative of math.Exp (so the
// sigmoid is within 1e-7 absolute). math.Exp is a long float64 routine in software under wasm,
// where it was a third of the VAE decoder's time; this is a range reduction and a polynomial.
func expNeg(x float32) float32 {
	if x < -87 { // below float32's normal range: the sigmoid is 0 or 1 to float32 precision
		return 0
	}
	// x = n·ln2 + r with |r| ≤ ln2/2; ln2 split in two so that r is exact enough.
	const ln2Hi, ln2Lo, log2e = 0.693359375, -2.12194440e-4, 1.44269504088896341
	n := float32(math.Floor(float64(x*log2e + 0.5)))
	r := x - n*ln2Hi - n*ln2Lo
	// exp(r) by its Taylor series to r⁷ (error < 2e-9 for |r| ≤ 0.35), in Horner form.
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040)))))))
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}

package ml

import "math"

// ReLU is max(0, x). Its gradient at exactly 0 is 0, as in PyTorch.
type ReLU struct {
	out, dx *Tensor
}

// Forward returns max(0, x) in a buffer the layer owns.
func (l *ReLU) Forward(x *Tensor) *Tensor {
	l.out = reuse(l.out, x.Shape...)
	out := l.out.Data[:len(x.Data)]
	for i, v := range x.Data {
		// As max(v, 0) (NaN stays NaN, −0 becomes 0), written as a comparison: Go's float max
		// compiles to a long sequence under wasm, where this loop took 15 ns an element.
		if v <= 0 {
			v = 0
		}
		out[i] = v
	}
	return l.out
}

// Backward passes dy where the output was positive.
func (l *ReLU) Backward(dy *Tensor) *Tensor {
	l.dx = reuse(l.dx, dy.Shape...)
	out, dx := l.out.Data[:len(dy.Data)], l.dx.Data[:len(dy.Data)]
	for i, d := range dy.Data {
		// Branch-free: out is ≥ 0, so it is positive exactly when its bits are non-zero, and
		// (bits | −bits) has its sign bit set exactly then. Signs are random, so a branch
		// would mispredict half the time.
		bits := math.Float32bits(out[i])
		keep := -((bits | -bits) >> 31)
		dx[i] = math.Float32frombits(math.Float32bits(d) & keep)
	}
	return l.dx
}

// Sigmoid is 1/(1+e^−x).
type Sigmoid struct {
	out, dx *Tensor
}

// Forward returns σ(x) in a buffer the layer owns.
func (l *Sigmoid) Forward(x *Tensor) *Tensor {
	l.out = reuse(l.out, x.Shape...)
	for i, v := range x.Data {
		l.out.Data[i] = sigmoid(v)
	}
	return l.out
}

// Backward returns dy·σ(x)·(1−σ(x)).
func (l *Sigmoid) Backward(dy *Tensor) *Tensor {
	l.dx = reuse(l.dx, dy.Shape...)
	for i, d := range dy.Data {
		y := l.out.Data[i]
		l.dx.Data[i] = d * y * (1 - y)
	}
	return l.dx
}

func sigmoid(v float32) float32 {
	// Split by sign so that exp never overflows.
	if v >= 0 {
		return float32(1 / (1 + math.Exp(-float64(v))))
	}
	e := math.Exp(float64(v))
	return float32(e / (1 + e))
}

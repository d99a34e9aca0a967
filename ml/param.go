package ml

import (
	"math"
	"math/rand/v2"
)

// Param is one trainable tensor and its gradient, named like PyTorch's state_dict entry.
// Backward passes add into Grad; the optimiser step reads it and the trainer zeroes it.
type Param struct {
	Name  string
	Value *Tensor
	Grad  *Tensor
	// NoDecay marks biases and BatchNorm affine parameters, which weight decay leaves alone.
	NoDecay bool
}

func newParam(name string, noDecay bool, shape ...int) *Param {
	return &Param{Name: name, Value: NewTensor(shape...), Grad: NewTensor(shape...), NoDecay: noDecay}
}

// Buffer is a named non-trainable tensor that belongs in the weight file, such as BatchNorm's
// running statistics.
type Buffer struct {
	Name  string
	Value *Tensor
}

// ZeroGrads zeroes the gradients of params.
func ZeroGrads(params []*Param) {
	for _, p := range params {
		p.Grad.Zero()
	}
}

// initUniform fills w (and b, when not nil) from U(-1/√fanIn, 1/√fanIn): PyTorch's default
// initialisation for Linear, Conv2d and ConvTranspose2d (kaiming_uniform with a=√5 works out
// to this bound for the weights, and the bias uses the same one).
func initUniform(rng *rand.Rand, fanIn int, w, b *Tensor) {
	bound := float32(1 / math.Sqrt(float64(fanIn)))
	for i := range w.Data {
		w.Data[i] = (2*rng.Float32() - 1) * bound
	}
	if b != nil {
		for i := range b.Data {
			b.Data[i] = (2*rng.Float32() - 1) * bound
		}
	}
}

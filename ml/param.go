package ml

import (
	"fmt"
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

// weighted is the weight and bias that Conv2d, ConvTranspose2d and Linear carry, named
// prefix+".weight" and prefix+".bias" as in a PyTorch state dict.
type weighted struct {
	Weight, Bias *Param
	// NoParamGrad leaves the parameters' gradients alone in the backward pass, which then
	// computes the input's gradient only (what explanations need).
	NoParamGrad bool
}

func newWeighted(prefix string, weightShape []int, biasLen int) weighted {
	return weighted{Weight: newParam(prefix+".weight", false, weightShape...), Bias: newParam(prefix+".bias", true, biasLen)}
}

// Params lists the trainable tensors.
func (w weighted) Params() []*Param { return []*Param{w.Weight, w.Bias} }

// initFanIn draws both tensors uniformly within ±1/√fanIn, as PyTorch initialises these layers.
func (w weighted) initFanIn(rng *rand.Rand, fanIn int) {
	initUniform(rng, fanIn, w.Weight.Value, w.Bias.Value)
}

// checkInput panics, naming the layer, unless x has the given rank and its dimension 1 (the
// channels or features, called what) matches the weight's width.
func (w weighted) checkInput(layer string, x *Tensor, rank, width int, what string) {
	mustRank(layer, x, rank)
	if x.Shape[1] != width {
		panic(fmt.Sprintf("ml: %s %s: input has %d %s, weight expects %d", layer, w.Weight.Name, x.Shape[1], what, width))
	}
}

// HalfSumInto sets g[i] to (g[i] + peer[i])·½ for every i (peer at least as long): the mean of
// two workers' gradients, the same bits whichever of the two computes it, since floating-point
// addition is commutative.
func HalfSumInto(g, peer []float32) {
	if len(g) == 0 {
		return
	}
	peer = peer[:len(g)]
	if k := installed.Load(); k != nil && k.HalfSum != nil {
		k.HalfSum(g, peer)
		return
	}
	for i, v := range peer {
		g[i] = (g[i] + v) * 0.5
	}
}

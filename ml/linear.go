package ml

import "math/rand/v2"

// Linear is PyTorch's nn.Linear: y = x·Wᵀ + b with Weight Out×In and Bias Out.
type Linear struct {
	In, Out int
	weighted

	x   *Tensor // B×In, the last input (owned by the caller, kept for the weight gradient)
	out *Tensor
	dx  *Tensor

	frozen  bool      // weights fixed (see SetFrozen)
	evalW   []float32 // Wᵀ packed as the eval kernels' B panels, while frozen
	evalDx  []float32 // W packed as their B panels, for the input gradient (backwardEval)
	evalX   []float32 // a batch (or its output gradient) packed as their A panels
	evalOut *Tensor
	jobs    batchJobs
}

// SetFrozen declares the weights fixed (true: inference) or changing (false: training), as
// Conv2d.SetFrozen does.
func (l *Linear) SetFrozen(frozen bool) { l.frozen, l.evalW, l.evalDx = frozen, nil, nil }

// NewLinear returns a fully connected layer named prefix+".weight" and prefix+".bias".
func NewLinear(prefix string, in, out int) *Linear {
	return &Linear{In: in, Out: out,
		weighted: newWeighted(prefix, []int{out, in}, out)}
}

// Init draws the parameters the way PyTorch initialises a new nn.Linear.
func (l *Linear) Init(rng *rand.Rand) { l.initFanIn(rng, l.In) }

// Forward maps x (B×In) to B×Out.
func (l *Linear) Forward(x *Tensor) *Tensor {
	l.checkInput("linear", x, 2, l.In, "features")
	b := x.Shape[0]
	l.x = x
	l.out = reuse(l.out, b, l.Out)
	gemm(b, l.Out, l.In, matrix{data: x.Data, ld: l.In}, matrix{data: l.Weight.Value.Data, ld: l.In, trans: true}, l.out.Data, l.Out, false)
	bias := l.Bias.Value.Data
	for n := 0; n < b; n++ {
		row := l.out.Data[n*l.Out : (n+1)*l.Out]
		for j, v := range bias {
			row[j] += v
		}
	}
	return l.out
}

// Backward takes dy (B×Out), adds the parameter gradients and returns dx (B×In).
func (l *Linear) Backward(dy *Tensor) *Tensor {
	b := dy.Shape[0]
	if !l.NoParamGrad {
		sumChannels(&l.jobs, l.Bias.Grad.Data, dy.Data, b, l.Out, 1)
		// dW (Out×In) += dyᵀ (Out×B) · x (B×In).
		gemm(l.Out, l.In, b, matrix{data: dy.Data, ld: l.Out, trans: true}, matrix{data: l.x.Data, ld: l.In}, l.Weight.Grad.Data, l.In, true)
	}
	// dx (B×In) = dy (B×Out) · W (Out×In).
	l.dx = reuse(l.dx, b, l.In)
	if k := kernels(); l.NoParamGrad && k.eval() && l.backwardEval(k, dy) {
		return l.dx
	}
	gemm(b, l.In, l.Out, matrix{data: dy.Data, ld: l.Out}, matrix{data: l.Weight.Value.Data, ld: l.In}, l.dx.Data, l.In, false)
	return l.dx
}

// Evaluation through the whole-layer kernels (see Kernels).

// forwardEval runs the frozen layer on a batch through the eval kernels: the images are the
// rows of A, the weights (packed once) its B panels, and the bias (and ReLU) the epilogue. A
// single input stays with the layers' path, where the dot kernel reads the weights as they lie.
// It reports false where the kernels do not apply.
func (l *Linear) forwardEval(k *Kernels, x *Tensor, relu bool) (*Tensor, bool) {
	mustRank("linear", x, 2)
	b := x.Shape[0]
	if !l.frozen || b < 2 || !k.takes(b) || x.Shape[1] != l.In || l.Out%microCols != 0 {
		return nil, false
	}
	panels := l.Out / microCols
	if l.evalW == nil {
		l.evalW = make([]float32, panels*l.In*microCols)
		wt := matrix{data: l.Weight.Value.Data, ld: l.In, trans: true}
		for p := 0; p < panels; p++ {
			packB(l.evalW[p*l.In*microCols:(p+1)*l.In*microCols], wt, 0, l.In, p*microCols, microCols)
		}
	}
	l.evalX = packPanelsInto(l.evalX, matrix{data: x.Data, ld: l.In}, b, l.In)
	ep := Epilogue{Mode: EpColBias, Bias: l.Bias.Value.Data}
	if relu {
		ep.Mode = EpColBiasReLU
	}
	l.evalOut = reuse(l.evalOut, b, l.Out)
	k.Tiles(&ep, l.In, l.evalX, (b+microRows-1)/microRows, l.evalW, panels, l.evalOut.Data, l.Out, b)
	return l.evalOut, true
}

// backwardEval computes l.dx = dy·W through the eval kernels, where the weights are frozen:
// the output gradient's rows are A's, W (packed once) gives the B panels. It reports false
// where the kernels do not apply.
func (l *Linear) backwardEval(k *Kernels, dy *Tensor) bool {
	b := dy.Shape[0]
	if !l.frozen || !k.takes(b) || l.In%microCols != 0 {
		return false
	}
	panels := l.In / microCols
	if l.evalDx == nil {
		l.evalDx = make([]float32, panels*l.Out*microCols)
		w := matrix{data: l.Weight.Value.Data, ld: l.In}
		for p := 0; p < panels; p++ {
			packB(l.evalDx[p*l.Out*microCols:(p+1)*l.Out*microCols], w, 0, l.Out, p*microCols, microCols)
		}
	}
	l.evalX = packPanelsInto(l.evalX, matrix{data: dy.Data, ld: l.Out}, b, l.Out)
	k.Tiles(&Epilogue{Mode: EpSum}, l.Out, l.evalX, (b+microRows-1)/microRows, l.evalDx, panels, l.dx.Data, l.In, b)
	return true
}

// linearReLUKept is linearReLU for a layer whose backward pass follows (a frozen one, in a model
// explaining its answers): relu keeps the output, which its backward pass reads.
func linearReLUKept(l *Linear, relu *ReLU, x *Tensor) *Tensor {
	if k := kernels(); l.NoParamGrad && k.eval() {
		if y, ok := l.forwardEval(k, x, true); ok {
			relu.out = y
			return y
		}
	}
	return relu.Forward(l.Forward(x))
}

// linearReLU is relu.Forward(l.Forward(x)), through the eval kernels where they apply.
func linearReLU(l *Linear, relu *ReLU, x *Tensor) *Tensor {
	if k := kernels(); k.eval() {
		if y, ok := l.forwardEval(k, x, true); ok {
			return y
		}
	}
	return relu.Forward(l.Forward(x))
}

package ml

import (
	"fmt"
	"math/rand/v2"
)

// ConvTranspose2d is PyTorch's nn.ConvTranspose2d with a square kernel (no output padding, no
// dilation): Weight is Cin×Cout×k×k, Bias is Cout, and Ho = (H−1)·Stride − 2·Pad + k.
//
// A transposed convolution is the input-gradient of an ordinary convolution that maps the
// output space (Cout×Ho×Wo) back to the input space (Cin×H×W) with Weight read as OIHW. So its
// forward pass is that convolution's backward pass — one GEMM then col2im — and its backward
// pass is that convolution's forward pass.
type ConvTranspose2d struct {
	Cin, Cout, Kernel, Stride, Pad int
	weighted

	geom  convGeom // the adjoint convolution: output space → input space
	batch int
	xCB   []float32 // Cin×B·H·W, kept for the weight gradient
	col   []float32 // Cout·k²×B·H·W
	out   *Tensor
	dcol  []float32
	dxCB  []float32
	dx    *Tensor
	jobs  batchJobs

	frozen  bool        // weights fixed: pack them once (see SetFrozen)
	packedW *packedA    // Wᵀ, packed, while frozen
	eval    *evalDeconv // the eval kernels' plan, while frozen
	evalOut *Tensor
}

// NewConvTranspose2d returns a transposed convolution named prefix+".weight" and prefix+".bias".
func NewConvTranspose2d(prefix string, cin, cout, kernel, stride, pad int) *ConvTranspose2d {
	return &ConvTranspose2d{Cin: cin, Cout: cout, Kernel: kernel, Stride: stride, Pad: pad,
		weighted: newWeighted(prefix, []int{cin, cout, kernel, kernel}, cout)}
}

// Init draws the parameters like PyTorch, whose fan-in for this layer is computed from
// weight.shape[1], i.e. Cout·k².
func (l *ConvTranspose2d) Init(rng *rand.Rand) { l.initFanIn(rng, l.Cout*l.Kernel*l.Kernel) }

// adjoint is the geometry of the convolution whose adjoint this layer is, for an h×w input:
// it maps the Cout×Ho×Wo output back onto h×w. It reports false when that convolution would
// not give back exactly h×w.
func (l *ConvTranspose2d) adjoint(h, w int) (convGeom, bool) {
	ho := (h-1)*l.Stride - 2*l.Pad + l.Kernel
	wo := (w-1)*l.Stride - 2*l.Pad + l.Kernel
	g := newConvGeom(l.Cout, ho, wo, l.Kernel, l.Stride, l.Pad)
	return g, g.Ho == h && g.Wo == w
}

// Forward maps x (B×Cin×H×W) to B×Cout×Ho×Wo.
func (l *ConvTranspose2d) Forward(x *Tensor) *Tensor {
	l.checkInput("convtranspose2d", x, 4, l.Cin, "channels")
	b, h, w := x.Shape[0], x.Shape[2], x.Shape[3]
	g, ok := l.adjoint(h, w)
	if !ok {
		panic(fmt.Sprintf("ml: convtranspose2d %s: %d×%d input has no exact adjoint geometry", l.Weight.Name, h, w))
	}
	ho, wo := g.H, g.W
	l.geom, l.batch = g, b
	k, p := g.rowLen(), h*w

	l.xCB = grow(l.xCB, b*p*l.Cin)
	toChannelMajor(&l.jobs, l.xCB, x.Data, b, l.Cin, p)
	// col (Cout·k²×B·H·W) = Wᵀ (W read as Cin×Cout·k²) · x as Cin×B·H·W.
	l.col = grow(l.col, b*p*k)
	wt := matrix{data: l.Weight.Value.Data, ld: k, trans: true}
	if l.frozen && l.packedW == nil {
		l.packedW = packWhole(wt, k, l.Cin)
	}
	gemmPacked(k, b*p, l.Cin, wt, l.packedW, matrix{data: l.xCB, ld: b * p}, l.col, b*p, false)

	l.out = reuse(l.out, b, l.Cout, ho, wo)
	col2imBatch(&l.jobs, l.out.Data, l.col, b, g)
	addChannelBias(&l.jobs, l.out.Data, l.Bias.Value.Data, b, ho*wo)
	return l.out
}

// Backward takes dy (B×Cout×Ho×Wo), adds the parameter gradients and returns dx (B×Cin×H×W).
func (l *ConvTranspose2d) Backward(dy *Tensor) *Tensor {
	g, b := l.geom, l.batch
	k, p := g.rowLen(), g.pixels()
	sumChannels(&l.jobs, l.Bias.Grad.Data, dy.Data, b, l.Cout, g.H*g.W)

	l.dcol = grow(l.dcol, b*p*k)
	im2colBatch(&l.jobs, l.dcol, dy.Data, b, g)
	// dW (Cin×Cout·k²) += x as Cin×B·P · dcolᵀ (B·P×Cout·k²).
	gemm(l.Cin, k, b*p, matrix{data: l.xCB, ld: b * p}, matrix{data: l.dcol, ld: b * p, trans: true}, l.Weight.Grad.Data, k, true)
	// dx as Cin×B·P = W (Cin×Cout·k²) · dcol (Cout·k²×B·P).
	l.dxCB = grow(l.dxCB, b*p*l.Cin)
	gemm(l.Cin, b*p, k, matrix{data: l.Weight.Value.Data, ld: k}, matrix{data: l.dcol, ld: b * p}, l.dxCB, b*p, false)
	l.dx = reuse(l.dx, b, l.Cin, g.Ho, g.Wo)
	fromChannelMajor(&l.jobs, l.dx.Data, l.dxCB, b, l.Cin, p)
	return l.dx
}

// SetFrozen declares the weights fixed (true: inference) or changing (false: training), as
// Conv2d.SetFrozen does.
func (l *ConvTranspose2d) SetFrozen(frozen bool) { l.frozen, l.packedW, l.eval = frozen, nil, nil }

// Evaluation through the whole-layer kernels (see Kernels).

// evalDeconv is a frozen transposed convolution's plan for one input size.
type evalDeconv struct {
	h, w    int
	panels  int
	pack    []int32 // gather table that packs the input as it is (one tap, pixel j at j)
	scatter []int32 // col2im table of the adjoint geometry
	weights []float32
	b, col  []float32
	sum     Epilogue
}

// forwardEval runs the frozen transposed convolution through the eval kernels, one image at a
// time, then adds the bias and applies act. It reports false where the kernels do not apply.
func (l *ConvTranspose2d) forwardEval(k *Kernels, x *Tensor, act Activation) (*Tensor, bool) {
	mustRank("convtranspose2d", x, 4)
	b, h, w := x.Shape[0], x.Shape[2], x.Shape[3]
	g, exact := l.adjoint(h, w)
	ho, wo := g.H, g.W
	p, rows := h*w, g.rowLen()
	if !l.frozen || x.Shape[1] != l.Cin || !exact || p%microCols != 0 || (ho*wo)%4 != 0 || !k.takes(b) {
		return nil, false
	}
	if pl := l.eval; pl == nil || pl.h != h || pl.w != w {
		panels := p / microCols
		l.eval = &evalDeconv{h: h, w: w, panels: panels,
			pack:    convTable(newConvGeom(l.Cin, h, w, 1, 1, 0), p, false),
			scatter: convTable(g, p, false),
			weights: packPanels(matrix{data: l.Weight.Value.Data, ld: rows, trans: true}, rows, l.Cin),
			b:       make([]float32, p*l.Cin), col: make([]float32, p*rows)}
	}
	pl := l.eval
	l.evalOut = reuse(l.evalOut, b, l.Cout, ho, wo)
	in, out := l.Cin*p, l.Cout*ho*wo
	for n := 0; n < b; n++ {
		y := l.evalOut.Data[n*out : (n+1)*out]
		k.Gather(pl.b, x.Data[n*in:(n+1)*in], pl.pack, l.Cin, p, 1, pl.panels)
		k.Tiles(&pl.sum, l.Cin, pl.weights, (rows+microRows-1)/microRows, pl.b, pl.panels, pl.col, p, rows)
		k.Scatter(y, pl.col, pl.scatter, l.Cout, ho*wo, l.Kernel*l.Kernel, p)
		k.BiasAct(y, l.Bias.Value.Data, ho*wo, act)
	}
	return l.evalOut, true
}

// deconvAct is layer.Forward(l.Forward(x)) for a transposed convolution followed by its
// activation, through the eval kernels (applying act) where they apply.
func deconvAct(l *ConvTranspose2d, act Activation, layer forwarder, x *Tensor) *Tensor {
	if k := kernels(); k.eval() {
		if y, ok := l.forwardEval(k, x, act); ok {
			return y
		}
	}
	return layer.Forward(l.Forward(x))
}

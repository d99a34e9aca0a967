package ml

import (
	"math/rand/v2"
	"sync"
)

// Conv2d is a 2-D convolution with a square kernel, PyTorch's nn.Conv2d: Weight is Cout×Cin×k×k
// (OIHW), Bias is Cout. It runs as im2col over the whole batch and one matrix product, so the
// product sees B·P columns and keeps every core busy.
type Conv2d struct {
	Cin, Cout, Kernel, Stride, Pad int
	weighted
	// NoInputGrad skips computing the input gradient, for a network's first layer.
	NoInputGrad bool

	frozen  bool      // weights fixed: pack them once (see SetFrozen)
	packedW *packedA  // the weights, packed, while frozen
	eval    *evalConv // the eval kernels' plan, while frozen
	evalDx  *evalConv // their plan for the input gradient, while frozen (inputGradEval)
	evalOut *Tensor
	geom    convGeom
	batch   int
	col     []float32 // K×B·P, kept for the weight gradient
	out     *Tensor   // B×Cout×Ho×Wo
	wT      packedA   // Wᵀ packed, for the input gradient
	wEach   packedA   // W packed for a batch's forward pass (while training: packedW is nil)
	wPacked *packedA  // the one it uses
	xNCHW   []float32 // the input, while Forward runs
	fwdBody func(lo, hi int)
	relu    *ReLU     // set by forwardReLU: the output goes through ReLU into its buffer
	dyNCHW  []float32 // the output gradient, while Backward runs
	dxBody  func(lo, hi int)
	dx      *Tensor
	jobs    batchJobs
}

// NewConv2d returns a convolution whose parameters are named prefix+".weight" and prefix+".bias".
func NewConv2d(prefix string, cin, cout, kernel, stride, pad int) *Conv2d {
	return &Conv2d{Cin: cin, Cout: cout, Kernel: kernel, Stride: stride, Pad: pad,
		weighted: newWeighted(prefix, []int{cout, cin, kernel, kernel}, cout)}
}

// Init draws the parameters the way PyTorch initialises a new nn.Conv2d.
func (l *Conv2d) Init(rng *rand.Rand) { l.initFanIn(rng, l.Cin*l.Kernel*l.Kernel) }

// Forward maps x (B×Cin×H×W) to B×Cout×Ho×Wo.
func (l *Conv2d) Forward(x *Tensor) *Tensor {
	l.checkInput("conv2d", x, 4, l.Cin, "channels")
	b := x.Shape[0]
	g := newConvGeom(l.Cin, x.Shape[2], x.Shape[3], l.Kernel, l.Stride, l.Pad)
	l.geom, l.batch = g, b
	k, p := g.rowLen(), g.pixels()

	l.col = grow(l.col, b*p*k)
	l.out = reuse(l.out, b, l.Cout, g.Ho, g.Wo)
	w := matrix{data: l.Weight.Value.Data, ld: k}
	if l.frozen && l.packedW == nil {
		l.packedW = packWhole(w, l.Cout, k)
	}
	if b == 1 {
		// out (Cout×P) = W (Cout×K) · col (K×P), already NCHW.
		im2colBatch(&l.jobs, l.col, x.Data, b, g)
		gemmPacked(l.Cout, p, k, w, l.packedW, matrix{data: l.col, ld: p}, l.out.Data, p, false)
		addChannelBias(&l.jobs, l.out.Data, l.Bias.Value.Data, b, p)
		return l.out
	}
	// Image by image on the cores: its columns of col (kept for the weight gradient), then
	// its output W · col (NCHW, no layout copy) while they are in the core's cache. Every
	// value is the same chain of FMAs as in one batched product.
	l.wPacked = l.packedW
	if l.wPacked == nil {
		l.wEach.m, l.wEach.k = l.Cout, k
		l.wEach.panels = packWholeInto(l.wEach.panels, w, l.Cout, k)
		l.wPacked = &l.wEach
	}
	if l.fwdBody == nil { // made once (jobs.go)
		l.fwdBody = func(lo, hi int) { l.forwardImages(lo, hi) }
	}
	l.xNCHW = x.Data
	parallelFor(b, b*p*k*l.Cout, l.fwdBody)
	l.xNCHW = nil
	return l.out
}

// forwardReLU is relu.Forward(l.Forward(x)) for a batch, with the bias and ReLU applied to each
// image's output while it is in the core's cache, straight into relu's buffer (the same
// operations: the sum with the bias, then ReLU's comparison).
func (l *Conv2d) forwardReLU(relu *ReLU, x *Tensor) *Tensor {
	// Frozen weights and no weight gradient (explaining an answer): the backward pass needs
	// no columns, so the eval kernels can compute the output.
	if k := kernels(); l.frozen && l.NoParamGrad && k.eval() {
		l.checkInput("conv2d", x, 4, l.Cin, "channels")
		if y, ok := l.forwardEvalInto(k, x, &Epilogue{Mode: EpBiasReLU}, relu.out); ok {
			l.geom, l.batch = newConvGeom(l.Cin, x.Shape[2], x.Shape[3], l.Kernel, l.Stride, l.Pad), x.Shape[0]
			relu.out = y
			return y
		}
	}
	if x.Shape[0] == 1 {
		return relu.Forward(l.Forward(x))
	}
	g := newConvGeom(l.Cin, x.Shape[2], x.Shape[3], l.Kernel, l.Stride, l.Pad)
	relu.out = reuse(relu.out, x.Shape[0], l.Cout, g.Ho, g.Wo)
	l.relu = relu
	defer func() { l.relu = nil }()
	l.Forward(x)
	return relu.out
}

// forwardImages computes the output of images [lo, hi) (see Forward).
func (l *Conv2d) forwardImages(lo, hi int) {
	g, b := l.geom, l.batch
	k, p, in := g.rowLen(), g.pixels(), g.C*g.H*g.W
	bias := l.Bias.Value.Data
	dst := l.out
	if l.relu != nil {
		dst = l.relu.out
	}
	for n := lo; n < hi; n++ {
		im2col(l.col, b*p, n*p, l.xNCHW[n*in:(n+1)*in], g)
		out := dst.Data[n*l.Cout*p : (n+1)*l.Cout*p]
		prod := gemmCall{m: l.Cout, n: p, k: k, pa: l.wPacked, b: matrix{data: l.col[n*p:], ld: b * p}, c: out, ldc: p}
		gemmBlock(&prod, 0, l.Cout, 0, p)
		if kb := installed.Load(); kb != nil && kb.BiasAct != nil && p%4 == 0 {
			act := ActNone
			if l.relu != nil {
				act = ActReLU
			}
			kb.BiasAct(out, bias, p, act) // the loop below in one call
			continue
		}
		for ch, v := range bias {
			plane := out[ch*p : (ch+1)*p]
			if l.relu != nil {
				copyBiasReLU(plane, plane, v)
			} else {
				copyBias(plane, plane, v)
			}
		}
	}
}

// Backward takes dy (B×Cout×Ho×Wo), adds the parameter gradients and returns dx (B×Cin×H×W),
// or nil when NoInputGrad is set.
func (l *Conv2d) Backward(dy *Tensor) *Tensor { return l.backward(dy, false) }

// backward is Backward, leaving out the bias gradient when biasDone: the layer after added it
// already, summing dy while it wrote it (BatchNorm.backwardReLU).
func (l *Conv2d) backward(dy *Tensor, biasDone bool) *Tensor {
	g, b := l.geom, l.batch
	k, p := g.rowLen(), g.pixels()
	if !biasDone && !l.NoParamGrad {
		sumChannels(&l.jobs, l.Bias.Grad.Data, dy.Data, b, l.Cout, p)
	}
	if !l.NoParamGrad {
		// dW (Cout×K) += dy as Cout×B·P · colᵀ (B·P×K), dy read where it lies (NCHW).
		dyCB := matrix{data: dy.Data, ld: p, img: l.Cout * p}
		gemm(l.Cout, k, b*p, dyCB, matrix{data: l.col, ld: b * p, trans: true}, l.Weight.Grad.Data, k, true)
	}
	if l.NoInputGrad {
		return nil
	}
	if k := kernels(); k.eval() && l.inputGradEval(k, dy) {
		return l.dx
	}
	// dx image by image on the cores: dcol (K×P) = Wᵀ (K×Cout) · dy of the image (Cout×P), then
	// scattered back onto it. One image's dcol stays in its core's cache, where the whole
	// batch's took megabytes; every value is the same chain of FMAs as in one batched product.
	l.wT.m, l.wT.k = k, l.Cout
	l.wT.panels = packWholeInto(l.wT.panels, matrix{data: l.Weight.Value.Data, ld: k, trans: true}, k, l.Cout)
	l.dx = reuse(l.dx, b, l.Cin, g.H, g.W)
	if l.dxBody == nil { // made once (jobs.go)
		l.dxBody = func(lo, hi int) { l.backwardImages(lo, hi) }
	}
	l.dyNCHW = dy.Data
	parallelFor(b, b*p*k*l.Cout, l.dxBody)
	l.dyNCHW = nil
	return l.dx
}

// backwardImages computes dx for images [lo, hi) (see Backward).
func (l *Conv2d) backwardImages(lo, hi int) {
	g := l.geom
	k, p, in := g.rowLen(), g.pixels(), g.C*g.H*g.W
	buf := colBlocks.Get().(*[]float32)
	defer colBlocks.Put(buf)
	*buf = grow(*buf, k*p)
	for n := lo; n < hi; n++ {
		prod := gemmCall{m: k, n: p, k: l.Cout, pa: &l.wT, b: matrix{data: l.dyNCHW[n*l.Cout*p:], ld: p}, c: *buf, ldc: p}
		gemmBlock(&prod, 0, k, 0, p)
		dx := l.dx.Data[n*in : (n+1)*in]
		clear(dx)
		col2im(dx, *buf, p, 0, g)
	}
}

// colBlocks are per-worker buffers for one image's column matrix.
var colBlocks = sync.Pool{New: func() any { var b []float32; return &b }}

// SetFrozen declares the weights fixed (true: inference) or changing (false: training). While
// frozen, the forward pass packs the weights for the matrix product once, at its first call,
// and reuses them; the weights must not change until SetFrozen is called again (any call
// drops the packed copy).
func (l *Conv2d) SetFrozen(frozen bool) {
	l.frozen, l.packedW, l.eval, l.evalDx = frozen, nil, nil, nil
}

// Evaluation through the whole-layer kernels (see Kernels).

// evalConv is a frozen convolution's plan for one input size: its weights packed once, the
// gather table and scratch panels.
type evalConv struct {
	g       convGeom
	pooled  bool
	table   []int32
	panels  int
	weights []float32
	b       []float32 // gathered B panels
}

// planFor returns the plan for geometry g, reusing p when it fits.
func (p *evalConv) planFor(g convGeom, pooled bool, w matrix, m int) *evalConv {
	if p != nil && p.g == g && p.pooled == pooled {
		return p
	}
	panels := (g.pixels() + microCols - 1) / microCols
	return &evalConv{g: g, pooled: pooled, table: convTable(g, panels*microCols, pooled), panels: panels,
		weights: packPanels(w, m, g.rowLen()), b: make([]float32, panels*g.rowLen()*microCols)}
}

// evalOK says whether the eval kernels can run geometry g: whole panels of output pixels and,
// when pooling, whole groups of 4 windows (each panel is 4 windows).
func evalOK(g convGeom, pooled bool) bool {
	if g.pixels()%microCols != 0 {
		return false
	}
	return !pooled || g.Ho%2 == 0 && g.Wo%2 == 0
}

// forwardEval runs the frozen convolution through the eval kernels, one image at a time,
// finishing with ep (whose Bias it sets to its own). With EpBiasReLUNormPool the output is the
// pooled B×Cout×Ho/2×Wo/2. It reports false, doing nothing, where the kernels do not apply.
func (l *Conv2d) forwardEval(k *Kernels, x *Tensor, ep *Epilogue) (*Tensor, bool) {
	y, ok := l.forwardEvalInto(k, x, ep, l.evalOut)
	if ok {
		l.evalOut = y
	}
	return y, ok
}

// forwardEvalInto is forwardEval writing into dst, reshaped (or replaced where too small).
func (l *Conv2d) forwardEvalInto(k *Kernels, x *Tensor, ep *Epilogue, dst *Tensor) (*Tensor, bool) {
	mustRank("conv2d", x, 4)
	pooled := ep.Mode == EpBiasReLUNormPool
	g := newConvGeom(l.Cin, x.Shape[2], x.Shape[3], l.Kernel, l.Stride, l.Pad)
	if !l.frozen || x.Shape[1] != l.Cin || !evalOK(g, pooled) || !k.takes(x.Shape[0]) {
		return nil, false
	}
	l.eval = l.eval.planFor(g, pooled, matrix{data: l.Weight.Value.Data, ld: g.rowLen()}, l.Cout)
	ep.Bias = l.Bias.Value.Data
	ho, wo, ldo := g.Ho, g.Wo, g.pixels()
	if pooled {
		ho, wo, ldo = ho/2, wo/2, ldo/4
	}
	b := x.Shape[0]
	dst = reuse(dst, b, l.Cout, ho, wo)
	in, out, pl := l.Cin*g.H*g.W, l.Cout*ldo, l.eval
	for n := 0; n < b; n++ {
		k.Gather(pl.b, x.Data[n*in:(n+1)*in], pl.table, l.Cin, g.H*g.W, l.Kernel*l.Kernel, pl.panels)
		k.Tiles(ep, g.rowLen(), pl.weights, (l.Cout+microRows-1)/microRows, pl.b, pl.panels, dst.Data[n*out:(n+1)*out], ldo, l.Cout)
	}
	return dst, true
}

// inputGradEval computes l.dx from dy through the eval kernels, where the weights are frozen
// and the stride is 1: the input gradient of such a convolution is itself a convolution of dy,
// by the kernels flipped in space with their channel axes swapped, padded by Kernel−1−Pad.
// Its sums run in another order than backwardImages' (within float32 rounding of them). It
// reports false, doing nothing, where the kernels do not apply, and for fewer input channels
// than a tile has rows: a network's first layer (one channel) would compute six rows for one
// and gather Cout·k² values a pixel, where backwardImages scatters k².
func (l *Conv2d) inputGradEval(k *Kernels, dy *Tensor) bool {
	b := dy.Shape[0]
	g := newConvGeom(l.Cout, dy.Shape[2], dy.Shape[3], l.Kernel, 1, l.Kernel-1-l.Pad)
	if !l.frozen || l.Stride != 1 || l.Cin < microRows || g.Ho != l.geom.H || g.Wo != l.geom.W || !evalOK(g, false) || !k.takes(b) {
		return false
	}
	if l.evalDx == nil || l.evalDx.g != g {
		taps := l.Kernel * l.Kernel
		w, flipped := l.Weight.Value.Data, make([]float32, l.Cin*l.Cout*taps)
		for co := 0; co < l.Cout; co++ {
			for ci := 0; ci < l.Cin; ci++ {
				for t := 0; t < taps; t++ {
					flipped[(ci*l.Cout+co)*taps+t] = w[(co*l.Cin+ci)*taps+taps-1-t]
				}
			}
		}
		l.evalDx = l.evalDx.planFor(g, false, matrix{data: flipped, ld: g.rowLen()}, l.Cin)
	}
	l.dx = reuse(l.dx, b, l.Cin, g.Ho, g.Wo)
	ep := Epilogue{Mode: EpSum}
	in, out, pl := l.Cout*g.H*g.W, l.Cin*g.pixels(), l.evalDx
	for n := 0; n < b; n++ {
		k.Gather(pl.b, dy.Data[n*in:(n+1)*in], pl.table, l.Cout, g.H*g.W, l.Kernel*l.Kernel, pl.panels)
		k.Tiles(&ep, g.rowLen(), pl.weights, (l.Cin+microRows-1)/microRows, pl.b, pl.panels, l.dx.Data[n*out:(n+1)*out], g.pixels(), l.Cin)
	}
	return true
}

// convAct is act.Forward(c.Forward(x)) for a convolution followed by an activation (ReLU, or
// FashionNet's block tail), through the eval kernels with epilogue ep where they apply.
func convAct(c *Conv2d, ep *Epilogue, act forwarder, x *Tensor) *Tensor {
	if k := kernels(); k.eval() {
		if y, ok := c.forwardEval(k, x, ep); ok {
			return y
		}
	}
	return act.Forward(c.Forward(x))
}

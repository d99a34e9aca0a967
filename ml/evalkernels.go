package ml

import (
	"math"
	"sync/atomic"
)

// Evaluation kernels: whole layers for one image, for the browser. Under wasm, Go's own loops
// for im2col, bias, ReLU, BatchNorm and pooling cost more than the matrix products themselves
// (short rows, no SIMD), so the app installs wasm SIMD versions of these few kernels and frozen
// layers hand each of them a whole image at once. The functions here are the reference: the
// installed kernels must give the same numbers bit for bit, and that is what the parity tests
// check. Natively nothing is installed and the layers keep their batched path.

// EpilogueMode says how EvalKernels.Tiles finishes each sum.
type EpilogueMode int

const (
	EpSum              EpilogueMode = iota // the sum as it is
	EpBias                                 // sum + bias
	EpBiasReLU                             // max(sum + bias, 0)
	EpBiasReLUNormPool                     // FashionNet's block tail: ReLU, BatchNorm, 2×2 max-pool
	EpColBias                              // sum + bias[column]: a linear layer on a batch
	EpColBiasReLU                          // max(sum + bias[column], 0)
)

// Epilogue is what Tiles applies to each sum: row i is an output channel, except in the Col
// modes, where row i is an image and column j an output feature.
type Epilogue struct {
	Mode EpilogueMode
	Bias []float32 // by row, or by column in the Col modes
	// For EpBiasReLUNormPool, BatchNorm as BatchNorm applies its running statistics:
	// Gamma[i]·((v − Mean[i])·Inv[i]) + Beta[i].
	Mean, Inv, Gamma, Beta []float32
}

// Activation is what BiasAct applies after adding the bias.
type Activation int

const (
	ActNone Activation = iota
	ActReLU
	ActSigmoid // sigmoid's float32 form (see sigmoid)
)

// EvalKernels are the kernels of the evaluation path. Panels are 16 columns wide (microCols) and
// packed weights are panels of 6 rows (microRows), each panel holding the whole depth k.
type EvalKernels struct {
	// Gather packs one image's im2col matrix into B panels: panel p holds k = channels·taps rows
	// of 16 floats, row c·taps + t, column j being x[c·plane + table[(t·panels + p)·16 + j]], or
	// 0 where that table entry is negative.
	Gather func(dst, x []float32, table []int32, channels, plane, taps, panels int)
	// Tiles multiplies packed weights (rowPanels panels of k×6) by B panels (panels of k×16),
	// summing the depth in blocks of blockK as gemm does, and writes rows i < m through the
	// epilogue: out[i·ldo + 16p + j], or for EpBiasReLUNormPool the max over each group of 4
	// columns, out[i·ldo + 4p + w].
	Tiles func(ep *Epilogue, k int, a []float32, rowPanels int, b []float32, panels int, out []float32, ldo, m int)
	// Scatter is col2im for one image: it zeroes out (channels planes of plane floats), then adds
	// every col[(c·taps + t)·pixels + j] at out[c·plane + table[t·pixels + j]] where that entry is
	// not negative, in that order.
	Scatter func(out, col []float32, table []int32, channels, plane, taps, pixels int)
	// BiasAct sets x[c·plane + i] to act(x[c·plane + i] + bias[c]) for every channel c; plane
	// is a multiple of 4.
	BiasAct func(x, bias []float32, plane int, act Activation)
}

var evalKernels atomic.Pointer[EvalKernels]

// SetEvalKernels makes frozen layers run one image at a time through k (nil restores their
// batched path). Like SetTileKernel it is process-wide, set once by the browser program.
func SetEvalKernels(k *EvalKernels) { evalKernels.Store(k) }

// GoEvalKernels returns the reference kernels, in Go: what an installed set must equal.
func GoEvalKernels() *EvalKernels {
	return &EvalKernels{Gather: gatherGo, Tiles: tilesGo, Scatter: scatterGo, BiasAct: biasActGo}
}

func gatherGo(dst, x []float32, table []int32, channels, plane, taps, panels int) {
	k := channels * taps
	for c := 0; c < channels; c++ {
		xc := x[c*plane : (c+1)*plane]
		for t := 0; t < taps; t++ {
			for p := 0; p < panels; p++ {
				row := dst[(p*k+c*taps+t)*microCols : (p*k+c*taps+t+1)*microCols]
				idx := table[(t*panels+p)*microCols : (t*panels+p+1)*microCols]
				for j, i := range idx {
					row[j] = 0
					if i >= 0 {
						row[j] = xc[i]
					}
				}
			}
		}
	}
}

func tilesGo(ep *Epilogue, k int, a []float32, rowPanels int, b []float32, panels int, out []float32, ldo, m int) {
	var sum, tile [microRows * microCols]float32
	for p := 0; p < panels; p++ {
		for r := 0; r < rowPanels; r++ {
			for q := 0; q < k; q += blockK {
				kc := min(blockK, k-q)
				microKernelGo(kc, a[(r*k+q)*microRows:], b[(p*k+q)*microCols:], tile[:])
				for i, v := range tile {
					if q == 0 {
						sum[i] = v
					} else {
						sum[i] += v
					}
				}
			}
			for i := 0; i < microRows && r*microRows+i < m; i++ {
				epilogueRow(ep, r*microRows+i, sum[i*microCols:(i+1)*microCols], out, ldo, p)
			}
		}
	}
}

// epilogueRow finishes row ch of tile column p: the same float32 operations, in the same order,
// as the unfused layers (Conv2d's bias, ReLU.Forward, BatchNorm and MaxPool2d in evaluation).
func epilogueRow(ep *Epilogue, ch int, s []float32, out []float32, ldo, p int) {
	var v [microCols]float32
	for j, x := range s {
		switch ep.Mode {
		case EpBias, EpBiasReLU, EpBiasReLUNormPool:
			x += ep.Bias[ch]
		case EpColBias, EpColBiasReLU:
			x += ep.Bias[p*microCols+j]
		}
		if (ep.Mode == EpBiasReLU || ep.Mode == EpBiasReLUNormPool || ep.Mode == EpColBiasReLU) && x <= 0 {
			x = 0
		}
		v[j] = x
	}
	if ep.Mode != EpBiasReLUNormPool {
		copy(out[ch*ldo+p*microCols:], v[:])
		return
	}
	m, inv, g, be := ep.Mean[ch], ep.Inv[ch], ep.Gamma[ch], ep.Beta[ch]
	for w := 0; w < microCols/4; w++ {
		best := g*((v[4*w]-m)*inv) + be
		for _, x := range v[4*w+1 : 4*w+4] {
			if n := g*((x-m)*inv) + be; n > best || n != n {
				best = n
			}
		}
		out[ch*ldo+p*4+w] = best
	}
}

func scatterGo(out, col []float32, table []int32, channels, plane, taps, pixels int) {
	clear(out[:channels*plane])
	for c := 0; c < channels; c++ {
		oc := out[c*plane : (c+1)*plane]
		for t := 0; t < taps; t++ {
			src := col[(c*taps+t)*pixels : (c*taps+t+1)*pixels]
			for j, i := range table[t*pixels : (t+1)*pixels] {
				if i >= 0 {
					oc[i] += src[j]
				}
			}
		}
	}
}

func biasActGo(x, bias []float32, plane int, act Activation) {
	for c, bv := range bias {
		xs := x[c*plane : (c+1)*plane]
		for i, v := range xs {
			v += bv
			switch act {
			case ActReLU:
				if v <= 0 {
					v = 0
				}
			case ActSigmoid:
				v = sigmoid(v)
			}
			xs[i] = v
		}
	}
}

// convTable is the gather (or scatter) table of geometry g for its first `columns` output
// pixels, tap by tap: entry t·columns + j is where, in one input plane, kernel tap t of output
// pixel j reads (−1 in the padding or past the last pixel). With pooled set, pixels are taken
// window by window (2×2 pooling windows in row-major order, each window's pixels in row-major
// order), which is the column order EpBiasReLUNormPool expects.
func convTable(g convGeom, columns int, pooled bool) []int32 {
	taps := g.Kernel * g.Kernel
	table := make([]int32, taps*columns)
	for t := 0; t < taps; t++ {
		ky, kx := t/g.Kernel, t%g.Kernel
		for j := 0; j < columns; j++ {
			oy, ox := j/g.Wo, j%g.Wo
			if pooled {
				w, d := j/4, j%4
				oy, ox = 2*(w/(g.Wo/2))+d/2, 2*(w%(g.Wo/2))+d%2
			}
			iy, ix := oy*g.Stride-g.Pad+ky, ox*g.Stride-g.Pad+kx
			table[t*columns+j] = -1
			if j < g.pixels() && iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
				table[t*columns+j] = int32(iy*g.W + ix)
			}
		}
	}
	return table
}

// packPanels packs op(A) (m×k) as the eval kernels take weights: panels of microRows rows,
// each the whole depth k.
func packPanels(a matrix, m, k int) []float32 {
	return packPanelsInto(nil, a, m, k)
}

// packPanelsInto is packPanels into dst, grown as needed.
func packPanelsInto(dst []float32, a matrix, m, k int) []float32 {
	rp := (m + microRows - 1) / microRows
	dst = grow(dst, rp*k*microRows)
	for r := 0; r < rp; r++ {
		packA(dst[r*k*microRows:(r+1)*k*microRows], a, r*microRows, min(microRows, m-r*microRows), 0, k)
	}
	return dst
}

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

// bnEval fills mean and inv with BatchNorm's evaluation constants exactly as forwardChannel
// computes them.
func bnEval(bn *BatchNorm, mean, inv []float32) {
	for ch := range mean {
		m := float64(bn.RunningMean.Value.Data[ch])
		mean[ch] = float32(m)
		inv[ch] = float32(1 / math.Sqrt(float64(bn.RunningVar.Value.Data[ch])+bn.Eps))
	}
}

// forwardEval runs the frozen convolution through the eval kernels, one image at a time,
// finishing with ep (whose Bias it sets to its own). With EpBiasReLUNormPool the output is the
// pooled B×Cout×Ho/2×Wo/2. It reports false, doing nothing, where the kernels do not apply.
func (l *Conv2d) forwardEval(k *EvalKernels, x *Tensor, ep *Epilogue) (*Tensor, bool) {
	mustRank("conv2d", x, 4)
	pooled := ep.Mode == EpBiasReLUNormPool
	g := newConvGeom(l.Cin, x.Shape[2], x.Shape[3], l.Kernel, l.Stride, l.Pad)
	if !l.frozen || x.Shape[1] != l.Cin || !evalOK(g, pooled) {
		return nil, false
	}
	l.eval = l.eval.planFor(g, pooled, matrix{data: l.Weight.Value.Data, ld: g.rowLen()}, l.Cout)
	ep.Bias = l.Bias.Value.Data
	ho, wo, ldo := g.Ho, g.Wo, g.pixels()
	if pooled {
		ho, wo, ldo = ho/2, wo/2, ldo/4
	}
	b := x.Shape[0]
	l.evalOut = reuse(l.evalOut, b, l.Cout, ho, wo)
	in, out, pl := l.Cin*g.H*g.W, l.Cout*ldo, l.eval
	for n := 0; n < b; n++ {
		k.Gather(pl.b, x.Data[n*in:(n+1)*in], pl.table, l.Cin, g.H*g.W, l.Kernel*l.Kernel, pl.panels)
		k.Tiles(ep, g.rowLen(), pl.weights, (l.Cout+microRows-1)/microRows, pl.b, pl.panels, l.evalOut.Data[n*out:(n+1)*out], ldo, l.Cout)
	}
	return l.evalOut, true
}

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
func (l *ConvTranspose2d) forwardEval(k *EvalKernels, x *Tensor, act Activation) (*Tensor, bool) {
	mustRank("convtranspose2d", x, 4)
	b, h, w := x.Shape[0], x.Shape[2], x.Shape[3]
	g, exact := l.adjoint(h, w)
	ho, wo := g.H, g.W
	p, rows := h*w, g.rowLen()
	if !l.frozen || x.Shape[1] != l.Cin || !exact || p%microCols != 0 || (ho*wo)%4 != 0 {
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

// forwardEval runs the frozen layer on a batch through the eval kernels: the images are the
// rows of A, the weights (packed once) its B panels, and the bias (and ReLU) the epilogue. A
// single input stays with the layers' path, where the dot kernel reads the weights as they lie.
// It reports false where the kernels do not apply.
func (l *Linear) forwardEval(k *EvalKernels, x *Tensor, relu bool) (*Tensor, bool) {
	mustRank("linear", x, 2)
	b := x.Shape[0]
	if !l.frozen || b < 2 || x.Shape[1] != l.In || l.Out%microCols != 0 {
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

// forwarder is a layer's forward pass: what the eval helpers below fall back to.
type forwarder interface{ Forward(*Tensor) *Tensor }

// convAct is act.Forward(c.Forward(x)) for a convolution followed by an activation (ReLU, or
// FashionNet's block tail), through the eval kernels with epilogue ep where they apply.
func convAct(c *Conv2d, ep *Epilogue, act forwarder, x *Tensor) *Tensor {
	if k := evalKernels.Load(); k != nil {
		if y, ok := c.forwardEval(k, x, ep); ok {
			return y
		}
	}
	return act.Forward(c.Forward(x))
}

// deconvAct is layer.Forward(l.Forward(x)) for a transposed convolution followed by its
// activation, through the eval kernels (applying act) where they apply.
func deconvAct(l *ConvTranspose2d, act Activation, layer forwarder, x *Tensor) *Tensor {
	if k := evalKernels.Load(); k != nil {
		if y, ok := l.forwardEval(k, x, act); ok {
			return y
		}
	}
	return layer.Forward(l.Forward(x))
}

// linearReLU is relu.Forward(l.Forward(x)), through the eval kernels where they apply.
func linearReLU(l *Linear, relu *ReLU, x *Tensor) *Tensor {
	if k := evalKernels.Load(); k != nil {
		if y, ok := l.forwardEval(k, x, true); ok {
			return y
		}
	}
	return relu.Forward(l.Forward(x))
}

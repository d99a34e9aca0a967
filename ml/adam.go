package ml

import "math"

// Adam is PyTorch's torch.optim.Adam (and AdamW when Decoupled is set), with its defaults from
// NewAdam. Kingma & Ba, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980.
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	// WeightDecay is PyTorch's weight_decay. It applies only to parameters without NoDecay.
	WeightDecay float64
	// Decoupled selects AdamW: decay shrinks the weights directly instead of joining the gradient.
	Decoupled bool

	params []*Param
	m, v   [][]float32 // first and second moments, one per parameter
	Step   int         // number of updates made so far

	// The running step's arguments, for a body made once (jobs.go).
	job struct {
		c          AdamConsts
		w, g, m, v []float32
	}
	body func(lo, hi int)
}

// NewAdam returns Adam over params with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8.
func NewAdam(params []*Param) *Adam {
	a := &Adam{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, params: params}
	for _, p := range params {
		a.m = append(a.m, make([]float32, len(p.Value.Data)))
		a.v = append(a.v, make([]float32, len(p.Value.Data)))
	}
	return a
}

// Params lists the parameters it updates.
func (a *Adam) Params() []*Param { return a.params }

// Moments exposes the optimiser state (for checkpoints): first and second moments per parameter.
func (a *Adam) Moments() (m, v [][]float32) { return a.m, a.v }

// Update applies one step using the gradients currently in the parameters.
func (a *Adam) Update() {
	a.Step++
	bc1 := 1 - math.Pow(a.Beta1, float64(a.Step))
	bc2 := 1 - math.Pow(a.Beta2, float64(a.Step))
	stepSize := a.LR / bc1
	sqrtBC2 := math.Sqrt(bc2)
	b1, b2 := float32(a.Beta1), float32(a.Beta2)
	for i, p := range a.params {
		decay := 0.0
		if !p.NoDecay {
			decay = a.WeightDecay
		}
		m, v, w, g := a.m[i], a.v[i], p.Value.Data, p.Grad.Data
		if !a.Decoupled && decay != 0 {
			adamL2(a, float32(decay), w, g, m, v, stepSize, sqrtBC2)
			continue
		}
		c := AdamConsts{B1: b1, C1: 1 - b1, B2: b2, C2: 1 - b2, Shrink: 1, SqrtBC2: sqrtBC2, Eps: a.Eps, Step: stepSize}
		if decay != 0 {
			c.Shrink = float32(1 - a.LR*decay) // AdamW: the weights shrink before the step
		}
		if len(w) < adamChunk {
			adamRange(&c, w, g, m, v)
			continue
		}
		if a.body == nil { // made once (jobs.go)
			a.body = func(lo, hi int) {
				j := &a.job
				lo, hi = lo*adamChunk, min(hi*adamChunk, len(j.w))
				adamRange(&j.c, j.w[lo:hi], j.g[lo:hi], j.m[lo:hi], j.v[lo:hi])
			}
		}
		a.job.c, a.job.w, a.job.g, a.job.m, a.job.v = c, w, g, m, v
		parallelFor((len(w)+adamChunk-1)/adamChunk, len(w)*8, a.body)
	}
}

// adamChunk is how many elements the cores share out at a time (a multiple of 8).
const adamChunk = 4096

// AdamConsts are one parameter's constants for a step, in the layout adamAVX2 and the browser's
// kernel read: five float32 from byte 0, three float64 from byte 24.
type AdamConsts struct {
	B1, C1, B2, C2, Shrink float32
	_                      float32
	SqrtBC2, Eps, Step     float64
}

// adamGo is one Adam (or AdamW) step on w, g, m and v: the reference of the assembly, which
// does exactly these operations.
func adamGo(c *AdamConsts, w, g, m, v []float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for j := range w {
		gj := g[j]
		// The conversions round each product, so no compiler fuses them into an FMA.
		m[j] = flushSubnormal(float32(c.B1*m[j]) + float32(c.C1*gj))             // biased first moment
		v[j] = flushSubnormal(float32(c.B2*v[j]) + float32(float32(c.C2*gj)*gj)) // biased second raw moment
		// Bias correction in PyTorch's arrangement: denom = √v/√bc2 + eps, step = lr/bc1.
		denom := math.Sqrt(float64(v[j]))/c.SqrtBC2 + c.Eps
		w[j] = float32(w[j]*c.Shrink) - float32(c.Step*float64(m[j])/denom)
	}
}

// flushSubnormal is x, or +0 where x is below float32's normal range (|x| < 2⁻¹²⁶, not 0):
// Adam's moments of a parameter whose gradient has become zero (a unit that no longer fires)
// decay by β each step through that range, and on x86 every operation on such a number takes
// a microcode assist of about a hundred cycles. In the page's VAE run a third of the first
// moments were there from epoch 24 on, and each step took 7 ms longer; natively too the
// assembly slowed. A moment this small moves no weight: its step, at most lr·2⁻¹²⁶/ε, is below
// float32's resolution of any weight above about 10⁻²⁷. (PyTorch offers the same as
// torch.set_flush_denormal.)
func flushSubnormal(x float32) float32 {
	if math.Float32bits(x)&0x7fffffff < 0x00800000 {
		return 0
	}
	return x
}

// adamL2 is torch.optim.Adam's weight_decay: an L2 penalty that joins the gradient.
func adamL2(a *Adam, decay float32, w, g, m, v []float32, stepSize, sqrtBC2 float64) {
	b1, b2 := float32(a.Beta1), float32(a.Beta2)
	for j := range w {
		gj := g[j] + decay*w[j]
		m[j] = flushSubnormal(b1*m[j] + (1-b1)*gj)
		v[j] = flushSubnormal(b2*v[j] + (1-b2)*gj*gj)
		denom := math.Sqrt(float64(v[j]))/sqrtBC2 + a.Eps
		w[j] -= float32(stepSize * float64(m[j]) / denom)
	}
}

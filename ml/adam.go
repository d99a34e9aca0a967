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
		if a.Decoupled && decay != 0 {
			shrink := float32(1 - a.LR*decay)
			for j := range p.Value.Data {
				p.Value.Data[j] *= shrink
			}
		}
		m, v, w, g := a.m[i], a.v[i], p.Value.Data, p.Grad.Data
		for j := range w {
			gj := g[j]
			if !a.Decoupled && decay != 0 {
				gj += float32(decay) * w[j] // L2 penalty joins the gradient, as torch.optim.Adam does
			}
			m[j] = b1*m[j] + (1-b1)*gj    // biased first moment
			v[j] = b2*v[j] + (1-b2)*gj*gj // biased second raw moment
			// Bias correction in PyTorch's arrangement: denom = √v/√bc2 + eps, step = lr/bc1.
			denom := math.Sqrt(float64(v[j]))/sqrtBC2 + a.Eps
			w[j] -= float32(stepSize * float64(m[j]) / denom)
		}
	}
}

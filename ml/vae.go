package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// VAE is the course project's convolutional variational autoencoder for 3×32×32 faces in [0, 1],
// unchanged. Encoder: Conv2d(3,16,3,s2,p1) → ReLU → Conv2d(16,32,3,s2,p1) → ReLU → flatten 2048 →
// Linear(2048,256) → ReLU, then mean = Linear(256,120) and logvar = Linear(256,120). Decoder:
// Linear(120,256) → ReLU → Linear(256,2048) → ReLU → 32×8×8 → ConvTranspose2d(32,16,4,s2,p1) →
// ReLU → ConvTranspose2d(16,3,4,s2,p1) → sigmoid.
type VAE struct {
	EncConv1, EncConv2      *Conv2d
	EncFC, FCMean, FCLogvar *Linear
	DecFC1, DecFC2          *Linear
	DecDeconv1, DecDeconv2  *ConvTranspose2d
	relu                    [6]ReLU
	sigmoid                 Sigmoid

	evalReLU     Epilogue // the encoder's convolutions' epilogue with the eval kernels
	flat, grid   Tensor   // views: the encoder's B×2048, the decoder's B×32×8×8
	dFlat, dGrid Tensor   // views of the gradients on the way back

	z, dh, dMean, dLogvar, dRecon *Tensor
}

// VAELatent is the size of the latent code z.
const VAELatent = 120

// NewVAE returns a VAE with PyTorch's default initialisation drawn from rng.
func NewVAE(rng *rand.Rand) *VAE {
	m := &VAE{
		evalReLU:   Epilogue{Mode: EpBiasReLU},
		EncConv1:   NewConv2d("conv1", 3, 16, 3, 2, 1),
		EncConv2:   NewConv2d("conv2", 16, 32, 3, 2, 1),
		EncFC:      NewLinear("fc1", 2048, 256),
		FCMean:     NewLinear("fc_mean", 256, VAELatent),
		FCLogvar:   NewLinear("fc_logvar", 256, VAELatent),
		DecFC1:     NewLinear("fc2", VAELatent, 256),
		DecFC2:     NewLinear("fc3", 256, 2048),
		DecDeconv1: NewConvTranspose2d("conv3", 32, 16, 4, 2, 1),
		DecDeconv2: NewConvTranspose2d("conv4", 16, 3, 4, 2, 1),
	}
	m.EncConv1.NoInputGrad = true
	m.EncConv1.Init(rng)
	m.EncConv2.Init(rng)
	for _, l := range []*Linear{m.EncFC, m.FCMean, m.FCLogvar, m.DecFC1, m.DecFC2} {
		l.Init(rng)
	}
	m.DecDeconv1.Init(rng)
	m.DecDeconv2.Init(rng)
	return m
}

// Params lists every trainable tensor in state_dict order.
func (m *VAE) Params() []*Param {
	var ps []*Param
	ps = append(ps, m.EncConv1.Params()...)
	ps = append(ps, m.EncConv2.Params()...)
	for _, l := range []*Linear{m.EncFC, m.FCMean, m.FCLogvar, m.DecFC1, m.DecFC2} {
		ps = append(ps, l.Params()...)
	}
	ps = append(ps, m.DecDeconv1.Params()...)
	return append(ps, m.DecDeconv2.Params()...)
}

// State lists everything a weight file holds.
func (m *VAE) State() []StateEntry { return stateOf(m.Params(), nil) }

// Encode maps faces x (B×3×32×32) to the posterior's mean and log-variance (each B×120).
func (m *VAE) Encode(x *Tensor) (mean, logvar *Tensor) {
	if len(x.Shape) != 4 || x.Shape[1] != 3 || x.Shape[2] != 32 || x.Shape[3] != 32 {
		panic(fmt.Sprintf("ml: vae: input shape %v, want B×3×32×32", x.Shape))
	}
	h := convAct(m.EncConv1, &m.evalReLU, &m.relu[0], x)
	h = convAct(m.EncConv2, &m.evalReLU, &m.relu[1], h)
	h = linearReLU(m.EncFC, &m.relu[2], m.flat.viewOf(h, h.Shape[0], 2048))
	return m.FCMean.Forward(h), m.FCLogvar.Forward(h)
}

// Decode maps latent codes z (B×120) to faces (B×3×32×32) in (0, 1).
func (m *VAE) Decode(z *Tensor) *Tensor {
	if len(z.Shape) != 2 || z.Shape[1] != VAELatent {
		panic(fmt.Sprintf("ml: vae: latent shape %v, want B×%d", z.Shape, VAELatent))
	}
	h := linearReLU(m.DecFC1, &m.relu[3], z)
	h = linearReLU(m.DecFC2, &m.relu[4], h)
	h = m.grid.viewOf(h, h.Shape[0], 32, 8, 8)
	h = deconvAct(m.DecDeconv1, ActReLU, &m.relu[5], h)
	return deconvAct(m.DecDeconv2, ActSigmoid, &m.sigmoid, h)
}

// Reconstruct decodes the posterior mean of x: the deterministic reconstruction.
func (m *VAE) Reconstruct(x *Tensor) *Tensor {
	mean, _ := m.Encode(x)
	return m.Decode(mean)
}

// Reparameterize sets z = mean + eps·exp(logvar/2), the reparameterisation trick.
func Reparameterize(z, mean, logvar, eps *Tensor) {
	for i, mu := range mean.Data {
		z.Data[i] = mu + eps.Data[i]*float32(math.Exp(0.5*float64(logvar.Data[i])))
	}
}

// FillNormal fills t with independent standard normal samples from rng.
func FillNormal(t *Tensor, rng *rand.Rand) {
	for i := range t.Data {
		t.Data[i] = float32(rng.NormFloat64())
	}
}

// Loss runs one training forward and backward pass on faces x (B×3×32×32) with noise eps (B×120),
// adding to the parameter gradients the gradient of MSE(recon, x) + klWeight·KL, where MSE is the
// mean over all elements and KL is summed, the course project's loss. It returns the total and
// both terms.
func (m *VAE) Loss(x, eps *Tensor, klWeight float64) (loss, mse, kl float64) {
	return m.LossWith(x, eps, klWeight, MSE)
}

// ReconstructionLoss is a mean reconstruction loss over all elements that writes its gradient
// with respect to the prediction into dPred: MSE or BCE.
type ReconstructionLoss func(pred, target, dPred *Tensor) float64

// LossWith is Loss with another reconstruction loss in place of MSE (the course compared MSE
// with binary cross-entropy); it returns the total, the reconstruction term and the KL.
func (m *VAE) LossWith(x, eps *Tensor, klWeight float64, reconLoss ReconstructionLoss) (loss, recon, kl float64) {
	mean, logvar := m.Encode(x)
	b := x.Shape[0]
	m.z = reuse(m.z, b, VAELatent)
	Reparameterize(m.z, mean, logvar, eps)
	out := m.Decode(m.z)

	m.dRecon = reuse(m.dRecon, out.Shape...)
	recon = reconLoss(out, x, m.dRecon)
	m.dMean = reuse(m.dMean, b, VAELatent)
	m.dLogvar = reuse(m.dLogvar, b, VAELatent)
	m.dMean.Zero()
	m.dLogvar.Zero()
	kl = GaussianKL(mean, logvar, klWeight, m.dMean, m.dLogvar)

	d := m.sigmoid.Backward(m.dRecon)
	d = m.relu[5].Backward(m.DecDeconv2.Backward(d))
	d = m.DecDeconv1.Backward(d)
	d = m.relu[4].Backward(m.dFlat.viewOf(d, b, 2048))
	d = m.relu[3].Backward(m.DecFC2.Backward(d))
	dz := m.DecFC1.Backward(d)

	// Through z = mean + eps·exp(logvar/2).
	for i, g := range dz.Data {
		m.dMean.Data[i] += g
		m.dLogvar.Data[i] += g * eps.Data[i] * 0.5 * float32(math.Exp(0.5*float64(logvar.Data[i])))
	}
	dh := m.FCMean.Backward(m.dMean)
	m.dh = reuse(m.dh, dh.Shape...)
	copy(m.dh.Data, dh.Data)
	for i, v := range m.FCLogvar.Backward(m.dLogvar).Data {
		m.dh.Data[i] += v
	}
	d = m.relu[2].Backward(m.dh)
	d = m.relu[1].Backward(m.dGrid.viewOf(m.EncFC.Backward(d), b, 32, 8, 8))
	m.EncConv1.Backward(m.relu[0].Backward(m.EncConv2.Backward(d)))
	return recon + klWeight*kl, recon, kl
}

// SetFrozen declares the weights fixed (true: inference, as in the browser) or changing, for the
// (transposed) convolutions' packed weights: see Conv2d.SetFrozen.
func (m *VAE) SetFrozen(frozen bool) {
	m.EncConv1.SetFrozen(frozen)
	m.EncConv2.SetFrozen(frozen)
	m.DecDeconv1.SetFrozen(frozen)
	m.DecDeconv2.SetFrozen(frozen)
	for _, l := range []*Linear{m.EncFC, m.FCMean, m.FCLogvar, m.DecFC1, m.DecFC2} {
		l.SetFrozen(frozen)
	}
}

package ml

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// FashionNet is the course project's Fashion-MNIST classifier, unchanged. Input B×1×32×32 in
// [0, 1] (28×28 images zero-padded by 2); four blocks of Conv2d(3×3, pad 1) → ReLU → BatchNorm2d
// → MaxPool(2) with 16, 32, 64 and 128 channels; flatten to 512; Linear(512,256) → ReLU →
// BatchNorm1d; Linear(256,128) → ReLU → BatchNorm1d; Linear(128,10) giving the logits.
// ReLU comes before BatchNorm, as in the original.
type FashionNet struct {
	Conv  [4]*Conv2d
	Norm  [4]*BatchNorm
	Pool  [4]*MaxPool2d
	relu  [6]ReLU
	FC1   *Linear
	Norm5 *BatchNorm
	FC2   *Linear
	Norm6 *BatchNorm
	FC3   *Linear

	evalTail [4]Epilogue // the eval kernels' block tails
	flat     Tensor      // the last block's output seen as B×512
	blocks   [4]*Tensor
	latent   *Tensor
	dBlock   *Tensor // reshape of the FC1 input gradient
	dLogits  *Tensor
	// gradsFrom is the first block that keeps what the backward pass needs, with evaluation's
	// numbers (see SetGradientsFrom); −1 in training and plain evaluation.
	gradsFrom int
	dBlocks   [4]*Tensor // the gradients of the blocks' outputs, from the last backward pass
	training  bool       // SetTraining's last word
	noNorm    bool       // WithoutBatchNorm
}

// FashionNetClasses names the ten Fashion-MNIST classes by label.
var FashionNetClasses = [10]string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// Latent feature width: the output of the last BatchNorm1d.
const FashionNetLatent = 128

// NewFashionNet returns a FashionNet with PyTorch's default initialisation drawn from rng.
func NewFashionNet(rng *rand.Rand) *FashionNet {
	m := &FashionNet{gradsFrom: -1, training: true}
	channels := [5]int{1, 16, 32, 64, 128}
	for i := 0; i < 4; i++ {
		m.Conv[i] = NewConv2d(fmt.Sprintf("conv%d", i+1), channels[i], channels[i+1], 3, 1, 1)
		m.Conv[i].Init(rng)
		m.Norm[i] = NewBatchNorm(fmt.Sprintf("bn%d", i+1), channels[i+1])
		m.Pool[i] = NewMaxPool2d(2)
	}
	m.Conv[0].NoInputGrad = true
	m.FC1 = NewLinear("fc1", 512, 256)
	m.Norm5 = NewBatchNorm("bn5", 256)
	m.FC2 = NewLinear("fc2", 256, FashionNetLatent)
	m.Norm6 = NewBatchNorm("bn6", FashionNetLatent)
	m.FC3 = NewLinear("fc3", FashionNetLatent, 10)
	for _, l := range []*Linear{m.FC1, m.FC2, m.FC3} {
		l.Init(rng)
	}
	return m
}

// Copy returns a new FashionNet with m's weights and statistics (a taught head's width
// included) and buffers of its own, in evaluation mode.
func (m *FashionNet) Copy() *FashionNet {
	c := NewFashionNet(rand.New(rand.NewPCG(0, 0)))
	if m.FC3.Out != c.FC3.Out {
		c.FC3 = NewLinear("fc3", FashionNetLatent, m.FC3.Out)
	}
	dst, src := c.State(), m.State()
	for i, e := range src {
		if e.Int != nil {
			*dst[i].Int = *e.Int
		} else {
			copy(dst[i].Float.Data, e.Float.Data)
		}
	}
	c.SetTraining(false)
	return c
}

func (m *FashionNet) norms() []*BatchNorm {
	return []*BatchNorm{m.Norm[0], m.Norm[1], m.Norm[2], m.Norm[3], m.Norm5, m.Norm6}
}

// SetTraining switches every BatchNorm between batch statistics (true) and running ones.
func (m *FashionNet) SetTraining(train bool) {
	m.training = train
	for _, bn := range m.norms() {
		bn.Train = train && !m.noNorm
	}
	// Out of training the weights stand still: the convolutions pack them once. Load weights
	// before leaving training mode (or call SetTraining(false) again after loading).
	for _, c := range m.Conv {
		c.SetFrozen(!train)
	}
	for _, l := range []*Linear{m.FC1, m.FC2, m.FC3} {
		l.SetFrozen(!train)
	}
}

// SetGradientsFrom readies the model for explaining its answers: every BatchNorm normalises
// with the running statistics, as in evaluation, but blocks from on (0 to 4) and the fully
// connected layers run layer by layer, keeping what the backward pass needs; BackwardTo then
// computes the gradients of their outputs and inputs (BlockGrad, and InputGrad when from is 0)
// and leaves the parameters' gradients alone. The blocks before from, whose gradients are not
// asked for, run through the evaluation kernels. A model stays readied for explanations (it
// cannot train again): make it a Copy of the one that answers, as explain.New does.
func (m *FashionNet) SetGradientsFrom(from int) {
	if from < 0 || from > 4 {
		panic(fmt.Sprintf("ml: fashionnet: gradients from block %d, want 0 to 4", from))
	}
	if m.gradsFrom < 0 {
		m.SetTraining(false)
		for _, c := range m.Conv {
			c.NoInputGrad, c.NoParamGrad = false, true
		}
		for _, l := range []*Linear{m.FC1, m.FC2, m.FC3} {
			l.NoParamGrad = true
		}
		for _, bn := range m.norms() {
			bn.NoParamGrad = true
		}
	}
	m.gradsFrom = from
}

// Training reports the mode SetTraining last set.
func (m *FashionNet) Training() bool { return m.training }

// WithoutBatchNorm switches the BatchNorm layers off, for the course's question of what they
// do for training: each keeps its initial state (running mean 0, variance 1, γ 1, β 0) and
// normalises with it in training as in evaluation, which is the identity up to the factor
// 1/√(1 + 1e-5), and TrainableParams leaves them out. The weights still load into the course's
// module, whose BatchNorm layers compute the same in evaluation mode.
func (m *FashionNet) WithoutBatchNorm() {
	m.noNorm = true
	for _, bn := range m.norms() {
		bn.Reset()
	}
	m.SetTraining(m.training)
}

// TrainableParams lists the tensors an optimiser updates: Params, less the BatchNorm layers'
// when they are switched off.
func (m *FashionNet) TrainableParams() []*Param {
	if !m.noNorm {
		return m.Params()
	}
	var ps []*Param
	for _, c := range m.Conv {
		ps = append(ps, c.Params()...)
	}
	for _, l := range []*Linear{m.FC1, m.FC2, m.FC3} {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// Params lists every trainable tensor in state_dict order.
func (m *FashionNet) Params() []*Param {
	var ps []*Param
	for i := 0; i < 4; i++ {
		ps = append(ps, m.Conv[i].Params()...)
		ps = append(ps, m.Norm[i].Params()...)
	}
	ps = append(ps, m.FC1.Params()...)
	ps = append(ps, m.Norm5.Params()...)
	ps = append(ps, m.FC2.Params()...)
	ps = append(ps, m.Norm6.Params()...)
	return append(ps, m.FC3.Params()...)
}

// State lists everything a weight file holds.
func (m *FashionNet) State() []StateEntry { return stateOf(m.Params(), m.norms()) }

// Forward maps x (B×1×32×32) to the logits (B×10).
func (m *FashionNet) Forward(x *Tensor) *Tensor {
	if len(x.Shape) != 4 || x.Shape[1] != 1 || x.Shape[2] != 32 || x.Shape[3] != 32 {
		panic(fmt.Sprintf("ml: fashionnet: input shape %v, want B×1×32×32", x.Shape))
	}
	h := x
	for i := 0; i < 4; i++ {
		// Layer by layer where a backward pass follows: explaining from this block, or training
		// without BatchNorm (whose layers then normalise as in evaluation).
		if m.gradsFrom >= 0 && i >= m.gradsFrom || m.noNorm && m.training {
			h = m.Pool[i].Forward(m.Norm[i].Forward(m.Conv[i].forwardReLU(&m.relu[i], h)))
			m.blocks[i] = h
			continue
		}
		if out, ok := m.evalBlock(i, h); ok {
			h, m.blocks[i] = out, out
			continue
		}
		if !m.Norm[i].Train && m.Pool[i].Kernel == 2 {
			h = reluNormPool(m.Conv[i].Forward(h), m.Norm[i], m.Pool[i]) // evaluation: one pass, same numbers
		} else {
			h = m.Pool[i].Forward(m.Norm[i].Forward(m.Conv[i].forwardReLU(&m.relu[i], h)))
		}
		m.blocks[i] = h
	}
	h = m.flat.viewOf(h, h.Shape[0], 512)
	if m.gradsFrom >= 0 {
		h = m.Norm5.Forward(linearReLUKept(m.FC1, &m.relu[4], h))
		m.latent = m.Norm6.Forward(linearReLUKept(m.FC2, &m.relu[5], h))
		return m.FC3.Forward(m.latent)
	}
	h = m.Norm5.Forward(linearReLU(m.FC1, &m.relu[4], h))
	m.latent = m.Norm6.Forward(linearReLU(m.FC2, &m.relu[5], h))
	return m.FC3.Forward(m.latent)
}

// evalBlock runs block i in one go through the installed eval kernels, when there are some and
// the model is in evaluation mode.
func (m *FashionNet) evalBlock(i int, x *Tensor) (*Tensor, bool) {
	k, bn := kernels(), m.Norm[i]
	if !k.eval() || bn.Train || m.Pool[i].Kernel != 2 {
		return nil, false
	}
	ep := &m.evalTail[i]
	if len(ep.Mean) != bn.C {
		ep.Mean, ep.Inv = make([]float32, bn.C), make([]float32, bn.C)
	}
	bnEval(bn, ep.Mean, ep.Inv) // per call: the running statistics may have been loaded since
	ep.Mode, ep.Gamma, ep.Beta = EpBiasReLUNormPool, bn.Weight.Value.Data, bn.Bias.Value.Data
	return m.Conv[i].forwardEval(k, x, ep)
}

// Block returns conv block i's output (0-based: B×16×16×16, B×32×8×8, B×64×4×4, B×128×2×2)
// from the last forward pass.
func (m *FashionNet) Block(i int) *Tensor { return m.blocks[i] }

// Latent returns the 128-d feature (B×128, the last BatchNorm1d's output) of the last forward pass.
func (m *FashionNet) Latent() *Tensor { return m.latent }

// Confidence is the highest probability the model gives one 1×32×32 input (copied): how sure
// it is of its answer. It runs a forward pass, so the model should be in evaluation mode.
func (m *FashionNet) Confidence(input []float32) float64 {
	logits := m.Forward(FromData(slices.Clone(input), 1, 1, 32, 32)).Data
	probs := make([]float32, len(logits))
	Softmax(probs, logits, len(logits))
	return float64(slices.Max(probs))
}

// Backward back-propagates dLogits (B×10) from the last forward pass, adding to every gradient.
func (m *FashionNet) Backward(dLogits *Tensor) { m.BackwardTo(dLogits, -1) }

// BackwardTo is Backward stopping once block stop's output (0 to 3) has its gradient
// (BlockGrad(stop)); stop −1 goes on through the first block to the input.
func (m *FashionNet) BackwardTo(dLogits *Tensor, stop int) {
	d := m.FC3.Backward(dLogits)
	d = m.FC2.Backward(m.relu[5].Backward(m.Norm6.Backward(d)))
	d = m.FC1.Backward(m.relu[4].Backward(m.Norm5.Backward(d)))
	b := d.Shape[0]
	if m.dBlock == nil || m.dBlock.Shape[0] != b {
		m.dBlock = &Tensor{Shape: []int{b, 128, 2, 2}}
	}
	m.dBlock.Data = d.Data
	g := m.dBlock
	for i := 3; i >= 0; i-- {
		m.dBlocks[i] = g
		if i == stop {
			return
		}
		g = m.Pool[i].Backward(g)
		// BatchNorm, the ReLU before it and the convolution's bias gradient in one pass.
		var biasGrad []float32
		if !m.Conv[i].NoParamGrad {
			biasGrad = m.Conv[i].Bias.Grad.Data
		}
		g = m.Norm[i].backwardReLU(g, m.relu[i].out.Data, biasGrad)
		g = m.Conv[i].backward(g, true)
	}
}

// BlockGrad returns the gradient of conv block i's output (shaped as Block(i)) from the last
// backward pass.
func (m *FashionNet) BlockGrad(i int) *Tensor { return m.dBlocks[i] }

// InputGrad returns the gradient of the input (B×1×32×32) from the last backward pass that
// reached it (SetGradientsFrom(0), BackwardTo(…, −1)).
func (m *FashionNet) InputGrad() *Tensor {
	if m.Conv[0].NoInputGrad {
		return nil
	}
	return m.Conv[0].dx
}

// Loss runs a forward and backward pass on a labelled batch, adding the gradients of the mean
// cross-entropy to the parameters. It returns the loss and how many predictions were right.
func (m *FashionNet) Loss(x *Tensor, labels []int) (float64, int) {
	logits := m.Forward(x)
	m.dLogits = reuse(m.dLogits, logits.Shape...)
	loss, correct := CrossEntropy(logits, labels, m.dLogits)
	m.Backward(m.dLogits)
	return loss, correct
}

// LossSets is Loss with partial labels (CrossEntropySets): each example's label is a set of
// classes, any of which is right.
func (m *FashionNet) LossSets(x *Tensor, sets []Classes) (float64, int) {
	return m.LossSetsDistilled(x, sets, nil, nil, 0)
}

// LossSetsDistilled is LossSets with the examples distil marks distilled towards teacher's
// answers on the same batch (AddDistillation, with weight); a nil teacher distils none. The
// loss it returns is the labels' cross-entropy alone.
func (m *FashionNet) LossSetsDistilled(x *Tensor, sets []Classes, teacher *FashionNet, distil []bool, weight float64) (float64, int) {
	logits := m.Forward(x)
	m.dLogits = reuse(m.dLogits, logits.Shape...)
	loss, correct := CrossEntropySets(logits, sets, m.dLogits)
	if teacher != nil {
		AddDistillation(m.dLogits, logits, teacher.Forward(x), sets, distil, weight)
	}
	m.Backward(m.dLogits)
	return loss, correct
}

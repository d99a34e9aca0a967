package course

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"

	"lookbook/ml"
	"lookbook/ml/dataset"
)

// Point is the curve's entry for one epoch: the mean training loss (for the VAE its two terms
// too), and the figure on held-out data, test accuracy on the fixed slice for FashionNet or
// validation MSE for the VAE.
type Point struct {
	Epoch         int     `json:"epoch"`
	Loss          float64 `json:"loss"`
	Recon         float64 `json:"recon,omitempty"`
	KL            float64 `json:"kl,omitempty"` // per face
	TestAccuracy  float64 `json:"testAccuracy,omitempty"`
	ValidationMSE float64 `json:"validationMse,omitempty"`
}

// LossPoint is the training loss averaged over the steps since the last one, for the live curve.
type LossPoint struct {
	Step  int     `json:"step"` // global, from 1
	Loss  float64 `json:"loss"`
	Recon float64 `json:"recon,omitempty"`
	KL    float64 `json:"kl,omitempty"`
}

// TestSlice is how many test images (the first) FashionNet is tested on after every epoch; the
// whole test set is used once, at the end.
const TestSlice = 2000

// lossPointsPerEpoch is how often the live curve gets a point.
const lossPointsPerEpoch = 25

// Run is one training run, advanced a step at a time by Step.
type Run struct {
	Options Options
	Steps   int // per epoch
	Curve   []Point
	Losses  []LossPoint
	// Fashion or Faces is the model being trained.
	Fashion *ml.FashionNet
	Faces   *ml.VAE
	// Strip is the VAE's interpolation between two validation faces at α = 0, 0.2, …, 1 after
	// the last epoch (6×3×32×32).
	Strip []float32

	epoch, step int
	opt         *ml.Adam
	perm        []int
	samples     int
	sum, recent sums
	step1       func(batch []int, lo, hi int, rng *rand.Rand) sums
	// heldOut is the held-out figure (test accuracy or validation MSE) over held-out items
	// [lo, hi) of heldOutLen; afterEpoch is part 0's other work at an epoch's end (the strip).
	heldOut    func(lo, hi int) float64
	heldOutLen int
	afterEpoch func()

	// Data parallelism (Shard): this run's part of each batch, and the exchange that averages
	// the gradients and the step's figures over the parts.
	part, parts int
	exchange    Exchange
}

// Exchange replaces each gradient of params, and each of a step's figures, by its mean over
// the workers training the run, every worker getting the same bits (MeanWithPeer), so that all
// take the same optimiser step. At an epoch's end it is called with no params, to combine the
// held-out figures. It reports false if the step was abandoned (the run stopped meanwhile).
type Exchange func(params []*ml.Param, figures []float64) bool

// Shard makes this run part part (from 0) of parts workers that train it together, each on its
// share of every batch, their gradients averaged by exchange before each update: data
// parallelism. Every worker keeps the whole model; after each epoch each evaluates its share of
// the held-out data, and exchange (called with no parameters and a sum and a count) combines
// them, except with BatchNorm, where part 0 evaluates alone (see evaluate); only part 0 draws
// the VAE's strip. BatchNorm's statistics are each part's own, as with PyTorch's
// DistributedDataParallel without SyncBatchNorm.
func (r *Run) Shard(part, parts int, exchange Exchange) error {
	if parts < 1 || part < 0 || part >= parts || r.Options.BatchSize/parts < 2 {
		return fmt.Errorf("cannot split batches of %d into %d parts", r.Options.BatchSize, parts)
	}
	r.part, r.parts, r.exchange = part, parts, exchange
	return nil
}

type sums struct {
	loss, recon, kl float64
	n               int
}

func (s *sums) add(o sums) {
	s.loss, s.recon, s.kl, s.n = s.loss+o.loss, s.recon+o.recon, s.kl+o.kl, s.n+o.n
}

// NewFashionRun starts FashionNet's experiment on the first o.TrainImages of train, testing on
// test (its first TestSlice after every epoch).
func NewFashionRun(o Options, train, test *dataset.Fashion) (*Run, error) {
	o.Model = FashionNet
	o, err := o.Resolve()
	if err != nil {
		return nil, err
	}
	if train.Len() < o.TrainImages {
		return nil, fmt.Errorf("%d training images asked for, %d loaded", o.TrainImages, train.Len())
	}
	if test.Len() == 0 {
		return nil, fmt.Errorf("no test images")
	}
	m := ml.NewFashionNet(rand.New(rand.NewPCG(o.Seed, 0xf00d)))
	if !*o.BatchNorm {
		m.WithoutBatchNorm()
	}
	r := &Run{Options: o, Fashion: m, samples: o.TrainImages, opt: ml.NewAdam(m.TrainableParams())}
	slice := test
	if test.Len() > TestSlice {
		slice = &dataset.Fashion{Pixels: test.Pixels[:TestSlice*784], Labels: test.Labels[:TestSlice]}
	}
	const side = dataset.FashionSide * dataset.FashionSide
	x := ml.NewTensor(o.BatchSize, 1, 32, 32)
	labels := make([]int, o.BatchSize)
	r.step1 = func(batch []int, lo, hi int, _ *rand.Rand) sums {
		part := batch[lo:hi]
		for i, idx := range part {
			train.Image(x.Data[i*side:(i+1)*side], idx, false, 0, 0)
			labels[i] = int(train.Labels[idx])
		}
		loss, _ := m.Loss(ml.FromData(x.Data[:len(part)*side], len(part), 1, 32, 32), labels[:len(part)])
		return sums{loss: loss, n: 1}
	}
	r.heldOutLen = slice.Len()
	r.heldOut = func(lo, hi int) float64 {
		share := &dataset.Fashion{Pixels: slice.Pixels[lo*side : hi*side], Labels: slice.Labels[lo:hi]}
		return EvaluateFashion(m, share).Accuracy
	}
	return r.begin(), nil
}

// NewVAERun starts the VAE's experiment: faces [0, FaceTrain) train, the rest validate, and
// the strip morphs between the first two validation faces.
func NewVAERun(o Options, faces *dataset.Faces) (*Run, error) {
	o.Model = VAE
	o, err := o.Resolve()
	if err != nil {
		return nil, err
	}
	if faces.Len() <= FaceTrain+1 {
		return nil, fmt.Errorf("%d faces; the experiment needs more than %d", faces.Len(), FaceTrain+1)
	}
	train, val := faces.Slice(0, FaceTrain), faces.Slice(FaceTrain, faces.Len())
	m := ml.NewVAE(rand.New(rand.NewPCG(o.Seed, 0xface)))
	r := &Run{Options: o, Faces: m, samples: FaceTrain, opt: ml.NewAdam(m.Params())}
	const n = 3 * dataset.FaceSide * dataset.FaceSide
	x := ml.NewTensor(o.BatchSize, 3, 32, 32)
	eps := ml.NewTensor(o.BatchSize, ml.VAELatent)
	loss := ml.ReconstructionLoss(ml.MSE)
	if o.Loss == "bce" {
		loss = ml.BCE
	}
	r.step1 = func(batch []int, lo, hi int, rng *rand.Rand) sums {
		part := batch[lo:hi]
		for i, idx := range part {
			train.Image(x.Data[i*n:(i+1)*n], idx, false)
		}
		ml.FillNormal(eps, rng) // the whole batch's noise, so that every part draws the same
		b := len(part)
		xb := ml.FromData(x.Data[:b*n], b, 3, 32, 32)
		eb := ml.FromData(eps.Data[lo*ml.VAELatent:hi*ml.VAELatent], b, ml.VAELatent)
		// The course's loss sums the KL over the batch while the parts' gradients are averaged:
		// a part weighs its own sum by as many times the weight as there are parts.
		total, recon, kl := m.LossWith(xb, eb, o.KLWeight*float64(len(batch))/float64(b), loss)
		return sums{loss: total, recon: recon, kl: kl / float64(b), n: 1}
	}
	pair := ml.NewTensor(2, 3, 32, 32)
	val.Image(pair.Data[:n], 0, false)
	val.Image(pair.Data[n:], 1, false)
	r.heldOutLen = val.Len()
	r.heldOut = func(lo, hi int) float64 { return EvaluateVAE(m, val.Slice(lo, hi)) }
	r.afterEpoch = func() { r.Strip = Morph(m, pair, 6) }
	return r.begin(), nil
}

func (r *Run) begin() *Run {
	r.Steps = r.samples / r.Options.BatchSize
	r.parts = 1
	r.opt.LR = r.Options.LearningRate
	r.perm = rand.New(rand.NewPCG(r.Options.Seed, 0)).Perm(r.samples)
	return r
}

// Done reports whether every epoch has run.
func (r *Run) Done() bool { return r.epoch >= r.Options.Epochs }

// Epoch and StepInEpoch say where the run stands: epochs finished, steps of the current one.
func (r *Run) Epoch() int       { return r.epoch }
func (r *Run) StepInEpoch() int { return r.step }

// TotalSteps is the run's length in steps; StepsDone how many have run.
func (r *Run) TotalSteps() int { return r.Steps * r.Options.Epochs }
func (r *Run) StepsDone() int  { return r.epoch*r.Steps + r.step }

// Step trains one batch; the last step of an epoch also evaluates and adds the epoch's Point.
// It reports whether an epoch ended.
func (r *Run) Step() (epochEnded bool) {
	if r.Done() {
		return false
	}
	b := r.Options.BatchSize
	params := r.opt.Params()
	ml.ZeroGrads(params)
	lo, hi := r.part*b/r.parts, (r.part+1)*b/r.parts
	s := r.step1(r.perm[r.step*b:(r.step+1)*b], lo, hi, rand.New(rand.NewPCG(r.Options.Seed, uint64(r.epoch)<<32|uint64(r.step))))
	if r.exchange != nil {
		figures := []float64{s.loss, s.recon, s.kl}
		if !r.exchange(params, figures) {
			return false
		}
		s.loss, s.recon, s.kl = figures[0], figures[1], figures[2]
	}
	if r.Options.Schedule == "cosine" {
		r.opt.LR = r.Options.LearningRate * 0.5 * (1 + math.Cos(math.Pi*float64(r.StepsDone())/float64(r.TotalSteps())))
	}
	r.opt.Update()
	r.sum.add(s)
	r.recent.add(s)
	r.step++
	if every := max(r.Steps/lossPointsPerEpoch, 1); r.step%every == 0 || r.step == r.Steps {
		n := float64(r.recent.n)
		r.Losses = append(r.Losses, LossPoint{Step: r.StepsDone(), Loss: r.recent.loss / n, Recon: r.recent.recon / n, KL: r.recent.kl / n})
		r.recent = sums{}
	}
	if r.step < r.Steps {
		return false
	}
	n := float64(r.sum.n)
	p := Point{Epoch: r.epoch + 1, Loss: r.sum.loss / n}
	if r.Faces != nil {
		p.Recon, p.KL = r.sum.recon/n, r.sum.kl/n
	}
	held, ok := r.evaluate()
	if !ok {
		return false
	}
	if r.Faces != nil {
		p.ValidationMSE = held
	} else {
		p.TestAccuracy = held
	}
	if r.part == 0 && r.afterEpoch != nil {
		r.afterEpoch()
	}
	r.Curve = append(r.Curve, p)
	r.epoch, r.step, r.sum = r.epoch+1, 0, sums{}
	r.perm = rand.New(rand.NewPCG(r.Options.Seed, uint64(r.epoch))).Perm(r.samples)
	return true
}

// evaluate is the held-out figure at an epoch's end. Where every part holds the same model (no
// BatchNorm), each evaluates its share of the held-out data and the exchange combines the
// shares (each one's sum and count), so that the workers evaluate side by side rather than one
// of them while the other waits for its next step. It reports false if the run stopped
// meanwhile.
func (r *Run) evaluate() (float64, bool) {
	if r.parts == 1 || r.exchange == nil {
		return r.heldOut(0, r.heldOutLen), true
	}
	if r.Fashion != nil && *r.Options.BatchNorm {
		// BatchNorm's running statistics are each part's own, so the parts' models evaluate
		// differently: part 0's is the one reported, on all the held-out images.
		if r.part == 0 {
			return r.heldOut(0, r.heldOutLen), true
		}
		return 0, true
	}
	lo, hi := r.part*r.heldOutLen/r.parts, (r.part+1)*r.heldOutLen/r.parts
	figures := []float64{0, float64(hi - lo)}
	if hi > lo {
		figures[0] = r.heldOut(lo, hi) * figures[1]
	}
	if !r.exchange(nil, figures) {
		return 0, false
	}
	return figures[0] / figures[1], true
}

// Morph decodes k faces on the straight line between the posterior means of the two faces in
// pair (2×3×32×32), at α = 0, 1/(k−1), …, 1: the course's interpolation.
func Morph(m *ml.VAE, pair *ml.Tensor, k int) []float32 {
	mean, _ := m.Encode(pair)
	z := ml.NewTensor(k, ml.VAELatent)
	for i := 0; i < k; i++ {
		a := float32(i) / float32(k-1)
		for j := 0; j < ml.VAELatent; j++ {
			z.Data[i*ml.VAELatent+j] = (1-a)*mean.Data[j] + a*mean.Data[ml.VAELatent+j]
		}
	}
	return append([]float32(nil), m.Decode(z).Data...)
}

// Weights are the trained model's state as safetensors, under the course's state_dict names,
// with the run's options in the metadata.
func (r *Run) Weights() ([]byte, error) {
	opts, _ := json.Marshal(r.Options)
	meta := map[string]string{"format": "lookbook-weights-v1", "model": r.Options.Model, "trained_in": "the Train view", "options": string(opts),
		"epochs_done": fmt.Sprint(r.epoch)}
	var state []ml.StateEntry
	if r.Fashion != nil {
		state = r.Fashion.State()
	} else {
		state = r.Faces.State()
	}
	var buf bytes.Buffer
	if err := ml.SaveState(&buf, state, meta, ml.SaveOptions{}); err != nil {
		return nil, fmt.Errorf("save the trained weights: %w", err)
	}
	return buf.Bytes(), nil
}

// DecodedFaces are the faces the VAE experiment trains on in the page: the shipped VAE's
// decoding of each face's shipped latent code (the app ships no photographs of people), as
// bytes in the course's layout.
func DecodedFaces(m *ml.VAE, latents [][]float32) *dataset.Faces {
	const n = 3 * dataset.FaceSide * dataset.FaceSide
	faces := &dataset.Faces{Pixels: make([]byte, len(latents)*n)}
	const batch = 100
	for lo := 0; lo < len(latents); lo += batch {
		b := min(batch, len(latents)-lo)
		z := ml.NewTensor(b, ml.VAELatent)
		for i := 0; i < b; i++ {
			copy(z.Data[i*ml.VAELatent:], latents[lo+i])
		}
		for i, v := range m.Decode(z).Data {
			faces.Pixels[lo*n+i] = byte(min(max(v*255+0.5, 0), 255))
		}
	}
	return faces
}

// Package teach fine-tunes FashionNet's last layer (FC3: 128 features → the classes) on a
// visitor's own examples, in the browser as natively: a new class gets an output of its own, an
// existing one is corrected. Only the last layer learns, because it is what a share link can
// carry (128·11 + 11 numbers as float16, under 3 KB) and because FashionNet's features already
// tell garments apart; within it only the taught classes' rows learn (see Config); a replay sample of training-set features joins every batch, so that
// the ten garments are not forgotten. The training is ml's own Linear, CrossEntropy and Adam.
package teach

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"lookbook/ml"
)

// Latent is the length of a feature vector: the last layer's input.
const Latent = ml.FashionNetLatent

// Garments is the number of classes FashionNet ships with; MaxClasses allows one taught class.
const (
	Garments   = len(ml.FashionNetClasses)
	MaxClasses = Garments + 1
)

// Head is FashionNet's last layer: Weight is Classes×Latent (row k scores class k), Bias
// Classes. Classes 0–9 are the garments; a taught class is class 10.
type Head struct {
	Classes int
	Weight  []float32
	Bias    []float32
}

// Shipped copies a trained FashionNet's last layer.
func Shipped(m *ml.FashionNet) Head {
	return Head{Classes: m.FC3.Out, Weight: append([]float32(nil), m.FC3.Weight.Value.Data...),
		Bias: append([]float32(nil), m.FC3.Bias.Value.Data...)}
}

// Check reports whether h has a shape a FashionNet can use, and finite numbers.
func (h Head) Check() error {
	if h.Classes < Garments || h.Classes > MaxClasses || len(h.Weight) != h.Classes*Latent || len(h.Bias) != h.Classes {
		return fmt.Errorf("teach: a head of %d classes with %d weights and %d biases", h.Classes, len(h.Weight), len(h.Bias))
	}
	if !finite(h.Weight) || !finite(h.Bias) {
		return errors.New("teach: the head holds a NaN or an infinity")
	}
	return nil
}

func finite(v []float32) bool {
	for _, x := range v {
		if x != x || x > math.MaxFloat32 || x < -math.MaxFloat32 {
			return false
		}
	}
	return true
}

// Logits writes the head's scores of one feature vector into out (Classes).
func (h Head) Logits(feature []float32, out []float32) {
	for k := 0; k < h.Classes; k++ {
		s := h.Bias[k]
		for j, w := range h.Weight[k*Latent : (k+1)*Latent] {
			s += w * feature[j]
		}
		out[k] = s
	}
}

// Predict is the class with the highest score.
func (h Head) Predict(feature []float32) int {
	var logits [MaxClasses]float32
	h.Logits(feature, logits[:h.Classes])
	return ml.ArgMax(logits[:h.Classes])
}

// Accuracy is the fraction of features (n×Latent) whose prediction is their label; a taught
// class counts as a mistake on a garment.
func (h Head) Accuracy(features []float32, labels []uint8) float64 {
	if len(labels) == 0 {
		return 0
	}
	right := 0
	for i, l := range labels {
		if h.Predict(features[i*Latent:(i+1)*Latent]) == int(l) {
			right++
		}
	}
	return float64(right) / float64(len(labels))
}

// Example is one of the visitor's examples: its features (Latent) and its class.
type Example struct {
	Feature []float32
	Label   int
}

// Replay is a sample of training-set features (n×Latent) and their labels (garments).
type Replay struct {
	Features []float32
	Labels   []uint8
}

// Config is how the head learns. Only the rows of the classes the visitor's examples belong to
// learn: the others stay as shipped, so the garments can lose only the images the taught class
// now claims. Measured on the shipped model with ten generated hats (drawings.Hat) as a new
// class, 40 fresh hats to check and the 10,000 test images for forgetting: every row learning
// cost 0.44 points of test accuracy at a learning rate of 3e-3 and 1.03 at 0.03; the taught
// row alone learns all 40 hats at either rate and costs 0.02 points at 0.03 (0.08 when the
// hats correct Bag instead).
type Config struct {
	Steps int     // Adam updates
	Batch int     // features per update
	Own   int     // of which the visitor's examples (drawn with replacement), the rest replay
	LR    float64 // Adam's learning rate
	Seed  uint64
}

// DefaultConfig is 150 updates of 64 features, 16 of them the visitor's, at a learning rate of
// 0.03.
func DefaultConfig() Config { return Config{Steps: 150, Batch: 64, Own: 16, LR: 0.03, Seed: 1} }

// MinExamples is the fewest examples a class can be taught from.
const MinExamples = 5

// Run is one fine-tuning in progress: create it with New, then call Step until it reports
// done, and take the result from Head.
type Run struct {
	cfg    Config
	layer  *ml.Linear
	taught [MaxClasses]bool // the classes of the visitor's examples: their rows learn
	adam   *ml.Adam
	own    []Example
	replay Replay
	rng    *rand.Rand
	x      *ml.Tensor
	dy     *ml.Tensor
	labels []int
	// Done counts the updates made; Loss is the last batch's cross-entropy.
	Done int
	Loss float64
}

// New prepares to fine-tune base into a head of classes outputs (base.Classes, or one more for
// a new class, whose row starts at zero) on own and replay.
func New(base Head, classes int, own []Example, replay Replay, cfg Config) (*Run, error) {
	if err := base.Check(); err != nil {
		return nil, err
	}
	if classes != base.Classes && classes != base.Classes+1 || classes > MaxClasses {
		return nil, fmt.Errorf("teach: %d classes from a head of %d", classes, base.Classes)
	}
	if len(own) < MinExamples {
		return nil, fmt.Errorf("teach: %d examples; at least %d are needed", len(own), MinExamples)
	}
	for i, e := range own {
		if len(e.Feature) != Latent || e.Label < 0 || e.Label >= classes {
			return nil, fmt.Errorf("teach: example %d has %d features and class %d", i, len(e.Feature), e.Label)
		}
	}
	n := len(replay.Labels)
	if n == 0 || len(replay.Features) != n*Latent {
		return nil, fmt.Errorf("teach: a replay of %d labels and %d features", n, len(replay.Features))
	}
	if cfg.Steps < 1 || cfg.Batch < 2 || cfg.Own < 1 || cfg.Own >= cfg.Batch || cfg.LR <= 0 {
		return nil, fmt.Errorf("teach: bad configuration %+v", cfg)
	}
	layer := ml.NewLinear("fc3", Latent, classes)
	copy(layer.Weight.Value.Data, base.Weight)
	copy(layer.Bias.Value.Data, base.Bias)
	adam := ml.NewAdam(layer.Params())
	adam.LR = cfg.LR
	var taught [MaxClasses]bool
	for _, e := range own {
		taught[e.Label] = true
	}
	return &Run{cfg: cfg, layer: layer, adam: adam, taught: taught, own: own, replay: replay,
		rng: rand.New(rand.NewPCG(cfg.Seed, 0x7eac)), x: ml.NewTensor(cfg.Batch, Latent),
		dy: ml.NewTensor(cfg.Batch, classes), labels: make([]int, cfg.Batch)}, nil
}

// Finished reports whether every update has been made.
func (r *Run) Finished() bool { return r.Done >= r.cfg.Steps }

// Steps is how many updates the run makes in all.
func (r *Run) Steps() int { return r.cfg.Steps }

// Step makes updates for about budget (at least one) and reports whether the run is finished.
func (r *Run) Step(budget time.Duration) bool {
	for start := time.Now(); !r.Finished(); {
		r.update()
		if time.Since(start) >= budget {
			break
		}
	}
	return r.Finished()
}

// update is one Adam step on a batch of the visitor's examples and replayed features.
func (r *Run) update() {
	for b := 0; b < r.cfg.Batch; b++ {
		row := r.x.Data[b*Latent : (b+1)*Latent]
		if b < r.cfg.Own {
			e := r.own[r.rng.IntN(len(r.own))]
			copy(row, e.Feature)
			r.labels[b] = e.Label
			continue
		}
		i := r.rng.IntN(len(r.replay.Labels))
		copy(row, r.replay.Features[i*Latent:(i+1)*Latent])
		r.labels[b] = int(r.replay.Labels[i])
	}
	ml.ZeroGrads(r.layer.Params())
	logits := r.layer.Forward(r.x)
	r.Loss, _ = ml.CrossEntropy(logits, r.labels, r.dy)
	r.layer.Backward(r.dy)
	// Only the taught classes' rows learn (see Config).
	w, b := r.layer.Weight.Grad.Data, r.layer.Bias.Grad.Data
	for k := range b {
		if !r.taught[k] {
			b[k] = 0
			clear(w[k*Latent : (k+1)*Latent])
		}
	}
	r.adam.Update()
	r.Done++
}

// Head is the head as it stands.
func (r *Run) Head() Head {
	return Head{Classes: r.layer.Out, Weight: append([]float32(nil), r.layer.Weight.Value.Data...),
		Bias: append([]float32(nil), r.layer.Bias.Value.Data...)}
}

// Row returns class k's weights (a copy) and bias.
func (h Head) Row(k int) ([]float32, float32) {
	return append([]float32(nil), h.Weight[k*Latent:(k+1)*Latent]...), h.Bias[k]
}

// WithRow returns a copy of h with class k's row set to weights (Latent) and bias; k may be
// h.Classes, which adds a class.
func (h Head) WithRow(k int, weights []float32, bias float32) Head {
	out := Head{Classes: max(h.Classes, k+1), Weight: append([]float32(nil), h.Weight...), Bias: append([]float32(nil), h.Bias...)}
	if k == h.Classes {
		out.Weight = append(out.Weight, make([]float32, Latent)...)
		out.Bias = append(out.Bias, 0)
	}
	copy(out.Weight[k*Latent:(k+1)*Latent], weights)
	out.Bias[k] = bias
	return out
}

package trainer

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"lookbook/ml"
)

// Schedule is the part of a recipe that both models share: how long, how fast, and how the
// optimiser and the data order are set up. It is embedded in each model's recipe (its JSON
// fields sit at the recipe's top level, as they always have in checkpoints and metadata).
type Schedule struct {
	Epochs      int     `json:"epochs"`
	Batch       int     `json:"batch"`
	LR          float64 `json:"lr"`
	Decay       string  `json:"schedule"`      // after warm-up: "constant" or "cosine"
	Warmup      int     `json:"warmup_epochs"` // linear warm-up before the schedule
	WeightDecay float64 `json:"weight_decay"`  // decoupled (AdamW); biases and BatchNorm exempt
	Flip        bool    `json:"flip"`          // random horizontal flips
	Seed        uint64  `json:"seed"`
}

// check validates the schedule before any data is read, so that a bad flag gets a clear
// message instead of a panic or a silent default.
func (s Schedule) check() error {
	switch {
	case s.Batch < 2:
		return fmt.Errorf("-batch must be at least 2 (BatchNorm needs two images), got %d", s.Batch)
	case s.Epochs < 1:
		return fmt.Errorf("-epochs must be at least 1, got %d", s.Epochs)
	case !(s.LR > 0) || math.IsInf(s.LR, 0):
		return fmt.Errorf("-lr must be a positive number, got %g", s.LR)
	case s.Decay != "cosine" && s.Decay != "constant":
		return fmt.Errorf("-schedule must be cosine or constant, got %q", s.Decay)
	case s.Warmup < 0 || s.Warmup > s.Epochs:
		return fmt.Errorf("-warmup must be between 0 and the %d epochs, got %d", s.Epochs, s.Warmup)
	}
	return nil
}

// learningRate is the rate at global step t of total, after warm steps of linear warm-up.
func (s Schedule) learningRate(t, warm, total int) float64 {
	if t < warm {
		return s.LR * float64(t+1) / float64(warm)
	}
	if s.Decay == "cosine" && total > warm {
		return s.LR * 0.5 * (1 + math.Cos(math.Pi*float64(t-warm)/float64(total-warm)))
	}
	return s.LR
}

// stepResult is one training step's figures.
type stepResult struct {
	Loss    float64 // the batch's mean loss
	Correct int     // correctly classified images (classifiers)
	KL      float64 // the batch's summed KL divergence (VAEs)
}

// trainee is what the training loop needs from a model's trainer.
type trainee struct {
	schedule Schedule
	recipe   any // the whole recipe, stored in checkpoints
	samples  int // training samples; an epoch is samples/Batch steps
	state    []ml.StateEntry
	params   []*ml.Param
	// describe is the log's first line for a fresh run.
	describe string
	// step trains one step of epoch (from 0) on the samples batch, drawing any randomness
	// from rng.
	step func(epoch int, batch []int, rng *rand.Rand) stepResult
	// endEpoch validates after an epoch, completes its log entry, and returns the rest of
	// the epoch's text line. best is the best validation figure so far, kept across resumes;
	// endEpoch updates it (and saves the best weights) when it uses one.
	endEpoch func(e *EpochLog, best *float64) (string, error)
}

// runLoop runs the loop both models share: AdamW with the schedule's learning rate, data in an
// order drawn from (seed, epoch), each step's randomness from (seed, epoch, step), a checkpoint
// after every epoch and on interruption, and exact resumption from one. It returns the best
// validation figure endEpoch kept.
func runLoop(ctx context.Context, t trainee, run Run) (best float64, err error) {
	s := t.schedule
	steps := t.samples / s.Batch
	if steps == 0 {
		return 0, fmt.Errorf("%d training samples do not fill one batch of %d", t.samples, s.Batch)
	}
	opt := ml.NewAdam(t.params)
	opt.WeightDecay, opt.Decoupled = s.WeightDecay, true
	recipe, _ := json.Marshal(t.recipe)
	best = -1
	startEpoch, startStep := 0, 0
	if run.Resume {
		ck, err := loadCheckpoint(run.Checkpoint, t.state, opt, t.params)
		if err != nil {
			return 0, err
		}
		startEpoch, startStep, best = ck.Epoch, ck.Step, ck.Best
	}
	log, err := newLogger(run.Stdout, run.Log, run.Resume)
	if err != nil {
		return 0, err
	}
	defer log.close()
	if run.Resume {
		log.printf("resuming at epoch %d, step %d of %d\n", startEpoch+1, startStep, steps)
	} else {
		log.printf("%s, %d steps an epoch, recipe %s\n", t.describe, steps, recipe)
	}
	for epoch := startEpoch; epoch < s.Epochs; epoch++ {
		start := time.Now()
		perm := rand.New(rand.NewPCG(s.Seed, uint64(epoch))).Perm(t.samples)
		bar := NewProgress(run.Stderr, fmt.Sprintf("epoch %d/%d", epoch+1, s.Epochs), steps)
		var sum stepResult
		var lr float64
		for step := startStep; step < steps; step++ {
			if ctx.Err() != nil {
				bar.Done()
				ck := checkpoint{Epoch: epoch, Step: step, AdamStep: opt.Step, Config: recipe, Best: best}
				if err := saveCheckpoint(run.Checkpoint, ck, t.state, opt, t.params); err != nil {
					return best, fmt.Errorf("save checkpoint on interrupt: %w", err)
				}
				return best, ErrInterrupted
			}
			lr = s.learningRate(epoch*steps+step, s.Warmup*steps, s.Epochs*steps)
			opt.LR = lr
			ml.ZeroGrads(t.params)
			r := t.step(epoch, perm[step*s.Batch:(step+1)*s.Batch], rand.New(rand.NewPCG(s.Seed, uint64(epoch)<<32|uint64(step))))
			opt.Update()
			sum.Loss, sum.Correct, sum.KL = sum.Loss+r.Loss, sum.Correct+r.Correct, sum.KL+r.KL
			bar.Update(step+1, sum.Loss/float64(step+1-startStep))
		}
		bar.Done()
		done := max(steps-startStep, 1)
		startStep = 0
		e := EpochLog{Epoch: epoch + 1, LR: lr, TrainLoss: sum.Loss / float64(done),
			TrainAcc: float64(sum.Correct) / float64(done*s.Batch), KL: sum.KL / float64(done*s.Batch)}
		text, err := t.endEpoch(&e, &best)
		if err != nil {
			return best, err
		}
		e.Seconds = time.Since(start).Seconds()
		if err := log.epoch(e, fmt.Sprintf("epoch %3d  lr %.2e  %s  %.1fs", e.Epoch, e.LR, text, e.Seconds)); err != nil {
			return best, err
		}
		ck := checkpoint{Epoch: epoch + 1, AdamStep: opt.Step, Config: recipe, Best: best}
		if err := saveCheckpoint(run.Checkpoint, ck, t.state, opt, t.params); err != nil {
			return best, fmt.Errorf("save checkpoint: %w", err)
		}
	}
	return best, nil
}

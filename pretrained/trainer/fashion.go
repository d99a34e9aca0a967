package trainer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"lookbook/ml"
	"lookbook/ml/dataset"
)

// FashionConfig is a FashionNet training recipe. It is stored in checkpoints and in the weight
// file's metadata.
type FashionConfig struct {
	Data        string  `json:"data"`
	Epochs      int     `json:"epochs"`
	Batch       int     `json:"batch"`
	LR          float64 `json:"lr"`
	Schedule    string  `json:"schedule"`      // "constant" or "cosine"
	Warmup      int     `json:"warmup_epochs"` // linear warm-up before the schedule
	WeightDecay float64 `json:"weight_decay"`  // decoupled (AdamW); biases and BatchNorm exempt
	Flip        bool    `json:"flip"`          // random horizontal flips
	Shift       int     `json:"shift"`         // random shifts of up to ±Shift pixels
	Val         int     `json:"val"`           // training images held out for validation (0: none)
	Limit       int     `json:"limit,omitempty"`
	Seed        uint64  `json:"seed"`
}

// Run holds what a training run needs beyond its recipe.
type Run struct {
	Out        string    // weight file to write
	Checkpoint string    // checkpoint file, written every epoch and on interrupt
	Log        string    // JSON-lines log
	Resume     bool      // continue from Checkpoint
	Command    string    // the command line, recorded in the weights' metadata
	Stdout     io.Writer // per-epoch lines
	Stderr     io.Writer // progress bar
}

// ErrInterrupted is returned when the context is cancelled mid-run; the checkpoint is saved.
var ErrInterrupted = fmt.Errorf("interrupted; the checkpoint is saved, continue with -resume")

// splitSeed fixes the validation split independently of the training seed, so runs with
// different seeds are validated on the same images.
const splitSeed = 0x100cb00c

// FashionSplit returns the training and validation indices of n training images.
func FashionSplit(n, val int) (train, valIdx []int) {
	perm := rand.New(rand.NewPCG(splitSeed, 0)).Perm(n)
	return perm[val:], perm[:val]
}

// learningRate is the rate at global step t of total, after warm steps of linear warm-up.
func learningRate(base float64, schedule string, t, warm, total int) float64 {
	if t < warm {
		return base * float64(t+1) / float64(warm)
	}
	if schedule == "cosine" && total > warm {
		return base * 0.5 * (1 + math.Cos(math.Pi*float64(t-warm)/float64(total-warm)))
	}
	return base
}

// TrainFashion trains FashionNet and writes its weights to run.Out.
func TrainFashion(ctx context.Context, cfg FashionConfig, run Run) (*ml.FashionNet, error) {
	if run.Resume {
		var err error
		if cfg, err = CheckpointConfig[FashionConfig](run.Checkpoint); err != nil {
			return nil, err
		}
	}
	if cfg.Batch < 2 || cfg.Epochs < 1 {
		return nil, fmt.Errorf("fashionnet: need batch ≥ 2 and epochs ≥ 1, got %d and %d", cfg.Batch, cfg.Epochs)
	}
	all, err := dataset.LoadFashion(cfg.Data, "train")
	if err != nil {
		return nil, err
	}
	if cfg.Limit > 0 && cfg.Limit < all.Len() {
		all = all.Subset(seq(cfg.Limit))
	}
	trainIdx, valIdx := FashionSplit(all.Len(), cfg.Val)
	train, val := all.Subset(trainIdx), all.Subset(valIdx)
	steps := train.Len() / cfg.Batch
	if steps == 0 {
		return nil, fmt.Errorf("fashionnet: %d training images do not fill one batch of %d", train.Len(), cfg.Batch)
	}

	model := ml.NewFashionNet(rand.New(rand.NewPCG(cfg.Seed, 0xf00d)))
	params := model.Params()
	opt := ml.NewAdam(params)
	opt.WeightDecay, opt.Decoupled = cfg.WeightDecay, true
	cfgJSON, _ := json.Marshal(cfg)
	startEpoch, startStep := 0, 0
	if run.Resume {
		ck, err := loadCheckpoint(run.Checkpoint, model.State(), opt, params)
		if err != nil {
			return nil, err
		}
		startEpoch, startStep = ck.Epoch, ck.Step
	}
	log, err := newLogger(run.Stdout, run.Log, run.Resume)
	if err != nil {
		return nil, err
	}
	defer log.close()
	if run.Resume {
		log.printf("resuming at epoch %d, step %d of %d\n", startEpoch+1, startStep, steps)
	} else {
		log.printf("fashionnet: %d training and %d validation images, %d steps an epoch, recipe %s\n", train.Len(), val.Len(), steps, cfgJSON)
	}

	x := ml.NewTensor(cfg.Batch, 1, 32, 32)
	labels := make([]int, cfg.Batch)
	const side = dataset.FashionSide * dataset.FashionSide
	for epoch := startEpoch; epoch < cfg.Epochs; epoch++ {
		start := time.Now()
		perm := rand.New(rand.NewPCG(cfg.Seed, uint64(epoch))).Perm(train.Len())
		bar := NewProgress(run.Stderr, fmt.Sprintf("epoch %d/%d", epoch+1, cfg.Epochs), steps)
		var lossSum float64
		var correct, seen int
		var lr float64
		for step := startStep; step < steps; step++ {
			if ctx.Err() != nil {
				bar.Done()
				ck := checkpoint{Epoch: epoch, Step: step, AdamStep: opt.Step, Config: cfgJSON}
				if err := saveCheckpoint(run.Checkpoint, ck, model.State(), opt, params); err != nil {
					return nil, fmt.Errorf("save checkpoint on interrupt: %w", err)
				}
				return nil, ErrInterrupted
			}
			aug := rand.New(rand.NewPCG(cfg.Seed, uint64(epoch)<<32|uint64(step)))
			for i := 0; i < cfg.Batch; i++ {
				idx := perm[step*cfg.Batch+i]
				flip := cfg.Flip && aug.IntN(2) == 1
				dx, dy := 0, 0
				if cfg.Shift > 0 {
					dx, dy = aug.IntN(2*cfg.Shift+1)-cfg.Shift, aug.IntN(2*cfg.Shift+1)-cfg.Shift
				}
				train.Image(x.Data[i*side:(i+1)*side], idx, flip, dx, dy)
				labels[i] = int(train.Labels[idx])
			}
			lr = learningRate(cfg.LR, cfg.Schedule, epoch*steps+step, cfg.Warmup*steps, cfg.Epochs*steps)
			opt.LR = lr
			ml.ZeroGrads(params)
			loss, c := model.Loss(x, labels)
			opt.Update()
			lossSum += loss * float64(cfg.Batch)
			correct += c
			seen += cfg.Batch
			bar.Update(step+1, lossSum/float64(seen))
		}
		bar.Done()
		startStep = 0
		e := EpochLog{Epoch: epoch + 1, LR: lr, TrainLoss: lossSum / float64(max(seen, 1)), TrainAcc: float64(correct) / float64(max(seen, 1)), Seconds: time.Since(start).Seconds()}
		text := fmt.Sprintf("epoch %3d  lr %.2e  train loss %.4f acc %.4f", e.Epoch, e.LR, e.TrainLoss, e.TrainAcc)
		if val.Len() > 0 {
			ev := EvaluateFashion(model, val)
			e.ValLoss, e.ValAcc = ev.Loss, ev.Accuracy
			text += fmt.Sprintf("  val loss %.4f acc %.4f", e.ValLoss, e.ValAcc)
		}
		text += fmt.Sprintf("  %.1fs", e.Seconds)
		if err := log.epoch(e, text); err != nil {
			return nil, err
		}
		ck := checkpoint{Epoch: epoch + 1, AdamStep: opt.Step, Config: cfgJSON}
		if err := saveCheckpoint(run.Checkpoint, ck, model.State(), opt, params); err != nil {
			return nil, fmt.Errorf("save checkpoint: %w", err)
		}
	}
	model.SetTraining(false)
	return model, nil
}

// FashionMetadata describes a trained FashionNet for its weight file.
func FashionMetadata(cfg FashionConfig, command string, test FashionEval, val *FashionEval) (map[string]string, error) {
	sum, err := fileChecksum(filepath.Join(cfg.Data, "train-images-idx3-ubyte.gz"), filepath.Join(cfg.Data, "train-labels-idx1-ubyte.gz"))
	if err != nil {
		return nil, err
	}
	cfgJSON, _ := json.Marshal(cfg)
	meta := map[string]string{
		"model":         "fashionnet",
		"format":        "lookbook-weights-v1",
		"command":       command,
		"config":        string(cfgJSON),
		"seed":          strconv.FormatUint(cfg.Seed, 10),
		"epochs":        strconv.Itoa(cfg.Epochs),
		"data_sha256":   sum,
		"test_accuracy": strconv.FormatFloat(test.Accuracy, 'f', 4, 64),
		"test_loss":     strconv.FormatFloat(test.Loss, 'f', 4, 64),
	}
	if val != nil {
		meta["val_accuracy"] = strconv.FormatFloat(val.Accuracy, 'f', 4, 64)
	}
	return meta, nil
}

// fileChecksum is the SHA-256 of the concatenated files, or "unknown" where one is missing
// (plain instead of gzipped IDX files, for example).
func fileChecksum(paths ...string) (string, error) {
	h := sha256.New()
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return "unknown", nil
		}
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// CheckpointConfig reads the recipe stored in a checkpoint.
func CheckpointConfig[C any](path string) (C, error) {
	var cfg C
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("resume: %w", err)
	}
	_, meta, err := ml.DecodeSafetensors(data)
	if err != nil {
		return cfg, fmt.Errorf("resume from %s: %w", path, err)
	}
	if err := json.Unmarshal([]byte(meta["config"]), &cfg); err != nil {
		return cfg, fmt.Errorf("resume from %s: bad config in metadata: %w", path, err)
	}
	return cfg, nil
}

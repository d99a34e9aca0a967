package trainer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"lookbook/ml"
	"lookbook/ml/dataset"
)

// Faces 0–899 train the VAE and 900–999 validate it, always (the course's set has 1,000).
const (
	FaceTrain = 900
)

// VAEConfig is a VAE training recipe. The loss is the course's: MSE (mean) + KLWeight·KL (sum).
type VAEConfig struct {
	Faces       string  `json:"faces"`
	Epochs      int     `json:"epochs"`
	Batch       int     `json:"batch"`
	LR          float64 `json:"lr"`
	Schedule    string  `json:"schedule"`
	Warmup      int     `json:"warmup_epochs"`
	WeightDecay float64 `json:"weight_decay"`
	Flip        bool    `json:"flip"`
	KLWeight    float64 `json:"kl_weight"`
	KLWarmup    int     `json:"kl_warmup_epochs"` // the KL weight ramps up linearly over these epochs
	Train       int     `json:"train"`            // faces [0, Train) train, the rest validate
	Seed        uint64  `json:"seed"`
}

// VAEResult is what training found: the best validation MSE and the epoch it was reached.
type VAEResult struct {
	BestMSE   float64
	BestEpoch int
}

// EvaluateVAE is the mean squared error of reconstructing faces with z = mean.
func EvaluateVAE(m *ml.VAE, faces *dataset.Faces) float64 {
	const n = 3 * dataset.FaceSide * dataset.FaceSide
	const batch = 100
	var sum float64
	for lo := 0; lo < faces.Len(); lo += batch {
		b := min(batch, faces.Len()-lo)
		x := ml.NewTensor(b, 3, 32, 32)
		for i := 0; i < b; i++ {
			faces.Image(x.Data[i*n:(i+1)*n], lo+i, false)
		}
		sum += ml.MSE(m.Reconstruct(x), x, nil) * float64(b)
	}
	return sum / float64(max(faces.Len(), 1))
}

// TrainVAE trains the VAE, writing the weights with the best validation MSE to run.Out (with
// meta as their metadata, plus the figures) whenever they improve.
func TrainVAE(ctx context.Context, cfg VAEConfig, run Run, meta map[string]string) (VAEResult, error) {
	if run.Resume {
		var err error
		if cfg, err = CheckpointConfig[VAEConfig](run.Checkpoint); err != nil {
			return VAEResult{}, err
		}
	}
	faces, err := dataset.LoadFaces(cfg.Faces)
	if err != nil {
		return VAEResult{}, err
	}
	if cfg.Train <= 0 || cfg.Train >= faces.Len() {
		return VAEResult{}, fmt.Errorf("vae: %d faces cannot be split at %d", faces.Len(), cfg.Train)
	}
	train, val := faces.Slice(0, cfg.Train), faces.Slice(cfg.Train, faces.Len())
	steps := train.Len() / cfg.Batch
	if steps == 0 || cfg.Batch < 1 {
		return VAEResult{}, fmt.Errorf("vae: %d faces do not fill one batch of %d", train.Len(), cfg.Batch)
	}
	model := ml.NewVAE(rand.New(rand.NewPCG(cfg.Seed, 0xface)))
	params := model.Params()
	opt := ml.NewAdam(params)
	opt.WeightDecay, opt.Decoupled = cfg.WeightDecay, true
	cfgJSON, _ := json.Marshal(cfg)
	res := VAEResult{BestMSE: -1}
	startEpoch, startStep := 0, 0
	if run.Resume {
		ck, err := loadCheckpoint(run.Checkpoint, model.State(), opt, params)
		if err != nil {
			return res, err
		}
		startEpoch, startStep, res.BestMSE = ck.Epoch, ck.Step, ck.Best
	}
	log, err := newLogger(run.Stdout, run.Log, run.Resume)
	if err != nil {
		return res, err
	}
	defer log.close()
	if run.Resume {
		log.printf("resuming at epoch %d, step %d of %d\n", startEpoch+1, startStep, steps)
	} else {
		log.printf("vae: %d training and %d validation faces, %d steps an epoch, recipe %s\n", train.Len(), val.Len(), steps, cfgJSON)
	}

	const n = 3 * dataset.FaceSide * dataset.FaceSide
	x := ml.NewTensor(cfg.Batch, 3, 32, 32)
	eps := ml.NewTensor(cfg.Batch, ml.VAELatent)
	for epoch := startEpoch; epoch < cfg.Epochs; epoch++ {
		start := time.Now()
		perm := rand.New(rand.NewPCG(cfg.Seed, uint64(epoch))).Perm(train.Len())
		klWeight := cfg.KLWeight
		if cfg.KLWarmup > 0 && epoch < cfg.KLWarmup {
			klWeight *= float64(epoch+1) / float64(cfg.KLWarmup)
		}
		var lossSum, klSum float64
		var lr float64
		bar := NewProgress(run.Stderr, fmt.Sprintf("epoch %d/%d", epoch+1, cfg.Epochs), steps)
		for step := startStep; step < steps; step++ {
			if ctx.Err() != nil {
				bar.Done()
				ck := checkpoint{Epoch: epoch, Step: step, AdamStep: opt.Step, Config: cfgJSON, Best: res.BestMSE}
				if err := saveCheckpoint(run.Checkpoint, ck, model.State(), opt, params); err != nil {
					return res, fmt.Errorf("save checkpoint on interrupt: %w", err)
				}
				return res, ErrInterrupted
			}
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(epoch)<<32|uint64(step)))
			for i := 0; i < cfg.Batch; i++ {
				train.Image(x.Data[i*n:(i+1)*n], perm[step*cfg.Batch+i], cfg.Flip && rng.IntN(2) == 1)
			}
			ml.FillNormal(eps, rng)
			lr = learningRate(cfg.LR, cfg.Schedule, epoch*steps+step, cfg.Warmup*steps, cfg.Epochs*steps)
			opt.LR = lr
			ml.ZeroGrads(params)
			loss, _, kl := model.Loss(x, eps, klWeight)
			opt.Update()
			lossSum += loss
			klSum += kl
			bar.Update(step+1, lossSum/float64(step+1))
		}
		bar.Done()
		done := steps - startStep
		startStep = 0
		valMSE := EvaluateVAE(model, val)
		e := EpochLog{Epoch: epoch + 1, LR: lr, TrainLoss: lossSum / float64(max(done, 1)), KL: klSum / float64(max(done, 1)) / float64(cfg.Batch), ValMSE: valMSE, ValLoss: valMSE, Seconds: time.Since(start).Seconds()}
		mark := ""
		if res.BestMSE < 0 || valMSE < res.BestMSE {
			res.BestMSE, res.BestEpoch = valMSE, epoch+1
			mark = "  *best"
			if err := saveVAE(run.Out, model, meta, cfg, res); err != nil {
				return res, err
			}
		}
		text := fmt.Sprintf("epoch %3d  lr %.2e  train loss %.5f  kl/face %.1f  val mse %.5f  %.1fs%s", e.Epoch, e.LR, e.TrainLoss, e.KL, valMSE, e.Seconds, mark)
		if err := log.epoch(e, text); err != nil {
			return res, err
		}
		ck := checkpoint{Epoch: epoch + 1, AdamStep: opt.Step, Config: cfgJSON, Best: res.BestMSE}
		if err := saveCheckpoint(run.Checkpoint, ck, model.State(), opt, params); err != nil {
			return res, fmt.Errorf("save checkpoint: %w", err)
		}
	}
	return res, nil
}

func saveVAE(path string, m *ml.VAE, meta map[string]string, cfg VAEConfig, res VAEResult) error {
	out := map[string]string{}
	for k, v := range meta {
		out[k] = v
	}
	cfgJSON, _ := json.Marshal(cfg)
	out["model"] = "vae"
	out["format"] = "lookbook-weights-v1"
	out["config"] = string(cfgJSON)
	out["seed"] = strconv.FormatUint(cfg.Seed, 10)
	out["val_mse"] = strconv.FormatFloat(res.BestMSE, 'f', 6, 64)
	out["epoch"] = strconv.Itoa(res.BestEpoch)
	out["val_split"] = fmt.Sprintf("faces %d–%d train, the rest validate", 0, cfg.Train-1)
	if sum, err := fileChecksum(cfg.Faces); err == nil {
		out["data_sha256"] = sum
	}
	var buf bytes.Buffer
	if err := ml.SaveState(&buf, m.State(), out, ml.SaveOptions{}); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

// LoadVAE reads VAE weights.
func LoadVAE(path string) (*ml.VAE, map[string]string, error) {
	m := ml.NewVAE(rand.New(rand.NewPCG(0, 0)))
	meta, err := loadWeights(path, m.State())
	return m, meta, err
}

// LoadFashionNet reads FashionNet weights, ready for evaluation.
func LoadFashionNet(path string) (*ml.FashionNet, map[string]string, error) {
	m := ml.NewFashionNet(rand.New(rand.NewPCG(0, 0)))
	meta, err := loadWeights(path, m.State())
	m.SetTraining(false)
	return m, meta, err
}

// loadWeights reads a weight file into a model's state, naming the file in errors.
func loadWeights(path string, state []ml.StateEntry) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	meta, err := ml.LoadState(data, state)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return meta, nil
}

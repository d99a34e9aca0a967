package trainer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"

	"lookbook/ml"
	"lookbook/ml/dataset"
)

// Faces 0–899 train the VAE and 900–999 validate it, always (the course's set has 1,000).
const (
	FaceTrain = 900
)

// VAEConfig is a VAE training recipe. The loss is the course's: MSE (mean) + KLWeight·KL (sum).
type VAEConfig struct {
	Faces string `json:"faces"`
	Schedule
	KLWeight float64 `json:"kl_weight"`
	KLWarmup int     `json:"kl_warmup_epochs"` // the KL weight ramps up linearly over these epochs
	Train    int     `json:"train"`            // faces [0, Train) train, the rest validate
}

// VAEResult is what training found: the best validation MSE and the epoch it was reached.
type VAEResult struct {
	BestMSE   float64
	BestEpoch int
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
	if err := cfg.Schedule.check(); err != nil {
		return VAEResult{}, fmt.Errorf("vae: %w", err)
	}
	faces, err := dataset.LoadFaces(cfg.Faces)
	if err != nil {
		return VAEResult{}, err
	}
	if cfg.Train <= 0 || cfg.Train >= faces.Len() {
		return VAEResult{}, fmt.Errorf("vae: %d faces cannot be split at %d", faces.Len(), cfg.Train)
	}
	train, val := faces.Slice(0, cfg.Train), faces.Slice(cfg.Train, faces.Len())
	model := ml.NewVAE(rand.New(rand.NewPCG(cfg.Seed, 0xface)))
	const n = 3 * dataset.FaceSide * dataset.FaceSide
	x := ml.NewTensor(cfg.Batch, 3, 32, 32)
	eps := ml.NewTensor(cfg.Batch, ml.VAELatent)
	res := VAEResult{}
	klWeight := func(epoch int) float64 {
		if cfg.KLWarmup > 0 && epoch < cfg.KLWarmup {
			return cfg.KLWeight * float64(epoch+1) / float64(cfg.KLWarmup)
		}
		return cfg.KLWeight
	}
	res.BestMSE, err = runLoop(ctx, trainee{
		schedule: cfg.Schedule, recipe: cfg, samples: train.Len(), state: model.State(), params: model.Params(),
		describe: fmt.Sprintf("vae: %d training and %d validation faces", train.Len(), val.Len()),
		step: func(epoch int, batch []int, rng *rand.Rand) stepResult {
			for i, idx := range batch {
				train.Image(x.Data[i*n:(i+1)*n], idx, cfg.Flip && rng.IntN(2) == 1)
			}
			ml.FillNormal(eps, rng)
			loss, _, kl := model.Loss(x, eps, klWeight(epoch))
			return stepResult{Loss: loss, KL: kl}
		},
		endEpoch: func(e *EpochLog, best *float64) (string, error) {
			e.ValMSE = EvaluateVAE(model, val)
			e.ValLoss, e.TrainAcc = e.ValMSE, 0
			mark := ""
			if *best < 0 || e.ValMSE < *best {
				*best, res.BestEpoch = e.ValMSE, e.Epoch
				res.BestMSE = *best
				mark = "  *best"
				if err := saveVAE(run.Out, model, meta, cfg, res); err != nil {
					return "", err
				}
			}
			return fmt.Sprintf("train loss %.5f  kl/face %.1f  val mse %.5f%s", e.TrainLoss, e.KL, e.ValMSE, mark), nil
		},
	}, run)
	if err != nil {
		return res, fmt.Errorf("vae: %w", err)
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

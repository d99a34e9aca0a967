package trainer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/ml/prep"
	"lookbook/pretrained/drawings"
)

// FashionConfig is a FashionNet training recipe. It is stored in checkpoints and in the weight
// file's metadata.
type FashionConfig struct {
	Data string `json:"data"`
	Schedule
	Shift int `json:"shift"` // random shifts of up to ±Shift pixels
	Val   int `json:"val"`   // training images held out for validation (0: none)
	// Drawings is the share of each batch drawn as outlines or silhouettes of its images
	// (pretrained/drawings) instead of shown as photographs.
	Drawings float64 `json:"drawings,omitempty"`
	// Photos is a folder of class folders of garment photos (dataset.LoadPhotos) whose
	// augmented cut-outs (PhotoVariants of each, prepared as the page prepares a photo) take
	// PhotoShare of each batch, with partial labels (any footwear for shoes, any top for a
	// long-sleeved top). The variants take each photo's first PhotoCuts cuts (prep.CutPhoto)
	// in turn; 0 or 1 is the first only (prep.PreparePhoto's). ValPhotos, another such folder,
	// is reported after every epoch.
	Photos        string  `json:"photos,omitempty"`
	PhotoShare    float64 `json:"photo_share,omitempty"`
	PhotoVariants int     `json:"photo_variants,omitempty"`
	PhotoCuts     int     `json:"photo_cuts,omitempty"`
	ValPhotos     string  `json:"val_photos,omitempty"`
	// Init is a weight file to start from (fine-tuning) instead of a random initialisation.
	Init string `json:"init,omitempty"`
	// Distil, with Init, keeps the model close to where it started on Fashion-MNIST and the
	// drawings: their targets are (1 − Distil) × the label + Distil × the Init model's
	// probabilities (ml.AddDistillation); photos keep their labels alone.
	Distil float64 `json:"distil,omitempty"`
	Limit  int     `json:"limit,omitempty"`
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

// valDrawings is how many validation images are drawn as outlines (at three brushes) for the
// per-epoch validation; three times as many are drawn as silhouettes.
const valDrawings = 700

// TrainFashion trains FashionNet and returns it in evaluation mode.
func TrainFashion(ctx context.Context, cfg FashionConfig, run Run) (*ml.FashionNet, error) {
	if run.Resume {
		var err error
		if cfg, err = CheckpointConfig[FashionConfig](run.Checkpoint); err != nil {
			return nil, err
		}
	}
	if err := cfg.Schedule.check(); err != nil {
		return nil, fmt.Errorf("fashionnet: %w", err)
	}
	if cfg.Drawings < 0 || cfg.Drawings > 1 {
		return nil, fmt.Errorf("fashionnet: -drawings is a share of each batch, between 0 and 1, got %g", cfg.Drawings)
	}
	if cfg.Distil < 0 || cfg.Distil > 1 || cfg.Distil > 0 && cfg.Init == "" {
		return nil, fmt.Errorf("fashionnet: -distil is a weight between 0 and 1 and needs -init, the model to keep close to")
	}
	all, err := dataset.LoadFashion(cfg.Data, "train")
	if err != nil {
		return nil, err
	}
	if cfg.Limit > 0 && cfg.Limit < all.Len() {
		all = all.Subset(seq(cfg.Limit))
	}
	if cfg.PhotoShare < 0 || cfg.PhotoShare > 1 || cfg.PhotoShare > 0 && (cfg.Photos == "" || cfg.PhotoVariants < 1) {
		return nil, fmt.Errorf("fashionnet: -photo-share is a share of each batch, between 0 and 1, and needs -photos and -photo-variants ≥ 1")
	}
	var photos *PhotoSet
	if cfg.PhotoShare > 0 {
		raw, err := dataset.LoadPhotos(cfg.Photos)
		if err != nil {
			return nil, fmt.Errorf("fashionnet: %w", err)
		}
		photos = AugmentPhotos(raw, cfg.PhotoVariants, cfg.PhotoCuts, cfg.Seed)
	}
	var valPhotos []dataset.Photo
	var valPhotoCuts [][]prep.Cut
	if cfg.ValPhotos != "" {
		if valPhotos, err = dataset.LoadPhotos(cfg.ValPhotos); err != nil {
			return nil, fmt.Errorf("fashionnet: %w", err)
		}
		if valPhotoCuts, err = CutPhotos(valPhotos); err != nil {
			return nil, fmt.Errorf("fashionnet: %w", err)
		}
	}
	trainIdx, valIdx := FashionSplit(all.Len(), cfg.Val)
	train, val := all.Subset(trainIdx), all.Subset(valIdx)

	model := ml.NewFashionNet(rand.New(rand.NewPCG(cfg.Seed, 0xf00d)))
	if cfg.Init != "" && !run.Resume {
		if model, _, err = LoadFashionNet(cfg.Init); err != nil {
			return nil, fmt.Errorf("fashionnet: -init: %w", err)
		}
		model.SetTraining(true)
	}
	// Drawings of validation images, made once: the recipe is chosen on them as well.
	var valOutlines, valSilhouettes *dataset.Fashion
	if cfg.Drawings > 0 && val.Len() > 0 {
		valOutlines, valSilhouettes = drawings.Outlines(val, valDrawings), drawings.Silhouettes(val, 3*valDrawings)
	}
	var teacher *ml.FashionNet
	if cfg.Distil > 0 {
		if teacher, _, err = LoadFashionNet(cfg.Init); err != nil {
			return nil, fmt.Errorf("fashionnet: -distil: %w", err)
		}
	}
	const side = dataset.FashionSide * dataset.FashionSide
	x := ml.NewTensor(cfg.Batch, 1, 32, 32)
	labels := make([]ml.Classes, cfg.Batch)
	distil := make([]bool, cfg.Batch) // which of the batch's examples are distilled: not photos
	_, err = runLoop(ctx, trainee{
		schedule: cfg.Schedule, recipe: cfg, samples: train.Len(), state: model.State(), params: model.Params(),
		describe: fmt.Sprintf("fashionnet: %d training and %d validation images", train.Len(), val.Len()),
		step: func(_ int, batch []int, rng *rand.Rand) stepResult {
			for i, idx := range batch {
				flip := cfg.Flip && rng.IntN(2) == 1
				dx, dy := 0, 0
				if cfg.Shift > 0 {
					dx, dy = rng.IntN(2*cfg.Shift+1)-cfg.Shift, rng.IntN(2*cfg.Shift+1)-cfg.Shift
				}
				src, at := train, idx
				labels[i] = 1 << train.Labels[idx]
				distil[i] = true
				if photos != nil && rng.Float64() < cfg.PhotoShare {
					distil[i] = false
					p := photos.Sample(rng)
					src, at, labels[i] = &dataset.Fashion{Pixels: photos.Views[p*784 : (p+1)*784], Labels: []uint8{0}}, 0, photos.Labels[p]
				} else if cfg.Drawings > 0 && rng.Float64() < cfg.Drawings {
					if r, ok := drawings.Augment(train.Pixels[idx*784:(idx+1)*784], rng); ok {
						src, at = &dataset.Fashion{Pixels: r.View[:], Labels: train.Labels[idx : idx+1]}, 0
					}
				}
				src.Image(x.Data[i*side:(i+1)*side], at, flip, dx, dy)
			}
			loss, correct := model.LossSetsDistilled(x, labels, teacher, distil, cfg.Distil)
			return stepResult{Loss: loss, Correct: correct}
		},
		endEpoch: func(e *EpochLog, _ *float64) (string, error) {
			text := fmt.Sprintf("train loss %.4f acc %.4f", e.TrainLoss, e.TrainAcc)
			if val.Len() > 0 {
				ev := EvaluateFashion(model, val)
				e.ValLoss, e.ValAcc = ev.Loss, ev.Accuracy
				text += fmt.Sprintf("  val loss %.4f acc %.4f", e.ValLoss, e.ValAcc)
			}
			if valOutlines != nil {
				e.ValOutlineAcc = EvaluateFashion(model, valOutlines).Accuracy
				e.ValSilhouetteAcc = EvaluateFashion(model, valSilhouettes).Accuracy
				text += fmt.Sprintf("  outlines %.4f silhouettes %.4f", e.ValOutlineAcc, e.ValSilhouetteAcc)
			}
			if valPhotos != nil {
				e.ValPhotoAcc = EvaluatePhotos(model, valPhotos, valPhotoCuts).Accuracy()
				text += fmt.Sprintf("  photos %.4f", e.ValPhotoAcc)
			}
			return text, nil
		},
	}, run)
	if err != nil {
		return nil, fmt.Errorf("fashionnet: %w", err)
	}
	model.SetTraining(false)
	return model, nil
}

// DrawingMetaKey is the weight-file metadata key of a drawing benchmark set's accuracy.
func DrawingMetaKey(set string) string {
	key := "drawings_"
	for _, c := range set {
		switch {
		case c >= 'a' && c <= 'z':
			key += string(c)
		case c == ' ':
			key += "_"
		}
	}
	return key + "_accuracy"
}

// FashionMetadata describes a trained FashionNet for its weight file: the recipe, the test
// accuracy, and the accuracy on each set of the drawing benchmark.
func FashionMetadata(cfg FashionConfig, command string, test FashionEval, val *FashionEval, drawingSets map[string]FashionEval) (map[string]string, error) {
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
	for set, ev := range drawingSets {
		meta[DrawingMetaKey(set)] = strconv.FormatFloat(ev.Accuracy, 'f', 4, 64)
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

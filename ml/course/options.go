// Package course runs the course project's two training experiments one step at a time, so that
// a caller (the Train view's worker, a test) can pause, report and stop between steps:
// FashionNet on Fashion-MNIST, with or without BatchNorm, and the VAE on faces, with its KL
// weight and its reconstruction loss (MSE or binary cross-entropy) to choose. The models,
// losses and Adam are ml's, the same the offline trainer uses.
package course

import (
	"fmt"
	"math"
)

// Options are a run's settings, as lookbook.train takes them (zero values take the defaults).
type Options struct {
	Model        string  `json:"model"` // "fashionnet" or "vae"
	Epochs       int     `json:"epochs,omitempty"`
	BatchNorm    *bool   `json:"batchNorm,omitempty"` // FashionNet; default on
	LearningRate float64 `json:"learningRate,omitempty"`
	BatchSize    int     `json:"batchSize,omitempty"`
	TrainImages  int     `json:"trainImages,omitempty"` // FashionNet; default all 60,000
	KLWeight     float64 `json:"klWeight,omitempty"`    // VAE; default the course's 1e-5
	Loss         string  `json:"loss,omitempty"`        // VAE: "mse" (default) or "bce"
	// Schedule is the learning rate over the run: "constant" (the course's, the VAE's
	// default) or "cosine" (from LearningRate down to 0; FashionNet's default, which it needs
	// to pass 90 % in two epochs).
	Schedule string `json:"schedule,omitempty"`
	Seed     uint64 `json:"seed,omitempty"`
}

// The models a run trains.
const (
	FashionNet = "fashionnet"
	VAE        = "vae"
)

// Limits of the options, checked by Resolve.
const (
	MaxEpochs       = 500
	FashionTrainMax = 60000
	FaceTrain       = 900 // faces 0–899 train, 900–999 validate, as the offline trainer splits them
)

// Resolve fills in the defaults and checks every option, with a message that names the option
// and what it accepts.
func (o Options) Resolve() (Options, error) {
	switch o.Model {
	case FashionNet:
		o.Epochs = or(o.Epochs, 2)
		o.BatchSize = or(o.BatchSize, 64)
		o.TrainImages = or(o.TrainImages, FashionTrainMax)
		o.LearningRate = orF(o.LearningRate, 1e-3)
		if o.BatchNorm == nil {
			on := true
			o.BatchNorm = &on
		}
		if o.TrainImages < o.BatchSize || o.TrainImages > FashionTrainMax {
			return o, fmt.Errorf("trainImages must be between the batch size (%d) and %d, got %d", o.BatchSize, FashionTrainMax, o.TrainImages)
		}
		if o.KLWeight != 0 || o.Loss != "" {
			return o, fmt.Errorf("klWeight and loss are the VAE's options, not FashionNet's")
		}
		if o.Schedule == "" {
			o.Schedule = "cosine"
		}
	case VAE:
		o.Epochs = or(o.Epochs, 100)
		o.BatchSize = or(o.BatchSize, 32)
		o.LearningRate = orF(o.LearningRate, 1e-3)
		o.KLWeight = orF(o.KLWeight, 1e-5)
		if o.Loss == "" {
			o.Loss = "mse"
		}
		if o.Loss != "mse" && o.Loss != "bce" {
			return o, fmt.Errorf(`loss must be "mse" or "bce", got %q`, o.Loss)
		}
		if !(o.KLWeight > 0 && o.KLWeight <= 1) {
			return o, fmt.Errorf("klWeight must be above 0 and at most 1, got %g", o.KLWeight)
		}
		if o.BatchNorm != nil || o.TrainImages != 0 {
			return o, fmt.Errorf("batchNorm and trainImages are FashionNet's options, not the VAE's")
		}
		if o.Schedule == "" {
			o.Schedule = "constant"
		}
	default:
		return o, fmt.Errorf(`model must be "fashionnet" or "vae", got %q`, o.Model)
	}
	switch {
	case o.Schedule != "constant" && o.Schedule != "cosine":
		return o, fmt.Errorf(`schedule must be "constant" or "cosine", got %q`, o.Schedule)
	case o.Epochs < 1 || o.Epochs > MaxEpochs:
		return o, fmt.Errorf("epochs must be between 1 and %d, got %d", MaxEpochs, o.Epochs)
	case o.BatchSize < 2 || o.BatchSize > 512:
		return o, fmt.Errorf("batchSize must be between 2 (BatchNorm needs two images) and 512, got %d", o.BatchSize)
	case !(o.LearningRate > 0 && o.LearningRate <= 1) || math.IsNaN(o.LearningRate):
		return o, fmt.Errorf("learningRate must be above 0 and at most 1, got %g", o.LearningRate)
	}
	return o, nil
}

func or(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orF(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

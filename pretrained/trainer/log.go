package trainer

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// EpochLog is one line of a training log, written both as text and as a JSON line.
type EpochLog struct {
	Epoch     int     `json:"epoch"`
	LR        float64 `json:"lr"`
	TrainLoss float64 `json:"train_loss"`
	TrainAcc  float64 `json:"train_acc,omitempty"`
	ValLoss   float64 `json:"val_loss"`
	ValAcc    float64 `json:"val_acc,omitempty"`
	// Accuracy on drawings of the validation images (FashionNet with -drawings).
	ValOutlineAcc    float64 `json:"val_outline_acc,omitempty"`
	ValSilhouetteAcc float64 `json:"val_silhouette_acc,omitempty"`
	ValPhotoAcc      float64 `json:"val_photo_acc,omitempty"` // photos of garments (FashionNet with -val-photos)
	ValMSE           float64 `json:"val_mse,omitempty"`
	KL               float64 `json:"kl,omitempty"`
	Seconds          float64 `json:"seconds"`
}

// logger writes text lines to out and JSON lines to a file (appending, so a resumed run keeps
// its history in one place).
type logger struct {
	out  io.Writer
	json *os.File
}

func newLogger(out io.Writer, jsonPath string, resume bool) (*logger, error) {
	l := &logger{out: out}
	if jsonPath == "" {
		return l, nil
	}
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if resume {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(jsonPath, flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	l.json = f
	return l, nil
}

func (l *logger) printf(format string, args ...any) { fmt.Fprintf(l.out, format, args...) }

func (l *logger) epoch(e EpochLog, text string) error {
	fmt.Fprintln(l.out, text)
	if l.json == nil {
		return nil
	}
	b, _ := json.Marshal(e)
	if _, err := l.json.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write log: %w", err)
	}
	return nil
}

func (l *logger) close() error {
	if l.json != nil {
		return l.json.Close()
	}
	return nil
}

// ReadLog reads a JSON-lines training log.
func ReadLog(path string) ([]EpochLog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []EpochLog
	dec := json.NewDecoder(f)
	for dec.More() {
		var e EpochLog
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, e)
	}
	return out, nil
}

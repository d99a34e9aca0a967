package format

import (
	"fmt"
	"io"
	"math"

	"lookbook/ml"
)

// ReplayKind is the replay file's kind, in its metadata.
const ReplayKind = "lookbook-replay-v1"

// MaxReplay bounds the features a replay file may claim.
const MaxReplay = 20_000

// Replay is the Teach view's replay sample (replay.safetensors): FashionNet's features of
// training-set images (never test images, on which forgetting is measured) with their labels,
// mixed into every batch when the page fine-tunes the last layer, so that the ten garments are
// not forgotten. Features are stored as float16.
type Replay struct {
	Features []float32 // N×Latent
	Labels   []uint8   // N, classes 0–9
	Meta     map[string]string
}

// N is the number of features.
func (r *Replay) N() int { return len(r.Labels) }

// EncodeReplay writes r; its Meta is stored with the kind added.
func EncodeReplay(w io.Writer, r *Replay) error {
	n := r.N()
	if n < 1 || n > MaxReplay || len(r.Features) != n*Latent {
		return fmt.Errorf("replay: %d labels and %d features", n, len(r.Features))
	}
	tensors := []ml.RawTensor{
		{Name: "features", DType: ml.F16, Shape: []int{n, Latent}, Data: halves(r.Features)},
		{Name: "labels", DType: ml.U8, Shape: []int{n}, Data: r.Labels},
	}
	return write(w, "replay", tensors, r.Meta, map[string]string{"kind": ReplayKind})
}

// DecodeReplay reads a replay file, refusing anything malformed.
func DecodeReplay(raw []byte) (*Replay, error) {
	tensors, meta, err := read(raw, "replay", ReplayKind)
	if err != nil {
		return nil, err
	}
	r := &Replay{Meta: meta}
	for _, t := range tensors {
		switch t.Name {
		case "features":
			if len(t.Shape) != 2 || t.Shape[1] != Latent || t.Shape[0] < 1 || t.Shape[0] > MaxReplay {
				return nil, fmt.Errorf("replay: features of shape %v, want n×%d with 1 ≤ n ≤ %d", t.Shape, Latent, MaxReplay)
			}
			if r.Features, err = t.Float32s(); err != nil {
				return nil, fmt.Errorf("replay: features: %w", err)
			}
		case "labels":
			if t.DType != ml.U8 || len(t.Shape) != 1 {
				return nil, fmt.Errorf("replay: labels: %s of shape %v, want U8 of one dimension", t.DType, t.Shape)
			}
			r.Labels = t.Data
		}
	}
	if r.Features == nil || r.Labels == nil || len(r.Features) != len(r.Labels)*Latent {
		return nil, fmt.Errorf("replay: want features (n×%d) and n labels", Latent)
	}
	for _, v := range r.Features {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("replay: features hold NaN or Inf")
		}
	}
	for i, l := range r.Labels {
		if l > 9 {
			return nil, fmt.Errorf("replay: class %d out of range at %d", l, i)
		}
	}
	return r, nil
}

package format

import (
	"fmt"
	"io"
	"math"

	"lookbook/ml"
)

// GalleryKind is the gallery file's kind, in its metadata.
const GalleryKind = "lookbook-faces-v1"

// MaxGallery bounds the faces a gallery file may claim.
const MaxGallery = 10_000

// Gallery is the Faces view's starting faces, shipped as latent codes (no photograph): the
// VAE's posterior means of the validation faces, which the browser decodes.
type Gallery struct {
	Latents [][]float32 // each ml.VAELatent long
	Meta    map[string]string
}

// EncodeGallery writes g; its Meta is stored with the kind added.
func EncodeGallery(w io.Writer, g *Gallery) error {
	n := len(g.Latents)
	if n < 1 || n > MaxGallery {
		return fmt.Errorf("gallery: %d faces, want 1 to %d", n, MaxGallery)
	}
	flat := make([]float32, 0, n*ml.VAELatent)
	for i, z := range g.Latents {
		if len(z) != ml.VAELatent {
			return fmt.Errorf("gallery: code %d has %d values, want %d", i, len(z), ml.VAELatent)
		}
		flat = append(flat, z...)
	}
	latents := ml.RawTensor{Name: "latents", DType: ml.F32, Shape: []int{n, ml.VAELatent}, Data: ml.Float32Bytes(flat)}
	return write(w, "gallery", []ml.RawTensor{latents}, g.Meta, map[string]string{"kind": GalleryKind})
}

// DecodeGallery reads a gallery file, refusing anything malformed.
func DecodeGallery(raw []byte) (*Gallery, error) {
	tensors, meta, err := read(raw, "gallery", GalleryKind)
	if err != nil {
		return nil, err
	}
	if len(tensors) != 1 || tensors[0].Name != "latents" {
		return nil, fmt.Errorf("gallery: want one tensor named latents")
	}
	t := tensors[0]
	if len(t.Shape) != 2 || t.Shape[1] != ml.VAELatent || t.Shape[0] < 1 || t.Shape[0] > MaxGallery {
		return nil, fmt.Errorf("gallery: latents of shape %v, want n×%d with 1 ≤ n ≤ %d", t.Shape, ml.VAELatent, MaxGallery)
	}
	flat, err := t.Float32s()
	if err != nil {
		return nil, fmt.Errorf("gallery: %w", err)
	}
	g := &Gallery{Meta: meta, Latents: make([][]float32, t.Shape[0])}
	for i := range g.Latents {
		g.Latents[i] = flat[i*ml.VAELatent : (i+1)*ml.VAELatent : (i+1)*ml.VAELatent]
		for _, v := range g.Latents[i] {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("gallery: code %d holds NaN or Inf", i)
			}
		}
	}
	return g, nil
}

// Package format defines the files Lookbook ships beside its weights, as Encode/Decode pairs:
// the latent maps of the test set (maps.safetensors) and the Faces view's gallery
// (faces.safetensors). The trainer writes them, the browser reads them and the tests check
// them through this one definition. Both are safetensors files whose metadata names their
// kind; Decode validates everything (kind, names, dtypes, shapes, ranges, NaN and Inf) and
// answers a damaged file with an error, never a panic.
package format

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"

	"lookbook/ml"
)

// MapsKind is the maps file's kind, in its metadata.
const MapsKind = "lookbook-maps-v1"

// MapNames are the shipped maps in the order of Maps.Coords: PCA, t-SNE and UMAP, in 2D and 3D.
var MapNames = [6]string{"pca2", "pca3", "tsne2", "tsne3", "umap2", "umap3"}

// MapDims is the number of coordinates of map i (of MapNames).
func MapDims(i int) int { return 2 + i%2 }

// Side is the thumbnails' side; Latent the features' length.
const (
	Side   = 28
	Latent = ml.FashionNetLatent
)

// MaxPoints bounds what a maps file may claim, against hostile or damaged files.
const MaxPoints = 100_000

// Maps is the maps file: for each of N test images its label, the shipped model's
// prediction, its 28×28 pixels (hover thumbnails), its features (for neighbours and placing
// new points; stored as float16), and its coordinates on each map (stored as float16), plus
// the PCA projection itself (mean and three components), so that a new drawing is placed
// exactly where the shipped points are.
type Maps struct {
	Labels, Predictions []uint8                  // N, classes 0–9
	Images              []uint8                  // N×28×28
	Features            []float32                // N×128
	PCAMean             []float32                // 128
	PCAComponents       []float32                // 3×128, one component a row
	Coords              [len(MapNames)][]float32 // by MapNames: N×MapDims(i), as the trainer computed them
	Perplexity          float64                  // the t-SNE maps'
	Meta                map[string]string
}

// N is the number of points.
func (m *Maps) N() int { return len(m.Labels) }

// EncodeMaps writes m. Its Meta is stored with the kind and perplexity added.
func EncodeMaps(w io.Writer, m *Maps) error {
	n := m.N()
	if n < 2 || n > MaxPoints || len(m.Predictions) != n || len(m.Images) != n*Side*Side || len(m.Features) != n*Latent ||
		len(m.PCAMean) != Latent || len(m.PCAComponents) != 3*Latent {
		return fmt.Errorf("maps: inconsistent sizes for %d points", n)
	}
	tensors := []ml.RawTensor{
		{Name: "labels", DType: ml.U8, Shape: []int{n}, Data: m.Labels},
		{Name: "predictions", DType: ml.U8, Shape: []int{n}, Data: m.Predictions},
		{Name: "images", DType: ml.U8, Shape: []int{n, Side, Side}, Data: m.Images},
		{Name: "features", DType: ml.F16, Shape: []int{n, Latent}, Data: halves(m.Features)},
		{Name: "pca.mean", DType: ml.F32, Shape: []int{Latent}, Data: ml.Float32Bytes(m.PCAMean)},
		{Name: "pca.components", DType: ml.F32, Shape: []int{3, Latent}, Data: ml.Float32Bytes(m.PCAComponents)},
	}
	for i, name := range MapNames {
		if len(m.Coords[i]) != n*MapDims(i) {
			return fmt.Errorf("maps: %s has %d values, want %d", name, len(m.Coords[i]), n*MapDims(i))
		}
		tensors = append(tensors, ml.RawTensor{Name: name, DType: ml.F16, Shape: []int{n, MapDims(i)}, Data: halves(m.Coords[i])})
	}
	return write(w, "maps", tensors, m.Meta, map[string]string{"kind": MapsKind, "perplexity": strconv.FormatFloat(m.Perplexity, 'g', -1, 64)})
}

// DecodeMaps reads a maps file, refusing anything malformed.
func DecodeMaps(raw []byte) (*Maps, error) {
	tensors, meta, err := read(raw, "maps", MapsKind)
	if err != nil {
		return nil, err
	}
	byName := map[string]ml.RawTensor{}
	for _, t := range tensors {
		byName[t.Name] = t
	}
	n := 0
	if l, ok := byName["labels"]; ok && len(l.Shape) == 1 {
		n = l.Shape[0]
	}
	if n < 2 || n > MaxPoints {
		return nil, fmt.Errorf("maps: bad point count %d", n)
	}
	m := &Maps{Meta: meta}
	bytesOf := func(name string, shape ...int) []uint8 {
		t, ok := byName[name]
		if err == nil && (!ok || t.DType != ml.U8 || !ml.SameShape(t.Shape, shape)) {
			err = fmt.Errorf("maps: %s: %s of shape %v, want U8 of shape %v", name, t.DType, t.Shape, shape)
		}
		return t.Data
	}
	floatsOf := func(name string, shape ...int) []float32 {
		t, ok := byName[name]
		if err != nil {
			return nil
		}
		if !ok || !ml.SameShape(t.Shape, shape) {
			err = fmt.Errorf("maps: %s: shape %v, want %v", name, t.Shape, shape)
			return nil
		}
		var v []float32
		if v, err = t.Float32s(); err != nil {
			err = fmt.Errorf("maps: %s: %w", name, err)
			return nil
		}
		for _, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				err = fmt.Errorf("maps: %s holds NaN or Inf", name)
				return nil
			}
		}
		return v
	}
	m.Labels, m.Predictions, m.Images = bytesOf("labels", n), bytesOf("predictions", n), bytesOf("images", n, Side, Side)
	m.Features = floatsOf("features", n, Latent)
	m.PCAMean, m.PCAComponents = floatsOf("pca.mean", Latent), floatsOf("pca.components", 3, Latent)
	for i, name := range MapNames {
		m.Coords[i] = floatsOf(name, n, MapDims(i))
	}
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		if m.Labels[i] > 9 || m.Predictions[i] > 9 {
			return nil, fmt.Errorf("maps: class out of range at point %d", i)
		}
	}
	if m.Perplexity, err = strconv.ParseFloat(meta["perplexity"], 64); err != nil || !(m.Perplexity >= 2 && m.Perplexity <= 100) {
		return nil, fmt.Errorf("maps: bad perplexity %q", meta["perplexity"])
	}
	return m, nil
}

// write encodes a file of the given kind: the tensors, with meta and then fixed (which wins)
// as metadata. Errors are prefixed with what.
func write(w io.Writer, what string, tensors []ml.RawTensor, meta, fixed map[string]string) error {
	all := map[string]string{}
	for k, v := range meta {
		all[k] = v
	}
	for k, v := range fixed {
		all[k] = v
	}
	var buf bytes.Buffer
	if err := ml.EncodeSafetensors(&buf, tensors, all); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// read decodes a file that must be of the given kind.
func read(raw []byte, what, kind string) ([]ml.RawTensor, map[string]string, error) {
	tensors, meta, err := ml.DecodeSafetensors(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	if meta["kind"] != kind {
		return nil, nil, fmt.Errorf("%s: not a Lookbook %s file (kind %q)", what, what, meta["kind"])
	}
	return tensors, meta, nil
}

// halves stores v as little-endian float16.
func halves(v []float32) []byte {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint16(b[2*i:], ml.FloatToHalf(x))
	}
	return b
}

// Package mapview is the Map view's logic without the browser: the shipped latent maps, the
// camera that puts them on screen, the filters, picking, nearest neighbours in feature space,
// exports and the view's share-link state. The app draws what it computes; the tests run it
// natively.
package mapview

import (
	"fmt"
	"math"
	"strconv"

	"lookbook/ml"
)

// Projection names one map of the test set.
type Projection int

// The maps: the four shipped ones, and the t-SNE the page computes live on a subset.
const (
	PCA2 Projection = iota
	PCA3
	TSNE2
	TSNE3
	Live
	projections
)

var projectionNames = [projections]string{"pca2", "pca3", "tsne2", "tsne3", "live"}

// Dims is 2 or 3.
func (p Projection) Dims() int {
	if p == PCA3 || p == TSNE3 {
		return 3
	}
	return 2
}

func (p Projection) String() string {
	if p < 0 || p >= projections {
		return "unknown"
	}
	return projectionNames[p]
}

// ParseProjection is String's inverse.
func ParseProjection(s string) (Projection, bool) {
	for i, n := range projectionNames {
		if n == s {
			return Projection(i), true
		}
	}
	return 0, false
}

// Side is the images' side; Latent the features' length.
const (
	Side   = 28
	Latent = ml.FashionNetLatent
)

// Data is the shipped maps file, decoded and checked.
type Data struct {
	N           int
	Labels      []uint8   // true class
	Predictions []uint8   // the shipped model's class
	Images      []uint8   // N×28×28
	Features    []float32 // N×128, the last BatchNorm1d's output
	PCAMean     []float32 // 128
	PCAComps    []float32 // 3×128
	Perplexity  float64
	// Coords holds each shipped map scaled to fit [−1, 1] about its centre (N×Dims), and
	// Frames how, so that new points are placed in the same frame.
	Coords [Live][]float32
	Frames [Live]Frame
}

// maxPoints bounds what a maps file may claim, against hostile or corrupt files.
const maxPoints = 100_000

// Decode reads a maps file written by `pretrained/train maps`, refusing anything malformed.
func Decode(raw []byte) (*Data, error) {
	tensors, meta, err := ml.DecodeSafetensors(raw)
	if err != nil {
		return nil, fmt.Errorf("the map data is damaged (%w)", err)
	}
	if meta["kind"] != "lookbook-maps-v1" {
		return nil, fmt.Errorf("the map data is not a Lookbook maps file")
	}
	byName := map[string]ml.RawTensor{}
	for _, t := range tensors {
		byName[t.Name] = t
	}
	n := 0
	if l, ok := byName["labels"]; ok && len(l.Shape) == 1 {
		n = l.Shape[0]
	}
	if n < 2 || n > maxPoints {
		return nil, fmt.Errorf("the map data is damaged (bad point count %d)", n)
	}
	want := map[string][]int{
		"labels": {n}, "predictions": {n}, "images": {n, Side, Side}, "features": {n, Latent},
		"pca.mean": {Latent}, "pca.components": {3, Latent},
		"pca2": {n, 2}, "pca3": {n, 3}, "tsne2": {n, 2}, "tsne3": {n, 3},
	}
	d := &Data{N: n}
	floats := map[string][]float32{}
	for name, shape := range want {
		t, ok := byName[name]
		if !ok || !ml.SameShape(t.Shape, shape) {
			return nil, fmt.Errorf("the map data is damaged (%s: shape %v, want %v)", name, t.Shape, shape)
		}
		if t.DType == ml.U8 {
			continue
		}
		v, err := t.Float32s()
		if err != nil {
			return nil, fmt.Errorf("the map data is damaged (%s: %w)", name, err)
		}
		for _, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return nil, fmt.Errorf("the map data is damaged (%s holds NaN or Inf)", name)
			}
		}
		floats[name] = v
	}
	for _, name := range []string{"labels", "predictions", "images"} {
		if byName[name].DType != ml.U8 {
			return nil, fmt.Errorf("the map data is damaged (%s is %s, want U8)", name, byName[name].DType)
		}
	}
	d.Labels, d.Predictions, d.Images = byName["labels"].Data, byName["predictions"].Data, byName["images"].Data
	for i := 0; i < n; i++ {
		if d.Labels[i] > 9 || d.Predictions[i] > 9 {
			return nil, fmt.Errorf("the map data is damaged (class out of range at %d)", i)
		}
	}
	d.Features, d.PCAMean, d.PCAComps = floats["features"], floats["pca.mean"], floats["pca.components"]
	if d.Perplexity, err = strconv.ParseFloat(meta["perplexity"], 64); err != nil || d.Perplexity < 2 || d.Perplexity > 100 {
		d.Perplexity = 30
	}
	for p := PCA2; p < Live; p++ {
		raw, dims := floats[p.String()], p.Dims()
		d.Frames[p] = FrameOf(raw, n, dims)
		d.Coords[p] = make([]float32, len(raw))
		Into(d.Frames[p], d.Coords[p], raw, n, dims)
	}
	return d, nil
}

// Frame is how a map's raw coordinates are drawn: centred on their bounding box, the largest
// half-extent scaled to 1, so that every map fills [−1, 1].
type Frame struct {
	Centre [3]float64
	Scale  float64
}

// FrameOf is the frame of n points of dims coordinates (row-major).
func FrameOf[T float32 | float64](y []T, n, dims int) Frame {
	var lo, hi [3]float64
	for a := 0; a < dims; a++ {
		lo[a], hi[a] = math.Inf(1), math.Inf(-1)
	}
	for i := 0; i < n; i++ {
		for a := 0; a < dims; a++ {
			v := float64(y[i*dims+a])
			lo[a], hi[a] = min(lo[a], v), max(hi[a], v)
		}
	}
	var f Frame
	half := 1e-9
	for a := 0; a < dims; a++ {
		f.Centre[a] = (lo[a] + hi[a]) / 2
		half = max(half, (hi[a]-lo[a])/2)
	}
	f.Scale = 1 / half
	return f
}

// Into writes n points of y (raw coordinates) into dst in the frame.
func Into[T float32 | float64](f Frame, dst []float32, y []T, n, dims int) {
	for i := 0; i < n; i++ {
		for a := 0; a < dims; a++ {
			dst[i*dims+a] = float32((float64(y[i*dims+a]) - f.Centre[a]) * f.Scale)
		}
	}
}

// Apply maps one point's raw coordinates into the frame.
func (f Frame) Apply(raw []float64) [3]float64 {
	var out [3]float64
	for a := 0; a < len(raw) && a < 3; a++ {
		out[a] = (raw[a] - f.Centre[a]) * f.Scale
	}
	return out
}

// ToFrame maps raw coordinates of projection p (as the trainer computed them) into the
// normalised frame its shipped points are drawn in.
func (d *Data) ToFrame(p Projection, raw []float64) [3]float64 {
	return d.Frames[p].Apply(raw[:min(len(raw), p.Dims())])
}

// RawCoords returns projection p's coordinates as the trainer computed them (to float16
// precision): t-SNE's placement works at the map's own scale.
func (d *Data) RawCoords(p Projection) []float64 {
	c, dims, f := d.Coords[p], p.Dims(), d.Frames[p]
	out := make([]float64, len(c))
	for i, v := range c {
		out[i] = float64(v)/f.Scale + f.Centre[i%dims]
	}
	return out
}

// ProjectPCA puts a feature vector on the PCA maps exactly as the shipped points were
// (dims 2 or 3), in raw coordinates.
func (d *Data) ProjectPCA(x []float32, dims int) []float64 {
	out := make([]float64, dims)
	for c := 0; c < dims; c++ {
		var s float64
		for j := 0; j < Latent; j++ {
			s += float64(x[j]-d.PCAMean[j]) * float64(d.PCAComps[c*Latent+j])
		}
		out[c] = s
	}
	return out
}

// Image returns point i's 28×28 picture.
func (d *Data) Image(i int) []uint8 { return d.Images[i*Side*Side : (i+1)*Side*Side] }

// Feature returns point i's feature vector.
func (d *Data) Feature(i int) []float32 { return d.Features[i*Latent : (i+1)*Latent] }

// Confusion counts the test set by true class (row) and prediction (column).
func (d *Data) Confusion() [10][10]int {
	var m [10][10]int
	for i := 0; i < d.N; i++ {
		m[d.Labels[i]][d.Predictions[i]]++
	}
	return m
}

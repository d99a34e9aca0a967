// Package mapview is the Map view's logic without the browser: the shipped latent maps, the
// camera that puts them on screen, the filters, picking, nearest neighbours in feature space,
// exports and the view's share-link state. The app draws what it computes; the tests run it
// natively.
package mapview

import (
	"fmt"
	"math"

	"lookbook/ml/format"
)

// Projection names one map of the test set.
type Projection int

// The maps: the six shipped ones, and the live map (t-SNE or UMAP) the page computes, in 2D
// and 3D. Links name them (String), so their order here is free.
const (
	PCA2 Projection = iota
	PCA3
	TSNE2
	TSNE3
	UMAP2
	UMAP3
	Live
	Live3
	projections
)

// The shipped maps come first, in the maps file's order.
var projectionNames = [projections]string{format.MapNames[0], format.MapNames[1], format.MapNames[2], format.MapNames[3],
	format.MapNames[4], format.MapNames[5], "live", "live3"}

// Dims is 2 or 3.
func (p Projection) Dims() int {
	if p == PCA3 || p == TSNE3 || p == UMAP3 || p == Live3 {
		return 3
	}
	return 2
}

// IsLive reports whether p is the live map (computed in the page, not shipped).
func (p Projection) IsLive() bool { return p == Live || p == Live3 }

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
	Side   = format.Side
	Latent = format.Latent
)

// Data is the shipped maps file, decoded and checked, with every map framed for drawing.
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

// Decode reads a maps file (pretrained/format), answering a damaged one with an error worded
// for the page.
func Decode(raw []byte) (*Data, error) {
	m, err := format.DecodeMaps(raw)
	if err != nil {
		return nil, fmt.Errorf("the map data is damaged (%w)", err)
	}
	d := &Data{N: m.N(), Labels: m.Labels, Predictions: m.Predictions, Images: m.Images, Features: m.Features,
		PCAMean: m.PCAMean, PCAComps: m.PCAComponents, Perplexity: m.Perplexity}
	for p := PCA2; p < Live; p++ {
		raw, dims := m.Coords[p], p.Dims()
		d.Frames[p] = FrameOf(raw, d.N, dims)
		d.Coords[p] = make([]float32, len(raw))
		Into(d.Frames[p], d.Coords[p], raw, d.N, dims)
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

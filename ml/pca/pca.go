// Package pca is principal component analysis for Lookbook's latent maps: fit on an N×D matrix
// of features, keep the first components, and project any point onto them exactly.
package pca

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// PCA is a fitted projection onto the first K principal components.
type PCA struct {
	D, K int
	// Mean is the features' mean (D).
	Mean []float64
	// Components is K×D: row k is the k-th principal direction (unit length). A direction is
	// only defined up to sign; ours is fixed so that its largest-magnitude entry is positive,
	// which makes maps reproducible whatever the SVD routine returns.
	Components []float64
	// Variance is the variance explained by each kept component (K); Ratio divides it by the
	// total variance.
	Variance, Ratio []float64
}

// Fit computes the first k principal components of x (n×d, row-major) with gonum's SVD-based
// stat.PC.
func Fit(x []float32, n, d, k int) (*PCA, error) {
	if n < 2 || d < 1 || k < 1 || k > d || len(x) != n*d {
		return nil, fmt.Errorf("pca: cannot fit %d components to %d×%d data (%d values)", k, n, d, len(x))
	}
	data := make([]float64, n*d)
	for i, v := range x {
		data[i] = float64(v)
	}
	m := mat.NewDense(n, d, data)
	var pc stat.PC
	if ok := pc.PrincipalComponents(m, nil); !ok {
		return nil, fmt.Errorf("pca: SVD did not converge")
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs) // d×min(n,d), columns are directions
	vars := pc.VarsTo(nil)
	var total float64
	for _, v := range vars {
		total += v
	}
	p := &PCA{D: d, K: k, Mean: make([]float64, d), Components: make([]float64, k*d), Variance: vars[:k:k], Ratio: make([]float64, k)}
	for j := 0; j < d; j++ {
		p.Mean[j] = mat.Sum(m.ColView(j)) / float64(n)
	}
	for c := 0; c < k; c++ {
		row := p.Components[c*d : (c+1)*d]
		big := 0.0
		for j := 0; j < d; j++ {
			row[j] = vecs.At(j, c)
			if abs(row[j]) > abs(big) {
				big = row[j]
			}
		}
		if big < 0 {
			for j := range row {
				row[j] = -row[j]
			}
		}
		p.Ratio[c] = vars[c] / total
	}
	return p, nil
}

// Project writes x's (D) coordinates on the K components into dst (K).
func (p *PCA) Project(dst []float64, x []float32) {
	for c := 0; c < p.K; c++ {
		row := p.Components[c*p.D : (c+1)*p.D]
		var s float64
		for j, v := range x[:p.D] {
			s += (float64(v) - p.Mean[j]) * row[j]
		}
		dst[c] = s
	}
}

// Transform projects every row of x (n×D) and returns n×K coordinates.
func (p *PCA) Transform(x []float32, n int) []float64 {
	out := make([]float64, n*p.K)
	for i := 0; i < n; i++ {
		p.Project(out[i*p.K:(i+1)*p.K], x[i*p.D:(i+1)*p.D])
	}
	return out
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TSNEStart returns the starting layout scikit-learn's t-SNE uses by default (init="pca"): x's
// first dims principal components, scaled so that the first has standard deviation 1e-4. It
// is for tsne.Config.Init.
func TSNEStart(x []float32, n, d, dims int) ([]float64, error) {
	p, err := Fit(x, n, d, dims)
	if err != nil {
		return nil, err
	}
	y := p.Transform(x, n)
	var mean, sq float64
	for i := 0; i < n; i++ {
		mean += y[i*dims]
	}
	mean /= float64(n)
	for i := 0; i < n; i++ {
		sq += (y[i*dims] - mean) * (y[i*dims] - mean)
	}
	std := math.Sqrt(sq / float64(n))
	if std == 0 {
		return nil, fmt.Errorf("pca: the data has no spread to start t-SNE from")
	}
	for i := range y {
		y[i] *= 1e-4 / std
	}
	return y, nil
}

package tsne

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"lookbook/ml"
	"lookbook/ml/knn"
)

// Config holds t-SNE's parameters. DefaultConfig gives scikit-learn 1.2's defaults.
type Config struct {
	Dims              int     // 2 or 3
	Perplexity        float64 // effective number of neighbours
	Iterations        int     // total, early exaggeration included
	EarlyExaggeration float64
	ExaggerationIters int
	// LearningRate of 0 means scikit-learn's "auto": max(N / EarlyExaggeration / 4, 50).
	LearningRate float64
	// Theta is the Barnes-Hut accuracy (cell width / distance); 0 computes the exact O(N²)
	// gradient.
	Theta float64
	// Init is where the points start (N×Dims): scikit-learn's default, the scaled principal
	// components, comes from pca.TSNEStart. Without it they start from N(0, 1e-4²) noise drawn
	// with Seed. (tsne does not compute the PCA itself, so that the browser program, which
	// starts from noise, does not carry gonum's LAPACK.)
	Init []float64
	Seed uint64
	// BlockRows is how many rows of the neighbour search or calibration one unit of Step
	// does (0 means 256): small blocks keep each step short where it must share a frame.
	BlockRows int
}

// DefaultConfig returns scikit-learn 1.2's defaults for dims dimensions.
func DefaultConfig(dims int) Config {
	return Config{Dims: dims, Perplexity: 30, Iterations: 1000, EarlyExaggeration: 12, ExaggerationIters: 250, Theta: 0.5}
}

// TSNE is one embedding in progress. Create it with New, then call Step until it reports done
// (or Run). Y holds the current coordinates throughout, so a caller can draw them as they move.
type TSNE struct {
	Config
	N, D int
	// Y is the embedding, N×Dims.
	Y []float64
	// Iter counts completed gradient iterations.
	Iter int

	x      []float32
	norms  []float64
	nb     *knn.Graph
	cond   []float64
	P      *Sparse
	sym    *symmetriser // P in the making
	knnRow int          // progress through the neighbour search
	calRow int          // progress through the calibration
	lr     float64

	update, gains, grad []float64
	tree                tree
	z                   float64
}

// New prepares t-SNE of x (n×d, row-major). Nothing heavy happens until Step.
func New(x []float32, n, d int, cfg Config) (*TSNE, error) {
	if cfg.Dims != 2 && cfg.Dims != 3 {
		return nil, fmt.Errorf("tsne: %d output dimensions; want 2 or 3", cfg.Dims)
	}
	if n < 4 || len(x) != n*d {
		return nil, fmt.Errorf("tsne: need at least 4 points of %d values, got %d values", d, len(x))
	}
	if cfg.Init != nil && len(cfg.Init) != n*cfg.Dims {
		return nil, fmt.Errorf("tsne: %d initial coordinates for %d points in %dD", len(cfg.Init), n, cfg.Dims)
	}
	if cfg.Perplexity <= 0 || cfg.Iterations < 0 || cfg.Theta < 0 {
		return nil, fmt.Errorf("tsne: bad configuration %+v", cfg)
	}
	k := min(n-1, int(3*cfg.Perplexity+1))
	t := &TSNE{Config: cfg, N: n, D: d, x: x,
		nb:   knn.NewGraph(n, k),
		cond: make([]float64, n*k)}
	t.lr = cfg.LearningRate
	if t.lr == 0 {
		t.lr = max(float64(n)/cfg.EarlyExaggeration/4, 50)
	}
	return t, nil
}

// NeighbourRows counts the points whose neighbours have been found.
func (t *TSNE) NeighbourRows() int { return t.knnRow }

// Done reports whether all iterations have run.
func (t *TSNE) Done() bool { return t.P != nil && t.Iter >= t.Iterations }

// Step does work for about budget (at least one unit: a block of neighbour rows, of calibration
// rows, or one gradient iteration) and reports whether the embedding is finished. The result
// does not depend on how the work is split into steps.
func (t *TSNE) Step(budget time.Duration) bool {
	start := time.Now()
	for !t.Done() {
		t.unit()
		if time.Since(start) >= budget {
			break
		}
	}
	return t.Done()
}

// Run finishes the embedding.
func (t *TSNE) Run() {
	for !t.Done() {
		t.unit()
	}
}

const rowBlock = 256

func (t *TSNE) unit() {
	block := rowBlock
	if t.BlockRows > 0 {
		block = t.BlockRows
	}
	switch {
	case t.knnRow < t.N:
		if t.norms == nil {
			t.norms = knn.SquaredNorms(t.x, t.N, t.D)
		}
		hi := min(t.knnRow+block, t.N)
		t.nb.Rows(t.x, t.norms, t.N, t.D, t.knnRow, hi)
		t.knnRow = hi
	case t.calRow < t.N:
		hi := min(t.calRow+block, t.N)
		k := t.nb.K
		ml.ParallelFor(hi-t.calRow, func(a, b int) {
			for i := t.calRow + a; i < t.calRow+b; i++ {
				conditional(t.cond[i*k:(i+1)*k], t.nb.Dist2[i*k:(i+1)*k], t.Perplexity)
			}
		})
		t.calRow = hi
	case t.sym == nil && t.P == nil:
		t.sym = newSymmetriser(t.nb, t.cond, t.N)
	case t.P == nil && t.sym.done < t.N:
		t.sym.rows(t.sym.done, min(t.sym.done+8*block, t.N))
	case t.P == nil:
		t.P = t.sym.finish()
		t.sym = nil
		t.initialise()
	default:
		t.iterate()
	}
}

func (t *TSNE) initialise() {
	n, dims := t.N, t.Dims
	t.Y = make([]float64, n*dims)
	t.update = make([]float64, n*dims)
	t.gains = make([]float64, n*dims)
	t.grad = make([]float64, n*dims)
	for i := range t.gains {
		t.gains[i] = 1
	}
	if t.Init != nil {
		copy(t.Y, t.Init)
		return
	}
	rng := rand.New(rand.NewPCG(t.Seed, 0x75e))
	for i := range t.Y {
		t.Y[i] = 1e-4 * rng.NormFloat64()
	}
}

// iterate is one step of scikit-learn's gradient descent with momentum and gains.
func (t *TSNE) iterate() {
	exaggeration, momentum := 1.0, 0.8
	if t.Iter < t.ExaggerationIters {
		exaggeration, momentum = t.EarlyExaggeration, 0.5
	}
	t.z = gradient(t.grad, t.Y, t.P, t.N, t.Dims, exaggeration, t.Theta, &t.tree)
	for i, g := range t.grad {
		if g*t.update[i] < 0 {
			t.gains[i] += 0.2
		} else {
			t.gains[i] = max(t.gains[i]*0.8, 0.01)
		}
		t.update[i] = momentum*t.update[i] - t.lr*t.gains[i]*g
		t.Y[i] += t.update[i]
	}
	t.Iter++
}

// gradient writes dKL/dY into grad and returns Z = Σ_{k≠l} w_kl: exact when theta is 0, else
// with the Barnes-Hut approximation. P is multiplied by exaggeration.
func gradient(grad, y []float64, P *Sparse, n, dims int, exaggeration, theta float64, tr *tree) float64 {
	rep := make([]float64, n*dims)
	var z float64
	if theta == 0 {
		z = exactRepulsion(rep, y, n, dims)
	} else {
		z = bhRepulsion(rep, y, n, dims, theta, tr)
	}
	attraction(grad, y, P, n, dims, exaggeration)
	for i := range grad {
		grad[i] = 4 * (grad[i] - rep[i]/z)
	}
	return z
}

// exactRepulsion sets rep_i = Σ_{j≠i} w_ij²·(y_i − y_j), w_ij = 1/(1+|y_i−y_j|²), and returns
// Z = Σ_{i≠j} w_ij, in O(N²).
func exactRepulsion(rep, y []float64, n, dims int) float64 {
	zPart := make([]float64, n)
	ml.ParallelFor(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			yi, force := y[i*dims:(i+1)*dims], rep[i*dims:(i+1)*dims]
			for j := 0; j < n; j++ {
				if j == i {
					continue
				}
				var d2 float64
				for a := 0; a < dims; a++ {
					diff := yi[a] - y[j*dims+a]
					d2 += diff * diff
				}
				w := 1 / (1 + d2)
				zPart[i] += w
				for a := 0; a < dims; a++ {
					force[a] += w * w * (yi[a] - y[j*dims+a])
				}
			}
		}
	})
	return sumInOrder(zPart)
}

// bhRepulsion is exactRepulsion with Barnes-Hut's approximation: O(N log N).
func bhRepulsion(rep, y []float64, n, dims int, theta float64, tr *tree) float64 {
	tr.build(y, n, dims)
	zPart := make([]float64, n)
	if dims == 2 {
		kernels().Repulsion2(tr.flat, tr.order, y, rep, zPart, theta*theta)
		return sumInOrder(zPart)
	}
	// In the tree's order, so that consecutive points walk much the same cells (in cache).
	ml.ParallelFor(n, func(lo, hi int) {
		for _, at := range tr.order[lo:hi] {
			i := int(at)
			zPart[i] = tr.repulsion(y[i*dims:(i+1)*dims], i, theta, rep[i*dims:(i+1)*dims])
		}
	})
	return sumInOrder(zPart)
}

// attraction sets grad_i = exaggeration · Σ_j P_ij w_ij (y_i − y_j) over P's sparse rows.
func attraction(grad, y []float64, P *Sparse, n, dims int, exaggeration float64) {
	if dims == 2 {
		kernels().Attraction2(P.RowStart[:n+1], P.Col, P.Val, y, grad, exaggeration)
		return
	}
	ml.ParallelFor(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			yi := y[i*dims : (i+1)*dims]
			var attr [3]float64
			for e := P.RowStart[i]; e < P.RowStart[i+1]; e++ {
				j := int(P.Col[e])
				var d2 float64
				var diff [3]float64
				for a := 0; a < dims; a++ {
					diff[a] = yi[a] - y[j*dims+a]
					d2 += diff[a] * diff[a]
				}
				pw := exaggeration * P.Val[e] / (1 + d2)
				for a := 0; a < dims; a++ {
					attr[a] += pw * diff[a]
				}
			}
			copy(grad[i*dims:(i+1)*dims], attr[:dims])
		}
	})
}

// sumInOrder adds per-point partial sums in index order, so the total does not depend on how
// the points were split between cores.
func sumInOrder(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

// KL is the Kullback-Leibler divergence between P and the embedding's Q (Q from the exact Z
// when Theta is 0, else the Barnes-Hut estimate of the last iteration).
func (t *TSNE) KL() float64 {
	if t.P == nil {
		return math.NaN()
	}
	z := t.z
	if z == 0 || t.Theta == 0 {
		grad := make([]float64, len(t.Y))
		z = gradient(grad, t.Y, t.P, t.N, t.Dims, 1, t.Theta, &t.tree)
	}
	var kl float64
	for i := 0; i < t.N; i++ {
		for e := t.P.RowStart[i]; e < t.P.RowStart[i+1]; e++ {
			j := int(t.P.Col[e])
			var d2 float64
			for a := 0; a < t.Dims; a++ {
				diff := t.Y[i*t.Dims+a] - t.Y[j*t.Dims+a]
				d2 += diff * diff
			}
			q := 1 / (1 + d2) / z
			p := t.P.Val[e]
			kl += p * math.Log(max(p, 1e-12)/max(q, 1e-12))
		}
	}
	return kl
}

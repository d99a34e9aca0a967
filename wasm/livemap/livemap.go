// Package livemap is the computation behind the Map view's live maps, without the browser: a
// request checked and worded for the page and its JS API, and a run of t-SNE or UMAP made a
// slice at a time, with its progress, and new points placed on it once it is done. The map
// worker (wasm/cmd/mapworker) runs it off the page's main thread; the tests run it natively.
package livemap

import (
	"fmt"
	"math"
	"time"

	"lookbook/ml/tsne"
	"lookbook/ml/umap"
)

// MaxPoints is the test set's size: a live map takes the first n test images, n ≤ MaxPoints.
const MaxPoints = 10000

// The methods.
const (
	TSNE = "tsne"
	UMAP = "umap"
)

// Request describes one live map.
type Request struct {
	Method     string  // TSNE or UMAP
	Dims       int     // 2 or 3
	Points     int     // the first Points test images
	Perplexity float64 // t-SNE only; 0 means 30
	// Iterations is t-SNE's iterations (0 means 1,000) or UMAP's epochs (0 means 200, as
	// umap-learn and umap-js run on 10,000 points and more).
	Iterations int
	Seed       uint64
}

// Limits of what the page offers.
const (
	minPoints                    = 20
	minPerplexity, maxPerplexity = 2, 100
	maxTSNEIterations, maxEpochs = 5000, 2000
)

// Check fills in the defaults and says, in words for the page and the API, what is wrong.
func (r *Request) Check() error {
	switch r.Method {
	case TSNE, UMAP:
	default:
		return fmt.Errorf("method must be %q or %q, not %q", TSNE, UMAP, r.Method)
	}
	if r.Dims != 2 && r.Dims != 3 {
		return fmt.Errorf("dims must be 2 or 3, not %d", r.Dims)
	}
	if r.Points < minPoints || r.Points > MaxPoints {
		return fmt.Errorf("points must be a whole number from %d to %d, not %d", minPoints, MaxPoints, r.Points)
	}
	if r.Method == TSNE {
		if r.Perplexity == 0 {
			r.Perplexity = 30
		}
		if !(r.Perplexity >= minPerplexity && r.Perplexity <= maxPerplexity) {
			return fmt.Errorf("perplexity must be from %d to %d, not %g", minPerplexity, maxPerplexity, r.Perplexity)
		}
		if 3*r.Perplexity+1 > float64(r.Points-1) {
			return fmt.Errorf("perplexity %g needs at least %d points", r.Perplexity, int(3*r.Perplexity+3))
		}
	}
	limit, def := maxTSNEIterations, 1000
	if r.Method == UMAP {
		limit, def = maxEpochs, 200
	}
	if r.Iterations == 0 {
		r.Iterations = def
	}
	if r.Iterations < 1 || r.Iterations > limit {
		return fmt.Errorf("iterations must be from 1 to %d for %s, not %d", limit, r.Method, r.Iterations)
	}
	return nil
}

// Run is one live map in progress.
type Run struct {
	Request
	D       int // features per point
	x       []float32
	tsne    *tsne.TSNE
	umap    *umap.UMAP
	Elapsed time.Duration // spent in Step

	tsnePlacer *tsne.Map
	umapPlacer *umap.Placer
}

// Start prepares the map of x (r.Points rows of d features); the work happens in Step.
func Start(x []float32, d int, r Request) (*Run, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	if len(x) != r.Points*d {
		return nil, fmt.Errorf("%d feature values for %d points of %d", len(x), r.Points, d)
	}
	for _, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("the features hold %g", v)
		}
	}
	run := &Run{Request: r, D: d, x: x}
	var err error
	switch r.Method {
	case TSNE:
		cfg := tsne.DefaultConfig(r.Dims)
		cfg.Perplexity, cfg.Iterations, cfg.Seed = r.Perplexity, r.Iterations, r.Seed
		cfg.BlockRows = 128 // a few ms of neighbour search or calibration at a time
		run.tsne, err = tsne.New(x, r.Points, d, cfg)
	case UMAP:
		cfg := umap.DefaultConfig(r.Dims)
		cfg.Epochs, cfg.Seed, cfg.BlockRows = r.Iterations, r.Seed, 128
		run.umap, err = umap.New(x, r.Points, d, cfg)
	}
	return run, err
}

// Step works for about budget (at least one unit) and reports whether the map is done.
func (r *Run) Step(budget time.Duration) (done bool) {
	start := time.Now()
	if r.tsne != nil {
		done = r.tsne.Step(budget)
	} else {
		done = !r.umap.Step(budget)
	}
	r.Elapsed += time.Since(start)
	return done
}

// Done reports whether every iteration has run.
func (r *Run) Done() bool {
	if r.tsne != nil {
		return r.tsne.Done()
	}
	return r.umap.Done()
}

// Layout is the current layout (Points×Dims), nil while the neighbours are being found.
func (r *Run) Layout() []float64 {
	if r.tsne != nil {
		return r.tsne.Y
	}
	return r.umap.Y
}

// KL is a finished t-SNE's Kullback-Leibler divergence; NaN for UMAP or while it runs.
func (r *Run) KL() float64 {
	if r.tsne == nil || !r.tsne.Done() {
		return math.NaN()
	}
	return r.tsne.KL()
}

// Progress is how far a run has got: Iter of Total iterations (epochs for UMAP) once the
// layout has started; before that, Neighbours of Points points' neighbours found.
type Progress struct {
	Iter, Total int
	Neighbours  int
	// Exaggerated is how many of t-SNE's first iterations exaggerate attraction (0 for UMAP).
	Exaggerated int
}

// Progress reports how far the run has got.
func (r *Run) Progress() Progress {
	if t := r.tsne; t != nil {
		p := Progress{Iter: t.Iter, Total: t.Iterations, Neighbours: r.Points, Exaggerated: t.ExaggerationIters}
		if t.P == nil {
			p.Neighbours = t.NeighbourRows()
		}
		return p
	}
	u := r.umap
	return Progress{Iter: u.Epoch, Total: u.Epochs, Neighbours: u.NeighbourRows}
}

// Extend sets a new number of iterations (not below those already run), so that a finished
// map can run on.
func (r *Run) Extend(iterations int) {
	if r.tsne != nil {
		r.tsne.Iterations = max(iterations, r.tsne.Iter)
	} else {
		r.umap.Epochs = max(iterations, r.umap.Epoch)
	}
	r.Iterations = iterations
	r.tsnePlacer, r.umapPlacer = nil, nil
}

// Place puts a new point (D features) on the finished map, as the method places new data
// (openTSNE's transform for t-SNE, umap-learn's for UMAP), and returns its position and its
// nearest map points in feature space, nearest first.
func (r *Run) Place(p []float32) (pos []float64, neighbours []int, err error) {
	if !r.Done() {
		return nil, nil, fmt.Errorf("the map is not finished yet")
	}
	if len(p) != r.D {
		return nil, nil, fmt.Errorf("%d features, want %d", len(p), r.D)
	}
	if r.tsne != nil {
		if r.tsnePlacer == nil {
			r.tsnePlacer = tsne.NewMap(r.x, r.Points, r.D, r.tsne.Y, r.Dims, r.Perplexity)
		}
		pl := r.tsnePlacer.Place(p)
		return pl.Y, pl.Neighbours, nil
	}
	if r.umapPlacer == nil {
		r.umapPlacer = umap.NewPlacer(r.umap, r.x, r.D)
	}
	pos, neighbours = r.umapPlacer.Place(p)
	return pos, neighbours, nil
}

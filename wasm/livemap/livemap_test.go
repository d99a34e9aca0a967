package livemap

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"lookbook/ml/tsne"
)

func TestCheckWordsEveryProblem(t *testing.T) {
	for _, c := range []struct {
		req  Request
		want string
	}{
		{Request{Method: "pca", Dims: 2, Points: 100}, `method must be "tsne" or "umap", not "pca"`},
		{Request{Method: UMAP, Dims: 1, Points: 100}, "dims must be 2 or 3, not 1"},
		{Request{Method: UMAP, Dims: 2, Points: 10001}, "points must be a whole number from 20 to 10000, not 10001"},
		{Request{Method: UMAP, Dims: 2, Points: 19}, "points must be"},
		{Request{Method: TSNE, Dims: 2, Points: 100, Perplexity: 1}, "perplexity must be from 2 to 100, not 1"},
		{Request{Method: TSNE, Dims: 2, Points: 50}, "perplexity 30 needs at least 93 points"},
		{Request{Method: TSNE, Dims: 3, Points: 100, Iterations: 5001}, "iterations must be from 1 to 5000 for tsne, not 5001"},
		{Request{Method: UMAP, Dims: 3, Points: 100, Iterations: -2}, "iterations must be from 1 to 2000 for umap"},
		{Request{Method: UMAP, Dims: 3, Points: 100}, ""},
	} {
		err := c.req.Check()
		if (err == nil) != (c.want == "") || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.req, err, c.want)
		}
	}
	r := Request{Method: TSNE, Dims: 2, Points: 200}
	if err := r.Check(); err != nil || r.Perplexity != 30 || r.Iterations != 1000 {
		t.Errorf("t-SNE's defaults: %+v, %v", r, err)
	}
}

// blobs returns n points in d dimensions around c well-separated centres, with their labels.
func blobs(n, d, c int, seed uint64) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	centres := make([]float64, c*d)
	for i := range centres {
		centres[i] = rng.NormFloat64() * 8
	}
	x, labels := make([]float32, n*d), make([]int, n)
	for i := range labels {
		labels[i] = i % c
		for a := 0; a < d; a++ {
			x[i*d+a] = float32(centres[labels[i]*d+a] + rng.NormFloat64())
		}
	}
	return x, labels
}

// TestRunsStepByStep makes both methods' maps in 2D and 3D a few milliseconds at a time:
// progress only moves forward, the layout keeps the blobs apart, and new points are placed
// among their own blob.
func TestRunsStepByStep(t *testing.T) {
	const n, d = 300, 8
	x, labels := blobs(n+8, d, 4, 2)
	for _, method := range []string{UMAP, TSNE} {
		for _, dims := range []int{2, 3} {
			run, err := Start(x[:n*d], d, Request{Method: method, Dims: dims, Points: n, Iterations: 300, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := run.Place(x[n*d : (n+1)*d]); err == nil {
				t.Errorf("%s: placed a point on an unfinished map", method)
			}
			var last Progress
			for !run.Step(2 * time.Millisecond) {
				p := run.Progress()
				if p.Iter < last.Iter || p.Neighbours < last.Neighbours || p.Total != 300 {
					t.Fatalf("%s: progress went from %+v to %+v", method, last, p)
				}
				last = p
			}
			y := run.Layout()
			if len(y) != n*dims || last.Neighbours != n {
				t.Fatalf("%s %dD: %d coordinates, %d neighbours found", method, dims, len(y), last.Neighbours)
			}
			if acc := tsne.KNNAccuracy(y, n, dims, labels[:n], 10); acc < 0.99 {
				t.Errorf("%s %dD: 10-NN accuracy %.3f", method, dims, acc)
			}
			if kl := run.KL(); (method == TSNE) == math.IsNaN(kl) {
				t.Errorf("%s: KL %g", method, kl)
			}
			for i := n; i < n+8; i++ {
				pos, nb, err := run.Place(x[i*d : (i+1)*d])
				if err != nil || len(pos) != dims || labels[nb[0]] != labels[i] {
					t.Errorf("%s %dD: placing point %d: %v, %v, %v", method, dims, i, pos, nb, err)
				}
			}
			// Extending a finished run continues it.
			run.Extend(320)
			for !run.Step(time.Second) {
			}
			if p := run.Progress(); p.Iter != 320 {
				t.Errorf("%s: extended to %d iterations", method, p.Iter)
			}
		}
	}
}

func TestStartRejectsBadFeatures(t *testing.T) {
	x, _ := blobs(100, 4, 2, 1)
	if _, err := Start(x[:399], 4, Request{Method: UMAP, Dims: 2, Points: 100}); err == nil {
		t.Error("accepted 399 values for 100 points of 4")
	}
	x[7] = float32(math.NaN())
	if _, err := Start(x, 4, Request{Method: UMAP, Dims: 2, Points: 100}); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN features: %v", err)
	}
}

package livemap

import (
	"os"
	"testing"
	"time"

	"lookbook/ml/format"
	"lookbook/ml/knn"
	"lookbook/ml/tsne"
	"lookbook/ml/umap"
)

// TestMeasurePhases times the live maps' phases on all 10,000 shipped test features, natively or
// (with the SIMD kernel, as in the map worker) under Node: the neighbour search, UMAP's graph and
// 200 epochs, t-SNE's neighbours and affinities and its iterations. A measurement
// (LOOKBOOK_MEASURE=1; under Node: PATH=$PWD/scripts/wasmexec:$PATH GOOS=js GOARCH=wasm go test).
func TestMeasurePhases(t *testing.T) {
	if os.Getenv("LOOKBOOK_MEASURE") == "" {
		t.Skip("a measurement: set LOOKBOOK_MEASURE=1")
	}
	installKernels(t)
	m, err := format.ReadFile("../../pretrained/maps.safetensors", format.DecodeMaps)
	if err != nil {
		t.Fatal(err)
	}
	n := m.N()
	x := m.Features[:n*format.Latent]
	labels := make([]int, n)
	for i := range labels {
		labels[i] = int(m.Labels[i])
	}
	start := time.Now()
	knn.Find(x, n, format.Latent, 14)
	t.Logf("neighbour search, 14 each: %v", time.Since(start))
	start = time.Now()
	cfg := umap.DefaultConfig(2)
	cfg.Seed, cfg.Epochs = 1, 200
	u, err := umap.New(x, n, format.Latent, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for u.Y == nil {
		u.Step(time.Second)
	}
	g := time.Since(start)
	u.Run()
	t.Logf("UMAP: graph %v, with 200 epochs %v, 10-NN accuracy %.3f", g, time.Since(start), tsne.KNNAccuracy(u.Y, n, 2, labels, 10))
	start = time.Now()
	tc := tsne.DefaultConfig(2)
	tc.Seed = 1
	ts, _ := tsne.New(x, n, format.Latent, tc)
	for ts.P == nil {
		ts.Step(time.Second)
	}
	g = time.Since(start)
	for _, upto := range []int{250, 500, 1000} {
		for ts.Iter < upto {
			ts.Step(time.Millisecond)
		}
		t.Logf("t-SNE: neighbours and affinities %v, %d iterations %v", g, upto, time.Since(start)-g)
	}
	t.Logf("t-SNE: 10-NN accuracy %.3f", tsne.KNNAccuracy(ts.Y, n, 2, labels, 10))
}

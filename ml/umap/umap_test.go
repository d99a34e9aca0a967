package umap

import (
	"errors"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"
	"time"

	"lookbook/ml/format"
	"lookbook/ml/knn"
	"lookbook/ml/tsne"
)

// TestFitAB checks the fitted curve against umap-learn's find_ab_params for its defaults
// (min_dist 0.1, spread 1: a = 1.5769, b = 0.8951, as umap-learn reports).
func TestFitAB(t *testing.T) {
	a, b, err := FitAB(1, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a = %.4f, b = %.4f", a, b)
	if math.Abs(a-1.5769) > 2e-3 || math.Abs(b-0.8951) > 2e-3 {
		t.Errorf("a, b = %.4f, %.4f; umap-learn has 1.5769, 0.8951", a, b)
	}
	if _, _, err := FitAB(1, 1.5); err == nil {
		t.Error("min_dist above spread was accepted")
	}
}

// blobs is n points of d dimensions around c well-separated centres, with their labels.
func blobs(n, d, c int, seed uint64) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	centres := make([]float64, c*d)
	for i := range centres {
		centres[i] = rng.NormFloat64() * 10
	}
	x, labels := make([]float32, n*d), make([]int, n)
	for i := 0; i < n; i++ {
		labels[i] = i % c
		for a := 0; a < d; a++ {
			x[i*d+a] = float32(centres[labels[i]*d+a] + rng.NormFloat64())
		}
	}
	return x, labels
}

// TestFuzzyGraph: each point's memberships sum to log2(n_neighbors) (the calibration), every
// weight is in (0, 1], and the graph is symmetric with the fuzzy union's weights.
func TestFuzzyGraph(t *testing.T) {
	const n, d, neighbours = 300, 8, 15
	x, _ := blobs(n, d, 3, 7)
	g := knn.Find(x, n, d, neighbours-1)
	rho, sigma := calibrateAll(g, n, neighbours)
	for i := 0; i < n; i++ {
		var sum float64
		for _, d2 := range g.Dist2[i*g.K : (i+1)*g.K] {
			sum += math.Exp(-max(0, math.Sqrt(d2)-rho[i]) / sigma[i])
		}
		if math.Abs(sum-math.Log2(neighbours)) > 1e-4 {
			t.Fatalf("point %d: memberships sum to %.6f, want log2(15) = %.6f", i, sum, math.Log2(neighbours))
		}
	}
	fg := FuzzyGraph(g, n, neighbours)
	weight := map[[2]int]float64{}
	for e := range fg.Weight {
		w := fg.Weight[e]
		if w <= 0 || w > 1 {
			t.Fatalf("edge %d→%d has weight %g", fg.Head[e], fg.Tail[e], w)
		}
		weight[[2]int{fg.Head[e], fg.Tail[e]}] = w
	}
	for k, w := range weight {
		if back, ok := weight[[2]int{k[1], k[0]}]; !ok || back != w {
			t.Fatalf("edge %v weighs %g, its reverse %g (present %v)", k, w, back, ok)
		}
	}
}

// TestDeterministicForASeed: the same seed gives the same layout, whether run at once or
// stepped in small pieces (a few neighbour rows at a time).
func TestDeterministicForASeed(t *testing.T) {
	x, _ := blobs(200, 6, 4, 3)
	run := func(stepped bool) []float64 {
		cfg := DefaultConfig(2)
		cfg.Seed, cfg.Epochs = 42, 60
		if stepped {
			cfg.BlockRows = 7
		}
		u, err := New(x, 200, 6, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if stepped {
			for u.Step(0) {
			}
		} else {
			u.Run()
		}
		return u.Y
	}
	a, b := run(false), run(true)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("coordinate %d: %g then %g", i, a[i], b[i])
		}
	}
}

// TestSeparatesClusters: well-separated blobs stay apart in 2D and 3D (10-NN accuracy of the
// layout), and stepping gives the same layout as running.
func TestSeparatesClusters(t *testing.T) {
	const n, d = 600, 16
	x, labels := blobs(n, d, 5, 11)
	for _, dims := range []int{2, 3} {
		cfg := DefaultConfig(dims)
		cfg.Seed, cfg.Epochs = 1, 200
		u, err := New(x, n, d, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for u.Step(0) {
		}
		acc := tsne.KNNAccuracy(u.Y, n, dims, labels, 10)
		t.Logf("%dD: 10-NN accuracy %.3f after %d epochs", dims, acc, u.Epoch)
		if acc < 0.99 {
			t.Errorf("%dD: 10-NN accuracy %.3f, want ≥ 0.99", dims, acc)
		}
		for _, v := range u.Y {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%dD: the layout has %g", dims, v)
			}
		}
	}
}

func TestRejectsBadConfigs(t *testing.T) {
	x, _ := blobs(50, 4, 2, 1)
	for name, cfg := range map[string]Config{
		"4 dimensions":      {Neighbours: 15, MinDist: 0.1, Spread: 1, NegativeRate: 5, LearningRate: 1, Dims: 4},
		"1 neighbour":       {Neighbours: 1, MinDist: 0.1, Spread: 1, NegativeRate: 5, LearningRate: 1, Dims: 2},
		"a short start":     {Neighbours: 15, MinDist: 0.1, Spread: 1, NegativeRate: 5, LearningRate: 1, Dims: 2, Init: make([]float64, 7)},
		"min_dist ≥ spread": {Neighbours: 15, MinDist: 2, Spread: 1, NegativeRate: 5, LearningRate: 1, Dims: 2},
	} {
		if _, err := New(x, 50, 4, cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestFashionFeatures maps the shipped FashionNet features of the first 2,000 test images (the
// Map view's data): images of a class stay together (10-NN accuracy of the layout). All 10,000
// are measured by TestMeasureAllFashionFeatures.
func TestFashionFeatures(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("the native run covers it (4 s under Node; the blobs test runs the same code there)")
	}
	all, allLabels, _ := fashionFeatures(t, 2100)
	const n, placed = 2000, 100 // the map, and images placed on it afterwards
	x, labels := all[:n*format.Latent], allLabels[:n]
	cfg := DefaultConfig(2)
	cfg.Seed, cfg.Epochs = 1, 200 // umap-learn's count for large sets; quicker than its 500 here
	start := time.Now()
	u, err := New(x, n, format.Latent, cfg)
	if err != nil {
		t.Fatal(err)
	}
	u.Run()
	acc := tsne.KNNAccuracy(u.Y, n, 2, labels, 10)
	t.Logf("%d points, %d epochs in %v: 10-NN accuracy %.3f", n, u.Epoch, time.Since(start).Round(time.Millisecond), acc)
	if acc < 0.88 {
		t.Errorf("10-NN accuracy %.3f, want ≥ 0.88", acc)
	}
	// New images land among their class: the nearest map point has their label.
	pl, same := NewPlacer(u, x, format.Latent), 0
	for i := n; i < n+placed; i++ {
		pos, _ := pl.Place(all[i*format.Latent : (i+1)*format.Latent])
		nearest, bestD := 0, math.Inf(1)
		for j := 0; j < n; j++ {
			if dd := dist2(pos, u.Y[j*2:j*2+2]); dd < bestD {
				nearest, bestD = j, dd
			}
		}
		if labels[nearest] == allLabels[i] {
			same++
		}
	}
	t.Logf("%d of %d placed images land nearest a point of their class", same, placed)
	if same < 80 {
		t.Errorf("only %d of %d placed images land nearest a point of their class", same, placed)
	}
}

// TestMeasureAllFashionFeatures times UMAP on all 10,000 test images' features, natively
// (a measurement: LOOKBOOK_MEASURE=1).
func TestMeasureAllFashionFeatures(t *testing.T) {
	if os.Getenv("LOOKBOOK_MEASURE") == "" {
		t.Skip("a measurement: set LOOKBOOK_MEASURE=1")
	}
	x, labels, n := fashionFeatures(t, 10000)
	for _, epochs := range []int{200, 500} {
		cfg := DefaultConfig(2)
		cfg.Seed, cfg.Epochs = 1, epochs
		start := time.Now()
		u, err := New(x, n, format.Latent, cfg)
		if err != nil {
			t.Fatal(err)
		}
		graph := time.Since(start)
		u.Run()
		t.Logf("%d points, %d epochs: graph %v, total %v, 10-NN accuracy %.3f", n, epochs, graph.Round(time.Millisecond),
			time.Since(start).Round(time.Millisecond), tsne.KNNAccuracy(u.Y, n, 2, labels, 10))
	}
}

func fashionFeatures(t *testing.T, limit int) ([]float32, []int, int) {
	t.Helper()
	m, err := format.ReadFile("../../pretrained/maps.safetensors", format.DecodeMaps)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("no shipped maps:", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	n := min(limit, m.N())
	labels := make([]int, n)
	for i := range labels {
		labels[i] = int(m.Labels[i])
	}
	return m.Features[:n*format.Latent], labels, n
}

// TestPlaceLandsAmongItsClass places new points of each blob on a finished layout: each lands
// nearest to points of its own blob.
func TestPlaceLandsAmongItsClass(t *testing.T) {
	const n, d, c = 500, 12, 4
	x, labels := blobs(n+c*10, d, c, 5) // the last 40 are new points
	cfg := DefaultConfig(2)
	cfg.Seed, cfg.Epochs = 3, 200
	u, err := New(x[:n*d], n, d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	u.Run()
	pl := NewPlacer(u, x[:n*d], d)
	wrong := 0
	for i := n; i < n+c*10; i++ {
		pos, _ := pl.Place(x[i*d : (i+1)*d])
		nearest, bestD := -1, math.Inf(1)
		for j := 0; j < n; j++ {
			if dd := dist2(pos, u.Y[j*2:j*2+2]); dd < bestD {
				nearest, bestD = j, dd
			}
		}
		if labels[nearest] != labels[i] {
			wrong++
		}
	}
	if wrong > 0 {
		t.Errorf("%d of %d placed points landed nearest another blob", wrong, c*10)
	}
	// A layout kept and wrapped again (as the page does with the shipped maps) places the same.
	kept, err := Finished(append([]float64(nil), u.Y...), n, cfg)
	if err != nil {
		t.Fatal(err)
	}
	again := NewPlacer(kept, x[:n*d], d)
	for i := n; i < n+c*10; i += 7 {
		want, _ := pl.Place(x[i*d : (i+1)*d])
		got, _ := again.Place(x[i*d : (i+1)*d])
		if want[0] != got[0] || want[1] != got[1] {
			t.Errorf("point %d: placed at %v on the wrapped layout, %v on the original", i, got, want)
		}
	}
	if _, err := Finished(u.Y[:10], n, cfg); err == nil {
		t.Error("Finished took a layout of the wrong size")
	}
}

// TestPowTable checks the epochs' power table against math.Pow over the squared distances
// UMAP meets, inside the table and beyond it.
func TestPowTable(t *testing.T) {
	worst := 0.0
	for _, b := range []float64{0.79, 0.8951, 1, 1.5} {
		p := newPowTable(b)
		for x := 1e-15; x < 1e15; x *= 1.0137 {
			got, want := p.at(x), math.Pow(x, b)
			worst = max(worst, math.Abs(got-want)/want)
		}
	}
	if worst > 2e-6 {
		t.Errorf("largest relative error %.2g, want ≤ 2e-6", worst)
	}
	// Beyond the table it goes on linearly from the table's ends: continuous there, and
	// falling to 0 with x.
	p := newPowTable(0.8951)
	for _, edge := range []float64{math.Ldexp(1, -powOctaves/2), math.Ldexp(1, powOctaves/2)} {
		below, above := p.at(edge*(1-1e-12)), p.at(edge*(1+1e-12))
		if math.Abs(below-above)/above > 1e-6 {
			t.Errorf("at the table's end %g: %g just below, %g just above", edge, below, above)
		}
	}
	if tiny := p.at(1e-300); !(tiny >= 0 && tiny < p.at(1e-20)) {
		t.Errorf("x^b at 1e-300 is %g, want between 0 and its value at 1e-20", tiny)
	}
}

// TestTauRand: the negative samples' generator gives umap-learn's tau_rand_int sequence (values
// from its Python code, the state 12345, 67890, 424242), and spreads intN evenly.
func TestTauRand(t *testing.T) {
	g := tauRand{12345, 67890, 424242}
	for i, want := range []uint32{4050851190, 879301221, 2289694355, 3910176176, 2982099351, 2197756729} {
		if got := g.next(); got != want {
			t.Fatalf("value %d: %d, umap-learn's %d", i, got, want)
		}
	}
	var counts [10]int
	const draws = 100_000
	for range draws {
		counts[g.intN(10)]++
	}
	for k, c := range counts {
		if c < draws/10*95/100 || c > draws/10*105/100 {
			t.Errorf("intN(10) gave %d %d times in %d draws, want about %d", k, c, draws, draws/10)
		}
	}
}

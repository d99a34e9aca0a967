package explain

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"lookbook/ml"
)

// randomModel is a FashionNet with random weights and BatchNorm statistics, in evaluation mode.
// (The shipped model's explanations are checked against PyTorch in pretrained/explain_test.go.)
func randomModel(seed uint64) *ml.FashionNet {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := ml.NewFashionNet(rng)
	for _, e := range m.State() {
		if e.Float == nil || !strings.HasPrefix(e.Name, "bn") {
			continue
		}
		for i := range e.Float.Data {
			switch {
			case strings.HasSuffix(e.Name, "running_var"):
				e.Float.Data[i] = 0.5 + rng.Float32()
			case strings.HasSuffix(e.Name, "running_mean"), strings.HasSuffix(e.Name, "bias"):
				e.Float.Data[i] = rng.Float32() - 0.5
			default:
				e.Float.Data[i] = 0.5 + rng.Float32()
			}
		}
	}
	m.SetTraining(false)
	return m
}

// garment is a 32×32 input with a bright blob on black, like a prepared drawing.
func garment(rng *rand.Rand) []float32 {
	x := make([]float32, Pixels)
	cx, cy, r := 10+rng.IntN(12), 10+rng.IntN(12), 5+rng.IntN(5)
	for y := 2; y < 30; y++ {
		for i := 2; i < 30; i++ {
			if d := math.Hypot(float64(i-cx), float64(y-cy)); d < float64(r) {
				x[y*Side+i] = float32(0.3 + 0.7*rng.Float64())
			}
		}
	}
	return x
}

func TestExplainRejectsBadRequests(t *testing.T) {
	e := New(randomModel(1))
	good := garment(rand.New(rand.NewPCG(1, 1)))
	nan := append([]float32(nil), good...)
	nan[5] = float32(math.NaN())
	bright := append([]float32(nil), good...)
	bright[7] = 2
	for _, c := range []struct {
		name string
		x    []float32
		o    Options
		want string
	}{
		{"short input", good[:100], Options{Method: Occlusion}, "has 100 values"},
		{"NaN", nan, Options{Method: Occlusion}, "value 5 is NaN"},
		{"out of range", bright, Options{Method: Occlusion}, "value 7 is 2"},
		{"unknown method", good, Options{Method: "saliency"}, `unknown method "saliency"`},
		{"block 0", good, Options{Method: GradCAM, Block: 0}, "block 0 does not exist"},
		{"block 5", good, Options{Method: GradCAM, Block: 5}, "block 5 does not exist"},
		{"negative class", good, Options{Method: IntegratedGradients, Class: -1}, "class -1 does not exist"},
		{"class 10", good, Options{Method: Occlusion, Class: 10}, "class 10 does not exist, want 0 to 9"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.Explain(c.x, c.o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// logit returns class's logit for x from an evaluation-mode copy of m.
func logit(m *ml.FashionNet, x []float32, class int) float64 {
	return float64(m.Forward(ml.FromData(append([]float32(nil), x...), 1, 1, Side, Side)).Data[class])
}

// TestIntegratedGradientsCompleteness: the attributions add up to f(x) − f(black) within 1 %,
// checked against the model's own forward passes. Completeness fails with wrong gradients, so
// this also checks the gradient mode's backward pass under every GOARCH.
func TestIntegratedGradientsCompleteness(t *testing.T) {
	m := randomModel(2)
	e := New(m)
	rng := rand.New(rand.NewPCG(2, 2))
	for i := 0; i < 4; i++ {
		x := garment(rng)
		class := i * 3
		r, err := e.Explain(x, Options{Method: IntegratedGradients, Class: class})
		if err != nil {
			t.Fatal(err)
		}
		gap := logit(m, x, class) - logit(m, make([]float32, Pixels), class)
		var sum float64
		for _, v := range r.Map {
			sum += float64(v)
		}
		// The explainer's own logits come from other batches than these, so they may differ by
		// rounding: the same 1e-3 of slack as for the reported error (image 3's gap is 4e-4).
		if rel := math.Abs(sum-gap) / math.Abs(gap); rel >= MaxCompletenessError+1e-3 || r.CompletenessError >= MaxCompletenessError || math.Abs(rel-r.CompletenessError) > 1e-3 {
			t.Errorf("image %d: Σ attributions %.4f, f(x) − f(0) = %.4f: error %.4f (reported %.4f, %d steps)",
				i, sum, gap, rel, r.CompletenessError, r.Steps)
		}
		for p, v := range x {
			if v == 0 && r.Map[p] != 0 {
				t.Fatalf("image %d: pixel %d is background but has attribution %v", i, p, r.Map[p])
			}
		}
	}
}

// TestOcclusionSkipsOnlyBlankPatches: skipping patches of background gives the map that
// running every patch gives.
func TestOcclusionSkipsOnlyBlankPatches(t *testing.T) {
	m := randomModel(3)
	e := New(m)
	x := garment(rand.New(rand.NewPCG(3, 3)))
	r, err := e.Explain(x, Options{Method: Occlusion, Class: 4})
	if err != nil {
		t.Fatal(err)
	}
	base := logProbOf(m, x, 4)
	var sum, count [Pixels]float64
	for y := 0; y+OcclusionPatch <= Side; y += OcclusionStride {
		for x0 := 0; x0+OcclusionPatch <= Side; x0 += OcclusionStride {
			occ := append([]float32(nil), x...)
			for dy := 0; dy < OcclusionPatch; dy++ {
				for dx := 0; dx < OcclusionPatch; dx++ {
					occ[(y+dy)*Side+x0+dx] = 0
				}
			}
			drop := base - logProbOf(m, occ, 4)
			for dy := 0; dy < OcclusionPatch; dy++ {
				for dx := 0; dx < OcclusionPatch; dx++ {
					sum[(y+dy)*Side+x0+dx] += drop
					count[(y+dy)*Side+x0+dx]++
				}
			}
		}
	}
	for p := range sum {
		if want := sum[p] / count[p]; math.Abs(float64(r.Map[p])-want) > 1e-4*max(1, math.Abs(want)) {
			t.Fatalf("pixel %d: %v, every patch run gives %v", p, r.Map[p], want)
		}
	}
}

// TestStepwiseOcclusion: the first round's top pixels keep occlusion's values and rank above
// every other garment pixel, whose values are the second round's (occlusion of the picture
// without them, on another Explainer) scaled by one positive factor.
func TestStepwiseOcclusion(t *testing.T) {
	m := randomModel(6)
	e := New(m)
	rng := rand.New(rand.NewPCG(6, 6))
	trials := 12
	if testing.Short() { // make test's run under wasm, where each trial takes about 1.6 s
		trials = 3
	}
	var tested int
	for trial := 0; trial < trials; trial++ {
		x := garment(rng)
		class := trial % 10
		first, _ := e.Explain(x, Options{Method: Occlusion, Class: class})
		got, err := e.Explain(x, Options{Method: StepwiseOcclusion, Class: class})
		if err != nil {
			t.Fatal(err)
		}
		var g []int
		for p, v := range x {
			if v > 0 {
				g = append(g, p)
			}
		}
		slices.SortStableFunc(g, func(a, b int) int { return cmp.Compare(first.Map[b], first.Map[a]) })
		take := int(math.Round(StepwiseFirstShare * float64(len(g))))
		if floor := first.Map[g[take-1]]; !(floor > 0) {
			if got.Map != first.Map {
				t.Errorf("trial %d: no evidence for class %d to take away, but the map is not occlusion's", trial, class)
			}
			continue
		}
		tested++
		rest := slices.Clone(x)
		for _, p := range g[:take] {
			rest[p] = 0
			if got.Map[p] != first.Map[p] {
				t.Fatalf("trial %d: first-round pixel %d is %v, occlusion gave %v", trial, p, got.Map[p], first.Map[p])
			}
		}
		second, _ := New(m).Explain(rest, Options{Method: Occlusion, Class: class})
		scale := math.NaN()
		for _, p := range g[take:] {
			if got.Map[p] >= got.Map[g[take-1]] {
				t.Fatalf("trial %d: pixel %d of the second round (%v) ranks with the first (%v)", trial, p, got.Map[p], got.Map[g[take-1]])
			}
			if second.Map[p] == 0 {
				continue
			}
			k := float64(got.Map[p]) / float64(second.Map[p])
			if math.IsNaN(scale) {
				scale = k
			}
			if !(k > 0) || math.Abs(k-scale) > 1e-5*scale {
				t.Fatalf("trial %d: pixel %d is the second round's %v times %v, others %v times", trial, p, second.Map[p], k, scale)
			}
		}
	}
	t.Logf("%d of %d with a second round", tested, trials)
	if tested == 0 {
		t.Fatal("no trial had a second round")
	}
}

func logProbOf(m *ml.FashionNet, x []float32, class int) float64 {
	logits := m.Forward(ml.FromData(append([]float32(nil), x...), 1, 1, Side, Side)).Data
	return logProb(logits, class)
}

// TestExplainsATaughtClass: a model with a taught eleventh class explains it like the others.
func TestExplainsATaughtClass(t *testing.T) {
	m := randomModel(4)
	m.FC3 = ml.NewLinear("fc3", ml.FashionNetLatent, 11)
	m.FC3.Init(rand.New(rand.NewPCG(4, 4)))
	m.SetTraining(false)
	e := New(m)
	x := garment(rand.New(rand.NewPCG(4, 5)))
	for _, method := range Methods {
		r, err := e.Explain(x, Options{Method: method, Class: 10, Block: 3})
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		var nonZero int
		for _, v := range r.Map {
			if v != 0 {
				nonZero++
			}
		}
		if nonZero == 0 {
			t.Errorf("%s: the taught class's map is all zeros", method)
		}
	}
	if _, err := e.Explain(x, Options{Method: Occlusion, Class: 11}); err == nil || !strings.Contains(err.Error(), "want 0 to 10") {
		t.Errorf("class 11 of 11: error %v", err)
	}
}

func TestUpsampleMatchesBilinear(t *testing.T) {
	// A 2×2 map scaled to 32×32 with aligned centres: the corners' 8×8 blocks hold the
	// corner values (clamped), and the middle interpolates linearly.
	src := []float64{0, 1, 2, 3}
	out := make([]float32, Pixels)
	upsample(out, src, 2, 2)
	for _, c := range []struct {
		x, y int
		want float64
	}{{0, 0, 0}, {7, 7, 0}, {31, 0, 1}, {0, 31, 2}, {31, 31, 3}, {8, 0, 1.0 / 32}, {16, 0, 17.0 / 32}, {0, 16, 17.0 / 16}} {
		if got := float64(out[c.y*Side+c.x]); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("(%d, %d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

func TestDeletionCurve(t *testing.T) {
	m := randomModel(5)
	d := NewDeletion(m)
	x := garment(rand.New(rand.NewPCG(5, 5)))
	rank := make([]float32, Pixels)
	for p := range rank {
		rank[p] = float32(p % 7)
	}
	curve, err := d.Curve(x, rank, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(curve) != DeletionSteps+1 {
		t.Fatalf("%d points, want %d", len(curve), DeletionSteps+1)
	}
	prob := func(img []float32) float64 {
		logits := m.Forward(ml.FromData(append([]float32(nil), img...), 1, 1, Side, Side)).Data
		return math.Exp(logProb(logits, 3))
	}
	if want := prob(x); math.Abs(curve[0]-want) > 1e-5 {
		t.Errorf("nothing removed: %v, want the input's %v", curve[0], want)
	}
	if want := prob(make([]float32, Pixels)); math.Abs(curve[DeletionSteps]-want) > 1e-5 {
		t.Errorf("everything removed: %v, want the black image's %v", curve[DeletionSteps], want)
	}
	if _, err := d.Curve(x[:10], rank, 3); err == nil {
		t.Error("a short input gave no error")
	}
	if _, err := d.Curve(x, rank, 12); err == nil {
		t.Error("class 12 gave no error")
	}
}

func TestAUC(t *testing.T) {
	for _, c := range []struct {
		curve []float64
		want  float64
	}{
		{[]float64{1, 1, 1}, 1},
		{[]float64{1, 0}, 0.5},
		{[]float64{1, 0, 0, 0, 0}, 0.125},
		{[]float64{0.5}, 0},
	} {
		if got := AUC(c.curve); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("AUC(%v) = %v, want %v", c.curve, got, c.want)
		}
	}
}

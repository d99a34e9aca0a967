package trainer

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/ml/explain"
)

// DeletionScore is one ranking's deletion test over many images: the mean curve (the explained
// class's probability after removing 0, 5, …, 100 % of each garment's pixels) and its area.
type DeletionScore struct {
	Name  string
	Curve []float64
	AUC   float64
	// Ms is the median time of one explanation natively (0 for the baselines).
	Ms float64
}

// DeletionResult is the deletion test of every method and of the two baselines.
type DeletionResult struct {
	Images    int
	Methods   []DeletionScore // Grad-CAM at blocks 1–4, integrated gradients, occlusion, stepwise occlusion
	Random    DeletionScore   // pixels removed in a random order
	Intensity DeletionScore   // the brightest pixels first
	// Integrated gradients' steps (median and most) and completeness error (largest).
	IGMedianSteps, IGMaxSteps int
	IGMaxError                float64
}

// Best is the method with the smallest deletion AUC.
func (r DeletionResult) Best() DeletionScore {
	return slices.MinFunc(r.Methods, func(a, b DeletionScore) int {
		switch {
		case a.AUC < b.AUC:
			return -1
		case a.AUC > b.AUC:
			return 1
		}
		return 0
	})
}

func (r DeletionResult) String() string {
	var b strings.Builder
	for _, s := range append(slices.Clone(r.Methods), r.Random, r.Intensity) {
		fmt.Fprintf(&b, "%s %.3f", s.Name, s.AUC)
		if s.Ms > 0 {
			fmt.Fprintf(&b, " (%.2f ms)", s.Ms)
		}
		b.WriteString("; ")
	}
	fmt.Fprintf(&b, "integrated gradients: median %d steps (most %d), completeness error ≤ %.2f%%",
		r.IGMedianSteps, r.IGMaxSteps, 100*r.IGMaxError)
	return b.String()
}

// deletionMethods are the explanations the benchmark ranks pixels by, in DeletionResult order.
var deletionMethods = [methods]explain.Options{
	{Method: explain.GradCAM, Block: 1}, {Method: explain.GradCAM, Block: 2},
	{Method: explain.GradCAM, Block: 3}, {Method: explain.GradCAM, Block: 4},
	{Method: explain.IntegratedGradients}, {Method: explain.Occlusion}, {Method: explain.StepwiseOcclusion},
}

// methods is how many explanations the benchmark compares.
const methods = 7

func methodLabel(o explain.Options) string {
	if o.Method == explain.GradCAM {
		return fmt.Sprintf("Grad-CAM, block %d", o.Block)
	}
	return o.Method.Name()
}

// DeletionBenchmark runs the deletion test on the first n images of test: each image's
// predicted class is explained by every method, and its garment's pixels are removed in the
// order of each map, of a random order (from rng) and of their intensity. The images are shared
// among the cores; progress, if not nil, hears how many are done.
func DeletionBenchmark(m *ml.FashionNet, test *dataset.Fashion, n int, rng *rand.Rand, progress func(done, total int)) (DeletionResult, error) {
	n = min(n, test.Len())
	if n < 1 {
		return DeletionResult{}, fmt.Errorf("deletion benchmark: no images")
	}
	const random, intensity = methods, methods + 1 // the baselines' rankings, after the methods'
	type perImage struct {
		curves [methods + 2][]float64
		ms     [methods]float64
		steps  int
		igErr  float64
	}
	results := make([]perImage, n)
	seeds := make([]uint64, n) // drawn up front, so the result does not depend on the cores
	for i := range seeds {
		seeds[i] = rng.Uint64()
	}
	workers := runtime.GOMAXPROCS(0)
	var mu sync.Mutex
	var firstErr error
	done := 0
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, del := explain.New(m), explain.NewDeletion(m)
			x := make([]float32, explain.Pixels)
			for i := w; i < n; i += workers {
				test.Image(x, i, false, 0, 0)
				class := del.Predict(x)
				r := &results[i]
				for j, o := range deletionMethods {
					o.Class = class
					start := time.Now()
					ex, err := e.Explain(x, o)
					r.ms[j] = float64(time.Since(start).Microseconds()) / 1000
					if err == nil {
						r.curves[j], err = del.Curve(x, ex.Map[:], class)
					}
					if err != nil {
						mu.Lock()
						firstErr = err
						mu.Unlock()
						return
					}
					if o.Method == explain.IntegratedGradients {
						r.steps, r.igErr = ex.Steps, ex.CompletenessError
					}
				}
				noise := make([]float32, explain.Pixels)
				pcg := rand.New(rand.NewPCG(seeds[i], 0))
				for p := range noise {
					noise[p] = pcg.Float32()
				}
				r.curves[random], _ = del.Curve(x, noise, class)
				r.curves[intensity], _ = del.Curve(x, x, class)
				mu.Lock()
				done++
				if progress != nil {
					progress(done, n)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return DeletionResult{}, firstErr
	}
	score := func(name string, k int) DeletionScore {
		s := DeletionScore{Name: name, Curve: make([]float64, explain.DeletionSteps+1)}
		var ms []float64
		for _, r := range results {
			for t, v := range r.curves[k] {
				s.Curve[t] += v / float64(n)
			}
			if k < methods {
				ms = append(ms, r.ms[k])
			}
		}
		s.AUC = explain.AUC(s.Curve)
		if len(ms) > 0 {
			slices.Sort(ms)
			s.Ms = ms[len(ms)/2]
		}
		return s
	}
	out := DeletionResult{Images: n, Random: score("random order", random), Intensity: score("intensity", intensity)}
	for j, o := range deletionMethods {
		out.Methods = append(out.Methods, score(methodLabel(o), j))
	}
	steps := make([]int, n)
	for i, r := range results {
		steps[i] = r.steps
		out.IGMaxError = max(out.IGMaxError, r.igErr)
	}
	slices.Sort(steps)
	out.IGMedianSteps, out.IGMaxSteps = steps[n/2], steps[n-1]
	return out, nil
}

package drawings

import (
	"math/rand/v2"
	"runtime"
	"sync"

	"lookbook/ml/dataset"
	"lookbook/ml/pad"
	"lookbook/ml/prep"
	"lookbook/ml/sketch"
	"lookbook/pretrained/sketches"
)

// BenchBrushes are the page's brush sizes that outlines and sketches are drawn with: the
// thinnest, the default and the thickest.
var BenchBrushes = []int{1, pad.DefaultBrush, pad.Brushes}

// Set is a named benchmark set: prepared 28×28 images and their labels.
type Set struct {
	Name string
	Data *dataset.Fashion
}

// BenchImages is how many test images the benchmark draws as outlines and silhouettes:
// enough for a stable figure (±0.7 % at 90 % for silhouettes, less for the 3 outlines of
// each), few enough for make test.
const BenchImages = 2000

// BenchStyle is how the benchmark's outlines are drawn: a tracing that fills most of the pad,
// with small jitter.
func BenchStyle(brush int) Style {
	return Style{Radius: pad.BrushRadius(brush), Size: 0.8, Jitter: 0.25, Tolerance: 0.5}
}

// Outlines draws the first n images of data as outlines at each of BenchBrushes (n·3
// drawings, image-major), deterministically.
func Outlines(data *dataset.Fashion, n int) *dataset.Fashion {
	n = min(n, data.Len())
	return build(n*len(BenchBrushes), func(k int) (prep.Result, byte, bool) {
		i, b := k/len(BenchBrushes), BenchBrushes[k%len(BenchBrushes)]
		rng := rand.New(rand.NewPCG(uint64(i), uint64(b)))
		strokes := Outline(image(data, i), BenchStyle(b), rng)
		r, err := prep.Prepare(pad.Render(nil, strokes))
		return r, data.Labels[i], strokes != nil && err == nil
	})
}

// Silhouettes fills the first n images of data flat.
func Silhouettes(data *dataset.Fashion, n int) *dataset.Fashion {
	n = min(n, data.Len())
	return build(n, func(i int) (prep.Result, byte, bool) {
		r, err := prep.Prepare(Silhouette(image(data, i), 0.8, 0))
		return r, data.Labels[i], err == nil
	})
}

// SketchSet draws the sketches at each of BenchBrushes (sketch-major).
func SketchSet(drawn []sketch.Sketch) *dataset.Fashion {
	return build(len(drawn)*len(BenchBrushes), func(k int) (prep.Result, byte, bool) {
		s, b := drawn[k/len(BenchBrushes)], BenchBrushes[k%len(BenchBrushes)]
		r, err := prep.Prepare(pad.Render(nil, s.Render(pad.BrushRadius(b))))
		return r, byte(s.Class), err == nil
	})
}

// Benchmark is the drawing benchmark on the first n images of the test set: outlines,
// silhouettes and the hand-written sketches (all of them, then the held-out part alone).
func Benchmark(test *dataset.Fashion, n int) ([]Set, error) {
	drawn, err := sketches.All()
	if err != nil {
		return nil, err
	}
	all := SketchSet(drawn)
	var heldout []int // the held-out sketches' drawings, a part of all (sketch-major)
	for k, s := range drawn {
		if s.Heldout {
			for b := range BenchBrushes {
				heldout = append(heldout, k*len(BenchBrushes)+b)
			}
		}
	}
	return []Set{
		{"outlines", Outlines(test, n)},
		{"silhouettes", Silhouettes(test, n)},
		{"sketches", all},
		{"sketches (held out)", all.Subset(heldout)},
	}, nil
}

func image(data *dataset.Fashion, i int) []byte { return data.Pixels[i*side*side : (i+1)*side*side] }

// build makes n drawings with draw, on every core, in index order. A drawing that comes out
// blank (draw's ok false) stays in the set as a black image, so it counts as a miss.
func build(n int, draw func(i int) (prep.Result, byte, bool)) *dataset.Fashion {
	out := &dataset.Fashion{Pixels: make([]byte, n*side*side), Labels: make([]byte, n)}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				r, label, ok := draw(i)
				out.Labels[i] = label
				if ok {
					copy(out.Pixels[i*side*side:], r.View[:])
				}
			}
		}()
	}
	wg.Wait()
	return out
}

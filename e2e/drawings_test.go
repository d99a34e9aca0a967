package e2e

import (
	"math"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lookbook/ml"
	"lookbook/ml/pad"
	"lookbook/ml/prep"
	"lookbook/ml/sketch"
	"lookbook/pretrained/sketches"
)

// sketchByName returns the benchmark's sketch of that name.
func sketchByName(t *testing.T, name string) sketch.Sketch {
	t.Helper()
	all, err := sketches.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no sketch named %s", name)
	return sketch.Sketch{}
}

// drawSketch draws a sketch's strokes with the mouse on the pad marked testid, pausing at each
// corner for longer than a frame: the stage reads the pointer once a frame (every 100 ms or so
// with software WebGL), and a corner it never sees is cut.
func (a *app) drawSketch(testid string, s sketch.Sketch) {
	a.t.Helper()
	for _, stroke := range s.Strokes {
		pts := make([][2]float64, len(stroke))
		for i, p := range stroke {
			pts[i] = [2]float64{p.X, p.Y}
		}
		a.strokeEvery(testid, 150*time.Millisecond, pts...)
	}
}

// TestSketchesDrawnWithTheMouse draws hand-written sketches of the drawing benchmark with the
// mouse on the pad, at the default brush, as a visitor would, and checks that the page names
// the garment, and sees about the same 28×28 image as the benchmark's pipeline (pad, prep).
func TestSketchesDrawnWithTheMouse(t *testing.T) {
	a := visit(t, "")
	// Held-out sketches of three classes, chosen when this test was written, before any
	// training; the benchmark measures all of them.
	for _, name := range []string{"sneaker-7", "dress-8", "bag-7"} {
		s := sketchByName(t, name)
		before := a.state()
		if before.HasInput {
			a.run(chromedp.Click(`[data-testid="clear"]`, chromedp.ByQuery))
			before = a.waitChange(before.Version)
		}
		a.drawSketch("region-pad", s)
		got := a.waitChange(before.Version)
		want := ml.FashionNetClasses[s.Class]
		if got.Label != want {
			t.Errorf("%s: the page says %s (%.0f%%), want %s", name, got.Label, 100*got.Probabilities[got.Index], want)
		} else {
			t.Logf("%s: %s (%.0f%%)", name, got.Label, 100*got.Probabilities[got.Index])
		}
		// The page sees the drawing through the mouse (CSS pixels, the pointer sampled once a
		// frame), so its 28×28 image can differ from the benchmark's at the edges: a pixel's
		// shift after prep's crop and centring, a column of scale. The bound (at the best
		// one-pixel shift) still fails for a blank pad or a different drawing.
		r, err := prep.Prepare(pad.Render(nil, s.Render(pad.BrushRadius(pad.DefaultBrush))))
		if err != nil {
			t.Fatal(err)
		}
		if d := shiftedDifference(r.View[:], got.View28); d > 20 {
			t.Errorf("%s: the page's image differs from the benchmark's by %.1f on average (of 255), at the best one-pixel shift", name, d)
		}
		a.screenshot("02-sketch-" + name)
	}
}

// shiftedDifference is the smallest mean absolute difference between two 28×28 images over
// shifts of up to one pixel each way (pixels shifted in from outside count as black).
func shiftedDifference(a []byte, b []int) float64 {
	best := math.Inf(1)
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			var sum float64
			for y := 0; y < prep.Side; y++ {
				for x := 0; x < prep.Side; x++ {
					var v int
					if sx, sy := x+dx, y+dy; sx >= 0 && sy >= 0 && sx < prep.Side && sy < prep.Side {
						v = b[sy*prep.Side+sx]
					}
					sum += math.Abs(float64(int(a[y*prep.Side+x]) - v))
				}
			}
			best = min(best, sum/float64(prep.Side*prep.Side))
		}
	}
	return best
}

package pad

import (
	"math"
	"testing"

	"lookbook/ml/prep"
)

func TestBrushRadius(t *testing.T) {
	for b, want := range map[int]float64{1: 3, DefaultBrush: 6, Brushes: 9} {
		if got := BrushRadius(b); got != want {
			t.Errorf("BrushRadius(%d) = %g, want %g", b, got, want)
		}
	}
}

// TestDrawLine checks a horizontal stroke: full ink on its centre line along its length,
// nothing beyond its radius, and soft edges only within a pixel of the radius.
func TestDrawLine(t *testing.T) {
	g := Render(nil, []Stroke{{Points: []Point{{0.25, 0.5}, {0.75, 0.5}}, Radius: 4}})
	at := func(x, y int) float32 { return g.Pix[y*Res+x] }
	for x := Res / 4; x < 3*Res/4; x++ {
		if v := at(x, Res/2); v != 1 {
			t.Fatalf("centre line at x=%d: %v, want 1", x, v)
		}
		if v := at(x, Res/2+6); v != 0 {
			t.Fatalf("6 pixels below the line at x=%d: %v, want 0", x, v)
		}
	}
	for y := 0; y < Res; y++ {
		for x := 0; x < Res; x++ {
			// Distance from the pixel's centre to the segment.
			cx, cy := float64(x)+0.5, float64(y)+0.5
			px := math.Min(math.Max(cx, 0.25*Res), 0.75*Res)
			d := math.Hypot(cx-px, cy-0.5*Res)
			v := at(x, y)
			if d > 4.5+1e-9 && v != 0 || d < 3.5-1e-9 && v != 1 {
				t.Fatalf("pixel (%d, %d) at distance %.2f: %v", x, y, d, v)
			}
		}
	}
}

// TestRenderBackground checks that a 28×28 picture fills the pad under the strokes, which
// draw as the maximum of ink and picture.
func TestRenderBackground(t *testing.T) {
	var bg [prep.Side * prep.Side]byte
	bg[0] = 255                    // the top-left pixel: a 4×4 block of the pad
	bg[prep.Side*prep.Side-1] = 51 // the bottom-right one, at 0.2
	g := Render(&bg, []Stroke{{Points: []Point{{0.99, 0.99}}, Radius: 0.2}})
	if g.Pix[0] != 1 || g.Pix[3*Res+3] != 1 || g.Pix[4] != 0 {
		t.Errorf("top-left block: %v %v %v, want 1 1 0", g.Pix[0], g.Pix[3*Res+3], g.Pix[4])
	}
	if v := g.Pix[(Res-4)*Res+Res-4]; v != 0.2 {
		t.Errorf("bottom-right block: %v, want 0.2", v)
	}
}

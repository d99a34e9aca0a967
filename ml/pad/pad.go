// Package pad is the drawing pad without the browser: strokes in pad coordinates, the brush
// sizes the page offers, and the rasteriser that turns strokes (over an optional picture) into
// the grayscale image that prep then prepares. The page, the drawing benchmark and the
// trainer's drawing augmentation all draw through it, so a benchmark drawing is exactly what a
// mouse on the pad would give.
package pad

import (
	"math"

	"lookbook/ml/prep"
)

// Res is the pad's internal resolution: strokes are rasterised at Res×Res pixels.
const Res = 112

// Brushes is the number of brush sizes the page offers (1 to Brushes); DefaultBrush is the
// page's starting size.
const (
	Brushes      = 5
	DefaultBrush = 3
)

// BrushRadius is the radius, in pad pixels, of brush size b (1 to Brushes).
func BrushRadius(b int) float64 { return 1.5 + 1.5*float64(b) }

// Point is a position on the pad, (0, 0) top left and (1, 1) bottom right.
type Point struct{ X, Y float64 }

// Stroke is one press-move-release of the pointer.
type Stroke struct {
	Points []Point
	Radius float64 // in pad pixels
}

// Render rasterises the strokes over background (a 28×28 picture scaled up, or nil for the
// empty pad) into a Res×Res grayscale image: light ink on black, as the page shows it.
func Render(background *[prep.Side * prep.Side]byte, strokes []Stroke) *prep.Gray {
	g := &prep.Gray{W: Res, H: Res, Pix: make([]float32, Res*Res)}
	if background != nil {
		for y := 0; y < Res; y++ {
			for x := 0; x < Res; x++ {
				g.Pix[y*Res+x] = float32(background[(y*prep.Side/Res)*prep.Side+x*prep.Side/Res]) / 255
			}
		}
	}
	for _, s := range strokes {
		Draw(g, s)
	}
	return g
}

// Draw paints a stroke into g as round dabs along its segments, with soft (one-pixel) edges.
func Draw(g *prep.Gray, s Stroke) {
	dab := func(cx, cy float64) {
		r := s.Radius
		for y := int(cy - r - 1); y <= int(cy+r+1); y++ {
			for x := int(cx - r - 1); x <= int(cx+r+1); x++ {
				if x < 0 || y < 0 || x >= g.W || y >= g.H {
					continue
				}
				d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
				v := float32(min(max(r+0.5-d, 0), 1))
				g.Pix[y*g.W+x] = max(g.Pix[y*g.W+x], v)
			}
		}
	}
	pts := s.Points
	for i, p := range pts {
		px, py := p.X*float64(g.W), p.Y*float64(g.H)
		if i == 0 {
			dab(px, py)
			continue
		}
		qx, qy := pts[i-1].X*float64(g.W), pts[i-1].Y*float64(g.H)
		steps := int(math.Hypot(px-qx, py-qy)/(s.Radius*0.4)) + 1
		for t := 1; t <= steps; t++ {
			f := float64(t) / float64(steps)
			dab(qx+(px-qx)*f, qy+(py-qy)*f)
		}
	}
}

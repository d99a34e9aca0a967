// Package drawings is the drawing domain: what people draw on the pad instead of product
// photographs. It turns Fashion-MNIST images into the outlines a person tracing them would
// draw and into flat silhouettes, renders hand-written sketches, builds the drawing benchmark,
// and augments training images into drawings. Every drawing goes through the page's own code
// (wasm/pad's rasteriser, then wasm/prep), so the model is trained and measured on exactly
// what a mouse on the pad gives it.
package drawings

import (
	"math"
	"math/rand/v2"
	"slices"

	"lookbook/ml/pad"
	"lookbook/ml/prep"
)

const side = prep.Side // Fashion-MNIST images are side×side bytes

// Style is how a person draws an outline on the pad.
type Style struct {
	Radius    float64 // brush radius in pad pixels (pad.BrushRadius gives the page's sizes)
	Size      float64 // the drawing's longer side, as a fraction of the pad
	Jitter    float64 // standard deviation of each corner's displacement, in image pixels
	Tolerance float64 // how far (image pixels) the straight strokes may cut corners
	Rotate    float64 // radians, clockwise
	Gap       float64 // fraction of each closed line left undrawn at its end
	Inner     bool    // also draw inner lines: the boundaries of the brighter parts
}

// garmentLevel is the level above which a pixel of img belongs to the garment: a fixed share
// of the brightest pixel, so dark garments have a silhouette too.
func garmentLevel(img []byte) float64 { return max(8, 0.12*float64(slices.Max(img))) }

// Outline returns the strokes that trace img (28×28 bytes) in style st: its silhouette's
// boundary and the boundaries of its holes, simplified into straight strokes, placed in the
// middle of the pad and jittered by rng. It returns nil for an empty image.
func Outline(img []byte, st Style, rng *rand.Rand) []pad.Stroke {
	level := garmentLevel(img)
	lines := keepLong(Contours(img, side, side, level), 4)
	if st.Inner {
		lines = append(lines, keepLong(Contours(img, side, side, max(level, 0.55*float64(slices.Max(img)))), 10)...)
	}
	if len(lines) == 0 {
		return nil
	}
	place := newPlacement(lines, st)
	strokes := make([]pad.Stroke, 0, len(lines))
	for _, line := range lines {
		// Start at a random corner, as people do, then close the line unless a gap is asked for.
		start := rng.IntN(len(line))
		closed := append(append(append([]Vec(nil), line[start:]...), line[:start]...), line[start])
		pts := Simplify(closed, st.Tolerance)
		if st.Gap > 0 {
			pts = pts[:max(2, len(pts)-int(math.Round(st.Gap*float64(len(pts)))))]
		}
		s := pad.Stroke{Radius: st.Radius, Points: make([]pad.Point, len(pts))}
		for i, p := range pts {
			p.X += rng.NormFloat64() * st.Jitter
			p.Y += rng.NormFloat64() * st.Jitter
			s.Points[i] = place.toPad(p)
		}
		strokes = append(strokes, s)
	}
	return strokes
}

// keepLong drops lines shorter than minLength pixels (specks of texture).
func keepLong(lines [][]Vec, minLength float64) [][]Vec {
	var out [][]Vec
	for _, l := range lines {
		if len(l) >= 3 && Length(l) >= minLength {
			out = append(out, l)
		}
	}
	return out
}

// placement maps image coordinates onto the pad: the lines' bounding box is rotated about
// its centre and scaled so that its longer side is Size of the pad, in the pad's middle.
type placement struct {
	cx, cy, scale, cos, sin float64
}

func newPlacement(lines [][]Vec, st Style) placement {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, l := range lines {
		for _, p := range l {
			x0, y0, x1, y1 = min(x0, p.X), min(y0, p.Y), max(x1, p.X), max(y1, p.Y)
		}
	}
	return placement{cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, scale: st.Size / max(x1-x0, y1-y0, 1), cos: math.Cos(st.Rotate), sin: math.Sin(st.Rotate)}
}

func (pl placement) toPad(p Vec) pad.Point {
	dx, dy := p.X-pl.cx, p.Y-pl.cy
	return pad.Point{X: 0.5 + pl.scale*(pl.cos*dx-pl.sin*dy), Y: 0.5 + pl.scale*(pl.sin*dx+pl.cos*dy)}
}

// Silhouette returns img binarised at its garment level and filled flat, as a flat icon of
// it would look: a pad-sized grayscale picture, the garment's longer side size of the pad,
// turned by rotate radians.
func Silhouette(img []byte, size, rotate float64) *prep.Gray {
	return silhouetteAt(img, garmentLevel(img), size, rotate)
}

func silhouetteAt(img []byte, level, size, rotate float64) *prep.Gray {
	mask := fillSmallHoles(img, level, 6)
	g := &prep.Gray{W: pad.Res, H: pad.Res, Pix: make([]float32, pad.Res*pad.Res)}
	scale := size * pad.Res / side // pad pixels per image pixel
	cos, sin := math.Cos(rotate), math.Sin(rotate)
	for y := 0; y < pad.Res; y++ {
		for x := 0; x < pad.Res; x++ {
			// Back from the pad pixel's centre to the image, turned the other way.
			dx, dy := (float64(x)+0.5-pad.Res/2)/scale, (float64(y)+0.5-pad.Res/2)/scale
			ix, iy := int(math.Floor(cos*dx+sin*dy+side/2)), int(math.Floor(-sin*dx+cos*dy+side/2))
			if ix >= 0 && iy >= 0 && ix < side && iy < side && mask[iy*side+ix] {
				g.Pix[y*pad.Res+x] = 1
			}
		}
	}
	return g
}

// Augment turns a training image into a random drawing of it (an outline in a random style,
// or a flat silhouette), prepared as the page prepares drawings. ok is false when the drawing
// came out blank, and the caller keeps the photograph.
func Augment(img []byte, rng *rand.Rand) (r prep.Result, ok bool) {
	rotate := rng.NormFloat64() * 0.12
	var g *prep.Gray
	if rng.Float64() < 0.3 {
		level := garmentLevel(img) * (0.5 + 2.5*rng.Float64())
		g = silhouetteAt(img, level, 0.5+0.45*rng.Float64(), rotate)
	} else {
		st := Style{
			Radius:    2.5 + 7.5*rng.Float64(),
			Size:      0.45 + 0.5*rng.Float64(),
			Jitter:    0.6 * rng.Float64(),
			Tolerance: 0.3 + 1.7*rng.Float64(),
			Rotate:    rotate,
			Inner:     rng.Float64() < 0.35,
		}
		if rng.Float64() < 0.4 {
			st.Gap = 0.2 * rng.Float64()
		}
		strokes := Outline(img, st, rng)
		if strokes == nil {
			return prep.Result{}, false
		}
		g = pad.Render(nil, strokes)
	}
	r, err := prep.Prepare(g)
	return r, err == nil
}

// fillSmallHoles returns img's garment mask (pixels above level) with the enclosed holes of
// at most maxArea pixels filled: dark print and texture, not the real openings of a bag's
// handle or between a sandal's straps.
func fillSmallHoles(img []byte, level float64, maxArea int) []bool {
	mask := make([]bool, side*side)
	for i, v := range img {
		mask[i] = float64(v) > level
	}
	seen := make([]bool, side*side)
	for start := range mask {
		if mask[start] || seen[start] {
			continue
		}
		// Flood one background region (4-connected), noting whether it reaches the border.
		region, border := []int{start}, false
		seen[start] = true
		for k := 0; k < len(region); k++ {
			i := region[k]
			x, y := i%side, i/side
			border = border || x == 0 || y == 0 || x == side-1 || y == side-1
			for _, d := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
				nx, ny := x+d[0], y+d[1]
				if nx < 0 || ny < 0 || nx >= side || ny >= side {
					continue
				}
				if j := ny*side + nx; !mask[j] && !seen[j] {
					seen[j] = true
					region = append(region, j)
				}
			}
		}
		if !border && len(region) <= maxArea {
			for _, i := range region {
				mask[i] = true
			}
		}
	}
	return mask
}

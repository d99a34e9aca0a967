//go:build js && wasm

package main

import (
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"

	"lookbook/ml/explain"
	"lookbook/ml/pad"
	"lookbook/ml/prep"
	"lookbook/wasm/layout"
)

// whyOverlay draws Classify's explanation over the pad and over the model's view: orange where
// a pixel speaks for the class, blue where it speaks against it, more opaque the more it counts.
// Orange against blue stays apart for every common colour-vision deficiency (they differ in
// lightness as well as hue), where red against green would not.
type whyOverlay struct {
	pad, view       *ebiten.Image // pad.Res² and 28², transparent where nothing counts
	drawnWhy        int           // Why.Version shown
	drawnVersion    int           // App.Version shown (the pad's picture may have moved)
	pixPad, pixView []byte
}

var (
	whyFor     = color.RGBA{0xff, 0x8c, 0x1a, 0xff}
	whyAgainst = color.RGBA{0x3d, 0x9b, 0xff, 0xff}
)

// whyStrongest bounds the overlay's opacity, so the drawing stays visible under it.
const whyStrongest = 0.8

func newWhyOverlay() *whyOverlay {
	return &whyOverlay{pad: ebiten.NewImage(pad.Res, pad.Res), view: ebiten.NewImage(prep.Side, prep.Side),
		drawnWhy: -1, drawnVersion: -1,
		pixPad: make([]byte, 4*pad.Res*pad.Res), pixView: make([]byte, 4*prep.Side*prep.Side)}
}

// shown reports whether there is an explanation to draw: the current input's, or while a
// stroke outruns a slow method, the last one (hiding it between explanations would flicker).
func (o *whyOverlay) shown(a *App) bool {
	return a.Why.On && a.Why.HasShown && a.HasInput
}

// refresh repaints the overlays when the explanation or the pad changed.
func (o *whyOverlay) refresh(a *App) {
	if o.drawnWhy == a.Why.Version && o.drawnVersion == a.Version {
		return
	}
	o.drawnWhy, o.drawnVersion = a.Why.Version, a.Version
	m := &a.Why.Shown.Map
	var peak float32
	for _, v := range m {
		peak = max(peak, float32(math.Abs(float64(v))))
	}
	if peak == 0 {
		peak = 1
	}
	// The model's view: the input's middle 28×28.
	for y := 0; y < prep.Side; y++ {
		for x := 0; x < prep.Side; x++ {
			paint(o.pixView[4*(y*prep.Side+x):], m[(y+2)*explain.Side+x+2]/peak)
		}
	}
	o.view.WritePixels(o.pixView)
	// The pad: each of its pixels mapped back to the input through the frame the input was
	// cut with (the strokes' raster), or the view itself when the pad shows only a picture.
	frame := a.Result.Frame
	if a.raster == nil {
		frame = prep.Frame{W: pad.Res, H: pad.Res, StepX: pad.Res / prep.Side, StepY: pad.Res / prep.Side}
	}
	for py := 0; py < pad.Res; py++ {
		for px := 0; px < pad.Res; px++ {
			vx, vy := frame.ToView(float64(px)+0.5, float64(py)+0.5)
			paint(o.pixPad[4*(py*pad.Res+px):], sample(m, vx+2, vy+2)/peak)
		}
	}
	o.pad.WritePixels(o.pixPad)
}

// sample reads the map bilinearly at (x, y) in input pixels (pixel centres at +0.5); 0 outside.
func sample(m *[explain.Pixels]float32, x, y float64) float32 {
	if x < 0 || y < 0 || x >= explain.Side || y >= explain.Side {
		return 0
	}
	x, y = x-0.5, y-0.5
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	at := func(i, j int) float32 {
		i, j = min(max(i, 0), explain.Side-1), min(max(j, 0), explain.Side-1)
		return m[j*explain.Side+i]
	}
	top := at(x0, y0)*(1-fx) + at(x0+1, y0)*fx
	bottom := at(x0, y0+1)*(1-fx) + at(x0+1, y0+1)*fx
	return top*(1-fy) + bottom*fy
}

// paint writes the premultiplied colour of t (−1 against … 1 for) into p[0:4].
func paint(p []byte, t float32) {
	c := whyFor
	if t < 0 {
		c, t = whyAgainst, -t
	}
	alpha := whyStrongest * float32(math.Pow(float64(min(t, 1)), 0.8))
	p[0], p[1], p[2], p[3] = byte(float32(c.R)*alpha), byte(float32(c.G)*alpha), byte(float32(c.B)*alpha), byte(255*alpha)
}

// draw draws the overlays over the pad and the model's view (the regions they are drawn in).
func (o *whyOverlay) draw(screen *ebiten.Image, a *App, padRect, viewRect layout.Rect, scale float64) {
	if !o.shown(a) {
		return
	}
	o.refresh(a)
	for _, d := range []struct {
		img  *ebiten.Image
		r    layout.Rect
		side float64
	}{{o.pad, padRect, pad.Res}, {o.view, viewRect, prep.Side}} {
		if d.r.W <= 0 {
			continue
		}
		op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
		op.GeoM.Scale(d.r.W*scale/d.side, d.r.H*scale/d.side)
		op.GeoM.Translate(d.r.X*scale, d.r.Y*scale)
		screen.DrawImage(d.img, op)
	}
}

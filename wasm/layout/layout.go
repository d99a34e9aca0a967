// Package layout computes where every part of the page sits from the window size, for wide
// screens and phones: the DOM places its panels and placeholders, and the stage draws, from
// the same numbers, so the two always agree.
package layout

import (
	"fmt"

	"lookbook/wasm/share"
)

// Rect is a region of the page in CSS pixels.
type Rect struct{ X, Y, W, H float64 }

// Contains reports whether (x, y) lies inside r.
func (r Rect) Contains(x, y float64) bool { return x >= r.X && y >= r.Y && x < r.X+r.W && y < r.Y+r.H }

// CSS positions a DOM element exactly over r.
func (r Rect) CSS() string {
	return fmt.Sprintf("left:%.0fpx;top:%.0fpx;width:%.0fpx;height:%.0fpx", r.X, r.Y, r.W, r.H)
}

// Layout is where each part of every view sits (the Classify pad and panel, the Map's area
// and corner pad, the Faces gallery and strip), in CSS pixels. Wide windows put the pad left
// and the panel right; narrow ones (phones) stack them.
type Layout struct {
	Width, Height float64
	Wide          bool
	Pad           Rect // the drawing pad (stage)
	Panel         Rect // controls and probabilities (DOM)
	ModelView     Rect // the 28×28 image the model sees (stage)
	Cutout        Rect // an uploaded photo with the garment it was cut down to (stage)
	Features      Rect // feature maps of the four conv blocks (stage)
	// WhyPanel holds the explanation's controls and caption (DOM) on wide windows, under the
	// model's view and feature maps, while "Why?" is on (see WithWhy); zero otherwise, and on
	// phones, where they flow in the panel.
	WhyPanel Rect

	// The Faces view.
	FacesPanel Rect // controls (DOM)
	Gallery    Rect // 10×10 decoded gallery faces (stage)
	Preview    Rect // the face at the slider's α (stage)
	Strip      Rect // α = 0, 0.2, …, 1 (stage)
	Samples    Rect // faces sampled from the prior (stage)
	Own        Rect // your face and its reconstruction (stage)

	// The Map view.
	MapPanel Rect // controls, legend, confusion matrix, neighbours (DOM)
	MapArea  Rect // the scatter plot (stage)
	MapPad   Rect // a small drawing pad inset in the plot's corner (stage)
}

// TopBar is the height of the page's header, in CSS pixels.
const TopBar = 56

// margin is the space between a wide window's edges and its regions, in CSS pixels.
const margin = 20

// Compute lays out a window of w×h CSS pixels.
func Compute(w, h float64) Layout {
	l := Layout{Width: w, Height: h, Wide: w >= 860}
	const m = margin
	l.layoutFaces(w, h)
	l.layoutMap(w, h)
	if l.Wide {
		side := min(h-TopBar-2*m, (w-3*m)*0.5)
		side = max(side, 200)
		l.Pad = Rect{m, TopBar + m, side, side}
		px := l.Pad.X + side + m
		l.Panel = Rect{px, TopBar + m, w - px - m, h - TopBar - 2*m}
		// Inside the panel, below the two rows of controls and the bars: the model's view and
		// feature maps (a browser test checks that the panel's text stays above them).
		mv := min(112, l.Panel.W*0.3)
		top := l.Panel.Y + 380
		l.ModelView = Rect{l.Panel.X, top, mv, mv}
		l.Features = Rect{l.Panel.X + mv + m, top, l.Panel.W - mv - m, max(0, min(h-top-m, 200))}
		cs := min(160, side*0.35)
		l.Cutout = Rect{l.Pad.X + side - cs - 6, l.Pad.Y + 6, cs, cs} // inset in the pad's corner
		return l
	}
	side := min(w-2*m, (h-TopBar)*0.45)
	l.Pad = Rect{(w - side) / 2, TopBar + 12, side, side}
	l.Panel = Rect{m, l.Pad.Y + side + 12, w - 2*m, h - (l.Pad.Y + side + 12) - 8}
	mv := 56.0
	l.ModelView = Rect{l.Pad.X + side - mv - 6, l.Pad.Y + 6, mv, mv} // inset in the pad's corner
	l.Cutout = Rect{l.Pad.X + 6, l.Pad.Y + 6, mv, mv}                // and the other corner
	return l
}

// WithWhy is l with room for the explanation's panel: on wide windows the feature maps give up
// half their height (each block's row stays legible) to the panel under them.
func (l Layout) WithWhy() Layout {
	if !l.Wide {
		return l
	}
	const featuresH = 104
	l.Features.H = min(l.Features.H, featuresH)
	top := l.ModelView.Y + max(l.ModelView.H, l.Features.H) + 12
	l.WhyPanel = Rect{l.Panel.X, top, l.Panel.W, max(0, l.Height-top-margin)}
	return l
}

func (l *Layout) layoutFaces(w, h float64) {
	const m = margin
	if l.Wide {
		x := l.sidebar(&l.FacesPanel, 300)
		side := max(200, min(h-TopBar-2*m, (w-x-m)*0.55))
		l.Gallery = Rect{x, TopBar + m, side, side}
		rx := x + side + m
		rw := w - rx - m
		pv := min(rw, h*0.4)
		stack(rx, TopBar+m, 30, sized{&l.Preview, pv, pv}, sized{&l.Strip, rw, rw / 6}, sized{&l.Samples, rw, rw / 6}, sized{&l.Own, rw / 3, rw / 6})
		return
	}
	// A column: the gallery, the strip and the samples, then the preview and your face beside
	// the panel. At most 11/6 of the gallery's side stacks up below the header (with the
	// preview a third of it), so short phones get a narrower column rather than cut-off faces.
	side := min(w-2*m, (h-TopBar-12-4*8-8)*6/11)
	x := (w - side) / 2
	pv := min(120, side/3)
	stack(x, TopBar+12, 8, sized{&l.Gallery, side, side}, sized{&l.Strip, side, side / 6}, sized{&l.Samples, side, side / 6},
		sized{&l.Preview, pv, pv}, sized{&l.Own, pv, pv / 2})
	l.FacesPanel = Rect{x + pv + m, l.Preview.Y, side - pv - m, h - l.Preview.Y - 8}
}

func (l *Layout) layoutMap(w, h float64) {
	const m = margin
	if l.Wide {
		x := l.sidebar(&l.MapPanel, 330)
		l.MapArea = Rect{x, TopBar + m, max(200, w-x-m), max(200, h-TopBar-2*m)}
		l.MapPad = bottomLeft(l.MapArea, min(170, l.MapArea.W*0.3, l.MapArea.H*0.3), 10)
		return
	}
	l.MapArea = Rect{8, TopBar + 8, w - 16, max(200, (h-TopBar)*0.55)}
	l.MapPad = bottomLeft(l.MapArea, min(110, l.MapArea.W*0.3), 6)
	y := l.MapArea.Y + l.MapArea.H + 8
	l.MapPanel = Rect{m, y, w - 2*m, h - y - 8}
}

// PadFor is the drawing pad of a view: the Classify pad, or the small one on the map.
func (l Layout) PadFor(v share.View) Rect {
	if v == share.Map {
		return l.MapPad
	}
	return l.Pad
}

// sized is a rectangle to place and its size.
type sized struct {
	r    *Rect
	w, h float64
}

// stack places rects one under the other, gap apart, the first at (x, top).
func stack(x, top, gap float64, rects ...sized) {
	for _, s := range rects {
		*s.r = Rect{x, top, s.w, s.h}
		top = top + s.h + gap
	}
}

// sidebar places panel as a wide window's left column, width wide and as tall as the window
// allows, and returns the x at which the rest of the view starts.
func (l Layout) sidebar(panel *Rect, width float64) float64 {
	*panel = Rect{margin, TopBar + margin, width, l.Height - TopBar - 2*margin}
	return margin + width + margin
}

// bottomLeft is a side×side square inset by inset in area's bottom-left corner.
func bottomLeft(area Rect, side, inset float64) Rect {
	return Rect{area.X + inset, area.Y + area.H - side - inset, side, side}
}

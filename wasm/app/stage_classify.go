//go:build js && wasm

package main

import (
	"image/color"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"lookbook/ml"
	"lookbook/ml/prep"
)

// classifyStage draws the Classify view: the pad, the 28×28 image the model sees and the
// feature maps of its four conv blocks.
type classifyStage struct {
	s            *stage
	view         *ebiten.Image    // the model's 28×28 input
	feats        [4]*ebiten.Image // one row of channels per conv block
	drawnVersion int              // App.Version the images show
	cut          *ebiten.Image    // the uploaded photo with its cut-out garment
	cutOf        *prep.Cutout     // the cut-out cut shows
	why          *whyOverlay      // the explanation over the pad and the view
}

// update turns pointer input on the pad, and dropped files, into the input, then explains the
// input if "Why?" is on and the explanation is not of it (once a frame, however many inputs a
// stroke made in it).
func (v *classifyStage) update(a *App) bool {
	changed := v.s.padInput(a)
	if a.Why.refresh() {
		changed = true
	}
	return changed
}

func (v *classifyStage) draw(screen *ebiten.Image, a *App) {
	if a.Layout.Pad.W == 0 {
		return
	}
	v.s.refreshPad(a)
	if v.drawnVersion != a.Version {
		v.refresh(a)
		v.drawnVersion = a.Version
	}
	sc := v.s.scale
	v.s.drawPad(screen, a.Layout.Pad)
	if mv := a.Layout.ModelView; mv.W > 0 && a.HasInput {
		vector.DrawFilledRect(screen, float32(mv.X*sc)-1, float32(mv.Y*sc)-1, float32(mv.W*sc)+2, float32(mv.H*sc)+2, accent, false)
		op := &ebiten.DrawImageOptions{}
		op.GeoM.Scale(mv.W*sc/prep.Side, mv.H*sc/prep.Side)
		op.GeoM.Translate(mv.X*sc, mv.Y*sc)
		screen.DrawImage(v.view, op)
	}
	v.why.draw(screen, a, a.Layout.Pad, a.Layout.ModelView, sc)
	v.drawFeatures(screen, a)
	v.drawCutout(screen, a)
}

// drawCutout shows an uploaded photo with the garment that was cut out of it at full colour
// and the rest dimmed, fitted into the Cutout region, while the pad shows that photo.
func (v *classifyStage) drawCutout(screen *ebiten.Image, a *App) {
	c, r := a.photo.shown(a), a.Layout.Cutout
	if c == nil || r.W <= 0 {
		return
	}
	if v.cutOf != c {
		if v.cut != nil {
			v.cut.Deallocate()
		}
		v.cut, v.cutOf = cutoutImage(c), c
	}
	sc := v.s.scale
	w, h := float64(c.Image.Rect.Dx()), float64(c.Image.Rect.Dy())
	k := min(r.W/w, r.H/h)
	x, y := r.X+(r.W-w*k)/2, r.Y+(r.H-h*k)/2
	vector.DrawFilledRect(screen, float32(x*sc)-1, float32(y*sc)-1, float32(w*k*sc)+2, float32(h*k*sc)+2, accent, false)
	op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
	op.GeoM.Scale(k*sc, k*sc)
	op.GeoM.Translate(x*sc, y*sc)
	screen.DrawImage(v.cut, op)
}

// cutoutImage paints the photo, dimming what is not the garment towards the pad's colour.
func cutoutImage(c *prep.Cutout) *ebiten.Image {
	w, h := c.Image.Rect.Dx(), c.Image.Rect.Dy()
	pix := make([]byte, 4*w*h)
	for i, in := range c.Mask {
		p := c.Image.Pix[4*i : 4*i+3]
		col := color.RGBA{p[0], p[1], p[2], 0xff}
		if !in {
			col = blend(col, padBackground, 0.75)
		}
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = col.R, col.G, col.B, 0xff
	}
	img := ebiten.NewImage(w, h)
	img.WritePixels(pix)
	return img
}

// refresh re-uploads the model's view and the feature maps after the input changed.
func (v *classifyStage) refresh(a *App) {
	vp := make([]byte, prep.Side*prep.Side*4)
	for i, b := range a.Result.View {
		vp[4*i], vp[4*i+1], vp[4*i+2], vp[4*i+3] = b, b, b, 0xff
	}
	v.view.WritePixels(vp)
	for b, t := range a.Blocks {
		if t == nil {
			continue
		}
		v.feats[b] = featureImage(v.feats[b], t)
	}
}

// maxChannels is how many channels of each block the stage shows.
const maxChannels = 16

// featureImage tiles up to 16 channels of a block's activations (1×C×H×W) in a row with 1-pixel
// gaps, each channel normalised to its own range, reusing img when it has the right size.
func featureImage(img *ebiten.Image, t *ml.Tensor) *ebiten.Image {
	c, h, w := min(t.Shape[1], maxChannels), t.Shape[2], t.Shape[3]
	iw := c*(w+1) - 1
	if img == nil || img.Bounds().Dx() != iw || img.Bounds().Dy() != h {
		img = ebiten.NewImage(iw, h)
	}
	pix := make([]byte, iw*h*4)
	for ch := 0; ch < c; ch++ {
		plane := t.Data[ch*h*w : (ch+1)*h*w]
		lo, hi := plane[0], plane[0]
		for _, v := range plane {
			lo, hi = min(lo, v), max(hi, v)
		}
		span := max(hi-lo, 1e-6)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				f := (plane[y*w+x] - lo) / span
				col := blend(padBackground, accent, f)
				o := 4 * (y*iw + ch*(w+1) + x)
				pix[o], pix[o+1], pix[o+2], pix[o+3] = col.R, col.G, col.B, 0xff
			}
		}
	}
	img.WritePixels(pix)
	return img
}

// drawFeatures draws one row per conv block in the Features region.
func (v *classifyStage) drawFeatures(screen *ebiten.Image, a *App) {
	r := a.Layout.Features
	if r.W <= 0 || r.H <= 0 || !a.HasInput {
		return
	}
	sc := v.s.scale
	rowH := r.H / 4
	for b, img := range v.feats {
		if img == nil {
			continue
		}
		iw, ih := float64(img.Bounds().Dx()), float64(img.Bounds().Dy())
		k := min((rowH-6)/ih, r.W/iw)
		op := &ebiten.DrawImageOptions{}
		op.GeoM.Scale(k*sc, k*sc)
		op.GeoM.Translate(r.X*sc, (r.Y+float64(b)*rowH)*sc)
		screen.DrawImage(img, op)
	}
}

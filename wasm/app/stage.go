//go:build js && wasm

package main

import (
	"image/color"
	"io"
	"io/fs"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"lookbook/ml"
	"lookbook/wasm/layout"
	"lookbook/wasm/pad"
	"lookbook/wasm/prep"
	"lookbook/wasm/share"
)

// stage is the ebiten game: it owns the full-window canvas under the DOM, draws the regions
// the layout reserves, and turns pointer input on the pad into strokes. Update advances state;
// Draw only renders into reused images.
type stage struct {
	app          *App
	scale        float64 // device pixels per CSS pixel
	width        float64 // CSS pixels
	height       float64
	padImage     *ebiten.Image
	view         *ebiten.Image
	feats        [4]*ebiten.Image
	drawnVersion int
	faces        facesImages
	maps         mapImages
	touchID      ebiten.TouchID
	touching     bool
	// Draw only reads the shared state (under the read lock); what it needs to keep or
	// report lives here, and Update moves it to and from App under the write lock.
	exportMap   bool    // a PNG export of the map, taken over from Maps by Update
	faceFrameMs float64 // how long the last Faces refresh took, for Faces.DrawMs
}

func newStage(a *App) *stage {
	return &stage{app: a, padImage: ebiten.NewImage(pad.Res, pad.Res), view: ebiten.NewImage(prep.Side, prep.Side), drawnVersion: -1}
}

func (s *stage) Layout(outsideW, outsideH int) (int, int) {
	s.scale = ebiten.Monitor().DeviceScaleFactor()
	s.width, s.height = float64(outsideW), float64(outsideH)
	return int(float64(outsideW) * s.scale), int(float64(outsideH) * s.scale)
}

// pointer returns the active pointer (mouse or first touch) in CSS pixels and whether it is down.
func (s *stage) pointer() (x, y float64, down bool) {
	touches := ebiten.AppendTouchIDs(nil)
	if len(touches) > 0 {
		if !s.touching {
			s.touchID, s.touching = touches[0], true
		}
		tx, ty := ebiten.TouchPosition(s.touchID)
		return float64(tx) / s.scale, float64(ty) / s.scale, true
	}
	s.touching = false
	cx, cy := ebiten.CursorPosition()
	return float64(cx) / s.scale, float64(cy) / s.scale, ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft)
}

func (s *stage) Update() error {
	a := s.app
	a.env.Lock()
	changed := false
	if l := layout.Compute(s.width, s.height); l != a.Layout && s.width > 0 {
		a.Layout, changed = l, true
	}
	mapReady := a.View == share.Map && a.Maps.Status == Ready
	if a.model != nil && (a.View == share.Classify || mapReady) {
		changed = s.handleDrawing(a) || changed
		changed = s.handleDrops(a) || changed
	}
	if a.View == share.Faces && a.Faces.Status == Ready {
		changed = a.Faces.stepWalk(time.Now()) || changed
		changed = s.handleDrops(a) || changed
	}
	if mapReady {
		before := a.Maps.ownFor
		a.placeOwn()
		changed = changed || before != a.Maps.ownFor
		s.buildMap(a)
		if a.Maps.exportPNG { // the next Draw captures the map
			s.exportMap, a.Maps.exportPNG = true, false
		}
	}
	if a.Faces.DrawMs != s.faceFrameMs {
		a.Faces.DrawMs = s.faceFrameMs
	}
	if changed {
		a.env.UnlockRender()
	} else {
		a.env.UnlockOnly()
	}
	return nil
}

func (s *stage) handleDrawing(a *App) bool {
	x, y, down := s.pointer()
	area := a.Layout.PadFor(a.View)
	p := pad.Point{X: (x - area.X) / area.W, Y: (y - area.Y) / area.H}
	switch {
	case down && a.current == nil:
		justPressed := inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) || len(inpututil.AppendJustPressedTouchIDs(nil)) > 0
		if !justPressed || !area.Contains(x, y) {
			return false
		}
		a.current = &pad.Stroke{Points: []pad.Point{p}, Radius: a.brushRadius()}
		a.Notice = ""
		a.redraw()
		return true
	case down:
		last := a.current.Points[len(a.current.Points)-1]
		if last == p {
			return false
		}
		a.current.Points = append(a.current.Points, pad.Point{X: min(max(p.X, -0.05), 1.05), Y: min(max(p.Y, -0.05), 1.05)})
		a.redraw()
		return true
	case a.current != nil:
		a.strokes = append(a.strokes, *a.current)
		a.current = nil
		a.redraw()
		return true
	}
	return false
}

// handleDrops classifies a file dropped on the stage (ebiten intercepts drops over its canvas).
func (s *stage) handleDrops(a *App) bool {
	files := ebiten.DroppedFiles()
	if files == nil {
		return false
	}
	entries, err := fs.ReadDir(files, ".")
	if err != nil || len(entries) == 0 {
		return false
	}
	name := entries[0].Name()
	f, err := files.Open(name)
	if err != nil {
		a.Notice = "Could not read the dropped file."
		return true
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, prep.MaxFileBytes+1))
	if err != nil {
		a.Notice = "Could not read the dropped file."
		return true
	}
	a.acceptFile(data, name)
	return true
}

var (
	padBackground = color.RGBA{0x0b, 0x0d, 0x12, 0xff}
	padBorder     = color.RGBA{0x3a, 0x40, 0x4d, 0xff}
	accent        = color.RGBA{0x7c, 0xc4, 0xff, 0xff}
)

func (s *stage) Draw(screen *ebiten.Image) {
	a := s.app
	a.env.RLock()
	defer a.env.RUnlock()
	if a.View == share.Faces {
		s.drawFaces(screen, a)
		return
	}
	if a.Layout.Pad.W == 0 {
		return
	}
	if s.drawnVersion != a.Version {
		s.refresh(a)
		s.drawnVersion = a.Version
	}
	if a.View == share.Map {
		s.drawMap(screen, a)
		return
	}
	sc := s.scale
	s.drawPad(screen, a.Layout.Pad)

	if mv := a.Layout.ModelView; mv.W > 0 && a.HasInput {
		vector.DrawFilledRect(screen, float32(mv.X*sc)-1, float32(mv.Y*sc)-1, float32(mv.W*sc)+2, float32(mv.H*sc)+2, accent, false)
		op := &ebiten.DrawImageOptions{}
		op.GeoM.Scale(mv.W*sc/prep.Side, mv.H*sc/prep.Side)
		op.GeoM.Translate(mv.X*sc, mv.Y*sc)
		screen.DrawImage(s.view, op)
	}
	s.drawFeatures(screen, a)
}

// drawPad draws the drawing pad (its strokes and any picture under them) in r.
func (s *stage) drawPad(screen *ebiten.Image, r layout.Rect) {
	sc := s.scale
	vector.DrawFilledRect(screen, float32(r.X*sc)-2, float32(r.Y*sc)-2, float32(r.W*sc)+4, float32(r.H*sc)+4, padBorder, false)
	op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
	op.GeoM.Scale(r.W*sc/pad.Res, r.H*sc/pad.Res)
	op.GeoM.Translate(r.X*sc, r.Y*sc)
	screen.DrawImage(s.padImage, op)
}

// refresh re-uploads the pad, the model's view and the feature maps after the input changed.
func (s *stage) refresh(a *App) {
	raster := a.raster
	if raster == nil { // no strokes: the background alone, or the empty pad
		raster = pad.Render(a.background, nil)
	}
	pix := make([]byte, pad.Res*pad.Res*4)
	for i, v := range raster.Pix {
		c := blend(padBackground, color.RGBA{0xf4, 0xf6, 0xfb, 0xff}, v)
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = c.R, c.G, c.B, 0xff
	}
	s.padImage.WritePixels(pix)
	vp := make([]byte, prep.Side*prep.Side*4)
	for i, v := range a.Result.View {
		vp[4*i], vp[4*i+1], vp[4*i+2], vp[4*i+3] = v, v, v, 0xff
	}
	s.view.WritePixels(vp)
	for b, t := range a.Blocks {
		if t == nil {
			continue
		}
		s.feats[b] = featureImage(s.feats[b], t)
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

func blend(a, b color.RGBA, f float32) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8(float32(x) + (float32(y)-float32(x))*f) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// drawFeatures draws one row per conv block in the Features region.
func (s *stage) drawFeatures(screen *ebiten.Image, a *App) {
	r := a.Layout.Features
	if r.W <= 0 || r.H <= 0 || !a.HasInput {
		return
	}
	sc := s.scale
	rowH := r.H / 4
	for b, img := range s.feats {
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

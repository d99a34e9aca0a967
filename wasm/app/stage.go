//go:build js && wasm

package main

import (
	"image"
	"image/color"
	"io"
	"io/fs"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"lookbook/ml/pad"
	"lookbook/ml/prep"
	"lookbook/wasm/layout"
	"lookbook/wasm/share"
)

// stage is the ebiten game: it owns the full-window canvas under the DOM, draws the regions
// the layout reserves, and turns pointer input on the pad into strokes. Update advances state;
// Draw only renders into reused images.
type stage struct {
	app        *App
	scale      float64 // device pixels per CSS pixel
	width      float64 // CSS pixels
	height     float64
	padImage   *ebiten.Image // the pad, shared by Classify and the Map's corner
	padVersion int           // App.Version the pad image shows
	touchID    ebiten.TouchID
	touching   bool
	views      [5]stageView // by share.View
	// What the screen shows: the App.scene it drew, when, and at what size.
	drawnScene int
	drawnAt    time.Time
	drawnView  share.View
	drawnSize  image.Point
	cursor     image.Point // the cursor at the last Update, to see it move
}

// repaintEvery bounds how stale the screen can get should a change ever slip past App.scene.
const repaintEvery = time.Second

// stageView is one view's part of the stage. update advances the view under the write lock
// and reports whether the DOM must follow; draw renders it under the read lock, reading App
// and writing only the view's own images. What draw needs to keep or report lives in the view
// and reaches App through update.
type stageView interface {
	update(a *App) bool
	draw(screen *ebiten.Image, a *App)
}

func newStage(a *App) *stage {
	s := &stage{app: a, padImage: ebiten.NewImage(pad.Res, pad.Res), padVersion: -1}
	s.views = [5]stageView{
		share.Classify: &classifyStage{s: s, view: ebiten.NewImage(prep.Side, prep.Side), drawnVersion: -1, why: newWhyOverlay()},
		share.Map:      &mapStage{s: s},
		share.Faces:    &facesStage{s: s},
		share.Teach:    &teachStage{s: s},
		share.Train:    trainStage{},
	}
	return s
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
	l := layout.Compute(s.width, s.height)
	if a.Why.On {
		l = l.WithWhy()
	}
	if l != a.Layout && s.width > 0 {
		a.Layout, changed = l, true
	}
	changed = s.views[a.View].update(a) || changed
	if changed || s.input() {
		a.scene++
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

// padInput takes strokes on the view's pad and files dropped on the stage, once the model is
// loaded, and reports whether either changed anything.
func (s *stage) padInput(a *App) bool {
	if a.model == nil {
		return false
	}
	changed := s.handleDrawing(a)
	return s.handleDrops(a) || changed
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

// input reports whether the pointer, a button, a touch or the wheel is active this tick:
// then the picture may follow (a drag on the map pans it without touching the DOM).
func (s *stage) input() bool {
	x, y := ebiten.CursorPosition()
	moved := image.Pt(x, y) != s.cursor
	s.cursor = image.Pt(x, y)
	wx, wy := ebiten.Wheel()
	return moved || wx != 0 || wy != 0 || len(ebiten.AppendTouchIDs(nil)) > 0 ||
		ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) || ebiten.IsMouseButtonPressed(ebiten.MouseButtonRight) ||
		inpututil.IsMouseButtonJustReleased(ebiten.MouseButtonLeft) || len(inpututil.AppendJustReleasedTouchIDs(nil)) > 0
}

// Draw repaints the current view when its scene changed since the last paint (the screen
// keeps what it shows otherwise), and at least every repaintEvery.
func (s *stage) Draw(screen *ebiten.Image) {
	a := s.app
	a.env.RLock()
	defer a.env.RUnlock()
	size := screen.Bounds().Size()
	if a.scene == s.drawnScene && size == s.drawnSize && time.Since(s.drawnAt) < repaintEvery {
		return
	}
	// The Train view draws nothing on the stage: once cleared it stays so, however often its
	// charts re-render the DOM (on software WebGL each repaint costs the main thread a frame's
	// work, and the training workers the core it runs on).
	if a.View == share.Train && s.drawnView == share.Train && size == s.drawnSize {
		return
	}
	s.drawnScene, s.drawnSize, s.drawnAt, s.drawnView = a.scene, size, time.Now(), a.View
	screen.Clear()
	s.views[a.View].draw(screen, a)
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

// refreshPad re-uploads the pad's image when the input has changed since it was drawn.
func (s *stage) refreshPad(a *App) {
	if s.padVersion == a.Version {
		return
	}
	s.padVersion = a.Version
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
}

func blend(a, b color.RGBA, f float32) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8(float32(x) + (float32(y)-float32(x))*f) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

//go:build js && wasm

package main

import (
	"image/color"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"lookbook/wasm/layout"
)

// facesImages are the Faces view's reused stage images.
type facesImages struct {
	gallery *ebiten.Image // 10×10 tiles of 32×32
	strip   [len(stripAlphas)]*ebiten.Image
	preview *ebiten.Image
	samples [sampleCount]*ebiten.Image
	own     [2]*ebiten.Image
	version int
}

const galleryCols = 10

// faceRGBA writes a 3×32×32 face in [0, 1] as RGBA pixels into pix at (x0, y0) of a stride-wide image.
func faceRGBA(pix []byte, stride, x0, y0 int, face []float32) {
	for y := 0; y < 32; y++ {
		for x := 0; x < 32; x++ {
			o := 4 * ((y0+y)*stride + x0 + x)
			for c := 0; c < 3; c++ {
				pix[o+c] = byte(min(max(face[c*1024+y*32+x], 0), 1)*255 + 0.5)
			}
			pix[o+3] = 0xff
		}
	}
}

// facesStage draws the Faces view: the gallery, the face at α, the strip, the samples and
// the visitor's face with its reconstruction.
type facesStage struct {
	s       *stage
	im      facesImages
	frameMs float64 // how long the last refresh took, for Faces.DrawMs
}

// update steps the animated walk, takes dropped photos and reports the last refresh's time.
func (v *facesStage) update(a *App) bool {
	f := &a.Faces
	f.DrawMs = v.frameMs
	if f.Status != Ready {
		return false
	}
	changed := f.stepWalk(time.Now())
	return v.s.handleDrops(a) || changed
}

func (v *facesStage) refresh(f *Faces) {
	start := time.Now()
	defer func() { v.frameMs = float64(time.Since(start).Microseconds()) / 1000 }()
	im := &v.im
	if im.gallery == nil {
		im.gallery = ebiten.NewImage(32*galleryCols, 32*galleryCols)
		im.preview = ebiten.NewImage(32, 32)
		for i := range im.strip {
			im.strip[i] = ebiten.NewImage(32, 32)
		}
		for i := range im.samples {
			im.samples[i] = ebiten.NewImage(32, 32)
		}
		im.own[0], im.own[1] = ebiten.NewImage(32, 32), ebiten.NewImage(32, 32)
		pix := make([]byte, 4*320*320)
		for i, face := range f.Gallery[:f.galleryN] { // uploaded and shared faces are not tiles
			faceRGBA(pix, 320, 32*(i%galleryCols), 32*(i/galleryCols), face)
		}
		im.gallery.WritePixels(pix)
	}
	pix := make([]byte, 4*32*32)
	for i, face := range f.Strip {
		if face != nil {
			faceRGBA(pix, 32, 0, 0, face)
			im.strip[i].WritePixels(pix)
		}
	}
	if f.Preview != nil {
		faceRGBA(pix, 32, 0, 0, f.Preview)
		im.preview.WritePixels(pix)
	}
	for i, face := range f.Samples {
		if face != nil {
			faceRGBA(pix, 32, 0, 0, face)
			im.samples[i].WritePixels(pix)
		}
	}
	for i, face := range [2][]float32{f.Own, f.OwnRecon} {
		if face != nil {
			faceRGBA(pix, 32, 0, 0, face)
			im.own[i].WritePixels(pix)
		}
	}
	im.version = f.Version
}

var colourB = color.RGBA{0xb7, 0x94, 0xff, 0xff}

func (v *facesStage) draw(screen *ebiten.Image, a *App) {
	f := &a.Faces
	if f.Status != Ready {
		return
	}
	if v.im.gallery == nil || v.im.version != f.Version {
		v.refresh(f)
	}
	sc := v.s.scale
	l := a.Layout
	draw := func(img *ebiten.Image, r layout.Rect, filter ebiten.Filter) {
		op := &ebiten.DrawImageOptions{Filter: filter}
		b := img.Bounds()
		op.GeoM.Scale(r.W*sc/float64(b.Dx()), r.H*sc/float64(b.Dy()))
		op.GeoM.Translate(r.X*sc, r.Y*sc)
		screen.DrawImage(img, op)
	}
	draw(v.im.gallery, l.Gallery, ebiten.FilterLinear)
	tile := l.Gallery.W / galleryCols
	outline := func(i int, c color.RGBA) {
		if i < 0 || i >= f.galleryN { // the uploaded face is not a gallery tile
			return
		}
		x, y := l.Gallery.X+float64(i%galleryCols)*tile, l.Gallery.Y+float64(i/galleryCols)*tile
		vector.StrokeRect(screen, float32(x*sc)+1, float32(y*sc)+1, float32(tile*sc)-2, float32(tile*sc)-2, float32(3*sc), c, false)
	}
	outline(f.A, accent)
	outline(f.B, colourB)
	draw(v.im.preview, l.Preview, ebiten.FilterLinear)
	row := func(r layout.Rect, imgs []*ebiten.Image, n int) {
		w := r.W / float64(n)
		for i, img := range imgs {
			draw(img, layout.Rect{X: r.X + float64(i)*w + 2, Y: r.Y, W: w - 4, H: w - 4}, ebiten.FilterLinear)
		}
	}
	row(l.Strip, v.im.strip[:], len(stripAlphas))
	row(l.Samples, v.im.samples[:], sampleCount)
	if f.Own != nil && l.Own.W > 0 {
		row(l.Own, v.im.own[:], 2)
	}
}

//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"syscall/js"
	"time"

	"github.com/vugu/vugu"

	"lookbook/wasm/crop"
	"lookbook/wasm/layout"
)

// FacesView is the Faces view's DOM layer (faces-view.vugu): the interpolation controls,
// sampling, and the visitor's photo with its crop box; the faces are drawn by the stage.
type FacesView struct {
	App  *App
	crop crop.Drag
}

// SetAlpha follows the interpolation slider, decoding live while it is dragged.
func (c *FacesView) SetAlpha(e vugu.DOMEvent) {
	if v, err := strconv.ParseFloat(js.Value(e.JSEventTarget()).Get("value").String(), 64); err == nil && v >= 0 && v <= 1 {
		start := time.Now()
		c.App.Faces.Alpha, c.App.Faces.Walking = v, false
		c.App.Faces.Preview = c.App.Faces.between(v)
		c.App.Faces.DecodeMs = float64(time.Since(start).Microseconds()) / 1000
		c.App.Faces.Version++
	}
}

// PickFace chooses the gallery face under a click. It is a DOM handler rather than stage input
// because the stage polls input once a frame and can miss a quick click entirely.
func (c *FacesView) PickFace(e vugu.DOMEvent) {
	f := &c.App.Faces
	g := c.App.Layout.Gallery
	if f.Status != Ready || g.W <= 0 {
		return
	}
	x, y := e.PropFloat64("clientX")-g.X, e.PropFloat64("clientY")-g.Y
	col, row := int(x/(g.W/galleryCols)), int(y/(g.H/galleryCols))
	if i := row*galleryCols + col; col >= 0 && col < galleryCols && row >= 0 && i < len(f.Gallery) {
		f.choose(i)
	}
}

// SetTemperature rescales the samples (the same draws, scaled).
func (c *FacesView) SetTemperature(e vugu.DOMEvent) {
	if v, err := strconv.ParseFloat(js.Value(e.JSEventTarget()).Get("value").String(), 64); err == nil && v > 0 && v <= 2 {
		c.App.Faces.Temperature = v
		c.App.Faces.sample()
	}
}

// Resample draws new faces from the prior.
func (c *FacesView) Resample(e vugu.DOMEvent) {
	c.App.Faces.sampleDraws++
	c.App.Faces.sample()
}

// UploadFace reads a chosen photo and reconstructs the face in it.
func (c *FacesView) UploadFace(e vugu.DOMEvent) {
	readChosenFile(e, func(data []byte, name string, err error) {
		f := &c.App.Faces
		if err != nil {
			f.Notice = fmt.Sprintf("Could not read %q: %v.", name, err)
			f.Version++
			return
		}
		f.loadOwnFace(data, name)
	})
}

func (c *FacesView) temperatureText() string {
	return fmt.Sprintf("Temperature %.1f", c.App.Faces.Temperature)
}

func (c *FacesView) ownText() string {
	return fmt.Sprintf("Your face (left) and the VAE's reconstruction (right): MSE %.4f. It is now face A. Drag the box to choose the face, its corner to resize it.", c.App.Faces.OwnMSE)
}

// SetSlerp switches between spherical and linear interpolation.
func (c *FacesView) SetSlerp(e vugu.DOMEvent, on bool) {
	c.App.Faces.Slerp = on
	c.App.Faces.interpolate()
}

func (c *FacesView) alphaText() string { return fmt.Sprintf("α = %.2f", c.App.Faces.Alpha) }

func (c *FacesView) pairText() string {
	f := &c.App.Faces
	if f.B < 0 {
		return fmt.Sprintf("Face %d chosen: now click a second face.", f.A+1)
	}
	return fmt.Sprintf("From face %d to face %d. Click a face to start a new pair.", f.A+1, f.B+1)
}

func (c *FacesView) captionAbove(r layout.Rect) string {
	return fmt.Sprintf("left:%.0fpx;top:%.0fpx", r.X, r.Y-22)
}

// ToggleWalk starts or stops the animated walk between A and B.
func (c *FacesView) ToggleWalk(e vugu.DOMEvent) {
	f := &c.App.Faces
	f.Walking = !f.Walking
	if f.Walking {
		f.walkStart = time.Now()
		f.walkFrom = math.Acos(1 - 2*f.Alpha) // the phase at which 0.5 − 0.5·cos gives α
		f.walkStepped = reducedMotion()
	}
}

func (c *FacesView) walkText() string {
	if c.App.Faces.Walking {
		return "Stop walk"
	}
	return "Animate walk"
}

// ExportFaces downloads the strip and the samples as one PNG, each face 4× (nearest
// neighbour, so the pixels stay honest).
func (c *FacesView) ExportFaces(e vugu.DOMEvent) {
	f := &c.App.Faces
	if f.Status != Ready {
		return
	}
	const scale, gap = 4, 8
	tile := 32 * scale
	rows := [][][]float32{f.Strip[:], f.Samples[:]}
	img := image.NewRGBA(image.Rect(0, 0, gap+6*(tile+gap), gap+len(rows)*(tile+gap)))
	bg := color.RGBA{0x0f, 0x11, 0x17, 0xff}
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = bg.R, bg.G, bg.B, bg.A
	}
	for r, faces := range rows {
		for k, face := range faces {
			if face == nil {
				continue
			}
			x0, y0 := gap+k*(tile+gap), gap+r*(tile+gap)
			for y := 0; y < tile; y++ {
				for x := 0; x < tile; x++ {
					o := img.PixOffset(x0+x, y0+y)
					for ch := 0; ch < 3; ch++ {
						img.Pix[o+ch] = byte(min(max(face[ch*1024+(y/scale)*32+x/scale], 0), 1)*255 + 0.5)
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		f.Notice = "Could not make the PNG: " + err.Error()
		return
	}
	download("lookbook-faces.png", "image/png", buf.Bytes())
}

// cropScale is CSS pixels per photo pixel in the crop preview.
func (c *FacesView) cropScale() float64 {
	f := &c.App.Faces
	if f.photo == nil {
		return 1
	}
	return c.cropWidth() / float64(f.photo.Bounds().Dx())
}

func (c *FacesView) cropWidth() float64 {
	w := c.App.Layout.FacesPanel.W - 24
	return max(120, min(w, 272))
}

func (c *FacesView) cropFrameStyle() string {
	f := &c.App.Faces
	if f.photo == nil {
		return ""
	}
	b := f.photo.Bounds()
	w := c.cropWidth()
	return fmt.Sprintf("width:%.0fpx;height:%.0fpx", w, w*float64(b.Dy())/float64(b.Dx()))
}

func (c *FacesView) cropBoxStyle() string {
	k := c.cropScale()
	r := c.App.Faces.Crop
	return fmt.Sprintf("left:%.1fpx;top:%.1fpx;width:%.1fpx;height:%.1fpx", float64(r.Min.X)*k, float64(r.Min.Y)*k, float64(r.Dx())*k, float64(r.Dy())*k)
}

// CropDown starts moving (or, from the corner handle, resizing) the crop box.
func (c *FacesView) CropDown(e vugu.DOMEvent, resize bool) {
	ev := js.Value(e.JSEvent())
	if resize {
		e.StopPropagation()
	}
	e.PreventDefault()
	c.crop.Start(ev.Get("clientX").Float(), ev.Get("clientY").Float(), resize)
	js.Value(e.JSEventCurrentTarget()).Call("setPointerCapture", ev.Get("pointerId"))
}

// CropMove follows the pointer while the crop box is held.
func (c *FacesView) CropMove(e vugu.DOMEvent) {
	if !c.crop.Active {
		return
	}
	ev := js.Value(e.JSEvent())
	c.App.Faces.MoveCrop(c.crop.Follow(ev.Get("clientX").Float(), ev.Get("clientY").Float(), c.cropScale()))
	c.App.Faces.Version++
}

// CropKey moves or resizes the crop box from the keyboard (see crop.Key).
func (c *FacesView) CropKey(e vugu.DOMEvent) {
	f := &c.App.Faces
	if dx, dy, ds, ok := crop.Key(e.PropString("key"), f.Crop); ok {
		e.PreventDefault() // the arrows would scroll the panel
		f.MoveCrop(dx, dy, ds)
		f.Version++
	}
}

// SetFace makes the chosen gallery face A (or B): the gallery's keyboard alternative.
func (c *FacesView) SetFace(e vugu.DOMEvent, isB bool) {
	f := &c.App.Faces
	i, err := strconv.Atoi(js.Value(e.JSEventTarget()).Get("value").String())
	if err != nil || !c.inGallery(i) {
		return
	}
	if isB {
		f.B = i
	} else {
		f.A = i
	}
	f.Walking = false
	f.interpolate()
}

func (c *FacesView) inGallery(i int) bool { return i >= 0 && i < c.App.Faces.galleryN }

// otherFaceText labels a list's first entry: what the face is when it is not one of the
// gallery's (your face, or one from a link), or a prompt.
func (c *FacesView) otherFaceText(i int) string {
	if i >= c.App.Faces.galleryN {
		return "your face or a shared one"
	}
	return "choose…"
}

// CropUp ends the drag.
func (c *FacesView) CropUp(e vugu.DOMEvent) { c.crop.End() }

// StartCamera asks for the selfie camera and shows its picture with a button to take a photo.
func (c *FacesView) StartCamera(e vugu.DOMEvent) {
	f := &c.App.Faces
	f.Camera.start(e.EventEnv(), "user", func(msg string) { f.Notice = msg })
}

// TakePhoto uses the camera's current frame as the photo, then turns the camera off.
func (c *FacesView) TakePhoto(e vugu.DOMEvent) {
	f := &c.App.Faces
	img, err := f.Camera.frame(photoSide)
	if err != nil {
		f.Notice = "The camera has not started yet: try again in a moment."
		return
	}
	f.Camera.stop()
	f.setPhoto(img)
	f.Version++
}

// StopCamera turns the camera off.
func (c *FacesView) StopCamera(e vugu.DOMEvent) { c.App.Faces.Camera.stop() }

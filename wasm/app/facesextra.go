//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"syscall/js"
	"time"

	"github.com/vugu/vugu"

	"lookbook/wasm/prep"
)

// walkPeriod is one sweep of the animated walk, A → B → A.
const walkPeriod = 4 * time.Second

// stepWalk advances the animated walk; it reports whether anything changed.
func (f *Faces) stepWalk(now time.Time) bool {
	if !f.Walking || f.Status != "ready" {
		return false
	}
	phase := float64(now.Sub(f.walkStart)) / float64(walkPeriod)
	// Start where the slider is: walkFrom is α's phase at the start.
	alpha := 0.5 - 0.5*math.Cos(2*math.Pi*phase+f.walkFrom)
	f.Alpha = math.Round(alpha*100) / 100
	f.Preview = f.between(alpha)
	f.Version++
	return true
}

// ToggleWalk starts or stops the animated walk between A and B.
func (c *Root) ToggleWalk(e vugu.DOMEvent) {
	f := &c.App.Faces
	f.Walking = !f.Walking
	if f.Walking {
		f.walkStart = time.Now()
		f.walkFrom = math.Acos(1 - 2*f.Alpha) // the phase at which 0.5 − 0.5·cos gives α
	}
}

func (c *Root) walkText() string {
	if c.App.Faces.Walking {
		return "Stop walk"
	}
	return "Animate walk"
}

// ExportFaces downloads the strip and the samples as one PNG, each face 4× (nearest
// neighbour, so the pixels stay honest).
func (c *Root) ExportFaces(e vugu.DOMEvent) {
	f := &c.App.Faces
	if f.Status != "ready" {
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

// cropDrag follows a drag on the crop box: moving it, or resizing it by its corner handle.
type cropDrag struct {
	active bool
	resize bool
	x, y   float64 // last pointer position, CSS pixels
	carryX float64 // sub-pixel movement not yet applied, photo pixels
	carryY float64
}

// cropScale is CSS pixels per photo pixel in the crop preview.
func (c *Root) cropScale() float64 {
	f := &c.App.Faces
	if f.photo == nil {
		return 1
	}
	return c.cropWidth() / float64(f.photo.Bounds().Dx())
}

func (c *Root) cropWidth() float64 {
	w := c.App.Layout.FacesPanel.W - 24
	return max(120, min(w, 272))
}

func (c *Root) cropFrameStyle() string {
	f := &c.App.Faces
	if f.photo == nil {
		return ""
	}
	b := f.photo.Bounds()
	w := c.cropWidth()
	return fmt.Sprintf("width:%.0fpx;height:%.0fpx", w, w*float64(b.Dy())/float64(b.Dx()))
}

func (c *Root) cropBoxStyle() string {
	k := c.cropScale()
	r := c.App.Faces.Crop
	return fmt.Sprintf("left:%.1fpx;top:%.1fpx;width:%.1fpx;height:%.1fpx", float64(r.Min.X)*k, float64(r.Min.Y)*k, float64(r.Dx())*k, float64(r.Dy())*k)
}

// CropDown starts moving (or, from the corner handle, resizing) the crop box.
func (c *Root) CropDown(e vugu.DOMEvent, resize bool) {
	ev := js.Value(e.JSEvent())
	if resize {
		e.StopPropagation()
	}
	e.PreventDefault()
	c.crop = cropDrag{active: true, resize: resize, x: ev.Get("clientX").Float(), y: ev.Get("clientY").Float()}
	js.Value(e.JSEventCurrentTarget()).Call("setPointerCapture", ev.Get("pointerId"))
}

// CropMove follows the pointer while the crop box is held.
func (c *Root) CropMove(e vugu.DOMEvent) {
	if !c.crop.active {
		return
	}
	ev := js.Value(e.JSEvent())
	x, y := ev.Get("clientX").Float(), ev.Get("clientY").Float()
	k := c.cropScale()
	c.crop.carryX += (x - c.crop.x) / k
	c.crop.carryY += (y - c.crop.y) / k
	c.crop.x, c.crop.y = x, y
	dx, dy := int(c.crop.carryX), int(c.crop.carryY)
	c.crop.carryX -= float64(dx)
	c.crop.carryY -= float64(dy)
	if c.crop.resize {
		c.App.Faces.MoveCrop(0, 0, max(dx, dy))
	} else {
		c.App.Faces.MoveCrop(dx, dy, 0)
	}
	c.App.Faces.Version++
}

// CropUp ends the drag.
func (c *Root) CropUp(e vugu.DOMEvent) { c.crop.active = false }

// StartCamera asks for the camera and shows its picture with a button to take a photo.
func (c *Root) StartCamera(e vugu.DOMEvent) {
	f := &c.App.Faces
	media := js.Global().Get("navigator").Get("mediaDevices")
	if !media.Truthy() || !media.Get("getUserMedia").Truthy() {
		f.Notice = "This browser does not offer its camera here (it needs a secure page: https or localhost)."
		return
	}
	env := e.EventEnv()
	p := media.Call("getUserMedia", map[string]any{"video": map[string]any{"facingMode": "user", "width": 640, "height": 480}, "audio": false})
	go func() {
		stream, err := await(p)
		env.Lock()
		if err != nil {
			f.Notice = "Lookbook could not use the camera (" + err.Error() + "). You can open a photo instead."
			env.UnlockRender()
			return
		}
		f.camera, f.CameraOn, f.Notice = stream, true, ""
		env.UnlockRender()
		// The <video> exists once the DOM has rendered.
		for try := 0; try < 50; try++ {
			v := js.Global().Get("document").Call("querySelector", `[data-testid="camera-video"]`)
			if v.Truthy() {
				v.Set("srcObject", stream)
				v.Call("play")
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
}

// TakePhoto uses the camera's current frame as the photo, then turns the camera off.
func (c *Root) TakePhoto(e vugu.DOMEvent) {
	f := &c.App.Faces
	v := js.Global().Get("document").Call("querySelector", `[data-testid="camera-video"]`)
	if !v.Truthy() || v.Get("videoWidth").Int() == 0 {
		f.Notice = "The camera has not started yet: try again in a moment."
		return
	}
	w, h := v.Get("videoWidth").Int(), v.Get("videoHeight").Int()
	canvas := js.Global().Get("document").Call("createElement", "canvas")
	canvas.Set("width", w)
	canvas.Set("height", h)
	ctx := canvas.Call("getContext", "2d")
	ctx.Call("drawImage", v, 0, 0)
	data := ctx.Call("getImageData", 0, 0, w, h).Get("data")
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	js.CopyBytesToGo(img.Pix, js.Global().Get("Uint8Array").New(data.Get("buffer")))
	c.StopCamera(e)
	f.setPhoto(prep.Shrink(img, photoSide))
	f.Version++
}

// StopCamera turns the camera off.
func (c *Root) StopCamera(e vugu.DOMEvent) { c.App.Faces.stopCamera() }

// stopCamera ends the camera's stream, if any: the browser's camera light goes off.
func (f *Faces) stopCamera() {
	if f.camera.Truthy() {
		tracks := f.camera.Call("getTracks")
		for i := 0; i < tracks.Length(); i++ {
			tracks.Index(i).Call("stop")
		}
	}
	f.camera, f.CameraOn = js.Null(), false
}

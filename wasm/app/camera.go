//go:build js && wasm

package main

import (
	"errors"
	"image"
	"strings"
	"syscall/js"
	"time"

	"github.com/vugu/vugu"
)

// camera is the device's camera while a view shows its picture in its <video> (found by the
// data-testid video): Faces films you, Classify a garment.
type camera struct {
	On     bool
	video  string   // the data-testid of the view's <video>
	stream js.Value // the MediaStream while On
}

// start asks for the camera facing "user" (the selfie camera) or "environment" (the back
// camera, where there is one) and, once it is granted, shows its picture. notice is called,
// under env's lock, with what to tell the visitor ("" once the camera runs). Called with env
// locked.
func (c *camera) start(env vugu.EventEnv, facing string, notice func(string)) {
	media := js.Global().Get("navigator").Get("mediaDevices")
	if !media.Truthy() || !media.Get("getUserMedia").Truthy() {
		notice("This browser does not offer its camera here (it needs a secure page: https or localhost).")
		return
	}
	p := media.Call("getUserMedia", map[string]any{"video": map[string]any{"facingMode": facing, "width": 640, "height": 480}, "audio": false})
	go func() {
		stream, err := await(p)
		env.Lock()
		if err != nil {
			notice(cameraRefusal(err))
			env.UnlockRender()
			return
		}
		c.stream, c.On = stream, true
		notice("")
		env.UnlockRender()
		// The <video> exists once the DOM has rendered.
		for range 50 {
			if v := c.element(); v.Truthy() {
				v.Set("srcObject", stream)
				v.Call("play")
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
}

// cameraRefusal words why the camera could not be used.
func cameraRefusal(err error) string {
	switch msg := err.Error(); {
	case strings.HasPrefix(msg, "NotAllowedError"):
		return "The camera was not allowed. Allow it in the browser's settings for this page, or open a photo instead."
	case strings.HasPrefix(msg, "NotFoundError"), strings.HasPrefix(msg, "OverconstrainedError"):
		return "No camera was found on this device. You can open a photo instead."
	default:
		return "Lookbook could not use the camera (" + msg + "). You can open a photo instead."
	}
}

func (c *camera) element() js.Value {
	return js.Global().Get("document").Call("querySelector", `[data-testid="`+c.video+`"]`)
}

// frame returns the camera's current picture, scaled in the browser to fit maxSide×maxSide.
func (c *camera) frame(maxSide int) (*image.RGBA, error) {
	v := c.element()
	if !c.On || !v.Truthy() || v.Get("videoWidth").Int() == 0 {
		return nil, errors.New("the camera has not started yet: try again in a moment")
	}
	w, h := v.Get("videoWidth").Int(), v.Get("videoHeight").Int()
	if k := max(w, h); k > maxSide {
		w, h = max(1, w*maxSide/k), max(1, h*maxSide/k)
	}
	canvas := js.Global().Get("document").Call("createElement", "canvas")
	canvas.Set("width", w)
	canvas.Set("height", h)
	ctx := canvas.Call("getContext", "2d")
	ctx.Call("drawImage", v, 0, 0, w, h)
	data := ctx.Call("getImageData", 0, 0, w, h).Get("data")
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	js.CopyBytesToGo(img.Pix, js.Global().Get("Uint8Array").New(data.Get("buffer")))
	return img, nil
}

// stop ends the stream, if any: the browser's camera light goes off.
func (c *camera) stop() {
	if c.stream.Truthy() {
		tracks := c.stream.Call("getTracks")
		for i := 0; i < tracks.Length(); i++ {
			tracks.Index(i).Call("stop")
		}
	}
	c.stream, c.On = js.Null(), false
}

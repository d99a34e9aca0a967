//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"syscall/js"
	"time"

	"github.com/vugu/vugu"

	"lookbook/wasm/share"
)

// Root is the DOM layer's root component.
type Root struct {
	App  *App
	crop cropDrag
}

func (c *Root) selected(v share.View) string { return strconv.FormatBool(c.App.View == v) }

func (c *Root) tabClass(v share.View) string {
	if c.App.View == v {
		return "lb-tab lb-tab-on"
	}
	return "lb-tab"
}

// Go switches view.
func (c *Root) Go(e vugu.DOMEvent, v share.View) {
	if v != share.Faces {
		c.App.Faces.stopCamera() // leaving Faces must not leave the camera filming
	}
	c.App.View, c.App.ShareNote = v, ""
	c.App.Version++
	switch v {
	case share.Faces:
		c.App.loadFaces()
	case share.Map:
		c.App.loadMaps()
	}
}

// SetAlpha follows the interpolation slider, decoding live while it is dragged.
func (c *Root) SetAlpha(e vugu.DOMEvent) {
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
func (c *Root) PickFace(e vugu.DOMEvent) {
	f := &c.App.Faces
	g := c.App.Layout.Gallery
	if f.Status != "ready" || g.W <= 0 {
		return
	}
	x, y := e.PropFloat64("clientX")-g.X, e.PropFloat64("clientY")-g.Y
	col, row := int(x/(g.W/galleryCols)), int(y/(g.H/galleryCols))
	if i := row*galleryCols + col; col >= 0 && col < galleryCols && row >= 0 && i < len(f.Gallery) {
		f.choose(i)
	}
}

// SetTemperature rescales the samples (the same draws, scaled).
func (c *Root) SetTemperature(e vugu.DOMEvent) {
	if v, err := strconv.ParseFloat(js.Value(e.JSEventTarget()).Get("value").String(), 64); err == nil && v > 0 && v <= 2 {
		c.App.Faces.Temperature = v
		c.App.Faces.sample()
	}
}

// Resample draws new faces from the prior.
func (c *Root) Resample(e vugu.DOMEvent) {
	c.App.Faces.sampleDraws++
	c.App.Faces.sample()
}

// UploadFace reads a chosen photo and reconstructs the face in it.
func (c *Root) UploadFace(e vugu.DOMEvent) {
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

func (c *Root) temperatureText() string {
	return fmt.Sprintf("Temperature %.1f", c.App.Faces.Temperature)
}

func (c *Root) ownText() string {
	return fmt.Sprintf("Your face (left) and the VAE's reconstruction (right): MSE %.4f. It is now face A. Drag the box to choose the face, its corner to resize it.", c.App.Faces.OwnMSE)
}

// SetSlerp switches between spherical and linear interpolation.
func (c *Root) SetSlerp(e vugu.DOMEvent, on bool) {
	c.App.Faces.Slerp = on
	c.App.Faces.interpolate()
}

func (c *Root) alphaText() string { return fmt.Sprintf("α = %.2f", c.App.Faces.Alpha) }

func (c *Root) pairText() string {
	f := &c.App.Faces
	if f.B < 0 {
		return fmt.Sprintf("Face %d chosen: now click a second face.", f.A+1)
	}
	return fmt.Sprintf("From face %d to face %d. Click a face to start a new pair.", f.A+1, f.B+1)
}

func (c *Root) Undo(e vugu.DOMEvent)  { c.App.Undo() }
func (c *Root) Clear(e vugu.DOMEvent) { c.App.Clear() }

func (c *Root) Reload(e vugu.DOMEvent) { js.Global().Get("location").Call("reload") }

// SetBrush follows the brush slider.
func (c *Root) SetBrush(e vugu.DOMEvent) {
	if b, err := strconv.Atoi(js.Value(e.JSEventTarget()).Get("value").String()); err == nil && b >= 1 && b <= 5 {
		c.App.Brush = b
	}
}

// Upload reads the chosen file, then classifies it.
func (c *Root) Upload(e vugu.DOMEvent) {
	readChosenFile(e, func(data []byte, name string, err error) {
		if err != nil {
			c.App.Notice = fmt.Sprintf("Could not read %q: %v.", name, err)
			c.App.Version++
			return
		}
		c.App.loadUpload(data, name)
	})
}

// readChosenFile reads the file chosen in an <input type=file> without blocking the event loop,
// then calls done with the app locked (and the DOM re-rendered after).
func readChosenFile(e vugu.DOMEvent, done func(data []byte, name string, err error)) {
	input := js.Value(e.JSEventTarget())
	files := input.Get("files")
	if files.Get("length").Int() == 0 {
		return
	}
	file := files.Index(0)
	name := file.Get("name").String()
	env := e.EventEnv()
	go func() {
		buf, err := await(file.Call("arrayBuffer"))
		env.Lock()
		defer env.UnlockRender()
		input.Set("value", "") // choosing the same file again fires change again
		if err != nil {
			done(nil, name, err)
			return
		}
		done(bytesFromJS(buf), name, nil)
	}()
}

// Share puts the state into the address bar and copies the link.
func (c *Root) Share(e vugu.DOMEvent) {
	if c.App.View == share.Faces {
		c.App.Faces.roundForSharing()
	}
	frag := c.App.shareFragment()
	loc := js.Global().Get("location")
	link := loc.Get("origin").String() + loc.Get("pathname").String() + "#" + frag
	js.Global().Get("history").Call("replaceState", nil, "", "#"+frag)
	c.App.Shared, c.App.ShareNote = link, ""
	if clip := js.Global().Get("navigator").Get("clipboard"); clip.Truthy() {
		p := clip.Call("writeText", link)
		go func() {
			_, err := await(p)
			env := e.EventEnv()
			env.Lock()
			defer env.UnlockRender()
			if err == nil {
				c.App.ShareNote = "Link copied"
			} else {
				c.App.ShareNote = "Link in the address bar"
			}
		}()
	}
}

func (c *Root) predictionText() string {
	a := c.App
	return fmt.Sprintf("%s · %.0f%%", classNames[a.Pred], 100*a.Probs[a.Pred])
}

func (c *Root) rowClass(i int) string {
	if c.App.HasInput && i == c.App.Pred {
		return "lb-row lb-row-top"
	}
	return "lb-row"
}

func (c *Root) barStyle(i int) string {
	p := float32(0)
	if c.App.HasInput {
		p = c.App.Probs[i]
	}
	return fmt.Sprintf("width:%.1f%%", 100*p)
}

func (c *Root) percent(i int) string {
	if !c.App.HasInput {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*c.App.Probs[i])
}

func (c *Root) captionAbove(r Rect) string {
	return fmt.Sprintf("left:%.0fpx;top:%.0fpx", r.X, r.Y-22)
}

func (c *Root) captionStyle() string {
	r := c.App.Layout.ModelView
	return fmt.Sprintf("left:%.0fpx;top:%.0fpx", r.X, r.Y-24)
}

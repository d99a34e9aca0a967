//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"syscall/js"
	"time"

	"github.com/vugu/vugu"

	"lookbook/ml/explain"
	"lookbook/ml/prep"
)

// ClassifyView is the Classify view's DOM layer (classify-view.vugu): the pad's tools, the
// probabilities and the share link. The pad itself, the model's view and the feature maps are
// drawn by the stage in the regions the layout reserves.
type ClassifyView struct {
	App *App
}

func (c *ClassifyView) Undo(e vugu.DOMEvent) { c.App.Undo() }

func (c *ClassifyView) Clear(e vugu.DOMEvent) { c.App.Clear() }

// SetBrush follows the brush slider.
func (c *ClassifyView) SetBrush(e vugu.DOMEvent) {
	if b, err := strconv.Atoi(js.Value(e.JSEventTarget()).Get("value").String()); err == nil && b >= 1 && b <= 5 {
		c.App.Brush = b
	}
}

// StartCamera asks for the back camera (where there is one) and shows its picture over the pad.
func (c *ClassifyView) StartCamera(e vugu.DOMEvent) {
	a := c.App
	a.Camera.start(e.EventEnv(), "environment", func(msg string) { a.Notice = msg; a.Version++ })
}

// TakePhoto classifies the camera's current picture as an uploaded photo, then turns the
// camera off.
func (c *ClassifyView) TakePhoto(e vugu.DOMEvent) {
	start := time.Now()
	a := c.App
	img, err := a.Camera.frame(2 * prep.WorkSide)
	if err != nil {
		a.Notice = "Could not take the photo: " + err.Error() + "."
		return
	}
	a.Camera.stop()
	cuts, err := prep.CutPhoto(img)
	a.showUpload(cuts, err, "the camera's photo", start)
}

// StopCamera turns the camera off.
func (c *ClassifyView) StopCamera(e vugu.DOMEvent) { c.App.Camera.stop() }

// modelViewCaption names what the model sees, saying so where it is the photo's garment
// mirrored (prep.Choose tries a cut-out both ways round and keeps the one the model is surer
// of); modelViewTitle says why.
func (c *ClassifyView) modelViewCaption() string {
	if c.mirrored() {
		return "What the model sees (28×28, mirrored) and its four conv blocks"
	}
	return "What the model sees (28×28) and its four conv blocks"
}

func (c *ClassifyView) modelViewTitle() string {
	if c.mirrored() {
		return "Your garment mirrored: the model was surer of it this way round"
	}
	return ""
}

func (c *ClassifyView) mirrored() bool {
	return c.App.photo.shown(c.App) != nil && c.App.photo.mirrored
}

func (c *ClassifyView) predictionText() string {
	a := c.App
	return fmt.Sprintf("%s · %.0f%%", a.className(a.Pred), 100*a.Probs[a.Pred])
}

func (c *ClassifyView) rowClass(i int) string {
	cls := "lb-row"
	if c.App.HasInput && i == c.App.Pred {
		cls += " lb-row-top"
	}
	if c.explained(i) {
		cls += " lb-row-why"
	}
	return cls
}

// explained reports whether the overlay explains class i.
func (c *ClassifyView) explained(i int) bool {
	return c.App.Why.On && c.App.HasInput && c.App.Why.class() == i
}

func (c *ClassifyView) explainedPressed(i int) string { return strconv.FormatBool(c.explained(i)) }

func (c *ClassifyView) explainLabel(i int) string {
	a := c.App
	name := a.className(i)
	if !a.HasInput {
		return name
	}
	if i == a.Pred {
		return fmt.Sprintf("%s, %s: show why", name, c.percent(i))
	}
	return fmt.Sprintf("%s, %s: show why not", name, c.percent(i))
}

// ExplainClass explains class i's score (turning "Why?" on).
func (c *ClassifyView) ExplainClass(e vugu.DOMEvent, i int) { c.App.Why.explainClass(i) }

// ToggleWhy shows or hides the explanation.
func (c *ClassifyView) ToggleWhy(e vugu.DOMEvent) { c.App.Why.toggle() }

func (c *ClassifyView) SetWhyMethod(e vugu.DOMEvent, m explain.Method) { c.App.Why.setMethod(m) }

func (c *ClassifyView) SetWhyBlock(e vugu.DOMEvent, b int) { c.App.Why.setBlock(b) }

// whyStyle places the explanation's controls in their own region on wide windows (under the
// feature maps) once "Why?" is on; before, and on phones, they flow in the panel.
func (c *ClassifyView) whyStyle() string {
	if r := c.App.Layout.WhyPanel; r.W > 0 && c.App.Why.On {
		return "position:fixed;overflow:auto;margin:0;" + r.CSS()
	}
	return ""
}

func (c *ClassifyView) whyButtonClass() string {
	if c.App.Why.On {
		return "lb-why-btn lb-seg-on"
	}
	return "lb-why-btn"
}

func (c *ClassifyView) segClass(on bool) string {
	if on {
		return "lb-seg-on"
	}
	return ""
}

func (c *ClassifyView) barStyle(i int) string {
	p := float32(0)
	if c.App.HasInput {
		p = c.App.Probs[i]
	}
	return fmt.Sprintf("width:%.1f%%", 100*p)
}

func (c *ClassifyView) percent(i int) string {
	if !c.App.HasInput {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*c.App.Probs[i])
}

func (c *ClassifyView) captionStyle() string {
	r := c.App.Layout.ModelView
	return fmt.Sprintf("left:%.0fpx;top:%.0fpx", r.X, r.Y-24)
}

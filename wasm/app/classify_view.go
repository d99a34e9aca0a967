//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"syscall/js"

	"github.com/vugu/vugu"
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

// Upload reads the chosen file, then classifies it.
func (c *ClassifyView) Upload(e vugu.DOMEvent) {
	readChosenFile(e, func(data []byte, name string, err error) {
		if err != nil {
			c.App.Notice = fmt.Sprintf("Could not read %q: %v.", name, err)
			c.App.Version++
			return
		}
		c.App.loadUpload(data, name)
	})
}

func (c *ClassifyView) predictionText() string {
	a := c.App
	return fmt.Sprintf("%s · %.0f%%", a.className(a.Pred), 100*a.Probs[a.Pred])
}

func (c *ClassifyView) rowClass(i int) string {
	if c.App.HasInput && i == c.App.Pred {
		return "lb-row lb-row-top"
	}
	return "lb-row"
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

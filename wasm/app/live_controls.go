//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"syscall/js"

	"github.com/vugu/vugu"

	"lookbook/wasm/livemap"
)

// LiveControls are the Map view's controls of the live map (live-controls.vugu).
type LiveControls struct {
	App *App
}

func (c *LiveControls) live() *liveMap { return &c.App.Maps.Live }

func (c *LiveControls) methodChecked(method string) string {
	return strconv.FormatBool(c.live().Method == method)
}

func (c *LiveControls) methodClass(method string) string {
	if c.live().Method == method {
		return "lb-seg-on"
	}
	return ""
}

// SetMethod switches between UMAP and t-SNE and starts the map over.
func (c *LiveControls) SetMethod(e vugu.DOMEvent, method string) {
	if c.live().Method != method {
		c.live().Method = method
		c.App.Maps.restartLive()
	}
}

func (c *LiveControls) perplexityText() string {
	return fmt.Sprintf("Perplexity %.0f (about how many neighbours each image weighs)", c.live().Perplexity)
}

func (c *LiveControls) iterations() int {
	if c.live().Method == livemap.UMAP {
		return c.live().Epochs
	}
	return c.live().Iterations
}

// iterationRange is the slider's min, max and step for the method.
func (c *LiveControls) iterationRange() [3]int {
	if c.live().Method == livemap.UMAP {
		return [3]int{50, 500, 10}
	}
	return [3]int{250, 2000, 50}
}

func (c *LiveControls) iterationsName() string {
	if c.live().Method == livemap.UMAP {
		return "Epochs"
	}
	return "Iterations"
}

func (c *LiveControls) iterationsText() string {
	return fmt.Sprintf("%s %d", c.iterationsName(), c.iterations())
}

// SetPerplexity changes t-SNE's perplexity and starts it over.
func (c *LiveControls) SetPerplexity(e vugu.DOMEvent) {
	if v, err := strconv.ParseFloat(js.Value(e.JSEventTarget()).Get("value").String(), 64); err == nil && v >= 5 && v <= 50 {
		c.live().Perplexity = v
		c.App.Maps.restartLive()
	}
}

// SetIterations changes how long the live map runs; a finished one continues to the new end.
func (c *LiveControls) SetIterations(e vugu.DOMEvent) {
	v, err := strconv.Atoi(js.Value(e.JSEventTarget()).Get("value").String())
	r := c.iterationRange()
	if err != nil || v < r[0] || v > r[1] {
		return
	}
	if c.live().Method == livemap.UMAP {
		// UMAP's learning rate falls to 0 over its epochs: more epochs mean a new schedule.
		c.live().Epochs = v
		c.App.Maps.restartLive()
		return
	}
	c.live().Iterations = v
	c.App.Maps.extendLive(v)
}

// ToggleLive pauses or resumes the live map (or runs it again once finished).
func (c *LiveControls) ToggleLive(e vugu.DOMEvent) {
	l := c.live()
	if l.id == 0 || l.progress.Done || l.Error != "" {
		c.App.Maps.restartLive()
		return
	}
	l.pause(l.Running)
}

// RestartLive starts the live map from scratch.
func (c *LiveControls) RestartLive(e vugu.DOMEvent) { c.App.Maps.restartLive() }

func (c *LiveControls) liveButtonText() string {
	l := c.live()
	switch {
	case l.id == 0 || l.progress.Done || l.Error != "":
		return "Run again"
	case l.Running:
		return "Pause"
	}
	return "Resume"
}

func (c *LiveControls) liveText() string {
	l := c.live()
	p := l.progress
	name := "t-SNE"
	if l.Method == livemap.UMAP {
		name = "UMAP"
	}
	switch {
	case l.Error != "":
		return l.Error
	case l.id == 0 || p.Type == "":
		return "Starting the map worker…"
	case p.Iter == 0 && !p.Done && p.Neighbours < p.Points:
		return fmt.Sprintf("Finding each image's nearest neighbours: %s of %s…", thousands(p.Neighbours), thousands(p.Points))
	case p.Done && l.Method == livemap.TSNE:
		return fmt.Sprintf("Done: %s, %d iterations on %s images in %.1f s, KL divergence %.3f.", name, p.Iter, thousands(p.Points), p.Ms/1000, p.KL)
	case p.Done:
		return fmt.Sprintf("Done: %s, %d epochs on %s images in %.1f s.", name, p.Iter, thousands(p.Points), p.Ms/1000)
	}
	state := "running"
	if !l.Running {
		state = "paused"
	}
	unit := "Iteration"
	if l.Method == livemap.UMAP {
		unit = "Epoch"
	}
	text := fmt.Sprintf("%s: %s %d of %d (%s, %.0f a second), computed off the page's main thread.", name, unit, p.Iter, p.Total, state, l.ItPerSec)
	if p.Exaggerated > 0 && p.Iter < p.Exaggerated {
		text += fmt.Sprintf(" The first %d exaggerate attraction to form clusters.", p.Exaggerated)
	}
	return text
}

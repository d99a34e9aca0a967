//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"syscall/js"

	"github.com/vugu/vugu"
)

// LiveControls are the Map view's controls of the live t-SNE (live-controls.vugu).
type LiveControls struct {
	App *App
}

func (c *LiveControls) perplexityText() string {
	return fmt.Sprintf("Perplexity %.0f (about how many neighbours each image weighs)", c.App.Maps.Live.Perplexity)
}

func (c *LiveControls) iterationsText() string {
	return fmt.Sprintf("Iterations %d", c.App.Maps.Live.Iterations)
}

// SetPerplexity changes the live t-SNE's perplexity and starts it over.
func (c *LiveControls) SetPerplexity(e vugu.DOMEvent) {
	if v, err := strconv.ParseFloat(js.Value(e.JSEventTarget()).Get("value").String(), 64); err == nil && v >= 5 && v <= 50 {
		c.App.Maps.Live.Perplexity = v
		c.App.Maps.restartLive()
	}
}

// SetIterations changes how long the live t-SNE runs; a finished run continues to the new end.
func (c *LiveControls) SetIterations(e vugu.DOMEvent) {
	v, err := strconv.Atoi(js.Value(e.JSEventTarget()).Get("value").String())
	if err != nil || v < 250 || v > 2000 {
		return
	}
	l := &c.App.Maps.Live
	l.Iterations = v
	if l.run != nil {
		if v <= l.run.Iter {
			v = l.run.Iter
		}
		l.run.Iterations = v
		if !l.run.Done() {
			l.Running, l.placer = true, nil
			c.App.Maps.startLive()
		}
	}
}

// ToggleLive pauses or resumes the live t-SNE (or starts it again once finished).
func (c *LiveControls) ToggleLive(e vugu.DOMEvent) {
	l := &c.App.Maps.Live
	switch {
	case l.run == nil || l.run.Done():
		c.App.Maps.restartLive()
	default:
		l.Running = !l.Running
		c.App.Maps.startLive()
	}
}

// RestartLive starts the live t-SNE from scratch.
func (c *LiveControls) RestartLive(e vugu.DOMEvent) { c.App.Maps.restartLive() }

func (c *LiveControls) liveButtonText() string {
	l := &c.App.Maps.Live
	switch {
	case l.run == nil || l.run.Done():
		return "Run again"
	case l.Running:
		return "Pause"
	}
	return "Resume"
}

func (c *LiveControls) liveText() string {
	l := &c.App.Maps.Live
	switch {
	case l.run == nil:
		return ""
	case l.run.P == nil:
		return "Finding each image's neighbours…"
	case l.run.Done():
		return fmt.Sprintf("Done: %d iterations on %s images, KL divergence %.3f, %.0f iterations a second.", l.Iter, thousands(liveCount), l.KL, l.ItPerSec)
	}
	state := "running"
	if !l.Running {
		state = "paused"
	}
	return fmt.Sprintf("Iteration %d of %d (%s, %.0f a second). The first %d exaggerate attraction to form clusters.", l.Iter, l.run.Iterations, state, l.ItPerSec, l.run.ExaggerationIters)
}

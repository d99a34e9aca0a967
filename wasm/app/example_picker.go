//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"syscall/js"

	"github.com/vugu/vugu"

	"lookbook/pretrained/sketches"
)

// ExamplePicker draws one of the hand-drawn example sketches on the pad
// (example-picker.vugu): the pad's keyboard alternative, in the Classify and Map views.
type ExamplePicker struct {
	App     *App
	Compact bool // a short prompt, for the Map's small pad
}

func (c *ExamplePicker) prompt() string {
	if c.Compact {
		return "Example…"
	}
	return "Draw an example…"
}

// examplesPerClass keeps the list short enough to scan: three sketches of each class.
const examplesPerClass = 3

// exampleSketches returns the sketches the picker offers, parsed once.
func (a *App) exampleSketches() []sketches.Sketch {
	if a.examples == nil {
		all, err := sketches.All()
		if err != nil { // embedded and tested: cannot happen in a released build
			a.Notice = "The example drawings could not be read: " + err.Error()
			return nil
		}
		var perClass [10]int
		for _, s := range all {
			if perClass[s.Class] < examplesPerClass {
				perClass[s.Class]++
				a.examples = append(a.examples, s)
			}
		}
	}
	return a.examples
}

// drawExample replaces the pad's drawing with example i.
func (a *App) drawExample(i int) {
	examples := a.exampleSketches()
	if i < 0 || i >= len(examples) {
		return
	}
	a.strokes, a.current, a.background, a.Notice = examples[i].Render(a.brushRadius()), nil, nil, ""
	a.redraw()
	a.example = [2]int{i, a.Version}
}

// value is the list's choice: the example on the pad, or the prompt once anything else
// changed the pad (every change moves App.Version).
func (c *ExamplePicker) value() string {
	if c.App.example[1] == c.App.Version && c.App.HasInput {
		return strconv.Itoa(c.App.example[0])
	}
	return ""
}

// optionLabel names example i by its class and its number within the class.
func (c *ExamplePicker) optionLabel(i int) string {
	examples, n := c.App.exampleSketches(), 1
	for j := 0; j < i; j++ {
		if examples[j].Class == examples[i].Class {
			n++
		}
	}
	return fmt.Sprintf("%s, sketch %d", classNames[examples[i].Class], n)
}

// Pick draws the chosen example. The list keeps showing it, and the prediction line (a live
// region) reads out what the classifier says.
func (c *ExamplePicker) Pick(e vugu.DOMEvent) {
	if i, err := strconv.Atoi(js.Value(e.JSEventTarget()).Get("value").String()); err == nil {
		c.App.drawExample(i)
	}
}

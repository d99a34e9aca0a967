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

// shownExample is the example last drawn, and App.Version just after: while the version has
// not moved, the pad shows that example.
type shownExample struct{ index, version int }

// examplesPerClass keeps the list short enough to scan: three sketches of each class.
const examplesPerClass = 3

// exampleSketches returns the sketches the picker offers, parsed once.
func (a *App) exampleSketches() []sketches.Sketch {
	if a.examples == nil {
		a.examples = []sketches.Sketch{} // parsed once, even if it fails
		all, err := sketches.All()
		if err != nil { // embedded and tested (pretrained/sketches): the list would be empty
			js.Global().Get("console").Call("warn", "example drawings: "+err.Error())
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
	a.example = shownExample{index: i, version: a.Version}
}

// value is the list's choice: the example on the pad, or the prompt once anything else
// changed the pad (every change moves App.Version).
func (c *ExamplePicker) value() string {
	if ex := c.App.example; ex.version == c.App.Version && c.App.HasInput {
		return strconv.Itoa(ex.index)
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

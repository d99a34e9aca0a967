//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"syscall/js"

	"github.com/vugu/vugu"

	"lookbook/ml/sketch"
)

// ExamplePicker draws one of the hand-drawn example sketches on the pad
// (example-picker.vugu): the pad's keyboard alternative, in the Classify and Map views.
type ExamplePicker struct {
	App     *App
	Compact bool // a short prompt, for the Map's small pad
}

// Examples are the hand-drawn sketches the picker offers (pretrained/sketches/sketches.json,
// downloaded beside the weights), and which one the pad shows.
type Examples struct {
	list  []sketch.Sketch // empty until downloaded, or if the download failed
	shown shownExample
}

// shownExample is the example last drawn, and App.Version just after: while the version has
// not moved, the pad shows that example.
type shownExample struct{ index, version int }

// examplesPerClass keeps the list short enough to scan: three sketches of each class.
const examplesPerClass = 3

// fetchExamples downloads and parses the sketches, keeping the first few of each class.
// Without them the list offers nothing, and the pad works as before.
func fetchExamples() []sketch.Sketch {
	data, err := fetchBytes(assetName("sketches"))
	var all []sketch.Sketch
	if err == nil {
		all, err = sketch.Parse(data)
	}
	if err != nil {
		js.Global().Get("console").Call("warn", "example drawings: "+err.Error())
		return nil
	}
	var list []sketch.Sketch
	var perClass [10]int
	for _, s := range all {
		if perClass[s.Class] < examplesPerClass {
			perClass[s.Class]++
			list = append(list, s)
		}
	}
	return list
}

func (c *ExamplePicker) prompt() string {
	if c.Compact {
		return "Example…"
	}
	return "Draw an example…"
}

// draw replaces the pad's drawing with example i.
func (c *ExamplePicker) draw(i int) {
	a, examples := c.App, c.App.Examples.list
	if i < 0 || i >= len(examples) {
		return
	}
	a.strokes, a.current, a.background, a.Notice = examples[i].Render(a.brushRadius()), nil, nil, ""
	a.redraw()
	a.Examples.shown = shownExample{index: i, version: a.Version}
}

// value is the list's choice: the example on the pad, or the prompt once anything else
// changed the pad (every change moves App.Version).
func (c *ExamplePicker) value() string {
	if ex := c.App.Examples.shown; ex.version == c.App.Version && c.App.HasInput {
		return strconv.Itoa(ex.index)
	}
	return ""
}

// optionLabel names example i by its class and its number within the class.
func (c *ExamplePicker) optionLabel(i int) string {
	examples, n := c.App.Examples.list, 1
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
		c.draw(i)
	}
}

//go:build js && wasm

package main

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"lookbook/ml"
	"lookbook/ml/explain"
	"lookbook/wasm/jsapi"
)

// Why is Classify's "Why?": which pixels of the input made the answer, by the method the
// visitor picks, for the answer or for the class whose bar they clicked. The map is drawn over
// the pad and over the model's view (stage_why.go) and follows the input as it changes.
type Why struct {
	app *App

	On     bool
	Method explain.Method
	Block  int // Grad-CAM's conv block, 1 to 4
	// Class is the class explained; −1 follows the answer.
	Class int

	Shown    explain.Result // the explanation on screen, while HasShown
	HasShown bool
	Ms       float64 // how long it took
	Error    string
	// Version increments with each explanation, so the stage redraws its overlay.
	Version int

	explainer *explain.Explainer
	of        *ml.Linear // the classifier's last layer the explainer copied (teaching swaps it)
	at        time.Time  // when the last explanation was made
	forInput  int        // App.inputVersion explained
	forSet    int        // settings explained (see settings)
	settings  int        // increments with each change of On, Method, Block or Class
}

// DefaultWhyBlock is the block Grad-CAM starts at: on the deletion test over the 10,000 test
// images the four blocks' maps are within 0.04 of each other and block 2's within 0.01 of the
// best (block 3's, at 4×4), and its 8×8 is fine enough to point at a collar or a sleeve (see the
// README).
const DefaultWhyBlock = 2

// slowExplanationMs is an explanation too slow to follow a stroke frame by frame.
const slowExplanationMs = 16

func newWhy(a *App) Why {
	return Why{app: a, Method: explain.GradCAM, Block: DefaultWhyBlock, Class: -1, forInput: -1}
}

// toggle turns the explanation on or off.
func (w *Why) toggle() {
	w.On = !w.On
	w.changed()
}

func (w *Why) setMethod(m explain.Method) {
	if slices.Contains(explain.Methods, m) {
		w.Method = m
		w.changed()
	}
}

func (w *Why) setBlock(b int) {
	if b >= 1 && b <= explain.Blocks {
		w.Block = b
		w.changed()
	}
}

// explainClass explains class i (turning the explanation on); the answer's own class goes back
// to following the answer.
func (w *Why) explainClass(i int) {
	w.On = true
	w.Class = i
	if w.app.HasInput && i == w.app.Pred {
		w.Class = -1
	}
	w.changed()
}

func (w *Why) changed() {
	w.settings++
	w.app.Version++
}

// class is the class explained now.
func (w *Why) class() int {
	if w.Class < 0 || w.Class >= w.app.classCount() {
		return w.app.Pred
	}
	return w.Class
}

// stale reports whether the explanation on screen is not that of the current input and settings.
func (w *Why) stale() bool {
	return w.On && w.app.HasInput && (w.forInput != w.app.inputVersion || w.forSet != w.settings)
}

// refresh explains the current input when the one on screen is stale. The stage calls it once a
// frame at most, so a drawing stroke's many inputs cost one explanation a frame. While a stroke
// is being drawn, a method slower than a frame explains at most a fifth of the time (once every
// five explanations' time), so that the stroke itself stays smooth; the stroke's end is always
// explained.
func (w *Why) refresh() bool {
	if !w.stale() {
		return false
	}
	a := w.app
	if a.current != nil && w.Ms > slowExplanationMs && time.Since(w.at) < time.Duration(5*w.Ms*float64(time.Millisecond)) {
		return false
	}
	defer func() { w.at = time.Now() }()
	w.forInput, w.forSet = a.inputVersion, w.settings
	r, ms, err := w.explain(a.Result.Input[:], explain.Options{Method: w.Method, Class: w.class(), Block: w.Block})
	w.Shown, w.HasShown, w.Ms, w.Error = r, err == nil, ms, ""
	if err != nil {
		w.Error = err.Error()
	}
	w.Version++
	return true
}

// explain runs one explanation with the current classifier (rebuilding the explainer's copy of it
// when teaching changed its last layer) and times it.
func (w *Why) explain(x []float32, o explain.Options) (explain.Result, float64, error) {
	e := w.explainerNow()
	start := time.Now()
	r, err := e.Explain(x, o)
	return r, float64(time.Since(start).Microseconds()) / 1000, err
}

// explainerNow returns the explainer of the classifier as it is now (the model is loaded).
func (w *Why) explainerNow() *explain.Explainer {
	m := w.app.model
	if w.explainer == nil || w.of != m.FC3 {
		w.explainer, w.of = explain.New(m), m.FC3
	}
	return w.explainer
}

// caption says in plain words what the overlay shows.
func (w *Why) caption() string {
	a := w.app
	if !a.HasInput {
		return "Draw or open a garment, and the colours will show what the classifier looked at."
	}
	if w.Error != "" {
		return "Could not explain this answer: " + w.Error + "."
	}
	name := a.className(w.class())
	lead := fmt.Sprintf("Why %s?", name)
	if w.class() != a.Pred {
		lead = fmt.Sprintf("Why not %s? (the answer is %s)", name, a.className(a.Pred))
	}
	var how string
	switch w.Method {
	case explain.GradCAM:
		how = fmt.Sprintf("Grad-CAM weighs what conv block %d found by how much it raises %s's score, so its map is as coarse as that block (%s).", w.Block, name, blockGrid(w.Block))
	case explain.IntegratedGradients:
		how = fmt.Sprintf("Integrated gradients shares %s's score among the pixels, brightening the picture from black step by step.", name)
	case explain.Occlusion:
		how = fmt.Sprintf("Occlusion hides one small square at a time and watches how sure the model stays of %s.", name)
	case explain.StepwiseOcclusion:
		how = fmt.Sprintf("Stepwise occlusion hides one small square at a time, then hides the tenth of the garment that spoke most for %s and asks again what the answer still rests on; the strongest orange is that first tenth.", name)
	}
	return fmt.Sprintf("%s Orange marks pixels that speak for %s, blue pixels that speak against it; the stronger the colour, the more they count. %s", lead, name, how)
}

func blockGrid(b int) string {
	side := 32 >> b
	return fmt.Sprintf("%d×%d", side, side)
}

// timing is the explanation's time for the panel.
func (w *Why) timing() string {
	if !w.HasShown {
		return ""
	}
	s := fmt.Sprintf("%s in %.1f ms", w.Shown.Method.Name(), w.Ms)
	if w.Shown.Method == explain.IntegratedGradients {
		s += fmt.Sprintf(" (%d steps, attributions add up to the score's change within %.1f %%)", w.Shown.Steps, 100*w.Shown.CompletenessError)
	}
	return s
}

// linkOptions adds the explanation's settings to a share link's options.
func (w *Why) linkOptions(o url.Values) {
	if !w.On {
		return
	}
	o.Set("why", string(w.Method))
	if w.Method == explain.GradCAM {
		o.Set("whyblock", strconv.Itoa(w.Block))
	}
	if w.Class >= 0 {
		o.Set("whyclass", strconv.Itoa(w.Class))
	}
}

// restore applies a link's explanation settings; what it cannot use it leaves at the defaults.
func (w *Why) restore(o url.Values) {
	m := explain.Method(o.Get("why"))
	if !slices.Contains(explain.Methods, m) {
		return
	}
	w.On, w.Method = true, m
	if b, err := strconv.Atoi(o.Get("whyblock")); err == nil && b >= 1 && b <= explain.Blocks {
		w.Block = b
	}
	if c, err := strconv.Atoi(o.Get("whyclass")); err == nil && c >= 0 && c < w.app.classCount() {
		w.Class = c
	}
	w.changed()
}

// state describes the explanation for lookbook.state().
func (w *Why) state() *jsapi.Why {
	s := &jsapi.Why{On: w.On, Method: string(w.Method), Block: w.Block, Class: w.class(), Ms: w.Ms,
		Shown: w.HasShown && !w.stale(), Error: w.Error, Caption: w.caption()}
	return s
}

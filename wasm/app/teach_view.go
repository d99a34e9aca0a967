//go:build js && wasm

package main

import (
	"fmt"
	"strings"
	"syscall/js"
	"time"

	"github.com/vugu/vugu"

	"lookbook/ml"
	"lookbook/ml/prep"
	"lookbook/ml/teach"
)

// TeachView is the Teach view's DOM layer (teach-view.vugu): the class to teach, the examples,
// the teaching and what it did; the examples are drawn on the stage's pad.
type TeachView struct {
	App *App
}

// maxExamples bounds the examples the view keeps (lookbook.teach takes as many).
const maxExamples = 200

// addExample keeps a prepared input as an example.
func (t *teachState) addExample(r prep.Result) {
	a := t.app
	if len(t.Examples) >= maxExamples {
		t.Error = fmt.Sprintf("That is %d examples, as many as the view keeps.", maxExamples)
		return
	}
	ex := teachExample{input: r.Input, Thumb: grayPNG(r.View[:], prep.Side), Pred: -1}
	a.model.Forward(ml.FromData(ex.input[:], 1, 1, 32, 32))
	copy(ex.feature[:], a.model.Latent().Data)
	t.Examples = append(t.Examples, ex)
	t.Error, t.taughtByView = "", false
	t.examplesVersion++
}

// addExampleFile keeps a dropped, pasted or opened picture as an example.
func (t *teachState) addExampleFile(data []byte, name string) {
	r, _, err := prep.PrepareFile(data)
	if err != nil {
		t.Error = fmt.Sprintf("Could not use %q: %v.", name, err)
		return
	}
	t.addExample(r)
}

// AddDrawing keeps the pad's drawing as an example and clears the pad for the next one.
func (c *TeachView) AddDrawing(e vugu.DOMEvent) {
	a := c.App
	if !a.HasInput {
		a.Teach.Error = "Draw an example on the pad first."
		return
	}
	a.Teach.addExample(a.Result)
	a.strokes, a.current, a.background = nil, nil, nil
	a.redraw()
}

// ClearPad empties the pad.
func (c *TeachView) ClearPad(e vugu.DOMEvent) {
	a := c.App
	a.strokes, a.current, a.background = nil, nil, nil
	a.redraw()
}

// Upload keeps every chosen picture as an example.
func (c *TeachView) Upload(e vugu.DOMEvent) {
	input := js.Value(e.JSEventTarget())
	files := input.Get("files")
	env, a := e.EventEnv(), c.App
	for i := 0; i < files.Get("length").Int(); i++ {
		file := files.Index(i)
		name := file.Get("name").String()
		go func() {
			buf, err := await(file.Call("arrayBuffer"))
			env.Lock()
			defer env.UnlockRender()
			if err != nil {
				a.Teach.Error = fmt.Sprintf("Could not read %q.", name)
				return
			}
			a.Teach.addExampleFile(bytesFromJS(buf), name)
		}()
	}
	input.Set("value", "")
}

// Remove drops example i.
func (c *TeachView) Remove(e vugu.DOMEvent, i int) {
	t := &c.App.Teach
	if i >= 0 && i < len(t.Examples) {
		t.Examples = append(t.Examples[:i], t.Examples[i+1:]...)
		t.taughtByView = false
		t.examplesVersion++
	}
}

// RemoveAll drops every example.
func (c *TeachView) RemoveAll(e vugu.DOMEvent) {
	c.App.Teach.Examples, c.App.Teach.taughtByView = nil, false
	c.App.Teach.examplesVersion++
}

// SetName follows the class name field.
func (c *TeachView) SetName(e vugu.DOMEvent) { c.App.Teach.NameInput = e.PropString("target", "value") }

// Teach starts teaching the named class from the examples, holding some back to check on.
func (c *TeachView) Teach(e vugu.DOMEvent) {
	a := c.App
	t := &a.Teach
	name, class, err := taughtClass(t.NameInput)
	if err != nil {
		t.Error = "Name the class first: a new one (such as Hat) or one of the ten to correct."
		return
	}
	if len(t.Examples) < teach.MinExamples {
		t.Error = fmt.Sprintf("Give at least %d examples.", teach.MinExamples)
		return
	}
	if t.busy {
		return
	}
	req := teachRequest{name: name, class: class, heldBack: make([]bool, len(t.Examples))}
	// Every fifth example is held back to check the taught model on, while five or more
	// remain to learn from.
	hold := len(t.Examples) / 5
	if len(t.Examples)-hold < teach.MinExamples {
		hold = 0
	}
	for i := range t.Examples {
		ex := &t.Examples[i]
		ex.HeldBack, ex.Pred = hold > 0 && i%5 == 4 && i/5 < hold, -1
		req.heldBack[i] = ex.HeldBack
		req.images = append(req.images, ex.input[:])
	}
	t.Error, t.Done, t.Steps, t.taughtByView = "", 0, teach.DefaultConfig().Steps, false
	go func() {
		out, err := a.Teach.run(req, func(done, steps int, loss float64) {
			a.env.Lock()
			t.Done, t.Steps, t.Loss = done, steps, loss
			if time.Since(t.lastProgressDraw) > 100*time.Millisecond {
				t.lastProgressDraw = time.Now()
				a.env.UnlockRender()
				return
			}
			a.env.UnlockOnly()
		})
		a.env.Lock()
		defer a.env.UnlockRender()
		if err != nil {
			t.Error = "Could not teach: " + err.Error()
			return
		}
		t.Done, t.Loss, t.Before, t.After, t.TrainMs = t.Steps, out.loss, out.before, out.after, out.trainMs
		if len(out.preds) == len(t.Examples) {
			for i := range t.Examples {
				t.Examples[i].Pred = out.preds[i]
			}
			t.taughtByView = true
			t.examplesVersion++
		}
	}()
}

// Reset restores the shipped classifier.
func (c *TeachView) Reset(e vugu.DOMEvent) {
	a := c.App
	if a.Teach.Name != "" && !a.Teach.busy {
		a.Teach.applyHead(a.Teach.shipped, "", 0)
	}
	a.Teach.taughtByView, a.Teach.Before = false, -1
}

func (c *TeachView) garments() []string { return ml.FashionNetClasses[:] }

func (c *TeachView) countText() string {
	t := &c.App.Teach
	n := len(t.Examples)
	switch {
	case n == 0:
		return fmt.Sprintf("No examples yet: give at least %d.", teach.MinExamples)
	case n < teach.MinExamples:
		return fmt.Sprintf("%d %s: %d more to go.", n, plural(n, "example", "examples"), teach.MinExamples-n)
	}
	hold := n / 5
	if n-hold < teach.MinExamples {
		return fmt.Sprintf("%d examples. Give %d more to hold one back and check the taught model on it.", n, teach.MinExamples+1-n)
	}
	return fmt.Sprintf("%d examples: %d to learn from, %d held back to check on.", n, n-hold, hold)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (c *TeachView) canTeach() bool {
	t := &c.App.Teach
	return !t.busy && len(t.Examples) >= teach.MinExamples && strings.TrimSpace(t.NameInput) != ""
}

func (c *TeachView) progressText() string {
	t := &c.App.Teach
	return fmt.Sprintf("Learning… update %d of %d, loss %.3f", t.Done, t.Steps, t.Loss)
}

func (c *TeachView) resultText() string {
	t := &c.App.Teach
	return fmt.Sprintf("Taught %q in %.0f ms (last loss %.3f). The ten garments on the 10,000 test images: %.2f %% before, %.2f %% after.",
		c.App.Teach.Name, t.TrainMs, t.Loss, 100*t.Before, 100*t.After)
}

func (c *TeachView) checkText() string {
	t := &c.App.Teach
	held, right := 0, 0
	for _, ex := range t.Examples {
		if ex.HeldBack {
			held++
			if ex.Pred == t.Class {
				right++
			}
		}
	}
	if held == 0 {
		return "No example was held back: add a sixth to check the taught model on one it has not seen."
	}
	return fmt.Sprintf("Held back, unseen while learning: %d of %d taken for %s.", right, held, t.Name)
}

func (c *TeachView) exampleCaption(i int) string {
	t := &c.App.Teach
	ex := t.Examples[i]
	if !t.taughtByView || ex.Pred < 0 {
		if ex.HeldBack {
			return "held back"
		}
		return ""
	}
	mark := "✓"
	if ex.Pred != t.Class {
		mark = "✗"
	}
	s := mark + " " + c.App.className(ex.Pred)
	if ex.HeldBack {
		s += " (held back)"
	}
	return s
}

func (c *TeachView) sayText() string {
	a := c.App
	if !a.HasInput {
		return "Draw an example on the pad, then add it."
	}
	return fmt.Sprintf("The classifier says: %s · %.0f%%", a.className(a.Pred), 100*a.Probs[a.Pred])
}

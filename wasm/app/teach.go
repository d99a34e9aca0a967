//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"syscall/js"
	"time"
	"unicode"

	"lookbook/ml"
	"lookbook/ml/format"
	"lookbook/ml/teach"
	"lookbook/wasm/share"
)

// teachState is what the visitor has taught the classifier (ml/teach): a new class, or a
// correction of one of the ten garments. Teaching again starts from the shipped model.
type teachState struct {
	app     *App       // the shared state: the model, the pad's input, the lock
	Name    string     // the taught class's name; "" while the model is the shipped one
	Class   int        // its index: 10 for a new class, else the garment corrected
	head    teach.Head // the last layer in use
	shipped teach.Head // the shipped last layer, to start from and to restore
	replay  *teach.Replay
	busy    bool // a teaching is running (the view's or the API's)

	// The Teach view: the class name typed, the examples given, and the last teaching.
	NameInput        string
	Examples         []teachExample
	Done, Steps      int     // updates made, of all, while teaching
	Loss             float64 // the last batch's
	Before, After    float64 // the garments' test accuracy around the last teaching; −1: none yet
	TrainMs          float64
	Error            string // why the view could not teach
	taughtByView     bool   // the examples' predictions belong to the model in use
	examplesVersion  int    // increments when the examples or the model change (the Map follows)
	lastProgressDraw time.Time
}

// teachExample is one example the view holds: the network's input, its 28×28 view for the
// thumbnail, and after teaching the class the taught model gives it.
type teachExample struct {
	input    [32 * 32]float32
	feature  [teach.Latent]float32 // its features, to place it on the Map
	Thumb    string                // a PNG data URL of the 28×28 view
	HeldBack bool                  // kept out of the training, to check the taught model on
	Pred     int                   // the taught model's class for it; −1 before teaching
}

// maxNameLength bounds a taught class's name (it labels a bar and travels in links).
const maxNameLength = 24

// classCount is how many classes the classifier answers with: 10, or 11 with a taught class.
func (a *App) classCount() int {
	if a.model == nil {
		return teach.Garments
	}
	return a.model.FC3.Out
}

// className names class i, the taught one included.
func (a *App) className(i int) string {
	if i >= 0 && i < teach.Garments {
		return ml.FashionNetClasses[i]
	}
	return a.Teach.Name
}

// setLabels tells the JS API's wrappers the class names, whose count they read outputs by.
func (t *teachState) setLabels() {
	a := t.app
	names := make([]any, a.classCount())
	for i := range names {
		names[i] = a.className(i)
	}
	js.Global().Get("lookbook").Set("_labels", names)
}

// applyHead makes h the classifier's last layer, in the app's model and the API's, and
// answers the current input again. name is the taught class ("" for the shipped model).
func (t *teachState) applyHead(h teach.Head, name string, class int) {
	a := t.app
	for _, m := range []*ml.FashionNet{a.model, a.api.model} {
		fc := ml.NewLinear("fc3", teach.Latent, h.Classes)
		copy(fc.Weight.Value.Data, h.Weight)
		copy(fc.Bias.Value.Data, h.Bias)
		fc.SetFrozen(true)
		m.FC3 = fc
	}
	a.api.model.Forward(a.api.image) // the export's buffers are made now, not in the export
	t.head, t.Name, t.Class = h, name, class
	t.examplesVersion++
	t.setLabels()
	if a.HasInput {
		a.classify(a.Result)
	}
	a.Maps.ownFor = [2]int{-1, -1}
}

// teachRequest is what to teach, checked: from lookbook.teach or the Teach view.
type teachRequest struct {
	name     string
	class    int // 10 for a new class, else the garment it corrects
	images   [][]float32
	heldBack []bool // images kept out of the training (nil: none)
}

// teachOutcome is what a teaching did.
type teachOutcome struct {
	classes                    []string
	before, after, ms, trainMs float64
	loss                       float64
	preds                      []int // the taught model's class for each image
}

// parseTeach reads {name, examples} and says exactly what is wrong with it.
func parseTeach(args []js.Value) (teachRequest, error) {
	var req teachRequest
	if len(args) != 1 || args[0].Type() != js.TypeObject {
		return req, errors.New("it takes one object: {name: a class name, examples: an array of at least 5 Float32Array(1024)}")
	}
	o := args[0]
	if o.Get("name").Type() != js.TypeString {
		return req, errors.New("name must be a string: the class to teach")
	}
	var err error
	if req.name, req.class, err = taughtClass(o.Get("name").String()); err != nil {
		return req, err
	}
	ex := o.Get("examples")
	if !js.Global().Get("Array").Call("isArray", ex).Bool() {
		return req, errors.New("examples must be an array of Float32Array(1024), 32×32 values in [0, 1]")
	}
	const most = 200
	if n := ex.Length(); n < teach.MinExamples || n > most {
		return req, fmt.Errorf("examples must hold %d to %d images, not %d", teach.MinExamples, most, n)
	}
	f32 := js.Global().Get("Float32Array")
	for i := 0; i < ex.Length(); i++ {
		v := ex.Index(i)
		if !v.InstanceOf(f32) || v.Length() != 1024 {
			return req, fmt.Errorf("example %d must be a Float32Array of 1024 values (32×32, in [0, 1])", i)
		}
		img := make([]float32, 1024)
		js.CopyBytesToGo(floatBytes(img), js.Global().Get("Uint8Array").New(v.Get("buffer"), v.Get("byteOffset"), 4096))
		for _, x := range img {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return req, fmt.Errorf("example %d holds a NaN or an infinity", i)
			}
		}
		req.images = append(req.images, img)
	}
	return req, nil
}

// taughtClass checks a taught class's name and says which class it is: a garment's name
// (in any case) corrects that garment, any other adds class 10.
func taughtClass(name string) (string, int, error) {
	name = strings.TrimSpace(name)
	if n := len([]rune(name)); n == 0 || n > maxNameLength {
		return "", 0, fmt.Errorf("name must be 1 to %d characters, not %d", maxNameLength, n)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return "", 0, errors.New("name must be printable text")
		}
	}
	for k, g := range ml.FashionNetClasses {
		if strings.EqualFold(g, name) {
			return g, k, nil
		}
	}
	return name, teach.Garments, nil
}

// Links carry a taught class as its name (tname) and its row of the last layer (trow: 128
// weights and the bias as float16, 344 characters); every other row is the shipped one. The
// page rounds its own row to float16 when training ends, so both ends classify alike.

// linkOptions adds the taught class, if any, to a link's options.
func (t *teachState) linkOptions(o url.Values) {
	if t.Name == "" {
		return
	}
	w, b := t.head.Row(t.Class)
	o.Set("tname", t.Name)
	o.Set("trow", share.EncodeHalves(append(w, b)))
}

// restore applies a link's taught class; a damaged one leaves the shipped classifier.
func (t *teachState) restore(o url.Values) error {
	if !o.Has("tname") && !o.Has("trow") {
		return nil
	}
	name, class, err := taughtClass(o.Get("tname"))
	if err != nil {
		return err
	}
	row, err := share.DecodeHalves(o.Get("trow"), teach.Latent+1, 1e4)
	if err != nil {
		return err
	}
	t.applyHead(t.shipped.WithRow(class, row[:teach.Latent], row[teach.Latent]), name, class)
	return nil
}

// roundRow rounds class k's row to float16, as a link carries it.
func roundRow(h teach.Head, k int) teach.Head {
	w, b := h.Row(k)
	return h.WithRow(k, share.RoundCode(w), share.RoundCode([]float32{b})[0])
}

// api is lookbook.teach({name, examples}): a promise of {classes, accuracyBefore,
// accuracyAfter, ms, trainMs} once the classifier has learnt the class.
func (t *teachState) api(args []js.Value) any {
	req, err := parseTeach(args)
	resolve, reject, promise := newPromise()
	if err != nil {
		reject("lookbook.teach: " + err.Error())
		return promise
	}
	go func() {
		out, err := t.run(req, nil)
		if err != nil {
			reject("lookbook.teach: " + err.Error())
			return
		}
		names := make([]any, len(out.classes))
		for i, n := range out.classes {
			names[i] = n
		}
		resolve(map[string]any{"classes": names, "accuracyBefore": out.before, "accuracyAfter": out.after,
			"ms": out.ms, "trainMs": out.trainMs, "loss": out.loss})
	}()
	return promise
}

// run teaches req, waiting for what it needs (the model, the test features on which
// forgetting is measured, the replay sample), training in slices so the page keeps running;
// progress, if given, is called between slices, unlocked.
func (t *teachState) run(req teachRequest, progress func(done, steps int, loss float64)) (teachOutcome, error) {
	a := t.app
	start := time.Now()
	a.env.Lock()
	if t.busy {
		a.env.UnlockOnly()
		return teachOutcome{}, errors.New("a class is being taught already: wait for it")
	}
	t.busy = true
	a.env.UnlockOnly()
	defer func() { a.env.Lock(); t.busy = false; a.env.UnlockOnly() }()
	if err := a.Maps.await(); err != nil {
		return teachOutcome{}, err
	}
	replay, err := t.loadReplay()
	if err != nil {
		return teachOutcome{}, err
	}
	a.env.Lock()
	classes, own := teach.Garments, []teach.Example{}
	if req.class == teach.Garments {
		classes++
	}
	for i, img := range req.images {
		if req.heldBack != nil && req.heldBack[i] {
			continue
		}
		a.model.Forward(ml.FromData(img, 1, 1, 32, 32))
		own = append(own, teach.Example{Feature: append([]float32(nil), a.model.Latent().Data...), Label: req.class})
	}
	base, test := t.shipped, a.Maps.data
	a.env.UnlockOnly()
	run, err := teach.New(base, classes, own, *replay, teach.DefaultConfig())
	if err != nil {
		return teachOutcome{}, err
	}
	trainStart := time.Now()
	for !run.Step(8 * time.Millisecond) {
		if progress != nil {
			progress(run.Done, run.Steps(), run.Loss)
		}
		time.Sleep(time.Millisecond) // the page's turn
	}
	trainMs := msSince(trainStart)
	head := roundRow(run.Head(), req.class)
	before, after := base.Accuracy(test.Features, test.Labels), head.Accuracy(test.Features, test.Labels)
	a.env.Lock()
	defer a.env.UnlockRender()
	t.applyHead(head, req.name, req.class)
	out := teachOutcome{before: before, after: after, ms: msSince(start), trainMs: trainMs, loss: run.Loss}
	for i := 0; i < a.classCount(); i++ {
		out.classes = append(out.classes, a.className(i))
	}
	for _, img := range req.images {
		out.preds = append(out.preds, ml.ArgMax(a.model.Forward(ml.FromData(img, 1, 1, 32, 32)).Data))
	}
	return out, nil
}

// untaughtAPI is lookbook.untaught(): the shipped classifier again.
func (t *teachState) untaughtAPI() any {
	a := t.app
	a.env.Lock()
	defer a.env.UnlockRender()
	if a.model != nil && t.Name != "" {
		t.applyHead(t.shipped, "", 0)
	}
	return nil
}

// loadReplay downloads and checks the replay sample the first time it is needed.
func (t *teachState) loadReplay() (*teach.Replay, error) {
	a := t.app
	a.env.RLock()
	r := t.replay
	a.env.RUnlock()
	if r != nil {
		return r, nil
	}
	raw, err := fetchBytes(assetName("replay"))
	if err != nil {
		return nil, fmt.Errorf("the replay sample could not be loaded: %w", err)
	}
	f, err := format.DecodeReplay(raw)
	if err != nil {
		return nil, fmt.Errorf("the replay sample is damaged: %w", err)
	}
	r = &teach.Replay{Features: f.Features, Labels: f.Labels}
	a.env.Lock()
	t.replay = r
	a.env.UnlockOnly()
	return r, nil
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000 }

// newPromise returns a JS promise and functions that settle it (reject with an Error of the
// message); each may be called from any goroutine, once.
func newPromise() (resolve func(any), reject func(string), promise js.Value) {
	var res, rej js.Value
	executor := js.FuncOf(func(_ js.Value, p []js.Value) any {
		res, rej = p[0], p[1]
		return nil
	})
	promise = js.Global().Get("Promise").New(executor)
	executor.Release()
	return func(v any) { res.Invoke(v) },
		func(msg string) { rej.Invoke(js.Global().Get("Error").New(msg)) }, promise
}

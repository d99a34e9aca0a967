//go:build js && wasm

package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"syscall/js"
	"time"

	"lookbook/ml"
	"lookbook/ml/course"
	"lookbook/ml/teach"
)

// Train is the Train view's state (train-view.vugu): the settings of the course's two
// experiments, the data they download, the worker that trains (wasm/cmd/trainworker), and the
// runs. The page only draws: every step runs in the worker.
type Train struct {
	app *App

	Model   string         // the experiment shown: course.FashionNet or course.VAE
	Fashion course.Options // each experiment's settings, defaults filled in
	Faces   course.Options

	// The data download: per model, how many workers (from the first) hold it, and the one
	// under way.
	sent        map[string]int
	Downloading string  // what is being downloaded ("" when nothing)
	Fraction    float64 // of it
	Error       string  // why the last run could not start or failed

	// workers train: two where the device has two cores, each on half of every batch
	// (course.Run.Shard), the first reporting.
	workers []*worker
	nextID  int
	Run     *trainRun // the current or last run
	Before  *trainRun // the run before it, of the same model, drawn beside it on the curves

	// In use: the trained models put in Classify, the Map and Faces by "Use this model"; nil
	// while the shipped ones answer. shipped keeps the shipped weights to go back to.
	InUse          string // the model in use instead of the shipped one: "", FashionNet or VAE
	shippedFashion []byte
	shippedVAE     []byte
	// The gallery's codes under the shipped face model, and its faces as that model decodes
	// them: a trained model re-encodes these faces, as its codes mean other faces.
	shippedLatents [][]float32
	galleryFaces   [][]float32

	// What the view draws from the runs, kept while they stay the same (see cached).
	lossChart, epochChart cached
	facePNG               png.Encoder // the morph's faces: uncompressed, its buffers reused

	// When the view last rendered for a message, and whether a render is due (renderLater).
	rendered  time.Time
	renderDue bool
}

// cached keeps a value made from data that a key identifies: vugu asks the view for its charts
// on every render, also when their runs have not moved.
type cached struct{ key, value string }

func (c *cached) get(key string, build func() string) string {
	if c.value == "" || c.key != key {
		c.key, c.value = key, build()
	}
	return c.value
}

// facePool keeps the PNG encoder's buffers (its zlib writer among them) from face to face.
type facePool struct{ buf *png.EncoderBuffer }

func (p *facePool) Get() *png.EncoderBuffer  { return p.buf }
func (p *facePool) Put(b *png.EncoderBuffer) { p.buf = b }

// trainRun is one run as the page sees it: its settings and the worker's last progress.
type trainRun struct {
	ID                    int
	Options               course.Options
	Workers               int // how many workers train it
	Epoch, Step, Steps    int
	StepsDone, TotalSteps int
	TrainMs, StepMs       float64
	ExchangeMs, WaitMs    float64 // of a step, with two workers
	Paused, Finished      bool
	Losses                []course.LossPoint
	Curve                 []course.Point
	Strip                 []string // the VAE's morph after the last epoch, PNG data URLs
	TestAccuracy          float64  // FashionNet, on the whole test set, at the end
	Confusion             *[10][10]int
	Error                 string
	started               time.Time // when Train was pressed (the data download included)
	ms                    float64   // from then to the end
	deadline              time.Time // the API's seconds option (zero: none)
	waiters               []func(*trainRun)
	weights               []func([]byte, error)
}

func newTrain(a *App) Train {
	on := true
	f, _ := course.Options{Model: course.FashionNet, BatchNorm: &on}.Resolve()
	v, _ := course.Options{Model: course.VAE}.Resolve()
	// The morph's faces are 32×32: deflating them took 45 ms a strip on the main thread, for
	// data URLs of a few kilobytes either way.
	faces := png.Encoder{CompressionLevel: png.NoCompression, BufferPool: &facePool{}}
	return Train{app: a, Model: course.FashionNet, Fashion: f, Faces: v, sent: map[string]int{}, facePNG: faces}
}

// options are the settings of the experiment shown.
func (t *Train) options() *course.Options {
	if t.Model == course.VAE {
		return &t.Faces
	}
	return &t.Fashion
}

// Busy reports whether a run is downloading or training.
func (t *Train) Busy() bool {
	return t.Downloading != "" || t.Run != nil && !t.Run.Finished && t.Run.Error == ""
}

// defaultWorkers is how many workers a run uses: two where the device has two cores or more.
// Measured in headless Chromium on two cores (2026-12-07, sixth session), FashionNet's step of
// 64 images takes 76.5 ms on one worker and 44.0 ms on two (each exchanging 1 MB of
// gradients), the VAE's step of 32 faces 26.2 ms on one and 19.1 ms on two (4.6 MB); before
// that session's kernels and exchange the VAE's step was slower on two.
func defaultWorkers() int {
	if n := js.Global().Get("navigator").Get("hardwareConcurrency"); n.Type() == js.TypeNumber && n.Int() >= 2 {
		return 2
	}
	return 1
}

// start begins a run of o (resolved) on parts workers, downloading its data first for the
// workers that lack it. It runs unlocked on a goroutine of its own; done, if given, is called
// when the run ends.
func (t *Train) start(o course.Options, parts int, deadline time.Duration, done func(*trainRun)) {
	a := t.app
	a.env.Lock()
	if t.Busy() {
		a.env.UnlockRender()
		if done != nil {
			done(&trainRun{Error: "a run is under way: stop it first"})
		}
		return
	}
	t.nextID++
	run := &trainRun{ID: t.nextID, Options: o, Workers: parts, started: time.Now(), TotalSteps: 1}
	if deadline > 0 {
		run.deadline = run.started.Add(deadline)
	}
	if done != nil {
		run.waiters = append(run.waiters, done)
	}
	if t.Run != nil && t.Run.Options.Model == o.Model && t.Run.Error == "" {
		t.Before = t.Run
	} else if t.Run == nil || t.Run.Options.Model != o.Model {
		t.Before = nil
	}
	t.Run, t.Error = run, ""
	a.env.UnlockRender()

	err := t.ensureWorkers(parts)
	var msg map[string]any
	a.env.RLock()
	have := t.sent[o.Model]
	a.env.RUnlock()
	if err == nil && have < parts {
		msg, err = t.data(o.Model)
	}
	a.env.Lock()
	defer a.env.UnlockRender()
	if err == nil && len(t.workers) < parts {
		err = errors.New("the training program stopped")
	}
	if err != nil {
		t.fail(run, err.Error())
		return
	}
	// The first worker that lacks the data downloads it and forwards a copy to the second: the
	// main thread touches none of it (a structured clone of it here held it for 180 ms).
	opts, _ := json.Marshal(o)
	for i := 0; i < parts; i++ {
		m := map[string]any{"type": "start", "id": run.ID, "options": string(opts), "part": i, "parts": parts}
		switch {
		case i == have:
			for k, v := range msg {
				m[k] = v
			}
			m["forward"] = i+1 < parts
			t.Downloading, t.Fraction = "the data", 0
		case i > have:
			m["fromPeer"] = true
		}
		t.workers[i].post(m)
	}
	t.sent[o.Model] = max(have, parts)
}

// fail ends run with an error, settling whoever waits for it.
func (t *Train) fail(run *trainRun, text string) {
	run.Error, t.Error = text, text
	t.settle(run)
}

func (t *Train) settle(run *trainRun) {
	run.ms = float64(time.Since(run.started).Microseconds()) / 1000
	for _, w := range run.waiters {
		go w(run)
	}
	run.waiters = nil
}

// ensureWorkers starts the training workers the first time, n of them, the two connected by a
// message port for the gradients.
func (t *Train) ensureWorkers(n int) error {
	a := t.app
	a.env.Lock()
	defer a.env.UnlockOnly()
	for len(t.workers) < n {
		i := len(t.workers)
		w, err := startWorker("trainworkerWasm", "the training program", func(v js.Value) { t.onMessage(i, v) }, func(text string) {
			a.env.Lock()
			defer a.env.UnlockRender()
			t.workers, t.sent = nil, map[string]int{} // a fresh pair next time
			if t.Run != nil && !t.Run.Finished && t.Run.Error == "" {
				t.fail(t.Run, text)
			}
		})
		if err != nil {
			return err
		}
		t.workers = append(t.workers, w)
		if len(t.workers) == 2 {
			ch := js.Global().Get("MessageChannel").New()
			p1, p2 := ch.Get("port1"), ch.Get("port2")
			t.workers[0].post(map[string]any{"type": "peer", "port": p1}, p1)
			t.workers[1].post(map[string]any{"type": "peer", "port": p2}, p2)
		}
	}
	return nil
}

// dataFiles are the files each experiment downloads, by asset key, with what to call them.
var dataFiles = map[string][]struct{ key, what string }{
	course.FashionNet: {{"fashionTrainImages", "the training images"}, {"fashionTrainLabels", "their labels"},
		{"fashionTestImages", "the test images"}, {"fashionTestLabels", "their labels"}},
	course.VAE: {{"vae", "the face model"}, {"trainfaces", "the faces' codes"}},
}

// data names model's files for the worker to download, in the order it reads them.
func (t *Train) data(model string) (map[string]any, error) {
	base := js.Global().Get("document").Get("baseURI")
	var files []any
	for _, f := range dataFiles[model] {
		name := assetName(f.key)
		if name == "" {
			return nil, errors.New("this page does not name " + f.what)
		}
		files = append(files, map[string]any{"url": js.Global().Get("URL").New(name, base).Get("href").String(), "what": f.what})
	}
	return map[string]any{"files": files}, nil
}

// onMessage takes worker i's messages: progress and weights come from the first.
func (t *Train) onMessage(i int, v js.Value) {
	a := t.app
	a.env.Lock()
	kind, id := jsString(v.Get("type")), jsInt(v.Get("id"))
	if kind == "progress" && !v.Get("finished").Truthy() && time.Since(t.rendered) < progressRenderEvery {
		defer a.env.UnlockOnly()
		t.renderLater()
	} else {
		t.rendered = time.Now()
		defer a.env.UnlockRender()
	}
	run := t.Run
	if run == nil || id != run.ID {
		return
	}
	switch kind {
	case "error":
		t.Downloading = ""
		t.fail(run, jsString(v.Get("message")))
	case "downloading":
		t.Downloading, t.Fraction = jsString(v.Get("what")), v.Get("fraction").Float()
	case "loaded":
		t.Downloading = ""
	case "weights":
		if i != 0 {
			return
		}
		data := bytesFromJS(v.Get("data").Get("buffer"))
		for _, w := range run.weights {
			go w(data, nil)
		}
		run.weights = nil
	case "progress":
		if i == 0 {
			t.progress(run, v)
		}
	}
}

// progressRenderEvery is how often a run's progress re-renders the view while it trains (its
// figures are kept as each message comes, for the API). A render costs the main thread, which
// shares the two cores with the two workers: with the view rendered at every message (four a
// second), the page's 100-epoch VAE run took longer than with none at all.
const progressRenderEvery = time.Second

// renderLater renders the view progressRenderEvery after its last render, unless a render is
// due already.
func (t *Train) renderLater() {
	if t.renderDue {
		return
	}
	t.renderDue = true
	time.AfterFunc(progressRenderEvery-time.Since(t.rendered), func() {
		a := t.app
		a.env.Lock()
		t.renderDue, t.rendered = false, time.Now()
		a.env.UnlockRender()
	})
}

func (t *Train) progress(run *trainRun, v js.Value) {
	run.Epoch, run.Step, run.Steps = jsInt(v.Get("epoch")), jsInt(v.Get("step")), jsInt(v.Get("steps"))
	run.StepsDone, run.TotalSteps = jsInt(v.Get("stepsDone")), max(jsInt(v.Get("totalSteps")), 1)
	run.TrainMs, run.StepMs = v.Get("trainMs").Float(), v.Get("stepMs").Float()
	run.ExchangeMs, run.WaitMs = v.Get("exchangeMs").Float(), v.Get("waitMs").Float()
	run.Paused = v.Get("paused").Truthy()
	var more []course.LossPoint
	if json.Unmarshal([]byte(jsString(v.Get("losses"))), &more) == nil {
		run.Losses = append(run.Losses, more...)
	}
	json.Unmarshal([]byte(jsString(v.Get("curve"))), &run.Curve)
	if s := v.Get("strip"); s.InstanceOf(js.Global().Get("Float32Array")) {
		f := make([]float32, s.Length())
		js.CopyBytesToGo(floatBytes(f), js.Global().Get("Uint8Array").New(s.Get("buffer")))
		run.Strip = run.Strip[:0]
		const n = 3 * 32 * 32
		for i := 0; i+n <= len(f); i += n {
			run.Strip = append(run.Strip, faceDataURL(&t.facePNG, f[i:i+n]))
		}
	}
	if c := v.Get("confusion"); c.Type() == js.TypeString {
		var conf [10][10]int
		if json.Unmarshal([]byte(c.String()), &conf) == nil {
			run.Confusion = &conf
		}
		run.TestAccuracy = v.Get("testAccuracy").Float()
	}
	if !run.deadline.IsZero() && time.Now().After(run.deadline) && !run.Finished && !v.Get("finished").Truthy() {
		t.control("stop")
		run.deadline = time.Time{}
	}
	if v.Get("finished").Truthy() && !run.Finished {
		run.Finished = true
		t.settle(run)
	}
}

// control pauses, resumes or stops the current run.
func (t *Train) control(kind string) {
	if t.Run == nil || len(t.workers) < t.Run.Workers || t.Run.Finished || t.Run.Error != "" {
		return
	}
	for _, w := range t.workers[:t.Run.Workers] {
		w.post(map[string]any{"type": kind, "id": t.Run.ID})
	}
	t.Run.Paused = kind == "pause"
}

// trainedWeights asks the worker for the current run's weights (safetensors) and waits.
func (t *Train) trainedWeights() ([]byte, error) {
	a := t.app
	a.env.Lock()
	run := t.Run
	if run == nil || run.Error != "" || len(t.workers) == 0 {
		a.env.UnlockOnly()
		return nil, errors.New("there is no trained model: train one first")
	}
	ch := make(chan []byte, 1)
	run.weights = append(run.weights, func(b []byte, _ error) { ch <- b })
	t.workers[0].post(map[string]any{"type": "weights", "id": run.ID})
	a.env.UnlockOnly()
	select {
	case b := <-ch:
		return b, nil
	case <-time.After(10 * time.Second):
		return nil, errors.New("the training program did not hand over the weights")
	}
}

// use puts the current run's model in place of the shipped one: FashionNet in Classify, the
// Map's placement and the JS API, the VAE in Faces. Call it unlocked.
func (t *Train) use() error {
	data, err := t.trainedWeights()
	if err != nil {
		return err
	}
	a := t.app
	if t.Run.Options.Model == course.VAE {
		if err := a.Faces.await(); err != nil {
			return err
		}
	}
	a.env.Lock()
	defer a.env.UnlockRender()
	model := t.Run.Options.Model
	if model == course.FashionNet {
		if a.Teach.Name != "" { // a taught class sits on the shipped features: it goes
			a.Teach.applyHead(a.Teach.shipped, "", 0)
		}
		if t.shippedFashion == nil {
			t.shippedFashion = stateBytes(a.model.State())
		}
		if err := t.loadFashion(data); err != nil {
			return err
		}
	} else {
		f := &a.Faces
		if t.shippedVAE == nil {
			t.shippedVAE = stateBytes(f.vae.State())
			t.shippedLatents = f.latents[:f.galleryN:f.galleryN]
			t.galleryFaces = f.Gallery[:f.galleryN:f.galleryN]
		}
		if err := t.loadVAE(data); err != nil {
			return err
		}
		f.setLatents(encodeFaces(f.vae, t.galleryFaces))
	}
	t.InUse = model
	return nil
}

// useShipped puts the shipped models back. Call it locked.
func (t *Train) useShipped() {
	if t.shippedFashion != nil {
		t.loadFashion(t.shippedFashion)
	}
	if t.shippedVAE != nil {
		t.loadVAE(t.shippedVAE)
		t.app.Faces.setLatents(t.shippedLatents)
	}
	t.InUse = ""
}

func (t *Train) loadFashion(data []byte) error {
	a := t.app
	for _, m := range []*ml.FashionNet{a.model, a.api.model} {
		if m.FC3.Out != teach.Garments {
			m.FC3 = ml.NewLinear("fc3", teach.Latent, teach.Garments)
		}
		if _, err := ml.LoadState(data, m.State()); err != nil {
			return fmt.Errorf("the trained model: %w", err)
		}
		m.SetTraining(false)
	}
	a.api.model.Forward(a.api.image) // the export's buffers are made now, not in the export
	a.Teach.shipped = teach.Shipped(a.model)
	a.Teach.setLabels()
	a.Maps.ownFor = [2]int{-1, -1}
	if a.HasInput {
		a.classify(a.Result)
	}
	return nil
}

func (t *Train) loadVAE(data []byte) error {
	f := &t.app.Faces
	for _, m := range []*ml.VAE{f.vae, f.apiVAE} {
		if _, err := ml.LoadState(data, m.State()); err != nil {
			return fmt.Errorf("the trained face model: %w", err)
		}
		m.SetFrozen(true)
	}
	return nil
}

// encodeFaces are the posterior means of faces (3×32×32 each) under m.
func encodeFaces(m *ml.VAE, faces [][]float32) [][]float32 {
	x := ml.NewTensor(len(faces), 3, 32, 32)
	for i, face := range faces {
		copy(x.Data[i*3*1024:], face)
	}
	mean, _ := m.Encode(x)
	out := make([][]float32, len(faces))
	for i := range out {
		out[i] = append([]float32(nil), mean.Data[i*ml.VAELatent:(i+1)*ml.VAELatent]...)
	}
	return out
}

// stateBytes saves a model's state as safetensors, to load back later.
func stateBytes(state []ml.StateEntry) []byte {
	var buf bytes.Buffer
	ml.SaveState(&buf, state, nil, ml.SaveOptions{})
	return buf.Bytes()
}

func jsString(v js.Value) string {
	if v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

func jsInt(v js.Value) int {
	if v.Type() == js.TypeNumber {
		return v.Int()
	}
	return 0
}

// faceDataURL is a face (3×32×32 in [0, 1]) as a PNG data URL for the view's strip.
func faceDataURL(enc *png.Encoder, face []float32) string {
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for i := 0; i < 1024; i++ {
		for ch := 0; ch < 3; ch++ {
			img.Pix[4*i+ch] = byte(min(max(face[ch*1024+i], 0), 1)*255 + 0.5)
		}
		img.Pix[4*i+3] = 255
	}
	var buf bytes.Buffer
	enc.Encode(&buf, img)
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

// linkOptions puts the settings of the experiment shown in a share link (never weights): a
// teacher can send "train this".
func (t *Train) linkOptions(v url.Values) {
	o, _ := json.Marshal(t.options())
	v.Set("train", string(o))
}

// restore applies a link's training settings; a damaged one leaves the defaults and says so.
func (t *Train) restore(v url.Values) {
	raw := v.Get("train")
	if raw == "" {
		return
	}
	var o course.Options
	err := json.Unmarshal([]byte(raw), &o)
	if err == nil {
		o, err = o.Resolve()
	}
	if err != nil {
		t.Error = "The training settings in this link could not be used (" + err.Error() + "), so the defaults are shown."
		return
	}
	t.Model = o.Model
	*t.options() = o
}

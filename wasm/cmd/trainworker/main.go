//go:build js && wasm

// Command trainworker is the Train view's WebAssembly program: it trains the course's two
// networks (ml/course) in a Web Worker, so that the page's main thread only draws the curves.
// Like the map worker it has no ebiten and no vugu. web/worker.js starts it; the page
// talks to it with messages:
//
//	page → worker: {type: "peer", port}: a MessagePort to the other worker, once
//	               {type: "start", id, options (JSON of course.Options), part, parts (data
//	                parallelism: this worker's share of each batch; part 0 reports), forward
//	                (send the other worker a copy of the data), fromPeer (the data comes so),
//	                fashion: [train images, train labels, test images, test labels] (IDX bytes,
//	                gzipped or not; only the first time), vae, codes (the shipped VAE's weights
//	                and the faces' latent codes; only the first time)}
//	               {type: "pause" | "resume" | "stop" | "weights", id}
//	worker → page: {type: "loaded", id, what} once a data set is decoded
//	               {type: "progress", id, model, epoch, epochs, step, steps, stepsDone, totalSteps,
//	                trainMs, stepMs, paused, finished, losses (JSON, the points since the last
//	                message), curve (JSON, every epoch's point), strip (Float32Array, 6 faces,
//	                after each VAE epoch), testAccuracy and confusion (JSON) at FashionNet's end}
//	               {type: "weights", id, data: Uint8Array (safetensors)}
//	               {type: "error", id, message}
//	worker → worker (the port): {id, step, grads: Float32Array, figures: Float64Array}, each
//	               step of a run in two parts (course.Run.Shard); {type: "data", fashion | vae,
//	               codes}: the data, once
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall/js"
	"time"
	"unsafe"

	"lookbook/ml"
	"lookbook/ml/course"
	"lookbook/ml/dataset"
	"lookbook/ml/format"
	"lookbook/wasm/kernels"
	"lookbook/wasm/promise"
	"lookbook/wasm/workerhost"
)

// slice is how long the worker trains before it looks at its messages; progress goes to the
// page at most every postEvery.
const (
	slice     = 50 * time.Millisecond
	postEvery = 250 * time.Millisecond
)

type message struct {
	kind        string
	id          int
	part, parts int
	forward     bool // send the other worker a copy of this message's data
	fromPeer    bool // the data comes from the other worker
	options     string
	files       []dataFile // to download: the data the run needs, in order
	fashion     [][]byte
	vae         []byte
	codes       []byte
	port        js.Value
}

// dataFile is a file of a run's data to download, and what to call it in messages.
type dataFile struct{ url, what string }

// peerStep is one step's gradients and figures from the other worker.
type peerStep struct {
	id, step int
	grads    []float32
	figures  []float64
	buffer   js.Value // the Float32Array they came in, ours now: the next step sends in it
}

type worker struct {
	inbox chan message
	host  *workerhost.Host

	// The data, decoded once and kept across runs.
	fashionTrain, fashionTest *dataset.Fashion
	faces                     *dataset.Faces

	run                    *course.Run
	id                     int
	part                   int           // this worker's part of each batch; part 0 reports
	peer                   js.Value      // the port to the other worker
	fromPeer               chan peerStep // what arrives on it: gradients,
	peerData               chan message  // and data
	pending                *message      // a start or stop that came while a step waited for the peer
	paused                 bool
	finished               bool
	trainTime              time.Duration // stepping only, pauses and evaluations excluded
	evalTime               time.Duration
	stepsTimed             int
	sentLosses             int
	stripSent              int // epochs whose strip was posted
	lastPost               time.Time
	exchangeTime, waitTime time.Duration
	final                  map[string]any

	// The exchange's buffers, kept from step to step: the peer's gradients, and the array to
	// send this worker's in (the two workers' arrays change hands every step).
	received []float32
	send     js.Value
}

func main() {
	w := &worker{inbox: make(chan message, 64), fromPeer: make(chan peerStep, 4), peerData: make(chan message, 2)}
	if err := kernels.Install(); err != nil {
		js.Global().Get("console").Call("warn", "Lookbook train worker:", err.Error())
	}
	w.host = workerhost.Listen(func(v js.Value) { w.inbox <- read(v) })
	w.loop()
}

func read(v js.Value) message {
	m := message{}
	if v.Type() != js.TypeObject {
		return m
	}
	if t := v.Get("type"); t.Type() == js.TypeString {
		m.kind = t.String()
	}
	for k, dst := range map[string]*int{"id": &m.id, "part": &m.part, "parts": &m.parts} {
		if n := v.Get(k); n.Type() == js.TypeNumber {
			*dst = n.Int()
		}
	}
	m.port = v.Get("port")
	m.forward, m.fromPeer = v.Get("forward").Truthy(), v.Get("fromPeer").Truthy()
	if o := v.Get("options"); o.Type() == js.TypeString {
		m.options = o.String()
	}
	if f := v.Get("fashion"); f.InstanceOf(js.Global().Get("Array")) {
		for i := 0; i < f.Length(); i++ {
			m.fashion = append(m.fashion, bytesFromJS(f.Index(i)))
		}
	}
	m.vae, m.codes = bytesFromJS(v.Get("vae")), bytesFromJS(v.Get("codes"))
	if f := v.Get("files"); f.InstanceOf(js.Global().Get("Array")) {
		for i := 0; i < f.Length(); i++ {
			m.files = append(m.files, dataFile{url: str(f.Index(i).Get("url")), what: str(f.Index(i).Get("what"))})
		}
	}
	return m
}

// str is v if it is a string, else "".
func str(v js.Value) string {
	if v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

// bytesFromJS copies an ArrayBuffer or typed array; nil for anything else.
func bytesFromJS(v js.Value) []byte {
	if v.InstanceOf(js.Global().Get("ArrayBuffer")) {
		v = js.Global().Get("Uint8Array").New(v)
	} else if !v.InstanceOf(js.Global().Get("Uint8Array")) {
		return nil
	}
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	return b
}

func (w *worker) loop() {
	for {
		if m := w.pending; m != nil {
			w.pending = nil
			w.handle(*m)
			continue
		}
		if w.run == nil || w.paused || w.finished {
			w.handle(<-w.inbox) // waiting here hands the thread back to the event loop
			continue
		}
		select {
		case m := <-w.inbox:
			w.handle(m)
			continue
		default:
		}
		w.train(slice)
		if w.finished || time.Since(w.lastPost) >= postEvery {
			w.progress()
		}
		w.host.Yield()
	}
}

// train steps the run for about d, timing steps and evaluations apart.
func (w *worker) train(d time.Duration) {
	start := time.Now()
	for time.Since(start) < d && !w.run.Done() && w.pending == nil {
		t := time.Now()
		before := w.run.Epoch()
		w.run.Step()
		took := time.Since(t)
		if w.run.Epoch() != before {
			w.evalTime += took // the epoch's last step evaluates: counted apart
		} else {
			w.trainTime += took
			w.stepsTimed++
		}
	}
	if w.run.Done() {
		w.finish()
	}
}

// finish tests a FashionNet on the whole test set, once.
func (w *worker) finish() {
	w.finished = true
	if w.run.Fashion == nil || w.part != 0 {
		return
	}
	t := time.Now()
	ev := course.EvaluateFashion(w.run.Fashion, w.fashionTest)
	w.evalTime += time.Since(t)
	conf, _ := json.Marshal(ev.Confusion)
	w.final = map[string]any{"testAccuracy": ev.Accuracy, "confusion": string(conf)}
}

func (w *worker) handle(m message) {
	switch m.kind {
	case "peer":
		w.listen(m.port)
	case "start":
		w.id = m.id
		if err := w.start(m); err != nil {
			w.run = nil
			post(map[string]any{"type": "error", "id": m.id, "message": err.Error()}, nil)
		}
	case "pause", "resume":
		if m.id == w.id && w.run != nil {
			w.paused = m.kind == "pause"
			w.progress()
		}
	case "stop":
		if m.id == w.id && w.run != nil {
			w.paused = false
			w.finish()
			w.progress()
		}
	case "weights":
		if m.id != w.id || w.run == nil {
			post(map[string]any{"type": "error", "id": m.id, "message": "no such run"}, nil)
			return
		}
		data, err := w.run.Weights()
		if err != nil {
			post(map[string]any{"type": "error", "id": m.id, "message": err.Error()}, nil)
			return
		}
		arr := js.Global().Get("Uint8Array").New(len(data))
		js.CopyBytesToJS(arr, data)
		post(map[string]any{"type": "weights", "id": m.id, "data": arr}, []any{arr.Get("buffer")})
	}
}

func (w *worker) start(m message) error {
	var o course.Options
	if err := json.Unmarshal([]byte(m.options), &o); err != nil {
		return fmt.Errorf("the run's options: %w", err)
	}
	w.run, w.paused, w.finished, w.final = nil, false, false, nil
	w.trainTime, w.evalTime, w.stepsTimed, w.sentLosses, w.stripSent = 0, 0, 0, 0, 0
	w.exchangeTime, w.waitTime = 0, 0
	if len(m.files) > 0 && !w.has(o.Model) {
		if err := w.download(&m, o.Model); err != nil {
			return err
		}
	}
	if m.forward && w.peer.Truthy() {
		w.forwardData(m)
	}
	if m.fromPeer && !w.has(o.Model) {
		select { // the first worker sends the data it downloaded
		case d := <-w.peerData:
			m.fashion, m.vae, m.codes = d.fashion, d.vae, d.codes
		case <-time.After(2 * time.Minute):
			return errors.New("the data did not come from the other training worker")
		}
	}
	var err error
	switch o.Model {
	case course.FashionNet:
		if err := w.loadFashion(m.fashion); err != nil {
			return err
		}
		w.run, err = course.NewFashionRun(o, w.fashionTrain, w.fashionTest)
	case course.VAE:
		if err := w.loadFaces(m.vae, m.codes); err != nil {
			return err
		}
		w.run, err = course.NewVAERun(o, w.faces)
	default:
		_, err = o.Resolve()
	}
	if err != nil {
		return err
	}
	w.part = 0
	if m.parts > 1 {
		if !w.peer.Truthy() {
			return errors.New("the other training worker is not connected")
		}
		w.part = m.part
		if err := w.run.Shard(m.part, m.parts, w.exchange); err != nil {
			return err
		}
	}
	w.progress()
	return nil
}

// download fetches m's files into m (the training images, or the face model and the faces'
// codes), posting the progress.
func (w *worker) download(m *message, model string) error {
	var got [][]byte
	for _, f := range m.files {
		data, err := w.fetch(f)
		if errors.Is(err, errDamaged) {
			return fmt.Errorf("%s arrived damaged, so nothing was trained (%w): try again", f.what, err)
		}
		if err != nil {
			if model == course.FashionNet {
				return fmt.Errorf("%s could not be downloaded (%v): this build may lack Fashion-MNIST (make web copies it from the Debian package dataset-fashion-mnist)", f.what, err)
			}
			return fmt.Errorf("%s could not be downloaded (%v)", f.what, err)
		}
		got = append(got, data)
	}
	if model == course.FashionNet {
		m.fashion = got
	} else if len(got) == 2 {
		m.vae, m.codes = got[0], got[1]
	}
	return nil
}

// errDamaged is a download whose gzip stream the browser could not decompress (damaged, or cut
// off by the network: either way, trying again is the cure).
var errDamaged = errors.New("the browser could not decompress them")

// fetch downloads one file, posting the fraction received every 100 ms when the size is known.
// A gzipped file (named .gzip: the Fashion-MNIST files, as Debian ships them) comes back
// decompressed by the browser's DecompressionStream where there is one: native code inflates
// the 26 MB of training images in a fraction of the second Go's compress/gzip takes here, and
// the other worker then gets them ready to use.
func (w *worker) fetch(f dataFile) ([]byte, error) {
	res, err := promise.Await(js.Global().Call("fetch", f.url))
	if err != nil {
		return nil, err
	}
	if !res.Get("ok").Bool() {
		return nil, fmt.Errorf("HTTP %d", res.Get("status").Int())
	}
	size := 0
	if n := res.Get("headers").Call("get", "content-length"); n.Type() == js.TypeString {
		fmt.Sscan(n.String(), &size)
	}
	out := make([]byte, 0, size)
	body, received := res.Get("body"), 0 // bytes as they came, before any decompression
	inflate := js.Global().Get("DecompressionStream")
	gzipped := strings.HasSuffix(js.Global().Get("URL").New(f.url).Get("pathname").String(), ".gzip")
	if gzipped && inflate.Truthy() {
		count := js.FuncOf(func(_ js.Value, args []js.Value) any {
			received += args[0].Length()
			args[1].Call("enqueue", args[0])
			return nil
		})
		defer count.Release()
		counter := js.Global().Get("TransformStream").New(map[string]any{"transform": count})
		body = body.Call("pipeThrough", counter).Call("pipeThrough", inflate.New("gzip"))
	} else {
		gzipped = false
	}
	reader := body.Call("getReader")
	var last time.Time
	for {
		chunk, err := promise.Await(reader.Call("read"))
		if err != nil && gzipped {
			return nil, fmt.Errorf("%w: %v", errDamaged, err)
		}
		if err != nil {
			return nil, fmt.Errorf("interrupted: %w", err)
		}
		if chunk.Get("done").Bool() {
			break
		}
		v := chunk.Get("value")
		n := v.Length()
		out = append(out, make([]byte, n)...)
		js.CopyBytesToGo(out[len(out)-n:], v)
		if !gzipped {
			received += n
		}
		if size > 0 && time.Since(last) > 100*time.Millisecond {
			post(map[string]any{"type": "downloading", "id": w.id, "what": f.what, "fraction": min(float64(received)/float64(size), 1)}, nil)
			last = time.Now()
		}
	}
	return out, nil
}

// has reports whether the data of model is decoded here.
func (w *worker) has(model string) bool {
	if model == course.VAE {
		return w.faces != nil
	}
	return w.fashionTrain != nil
}

// forwardData sends the other worker a copy of the data m brought, so that the page's main
// thread copies nothing (a structured clone of the training images took it 180 ms).
func (w *worker) forwardData(m message) {
	buf := func(b []byte) js.Value {
		u := js.Global().Get("Uint8Array").New(len(b))
		js.CopyBytesToJS(u, b)
		return u.Get("buffer")
	}
	msg := map[string]any{"type": "data"}
	var transfer []any
	if m.fashion != nil {
		files := make([]any, len(m.fashion))
		for i, f := range m.fashion {
			files[i] = buf(f)
			transfer = append(transfer, files[i])
		}
		msg["fashion"] = files
	}
	if m.vae != nil && m.codes != nil {
		msg["vae"], msg["codes"] = buf(m.vae), buf(m.codes)
		transfer = append(transfer, msg["vae"], msg["codes"])
	}
	w.peer.Call("postMessage", msg, transfer)
}

// listen takes the port to the other worker.
func (w *worker) listen(port js.Value) {
	if !port.Truthy() {
		return
	}
	w.peer = port
	port.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		d := args[0].Get("data")
		if t := d.Get("type"); t.Type() == js.TypeString && t.String() == "data" {
			w.peerData <- read(d)
			return nil
		}
		s := peerStep{id: d.Get("id").Int(), step: d.Get("step").Int()}
		g, f := d.Get("grads"), d.Get("figures")
		// One buffer serves every step: the port delivers in order, and a step takes its
		// gradients before the peer can send the next.
		if cap(w.received) < g.Length() {
			w.received = make([]float32, g.Length())
		}
		s.grads, s.buffer = w.received[:g.Length()], g
		js.CopyBytesToGo(bytesOf(s.grads), js.Global().Get("Uint8Array").New(g.Get("buffer")))
		s.figures = make([]float64, f.Length())
		for i := range s.figures {
			s.figures[i] = f.Index(i).Float()
		}
		w.fromPeer <- s
		return nil
	}))
}

// exchange is course.Exchange between the two workers: each sends its gradients and figures
// and waits for the other's. A start or stop that arrives meanwhile abandons the step.
func (w *worker) exchange(params []*ml.Param, figures []float64) bool {
	t0 := time.Now()
	defer func() { w.exchangeTime += time.Since(t0) }()
	id, step := w.id, w.run.StepsDone()
	n := course.GradientCount(params)
	var arr js.Value
	if n == 0 { // an epoch's held-out figures alone
		step = -1 - w.run.Epoch()
		arr = js.Global().Get("Float32Array").New(0)
	} else {
		arr = w.send
		if arr.IsUndefined() || arr.Get("length").Int() != n {
			arr = js.Global().Get("Float32Array").New(n)
		}
		w.send = js.Undefined() // transferred below
	}
	buf, at := arr.Get("buffer"), 0
	for _, p := range params { // each gradient straight into its place: no packed copy
		b := bytesOf(p.Grad.Data)
		js.CopyBytesToJS(js.Global().Get("Uint8Array").New(buf, at, len(b)), b)
		at += len(b)
	}
	figs := make([]any, len(figures))
	for i, f := range figures {
		figs[i] = f
	}
	w.peer.Call("postMessage", map[string]any{"id": id, "step": step, "grads": arr,
		"figures": js.Global().Get("Float64Array").New(js.ValueOf(figs))}, []any{arr.Get("buffer")})
	for {
		select {
		case s := <-w.fromPeer:
			if s.buffer.Get("length").Int() > 0 {
				w.send = s.buffer
			}
			if s.id != id || s.step != step {
				continue // from an abandoned step or run
			}
			w.waitTime += time.Since(t0)
			if err := course.MeanWithPeer(params, figures, s.grads, s.figures); err != nil {
				post(map[string]any{"type": "error", "id": id, "message": err.Error()}, nil)
				return false
			}
			return true
		case m := <-w.inbox:
			if m.kind == "start" || m.kind == "stop" {
				w.pending = &m
				return false
			}
			w.handle(m)
		}
	}
}

func (w *worker) loadFashion(files [][]byte) error {
	if w.fashionTrain != nil {
		return nil
	}
	if len(files) != 4 {
		return errors.New("the training images did not arrive")
	}
	train, err := dataset.DecodeFashion(files[0], files[1])
	if err != nil {
		return fmt.Errorf("the training images arrived damaged, so nothing was trained (%w): try again", err)
	}
	test, err := dataset.DecodeFashion(files[2], files[3])
	if err != nil {
		return fmt.Errorf("the test images arrived damaged, so nothing was trained (%w): try again", err)
	}
	w.fashionTrain, w.fashionTest = train, test
	post(map[string]any{"type": "loaded", "id": w.id, "what": "fashion"}, nil)
	return nil
}

func (w *worker) loadFaces(weights, codes []byte) error {
	if w.faces != nil {
		return nil
	}
	if weights == nil || codes == nil {
		return errors.New("the faces did not arrive")
	}
	vae := ml.NewVAE(rand.New(rand.NewPCG(0, 0)))
	if _, err := ml.LoadState(weights, vae.State()); err != nil {
		return fmt.Errorf("the face model arrived damaged, so nothing was trained (%w): try again", err)
	}
	vae.SetFrozen(true)
	g, err := format.DecodeGallery(codes)
	if err != nil {
		return fmt.Errorf("the faces' codes arrived damaged, so nothing was trained (%w): try again", err)
	}
	if len(g.Latents) <= course.FaceTrain+1 {
		return fmt.Errorf("the faces' codes hold %d faces, want 1,000", len(g.Latents))
	}
	w.faces = course.DecodedFaces(vae, g.Latents)
	post(map[string]any{"type": "loaded", "id": w.id, "what": "faces"}, nil)
	return nil
}

// progress posts where the run stands: the loss points not yet sent, the epochs' curve, and
// the strip when an epoch has drawn a new one. Only part 0 reports.
func (w *worker) progress() {
	r := w.run
	if r == nil || w.part != 0 {
		return
	}
	losses, _ := json.Marshal(r.Losses[w.sentLosses:])
	w.sentLosses = len(r.Losses)
	curve, _ := json.Marshal(r.Curve)
	msg := map[string]any{"type": "progress", "id": w.id, "model": r.Options.Model,
		"epoch": r.Epoch(), "epochs": r.Options.Epochs, "step": r.StepInEpoch(), "steps": r.Steps,
		"stepsDone": r.StepsDone(), "totalSteps": r.TotalSteps(),
		"trainMs": ms(w.trainTime + w.evalTime), "stepMs": ms(w.trainTime) / float64(max(w.stepsTimed, 1)),
		"exchangeMs": ms(w.exchangeTime) / float64(max(w.stepsTimed, 1)), "waitMs": ms(w.waitTime) / float64(max(w.stepsTimed, 1)),
		"paused": w.paused, "finished": w.finished, "losses": string(losses), "curve": string(curve)}
	var transfer []any
	if r.Strip != nil && w.stripSent != len(r.Curve) {
		arr := js.Global().Get("Float32Array").New(len(r.Strip))
		js.CopyBytesToJS(js.Global().Get("Uint8Array").New(arr.Get("buffer")), bytesOf(r.Strip))
		msg["strip"] = arr
		transfer = append(transfer, arr.Get("buffer"))
		w.stripSent = len(r.Curve)
	}
	for k, v := range w.final {
		msg[k] = v
	}
	post(msg, transfer)
	w.lastPost = time.Now()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func post(msg map[string]any, transfer []any) {
	if transfer == nil {
		transfer = []any{}
	}
	js.Global().Call("postMessage", msg, transfer)
}

func bytesOf(f []float32) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), 4*len(f))
}

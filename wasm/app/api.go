//go:build js && wasm

package main

import (
	"encoding/json"
	"strconv"
	"syscall/js"
	"unsafe"

	"lookbook/ml"
	"lookbook/ml/teach"
	"lookbook/wasm/jsapi"
	"lookbook/wasm/share"
)

// announceReady installs the automation and embedding API on window.lookbook (created by the
// loader with its `ready` promise) and resolves that promise:
//
//	lookbook.classify(Float32Array of 32×32 values in [0, 1]) → {label, index, probabilities, logits}
//	  (the loader's wrapper around the lookbook_classify export: it checks the input and
//	  throws clear errors, which Go cannot do without eval)
//	lookbook.decode(Float32Array of 120) → Float32Array of 3×32×32 values in [0, 1] (once the
//	  Faces view has loaded)
//	lookbook.classifyBatch(Float32Array of n·32·32) → Float32Array of n·10 (11 when taught) logits, and
//	lookbook.decodeBatch(Float32Array of n·120) → Float32Array of n·3·32·32: many inputs in
//	  one call, for throughput (n ≤ 4096)
//	lookbook.state() → {view, hasInput, label, index, probabilities, logits, link}
//	lookbook.shareLink() → the link that reopens the current state
//	lookbook.liveMap({method: "tsne" | "umap", dims: 2 | 3, points, perplexity?, iterations?})
//	  → a promise of {ms, computeMs, coords: Float32Array(points·dims), kl?}: a t-SNE or UMAP
//	  of the first `points` test images, computed by a map worker (see api_livemap.go)
//	lookbook.teach({name, examples: [Float32Array(1024), …]}) → a promise of {classes,
//	  accuracyBefore, accuracyAfter, ms, trainMs, loss}: the last layer learns a new class from
//	  at least 5 examples (or, when name is a garment's, corrects that garment), after which
//	  classify answers with it; accuracies are the ten garments' on the 10,000 test images
//	  (see teach.go); lookbook.untaught() restores the shipped classifier
//	lookbook.explain({method: "gradcam" | "integrated-gradients" | "occlusion" |
//	  "stepwise-occlusion", input?, class?, block?}) → {method, class, block?, ms, steps?, completenessError?, map: Float32Array(1024)}:
//	  which pixels of input (Float32Array of 32×32 in [0, 1]; the current input without it)
//	  made class's score (the answer without it), positive for evidence for the class (see
//	  why_api.go; the loader's wrapper checks the options' types)
//	lookbook.train({model: "fashionnet" | "vae", epochs?, seconds?, batchNorm?, learningRate?,
//	  batchSize?, trainImages?, klWeight?, loss?: "mse" | "bce", schedule?, seed?, workers?}) → a promise of {model, epochs,
//	  steps, ms, stepMs, curve: [{epoch, loss, testAccuracy | validationMse}], testAccuracy |
//	  validationMse}: the course's experiment trained from scratch in a worker (see
//	  train_api.go); lookbook.training() → the current run's progress or null;
//	  lookbook.useShipped() puts the shipped models back after "Use this model"
//
// Called with env locked, once the model is loaded.
func announceReady(a *App, apiModel *ml.FashionNet) {
	api := js.Global().Get("lookbook")
	// One input at a time goes through the WebAssembly exports below; the program says where
	// their buffers are.
	io := &apiIO{model: apiModel}
	io.image = ml.FromData(io.in[:32*32], 1, 1, 32, 32)
	io.code = ml.FromData(io.in[:ml.VAELatent], 1, ml.VAELatent)
	a.api = io
	apiModel.Forward(io.image) // its buffers are made now, not in the export
	api.Set("_io", map[string]any{"in": address(io.in[:]), "out": address(io.out[:])})
	a.Teach.shipped = teach.Shipped(a.model)
	a.Teach.setLabels()
	exported = a
	// The batch wrappers pass byte views of the whole input and of an output array they made.
	api.Set("_classifyBatch", js.FuncOf(func(this js.Value, args []js.Value) any {
		in, out := args[0], args[1]
		n := in.Length() / (4 * 1024)
		xs := ml.NewTensor(n, 1, 32, 32)
		js.CopyBytesToGo(floatBytes(xs.Data), in)
		a.env.Lock()
		defer a.env.UnlockOnly()
		js.CopyBytesToJS(out, floatBytes(a.model.Forward(xs).Data))
		return nil
	}))
	api.Set("_decodeBatch", js.FuncOf(func(this js.Value, args []js.Value) any {
		in, out := args[0], args[1]
		a.env.Lock()
		defer a.env.UnlockOnly()
		if a.Faces.Status != Ready {
			return js.Global().Get("Error").New("the face model is not loaded: open the Faces view first")
		}
		zs := ml.NewTensor(in.Length()/(4*ml.VAELatent), ml.VAELatent)
		js.CopyBytesToGo(floatBytes(zs.Data), in)
		js.CopyBytesToJS(out, floatBytes(a.Faces.vae.Decode(zs).Data))
		return nil
	}))
	api.Set("faces", js.FuncOf(func(this js.Value, args []js.Value) any {
		a.env.RLock()
		defer a.env.RUnlock()
		return toJS(a.Faces.api())
	}))
	api.Set("state", js.FuncOf(func(this js.Value, args []js.Value) any {
		a.env.RLock()
		defer a.env.RUnlock()
		return toJS(a.state())
	}))
	// map() describes the Map view; map({resetFrames: true}) also starts a new longest-frame
	// record after reading it, so a measurement can time one stretch of interaction.
	api.Set("map", js.FuncOf(func(this js.Value, args []js.Value) any {
		reset := len(args) == 1 && args[0].Type() == js.TypeObject && args[0].Get("resetFrames").Truthy()
		if !reset {
			a.env.RLock()
			defer a.env.RUnlock()
			return toJS(a.Maps.state())
		}
		a.env.Lock()
		defer a.env.UnlockOnly()
		out := a.Maps.state()
		a.Maps.MaxFrameMs = 0
		return toJS(out)
	}))
	// mapPoint(i) → {x, y} in CSS pixels where point i is drawn now, or null if it is not.
	api.Set("mapPoint", js.FuncOf(func(this js.Value, args []js.Value) any {
		a.env.RLock()
		defer a.env.RUnlock()
		m := &a.Maps
		if len(args) != 1 || m.Status != Ready {
			return nil
		}
		i := args[0].Int()
		for t, j := range m.picks.Index {
			if int(j) == i {
				return map[string]any{"x": float64(m.picks.X[t]), "y": float64(m.picks.Y[t])}
			}
		}
		return nil
	}))
	api.Set("shareLink", js.FuncOf(func(this js.Value, args []js.Value) any {
		a.env.Lock()
		defer a.env.UnlockRender()
		if a.View == share.Faces {
			a.Faces.roundForSharing()
		}
		loc := js.Global().Get("location")
		return loc.Get("origin").String() + loc.Get("pathname").String() + "#" + a.shareFragment()
	}))
	api.Set("liveMap", js.FuncOf(func(this js.Value, args []js.Value) any { return a.liveAPI.call(args) }))
	api.Set("teach", js.FuncOf(func(this js.Value, args []js.Value) any { return a.Teach.api(args) }))
	api.Set("untaught", js.FuncOf(func(this js.Value, args []js.Value) any { return a.Teach.untaughtAPI() }))
	api.Set("_explain", js.FuncOf(func(this js.Value, args []js.Value) any { return a.Why.api(args) }))
	api.Set("train", js.FuncOf(func(this js.Value, args []js.Value) any { return a.Train.api(args) }))
	api.Set("training", js.FuncOf(func(this js.Value, args []js.Value) any { return a.Train.trainingAPI() }))
	api.Set("useShipped", js.FuncOf(func(this js.Value, args []js.Value) any { return a.Train.useShippedAPI() }))
	if resolve := js.Global().Get("lookbookResolveReady"); resolve.Truthy() {
		resolve.Invoke()
	}
}

// toJS hands v to JavaScript as the object its JSON describes (jsapi's types).
func toJS(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return js.Global().Get("Error").New("lookbook: " + err.Error())
	}
	return js.Global().Get("JSON").Call("parse", string(b))
}

// state describes the current view, input and answer.
func (a *App) state() jsapi.State {
	s := jsapi.State{View: int(a.View), HasInput: a.HasInput, Notice: a.Notice, Link: a.shareFragment(), Version: a.Version, LastMs: a.LastMs,
		Why: a.Why.state()}
	if a.HasInput {
		n := a.classCount()
		s.Index, s.Label = a.Pred, a.className(a.Pred)
		s.Probabilities, s.Logits = ml.Floats[float64](a.Probs[:n]), ml.Floats[float64](a.Logits[:n])
		if cut := a.photo.shown(a); cut != nil {
			n := 0
			for _, in := range cut.Mask {
				if in {
					n++
				}
			}
			s.Cutout, s.CutoutShare = true, float64(n)/float64(len(cut.Mask))
		}
		s.View28 = make([]int, len(a.Result.View))
		for i, b := range a.Result.View {
			s.View28[i] = int(b)
		}
	}
	return s
}

// api describes the Faces view.
func (f *Faces) api() jsapi.Faces {
	out := jsapi.Faces{Status: string(f.Status), A: f.A, B: f.B, Alpha: f.Alpha, Slerp: f.Slerp, Version: f.Version,
		Notice: f.Notice, OwnMSE: f.OwnMSE, HasOwn: f.Own != nil, Temperature: f.Temperature,
		Crop: [4]int{f.Crop.Min.X, f.Crop.Min.Y, f.Crop.Max.X, f.Crop.Max.Y}, Walking: f.Walking, CameraOn: f.Camera.On,
		EncodeMs: f.EncodeMs, DecodeMs: f.DecodeMs, DrawMs: f.DrawMs}
	if f.Samples[0] != nil {
		out.Sample0 = ml.Floats[float64](f.Samples[0])
	}
	if f.Status == Ready {
		for _, face := range f.Strip {
			out.Strip = append(out.Strip, ml.Floats[float64](face)...)
		}
		out.Preview, out.Gallery = ml.Floats[float64](f.Preview), f.galleryN
	}
	return out
}

// state describes the Map view for tests and measurements; it only reads.
func (m *Maps) state() jsapi.Map {
	a := m.app
	out := jsapi.Map{Status: string(m.Status), Error: m.Error, Notice: m.Notice, Progress: m.Progress}
	if m.Status != Ready {
		return out
	}
	c := m.Camera
	out.Projection = m.Projection.String()
	out.Camera = jsapi.Camera{X: c.X, Y: c.Y, Zoom: c.Zoom, Yaw: c.Yaw, Pitch: c.Pitch}
	out.Hidden, out.Misclassified, out.Cell = int(m.Filter.Hidden), m.Filter.Misclassified, m.Filter.Cell
	out.Shown, out.Drawn, out.Hover, out.Pinned = m.Shown, len(m.picks.Index), m.Hover, m.Pinned
	out.Neighbours, out.OwnOK, out.OwnNeighbours = m.Neighbours, m.OwnOK, m.OwnNeighbours
	out.TaughtExamples = len(m.Examples)
	out.PlaceMs, out.FrameMs, out.MaxFrameMs = m.PlaceMs, m.FrameMs, m.MaxFrameMs
	out.OwnNeighbourLabels = make([]int, 0, len(m.OwnNeighbours))
	for _, j := range m.OwnNeighbours {
		out.OwnNeighbourLabels = append(out.OwnNeighbourLabels, int(m.data.Labels[j]))
	}
	out.DrawnByLabel = map[string]int{}
	for _, j := range m.picks.Index {
		out.DrawnByLabel[strconv.Itoa(int(m.data.Labels[j]))]++
	}
	if m.OwnOK {
		_, dims := m.coords()
		tr := m.Camera.Transform(m.viewport(a.Layout), dims)
		x, y, _ := tr.Apply(m.Own[0], m.Own[1], m.Own[2])
		out.Own = &jsapi.Point{X: x, Y: y}
	}
	l := &m.Live
	out.Live = jsapi.Live{Method: l.Method, Dims: l.dims, Points: l.progress.Points, Iter: l.progress.Iter, Total: l.progress.Total,
		Running: l.Running, Done: l.progress.Done, ItPerSec: l.ItPerSec, KL: l.progress.KL, Ms: l.progress.Ms,
		MaxGapMs: l.MaxGapMs, Error: l.Error}
	return out
}

// apiIO holds the exports' inputs and outputs, where the loader's wrappers read and write
// them directly.
type apiIO struct {
	in          [32 * 32]float32 // an image, or a latent code at the start
	out         [3 * 32 * 32]float32
	image, code *ml.Tensor // views of in
	// model is a copy of the classifier for the export alone: its buffers stay those of one
	// image (the app's own copy also runs batches, whose buffers differ), so that it never
	// allocates. The face model's copy is Faces.apiVAE.
	model *ml.FashionNet
}

// exported is the app the WebAssembly exports serve: they take no arguments, so they find it
// here. It is set once, when the API is announced.
var exported *App

// lookbook_classify runs FashionNet on the image in the input buffer and writes its logits then
// its probabilities to the output buffer, returning the predicted class (−1 before the model is
// loaded).
//
// The loader's wrappers call these exports straight from JavaScript: about 0.05 µs a call,
// where a js.FuncOf call costs 60–80 µs in Chromium (Go runs every other ready goroutine
// before it returns from one), as much as a third of the VAE decoder. The price is that an
// export must never block or allocate: Go cannot switch goroutines inside one, and an
// allocation could make it stop to help the garbage collector. One image's evaluation with the
// SIMD kernels allocates nothing (wasm/kernels tests it), and no goroutine parks while it
// holds the models, so the exports need no lock.
//
//go:wasmexport lookbook_classify
func exportClassify() int32 {
	a := exported
	if a == nil || a.api == nil {
		return -1
	}
	n := a.api.model.FC3.Out // 10, or 11 with a taught class
	out := a.api.out[:2*n]
	copy(out, a.api.model.Forward(a.api.image).Data)
	ml.Softmax(out[n:], out[:n], n)
	return int32(ml.ArgMax(out[n:]))
}

// lookbook_decode decodes the latent code in the input buffer into the output buffer (3×32×32),
// returning 0, or −1 while the face model is not loaded.
//
//go:wasmexport lookbook_decode
func exportDecode() int32 {
	a := exported
	if a == nil || a.api == nil || a.Faces.Status != Ready {
		return -1
	}
	copy(a.api.out[:], a.Faces.apiVAE.Decode(a.api.code).Data)
	return 0
}

// address is where a slice's first element sits in the program's memory.
func address(v []float32) int { return int(uintptr(unsafe.Pointer(unsafe.SliceData(v)))) }

func floatBytes(v []float32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*len(v))
}

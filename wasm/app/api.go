//go:build js && wasm

package main

import (
	"strconv"
	"syscall/js"
	"unsafe"

	"lookbook/ml"
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
//	lookbook.classifyBatch(Float32Array of n·32·32) → Float32Array of n·10 logits, and
//	lookbook.decodeBatch(Float32Array of n·120) → Float32Array of n·3·32·32: many inputs in
//	  one call, for throughput (n ≤ 4096)
//	lookbook.state() → {view, hasInput, label, index, probabilities, logits, link}
//	lookbook.shareLink() → the link that reopens the current state
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
	names := make([]any, len(ml.FashionNetClasses))
	for i, n := range ml.FashionNetClasses {
		names[i] = n
	}
	api.Set("_labels", names)
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
		f := &a.Faces
		out := map[string]any{"status": string(f.Status), "a": f.A, "b": f.B, "alpha": f.Alpha, "slerp": f.Slerp, "version": f.Version,
			"notice": f.Notice, "ownMse": f.OwnMSE, "hasOwn": f.Own != nil, "temperature": f.Temperature,
			"crop": []any{f.Crop.Min.X, f.Crop.Min.Y, f.Crop.Max.X, f.Crop.Max.Y}, "walking": f.Walking, "cameraOn": f.CameraOn,
			"encodeMs": f.EncodeMs, "decodeMs": f.DecodeMs, "drawMs": f.DrawMs}
		if f.Samples[0] != nil {
			out["sample0"] = floats(f.Samples[0])
		}
		if f.Status == Ready {
			strip := make([]any, 0, len(f.Strip)*3072)
			for _, face := range f.Strip {
				strip = append(strip, floats(face)...)
			}
			out["strip"] = strip
		}
		if f.Status == Ready {
			prev := make([]any, len(f.Preview))
			for i, v := range f.Preview {
				prev[i] = float64(v)
			}
			out["preview"] = prev
			out["gallery"] = f.galleryN
		}
		return js.ValueOf(out)
	}))
	api.Set("state", js.FuncOf(func(this js.Value, args []js.Value) any {
		a.env.RLock()
		defer a.env.RUnlock()
		out := map[string]any{"view": int(a.View), "hasInput": a.HasInput, "notice": a.Notice, "link": a.shareFragment(), "version": a.Version, "lastMs": a.LastMs}
		if a.HasInput {
			for k, v := range result(a.Logits[:]) {
				out[k] = v
			}
			view := make([]any, len(a.Result.View))
			for i, b := range a.Result.View {
				view[i] = int(b)
			}
			out["view28"] = view
		}
		return js.ValueOf(out)
	}))
	// map() describes the Map view; map({resetFrames: true}) also starts a new longest-frame
	// record after reading it, so a measurement can time one stretch of interaction.
	api.Set("map", js.FuncOf(func(this js.Value, args []js.Value) any {
		reset := len(args) == 1 && args[0].Type() == js.TypeObject && args[0].Get("resetFrames").Truthy()
		if !reset {
			a.env.RLock()
			defer a.env.RUnlock()
			return js.ValueOf(a.mapState())
		}
		a.env.Lock()
		defer a.env.UnlockOnly()
		out := a.mapState()
		a.Maps.MaxFrameMs = 0
		return js.ValueOf(out)
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
	if resolve := js.Global().Get("lookbookResolveReady"); resolve.Truthy() {
		resolve.Invoke()
	}
}

func result(logits []float32) map[string]any {
	probs := make([]float32, len(logits))
	ml.Softmax(probs, logits, len(logits))
	best := ml.ArgMax(probs)
	pl, ll := make([]any, len(probs)), make([]any, len(logits))
	for i := range probs {
		pl[i], ll[i] = float64(probs[i]), float64(logits[i])
	}
	return map[string]any{"label": ml.FashionNetClasses[best], "index": best, "probabilities": pl, "logits": ll}
}

func floats(v []float32) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// mapState describes the Map view for tests and measurements; it only reads.
func (a *App) mapState() map[string]any {
	m := &a.Maps
	out := map[string]any{"status": string(m.Status), "error": m.Error, "notice": m.Notice, "progress": m.Progress}
	if m.Status != Ready {
		return out
	}
	c := m.Camera
	out["projection"] = m.Projection.String()
	out["camera"] = map[string]any{"x": c.X, "y": c.Y, "zoom": c.Zoom, "yaw": c.Yaw, "pitch": c.Pitch}
	out["hidden"] = int(m.Filter.Hidden)
	out["misclassified"] = m.Filter.Misclassified
	out["cell"] = m.Filter.Cell
	out["shown"] = m.Shown
	out["drawn"] = len(m.picks.Index)
	out["hover"] = m.Hover
	out["pinned"] = m.Pinned
	out["neighbours"] = ints(m.Neighbours)
	out["ownOk"] = m.OwnOK
	out["ownNeighbours"] = ints(m.OwnNeighbours)
	out["placeMs"] = m.PlaceMs
	out["frameMs"] = m.FrameMs
	out["maxFrameMs"] = m.MaxFrameMs
	labels := make([]any, 0, len(m.OwnNeighbours))
	for _, j := range m.OwnNeighbours {
		labels = append(labels, int(m.data.Labels[j]))
	}
	out["ownNeighbourLabels"] = labels
	drawnLabels := map[string]any{}
	for _, j := range m.picks.Index {
		k := strconv.Itoa(int(m.data.Labels[j]))
		n, _ := drawnLabels[k].(int)
		drawnLabels[k] = n + 1
	}
	out["drawnByLabel"] = drawnLabels
	if m.OwnOK {
		_, dims := m.coords()
		tr := m.Camera.Transform(m.viewport(a.Layout), dims)
		x, y, _ := tr.Apply(m.Own[0], m.Own[1], m.Own[2])
		out["own"] = map[string]any{"x": x, "y": y}
	}
	l := &m.Live
	out["live"] = map[string]any{"iter": l.Iter, "running": l.Running, "done": l.run != nil && l.run.Done(), "itPerSec": l.ItPerSec, "kl": l.KL, "busyMs": float64(l.busy.Microseconds()) / 1000, "maxStepMs": float64(l.MaxStep.Microseconds()) / 1000}
	return out
}

func ints(v []int) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
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
	n := len(ml.FashionNetClasses)
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

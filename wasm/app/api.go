//go:build js && wasm

package main

import (
	"runtime"
	"strconv"
	"syscall/js"
	"unsafe"

	"lookbook/ml"
)

// announceReady installs the automation and embedding API on window.lookbook (created by the
// loader with its `ready` promise) and resolves that promise:
//
//	lookbook.classify(Float32Array of 32×32 values in [0, 1]) → {label, index, probabilities, logits}
//	  (the loader's wrapper around _classify: it checks the input, passes it through
//	  lookbook._io and throws any Error returned, which Go cannot do without eval)
//	lookbook.decode(Float32Array of 120) → Float32Array of 3×32×32 values in [0, 1] (once the
//	  Faces view has loaded)
//	lookbook.classifyBatch(Float32Array of n·32·32) → Float32Array of n·10 logits, and
//	lookbook.decodeBatch(Float32Array of n·120) → Float32Array of n·3·32·32: many inputs in
//	  one call, for throughput (n ≤ 4096)
//	lookbook.state() → {view, hasInput, label, index, probabilities, logits, link}
//	lookbook.shareLink() → the link that reopens the current state
//
// Called with env locked, once the model is loaded.
func announceReady(a *App) {
	api := js.Global().Get("lookbook")
	// The loader's wrappers pass inputs and outputs through two Float32Arrays shared with this
	// program (lookbook._io): a call then creates no JavaScript objects on this side, which
	// would cost more than the models themselves.
	io := newAPIBuffers(api.Get("_io"))
	names := make([]any, len(ml.FashionNetClasses))
	for i, n := range ml.FashionNetClasses {
		names[i] = n
	}
	api.Set("_labels", names)
	x := ml.NewTensor(1, 1, 32, 32)
	api.Set("_classify", js.FuncOf(func(this js.Value, args []js.Value) any {
		io.read(x.Data)
		a.env.Lock()
		logits := a.model.Forward(x).Data
		var out [2 * len(ml.FashionNetClasses)]float32
		copy(out[:], logits)
		a.env.UnlockOnly()
		probs := out[len(ml.FashionNetClasses):]
		ml.Softmax(probs, out[:len(ml.FashionNetClasses)], len(probs))
		io.write(out[:])
		return ml.ArgMax(probs)
	}))
	z := ml.NewTensor(1, ml.VAELatent)
	api.Set("_decode", js.FuncOf(func(this js.Value, args []js.Value) any {
		a.env.Lock()
		defer a.env.UnlockOnly()
		if a.Faces.Status != "ready" {
			return js.Global().Get("Error").New("the face model is not loaded: open the Faces view first")
		}
		io.read(z.Data)
		io.write(a.Faces.vae.Decode(z).Data)
		return nil
	}))
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
		if a.Faces.Status != "ready" {
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
		out := map[string]any{"status": f.Status, "a": f.A, "b": f.B, "alpha": f.Alpha, "slerp": f.Slerp, "version": f.Version,
			"notice": f.Notice, "ownMse": f.OwnMSE, "hasOwn": f.Own != nil, "temperature": f.Temperature,
			"crop": []any{f.Crop.Min.X, f.Crop.Min.Y, f.Crop.Max.X, f.Crop.Max.Y}, "walking": f.Walking, "cameraOn": f.CameraOn,
			"encodeMs": f.EncodeMs, "decodeMs": f.DecodeMs, "drawMs": f.DrawMs}
		if f.Samples[0] != nil {
			out["sample0"] = floats(f.Samples[0])
		}
		if f.Status == "ready" {
			strip := make([]any, 0, len(f.Strip)*3072)
			for _, face := range f.Strip {
				strip = append(strip, floats(face)...)
			}
			out["strip"] = strip
		}
		if f.Status == "ready" {
			prev := make([]any, len(f.Preview))
			for i, v := range f.Preview {
				prev[i] = float64(v)
			}
			out["preview"] = prev
			lat := make([]any, len(f.latents))
			for i, z := range f.latents {
				row := make([]any, len(z))
				for j, v := range z {
					row[j] = float64(v)
				}
				lat[i] = row
			}
			out["latents"] = lat
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
	api.Set("map", js.FuncOf(func(this js.Value, args []js.Value) any {
		a.env.Lock()
		defer a.env.UnlockOnly()
		return js.ValueOf(a.mapState())
	}))
	// mapPoint(i) → {x, y} in CSS pixels where point i is drawn now, or null if it is not.
	api.Set("mapPoint", js.FuncOf(func(this js.Value, args []js.Value) any {
		a.env.RLock()
		defer a.env.RUnlock()
		m := &a.Maps
		if len(args) != 1 || m.Status != "ready" {
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
		if a.View == 2 {
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

// mapState describes the Map view for tests and measurements. resetFrames in the argument
// is not needed: lookbook.map() resets the longest-frame record each time it is read.
func (a *App) mapState() map[string]any {
	m := &a.Maps
	out := map[string]any{"status": m.Status, "error": m.Error, "notice": m.Notice, "progress": m.Progress}
	if m.Status != "ready" {
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
	m.MaxFrameMs = 0
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
	out["live"] = map[string]any{"iter": l.Iter, "running": l.Running, "done": l.run != nil && l.run.Done(), "itPerSec": l.ItPerSec, "kl": l.KL, "busyMs": float64(l.busy.Microseconds()) / 1000, "maxStepMs": float64(l.MaxStep.Microseconds()) / 1000, "gcPauseMs": maxGCPause()}
	return out
}

func ints(v []int) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

// maxGCPause is the longest of the recent garbage-collection pauses, in milliseconds.
func maxGCPause() float64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var worst uint64
	for _, p := range ms.PauseNs {
		worst = max(worst, p)
	}
	return float64(worst) / 1e6
}

// apiBuffers are byte views of the loader's shared input and output arrays.
type apiBuffers struct{ in, out js.Value }

func newAPIBuffers(io js.Value) apiBuffers {
	view := func(a js.Value) js.Value {
		return js.Global().Get("Uint8Array").New(a.Get("buffer"), a.Get("byteOffset"), a.Get("byteLength"))
	}
	return apiBuffers{in: view(io.Get("in")), out: view(io.Get("out"))}
}

// read copies the first len(dst) values of the input array into dst.
func (b apiBuffers) read(dst []float32) { js.CopyBytesToGo(floatBytes(dst), b.in) }

// write copies v to the start of the output array.
func (b apiBuffers) write(v []float32) { js.CopyBytesToJS(b.out, floatBytes(v)) }

func floatBytes(v []float32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*len(v))
}

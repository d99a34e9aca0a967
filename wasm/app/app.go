//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"syscall/js"
	"time"

	"github.com/vugu/vugu"

	"lookbook/ml"
	"lookbook/ml/pad"
	"lookbook/ml/prep"
	"lookbook/ml/sketch"
	"lookbook/ml/teach"
	"lookbook/wasm/layout"
	"lookbook/wasm/share"
)

// App is the state the DOM layer and the stage share. Every change happens with env locked
// (vugu's event handlers already hold it; the stage and callbacks take it), and ends with
// UnlockRender so the DOM follows.
type App struct {
	env vugu.EventEnv

	Status Status // Loading, then Ready or Failed
	Error  string
	Notice string
	View   share.View
	Layout layout.Layout
	Brush  int // 1 to pad.Brushes
	Shared string
	// ShareNote confirms a Share click beside the button, in every view.
	ShareNote string

	model   *ml.FashionNet
	api     *apiIO     // the API exports' buffers, once announced
	liveAPI liveMapAPI // lookbook.liveMap's runs

	strokes    []pad.Stroke
	current    *pad.Stroke
	background *[prep.Side * prep.Side]byte // an uploaded or shared picture under the strokes
	// raster is the pad as last rasterised (strokes over the background), for the model and
	// the stage alike; nil when the pad shows only the background or nothing.
	raster *prep.Gray

	HasInput     bool
	Result       prep.Result
	Logits       [teach.MaxClasses]float32 // the first classCount() hold the answer
	Probs        [teach.MaxClasses]float32
	Pred         int
	Blocks       [4]*ml.Tensor                // feature maps of the last classification
	Latent       [ml.FashionNetLatent]float32 // the input's features, as the Map view places them
	inputVersion int                          // increments with each classified input
	Maps         Maps
	Version      int // increments whenever the input changes, so the stage redraws
	// scene increments whenever what the stage shows may have changed: each render of the
	// DOM (every event and every UnlockRender passes there), each input the stage sees and
	// each Update that changed something. The stage draws only when it moved.
	scene    int
	Faces    Faces
	Examples Examples // the pad's example list

	// Teach is what lookbook.teach taught: nil while the model is the shipped one.
	Teach teachState

	// photo is the last uploaded photo's cut-out, shown while the pad shows that photo.
	photo photoCutout
	// Camera films a garment for Classify ("Take a photo").
	Camera camera
	// Why explains Classify's answer over the pad.
	Why Why
	// Train trains the course's networks in a worker (the Train view).
	Train Train

	// LastMs is how long the last input took from raw pixels (strokes or a file) to
	// probabilities: rasterising or decoding, preprocessing and the network.
	LastMs float64
}

// Status is where the app, or a view's lazily loaded data, stands. Its values are the words
// the JS API reports.
type Status string

const (
	Idle    Status = ""        // not asked for yet
	Loading Status = "loading" // downloading or decoding
	Ready   Status = "ready"
	Failed  Status = "error" // with a message beside it
)

func newApp() *App {
	a := &App{Status: Loading, Brush: pad.DefaultBrush}
	// Each feature's type reaches the shared state through its app.
	a.Teach.app, a.Maps.app, a.liveAPI.app, a.Faces.app = a, a, a, a
	a.Why = newWhy(a)
	a.Train = newTrain(a)
	a.Camera.video, a.Faces.Camera.video = "classify-camera-video", "camera-video"
	return a
}

// loadModel downloads (or collects the loader's early download of) the weights, validates
// them and makes the app ready, with the example list, or shows why it cannot be.
func (a *App) loadModel(examples <-chan []sketch.Sketch) {
	mark("weightsRequestedMs")
	data, err := prefetched("_fashionnet", assetName("fashionnet"))
	mark("weightsFetchedMs")
	var model, apiModel *ml.FashionNet // the app's, and the API export's own copy
	if err == nil {
		model, apiModel, err = loadTwice(data, "the classifier", ml.NewFashionNet, func(m *ml.FashionNet) { m.SetTraining(false) })
	}
	list := <-examples // before the lock: the page renders while it waits
	a.env.Lock()
	defer a.env.UnlockRender()
	if err != nil {
		a.Status, a.Error = Failed, err.Error()
		fail(err) // the loader's screen: the message and a retry, over everything
		return
	}
	a.model, a.Status, a.Examples.list = model, Ready, list
	announceReady(a, apiModel) // resolves lookbook.ready once this call returns, after the link
	a.restoreFromLink(js.Global().Get("location").Get("hash").String())
}

// classify runs the model on a prepared input and records everything the views show.
func (a *App) classify(r prep.Result) {
	a.Result, a.HasInput = r, true
	x := ml.FromData(append([]float32(nil), r.Input[:]...), 1, 1, 32, 32)
	logits := a.model.Forward(x)
	n := a.classCount()
	copy(a.Logits[:n], logits.Data)
	ml.Softmax(a.Probs[:n], a.Logits[:n], n)
	a.Pred = ml.ArgMax(a.Probs[:n])
	for i := range a.Blocks {
		a.Blocks[i] = a.model.Block(i).Clone()
	}
	copy(a.Latent[:], a.model.Latent().Data)
	a.inputVersion++
	a.Version++
}

// redraw rasterises the background and strokes and classifies the result.
func (a *App) redraw() {
	start := time.Now()
	defer func() { a.LastMs = float64(time.Since(start).Microseconds()) / 1000 }()
	a.Version++
	a.raster = nil
	if a.model == nil {
		return
	}
	if len(a.strokes) == 0 && a.current == nil {
		if a.background != nil {
			a.classify(prep.FromView(*a.background))
		} else {
			a.HasInput = false
		}
		return
	}
	a.raster = pad.Render(a.background, a.allStrokes())
	r, err := prep.Prepare(a.raster)
	if errors.Is(err, prep.ErrBlank) {
		a.HasInput = false
		return
	}
	a.classify(r)
}

func (a *App) allStrokes() []pad.Stroke {
	if a.current == nil {
		return a.strokes
	}
	return append(a.strokes[:len(a.strokes):len(a.strokes)], *a.current)
}

func (a *App) brushRadius() float64 { return pad.BrushRadius(a.Brush) }

// Undo removes the last stroke.
func (a *App) Undo() {
	if len(a.strokes) > 0 {
		a.strokes = a.strokes[:len(a.strokes)-1]
	} else {
		a.background = nil
	}
	a.Notice = ""
	a.redraw()
}

// Clear empties the pad.
func (a *App) Clear() {
	a.strokes, a.current, a.background, a.Notice = nil, nil, nil, ""
	a.redraw()
}

// loadUpload classifies an uploaded file, or says clearly why it cannot.
func (a *App) loadUpload(data []byte, name string) {
	start := time.Now()
	cuts, err := prep.CutFile(data)
	a.showUpload(cuts, err, name, start)
}

// showUpload puts the cut of a picture the model is surest of on the pad and classifies it,
// or says why the file cannot be used; LastMs counts from start, when the file was chosen.
func (a *App) showUpload(cuts []prep.Cut, err error, name string, start time.Time) {
	defer func() { a.LastMs = float64(time.Since(start).Microseconds()) / 1000 }()
	if err != nil {
		a.Notice = fmt.Sprintf("Could not use %q: %v.", name, err)
		a.Version++
		return
	}
	chosen := prep.Choose(cuts, a.model.Confidence)
	r, cut := chosen.Result, chosen.Cutout
	a.strokes, a.current = nil, nil
	view := r.View
	a.background = &view
	a.photo = photoCutout{cut: cut, background: a.background, mirrored: chosen.Mirrored}
	a.Notice = ""
	a.classify(r)
}

// photoCutout is an uploaded photo's cut-out and the pad background made from it.
type photoCutout struct {
	cut        *prep.Cutout
	background *[prep.Side * prep.Side]byte
	mirrored   bool // the model's view is the garment's mirror image (prep.Choose)
}

// shown is the cut-out to show beside the model's view: the photo's, while the pad's
// background is still that photo and a garment was cut out of it; else nil.
func (p photoCutout) shown(a *App) *prep.Cutout {
	if p.cut == nil || !p.cut.Found || a.background != p.background || !a.HasInput {
		return nil
	}
	return p.cut
}

// shareFragment encodes the current state.
func (a *App) shareFragment() string {
	s := share.State{View: a.View, HasImage: a.HasInput, Options: url.Values{"brush": {strconv.Itoa(a.Brush)}}}
	switch {
	case a.View == share.Faces:
		a.Faces.shareOptions(s.Options)
	case a.View == share.Train:
		a.Train.linkOptions(s.Options)
	case a.View == share.Map && a.Maps.Status == Ready:
		a.Maps.View.Encode(s.Options)
	case a.View == share.Map:
		for k, v := range a.Maps.pending { // not loaded yet: pass the shared view on unchanged
			s.Options[k] = v
		}
	}
	if a.HasInput {
		s.Image = a.Result.View
	}
	a.Teach.linkOptions(s.Options)
	a.Why.linkOptions(s.Options)
	return share.Encode(s)
}

// restoreFromLink applies a share link's fragment; a bad one opens the default state with a
// short notice.
func (a *App) restoreFromLink(fragment string) {
	if fragment == "" || fragment == "#" {
		return
	}
	s, err := share.Decode(fragment)
	if err != nil {
		a.Notice = "This link could not be opened (" + err.Error() + "), so Lookbook started fresh."
		return
	}
	a.View = s.View
	if b, err := strconv.Atoi(s.Options.Get("brush")); err == nil && b >= 1 && b <= 5 {
		a.Brush = b
	}
	if err := a.Teach.restore(s.Options); err != nil {
		a.Notice = "The taught class in this link is damaged (" + err.Error() + "), so the shipped classifier answers."
	}
	a.Why.restore(s.Options)
	if s.HasImage {
		view := s.Image
		a.background = &view
		a.classify(prep.FromView(view))
	}
	if s.View == share.Map {
		a.Maps.pending = s.Options
		a.Maps.load()
	}
	if s.View == share.Train {
		a.Train.restore(s.Options)
	}
	if s.View == share.Faces {
		if s.Options.Has("za") {
			a.Faces.pending = s.Options
		}
		a.Faces.load()
	}
}

// loadTwice builds two models from one weight file (the view's, and the API export's own copy,
// so that neither disturbs the other's buffers) and readies each for inference; what names
// the model in the error of a damaged file.
func loadTwice[M interface{ State() []ml.StateEntry }](weights []byte, what string, build func(*rand.Rand) M, ready func(M)) (M, M, error) {
	var models [2]M
	for i := range models {
		models[i] = build(rand.New(rand.NewPCG(0, 0)))
		if _, err := ml.LoadState(weights, models[i].State()); err != nil {
			return models[0], models[1], fmt.Errorf("%s's weights are damaged (%w)", what, err)
		}
		ready(models[i])
	}
	return models[0], models[1], nil
}

//go:build js && wasm

package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/png"
	"net/url"
	"strconv"
	"time"

	"github.com/vugu/vugu"

	"lookbook/ml/tsne"
	"lookbook/ml/umap"
	"lookbook/wasm/livemap"
	"lookbook/wasm/mapview"
)

// neighbourCount is how many nearest neighbours a pinned point or the drawing lists.
const neighbourCount = 10

// Maps is the Map view's state: the shipped maps, how they are looked at and filtered, the
// pinned point, the visitor's drawing placed on the map, and the live map.
type Maps struct {
	app      *App // the shared state: the model, the pad's input, the lock
	env      vugu.EventEnv
	Status   Status // Idle until the view opens, then Loading, Ready or Failed
	Error    string
	Notice   string
	Progress float64 // of the download, 0–1

	data *mapview.Data
	mapview.View
	Conf  [10][10]int
	Shown int // points the filter keeps

	Hover      int     // the point under the pointer, or −1
	HoverX     float64 // where the pointer is (CSS pixels), for the tooltip
	HoverY     float64
	Neighbours []int // of the pinned point

	// Own is the visitor's drawing on the current map (valid when OwnOK), with its neighbours
	// in feature space; ownFor records which input and projection it was placed for.
	Own           [3]float64
	OwnOK         bool
	OwnNeighbours []int
	ownFor        [2]int
	// Examples are where the examples of the class taught in the Teach view sit on the map;
	// examplesFor records for which examples (teachState.examplesVersion) and projection.
	Examples    [][3]float64
	examplesFor [2]int
	placers     [2]*tsne.Map    // for the shipped t-SNE maps, built on first use
	umapPlacers [2]*umap.Placer // for the shipped UMAP maps, likewise
	PlaceMs     float64         // the last placement's time

	picks      mapview.Screen // where the points were drawn, for hovering and clicking
	Live       liveMap
	geometry   int // bumps when what the stage draws changes
	pending    url.Values
	thumbs     map[int]string
	exportPNG  bool
	FrameMs    float64 // the stage's last map frame (building and drawing the points)
	MaxFrameMs float64 // the longest since lookbook.map({resetFrames: true})
}

// load downloads the maps the first time the view opens, with progress.
func (m *Maps) load() {
	a := m.app
	if m.Status != Idle && m.Status != Failed {
		return
	}
	m.env = a.env
	m.Status, m.Progress, m.Error = Loading, 0, ""
	m.Hover, m.Pinned = -1, -1
	if m.Live.Method == "" {
		m.Live = liveMap{Method: livemap.UMAP, Perplexity: 30, Iterations: 1000, Epochs: 200}
	}
	go func() {
		size, _ := strconv.Atoi(assetName("mapsSize"))
		raw, err := fetchWithProgress(assetName("maps"), size, func(p float64) {
			a.env.Lock()
			m.Progress = p
			a.env.UnlockRender()
		})
		var d *mapview.Data
		if err == nil {
			d, err = mapview.Decode(raw)
		}
		a.env.Lock()
		defer a.env.UnlockRender()
		if err != nil {
			m.Status, m.Error = Failed, "The map data could not be loaded: "+err.Error()+"."
			return
		}
		m.data, m.Status, m.Conf = d, Ready, d.Confusion()
		m.thumbs = map[int]string{}
		view := mapview.DefaultView()
		if m.pending != nil {
			v, err := mapview.DecodeView(m.pending, d.N)
			if err != nil {
				m.Notice = err.Error() + ", so the default map is shown."
			}
			view, m.pending = v, nil
		}
		m.setView(view)
		m.ownFor = [2]int{-1, -1}
	}()
}

// setView applies a whole view (projection, camera, filter, pinned point).
func (m *Maps) setView(v mapview.View) {
	m.View = v
	m.Shown = v.Filter.Count(m.data)
	m.pin(v.Pinned)
	m.changed()
}

func (m *Maps) changed() { m.geometry++ }

// SetProjection switches maps, with the camera reset for the new one.
func (m *Maps) SetProjection(p mapview.Projection) {
	if m.Status != Ready || p == m.Projection {
		return
	}
	m.Projection, m.Camera = p, mapview.DefaultCamera(p.Dims())
	m.ownFor[1] = -1
	if p.IsLive() && (m.Live.id == 0 || m.Live.dims != p.Dims()) {
		m.restartLive()
	}
	m.changed()
}

// SetFilter applies a new filter.
func (m *Maps) SetFilter(f mapview.Filter) {
	m.Filter = f
	m.Shown = f.Count(m.data)
	m.changed()
}

// pin selects point i (−1 for none) and finds its neighbours in feature space.
func (m *Maps) pin(i int) {
	m.Pinned, m.Neighbours = i, nil
	if i >= 0 && i < m.data.N {
		m.Neighbours = m.data.Nearest(m.data.Feature(i), neighbourCount, i)
	}
	m.changed()
}

// coords returns the current map's normalised coordinates and their dimension.
func (m *Maps) coords() ([]float32, int) {
	if m.Projection.IsLive() {
		if m.Live.dims != m.Projection.Dims() {
			return nil, m.Projection.Dims()
		}
		return m.Live.coords, m.Live.dims
	}
	return m.data.Coords[m.Projection], m.Projection.Dims()
}

// placeOwn puts the visitor's drawing (its 128-d features) on the current map, unless it is
// already there. PCA projects it exactly; the t-SNE maps place it as openTSNE does, the UMAP
// maps as umap-learn does.
func (m *Maps) placeOwn() {
	a := m.app
	if m.Status != Ready {
		return
	}
	if !a.HasInput {
		m.OwnOK, m.OwnNeighbours = false, nil
		return
	}
	if m.ownFor == [2]int{a.inputVersion, int(m.Projection)} {
		return
	}
	start := time.Now()
	m.ownFor = [2]int{a.inputVersion, int(m.Projection)}
	if m.Projection.IsLive() {
		// The worker places it once the live map is done; until its answer comes the
		// drawing is not shown.
		m.OwnOK = false
		if !m.Live.place(a.Latent[:]) {
			m.ownFor[1] = -1
		}
		return
	}
	pos, neighbours, ok := m.place(m.Projection, a.Latent[:])
	m.Own, m.OwnNeighbours, m.OwnOK = pos, neighbours[:min(neighbourCount, len(neighbours))], ok
	m.PlaceMs = float64(time.Since(start).Microseconds()) / 1000
	m.changed()
}

// place puts a feature vector on shipped map p, in the frame its points are drawn in, with its
// nearest test images: PCA projects it exactly, t-SNE places it as openTSNE does, UMAP as
// umap-learn does.
func (m *Maps) place(p mapview.Projection, feature []float32) (pos [3]float64, neighbours []int, ok bool) {
	d := m.data
	switch p {
	case mapview.PCA2, mapview.PCA3:
		return d.ToFrame(p, d.ProjectPCA(feature, p.Dims())), d.Nearest(feature, neighbourCount, -1), true
	case mapview.TSNE2, mapview.TSNE3:
		k := p.Dims() - 2
		if m.placers[k] == nil {
			m.placers[k] = tsne.NewMap(d.Features, d.N, mapview.Latent, d.RawCoords(p), p.Dims(), d.Perplexity)
		}
		pl := m.placers[k].Place(feature)
		return d.ToFrame(p, pl.Y), pl.Neighbours, true
	case mapview.UMAP2, mapview.UMAP3:
		k := p.Dims() - 2
		if m.umapPlacers[k] == nil {
			// The trainer made the shipped maps with umap-learn's defaults (umap.DefaultConfig).
			u, err := umap.Finished(d.RawCoords(p), d.N, umap.DefaultConfig(p.Dims()))
			if err != nil {
				return pos, nil, false
			}
			m.umapPlacers[k] = umap.NewPlacer(u, d.Features, mapview.Latent)
		}
		y, neighbours := m.umapPlacers[k].Place(feature)
		return d.ToFrame(p, y), neighbours, true
	}
	return pos, nil, false
}

// maxPlacedExamples bounds the taught examples placed on a map (each placement takes up to
// tens of milliseconds on the t-SNE and UMAP maps).
const maxPlacedExamples = 40

// placeExamples puts the examples a class was taught from in the Teach view on the current
// shipped map, unless they are there already.
func (m *Maps) placeExamples() {
	a := m.app
	m, t := m, &a.Teach
	if m.Status != Ready {
		return
	}
	want := [2]int{t.examplesVersion, int(m.Projection)}
	if !t.taughtByView || t.Name == "" || m.Projection.IsLive() {
		want[0] = -1
	}
	if m.examplesFor == want {
		return
	}
	m.examplesFor, m.Examples = want, m.Examples[:0]
	if want[0] < 0 {
		m.changed()
		return
	}
	for i := range t.Examples[:min(len(t.Examples), maxPlacedExamples)] {
		if pos, _, ok := m.place(m.Projection, t.Examples[i].feature[:]); ok {
			m.Examples = append(m.Examples, pos)
		}
	}
	m.changed()
}

// thumb returns point i's picture as a PNG data URL for the DOM, cached.
func (m *Maps) thumb(i int) string {
	if s, ok := m.thumbs[i]; ok {
		return s
	}
	s := grayPNG(m.data.Image(i), mapview.Side)
	m.thumbs[i] = s
	return s
}

// grayPNG is a side×side grayscale picture as a PNG data URL, for the DOM.
func grayPNG(pix []byte, side int) string {
	img := &image.Gray{Pix: append([]byte(nil), pix...), Stride: side, Rect: image.Rect(0, 0, side, side)}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

// ownText describes the drawing on the map for the panel.
func (m *Maps) ownSummary(pred int) (same int) {
	for _, j := range m.OwnNeighbours {
		if int(m.data.Labels[j]) == pred {
			same++
		}
	}
	return same
}

// await waits for the map data (the test images' features), loading it if no view has.
func (m *Maps) await() error {
	a := m.app
	for first := true; ; first = false {
		a.env.Lock()
		m := m
		switch {
		case m.Status == Ready:
			a.env.UnlockOnly()
			return nil
		case m.Status == Failed && !first:
			err := errors.New(m.Error)
			a.env.UnlockOnly()
			return err
		case m.Status == Idle || m.Status == Failed:
			m.load()
		}
		a.env.UnlockRender()
		time.Sleep(50 * time.Millisecond)
	}
}

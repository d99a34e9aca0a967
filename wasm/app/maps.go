//go:build js && wasm

package main

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"net/url"
	"strconv"
	"time"

	"github.com/vugu/vugu"

	"lookbook/ml/tsne"
	"lookbook/wasm/mapview"
)

// liveCount is how many test images the live t-SNE maps.
const liveCount = 2000

// neighbourCount is how many nearest neighbours a pinned point or the drawing lists.
const neighbourCount = 10

// Maps is the Map view's state: the shipped maps, how they are looked at and filtered, the
// pinned point, the visitor's drawing placed on the map, and the live t-SNE.
type Maps struct {
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
	placers       [2]*tsne.Map // for the shipped t-SNE maps, built on first use
	PlaceMs       float64      // the last placement's time

	picks      mapview.Screen // where the points were drawn, for hovering and clicking
	Live       liveTSNE
	geometry   int // bumps when what the stage draws changes
	pending    url.Values
	thumbs     map[int]string
	exportPNG  bool
	FrameMs    float64 // the stage's last map frame (building and drawing the points)
	MaxFrameMs float64 // the longest since lookbook.map({resetFrames: true})
}

// liveTSNE is a t-SNE of the first liveCount test images computed in the page, a few
// milliseconds a frame.
type liveTSNE struct {
	Perplexity float64
	Iterations int
	Running    bool
	run        *tsne.TSNE
	coords     []float32     // normalised, for drawing
	frame      mapview.Frame // how, so that the drawing is placed in the same frame
	Iter       int
	ItPerSec   float64
	KL         float64
	started    time.Time
	busy       time.Duration // time spent stepping
	worker     bool          // whether startLive's goroutine is running
	MaxStep    time.Duration // the longest slice so far
	placer     *tsne.Map     // for the drawing, once the live map is done
}

// loadMaps downloads the maps the first time the view opens, with progress.
func (a *App) loadMaps() {
	m := &a.Maps
	if m.Status != Idle && m.Status != Failed {
		return
	}
	m.env = a.env
	m.Status, m.Progress, m.Error = Loading, 0, ""
	m.Hover, m.Pinned = -1, -1
	if m.Live.Perplexity == 0 {
		m.Live.Perplexity, m.Live.Iterations = 30, 750
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
	if p == mapview.Live && m.Live.run == nil {
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
	if m.Projection == mapview.Live {
		return m.Live.coords, 2
	}
	return m.data.Coords[m.Projection], m.Projection.Dims()
}

// placeOwn puts the visitor's drawing (its 128-d features) on the current map, unless it is
// already there. PCA projects it exactly; the t-SNE maps place it as openTSNE does.
func (a *App) placeOwn() {
	m := &a.Maps
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
	d, p := m.data, m.Projection
	m.OwnOK = true
	switch p {
	case mapview.PCA2, mapview.PCA3:
		m.Own = d.ToFrame(p, d.ProjectPCA(a.Latent[:], p.Dims()))
		m.OwnNeighbours = d.Nearest(a.Latent[:], neighbourCount, -1)
	case mapview.TSNE2, mapview.TSNE3:
		k := p.Dims() - 2
		if m.placers[k] == nil {
			m.placers[k] = tsne.NewMap(d.Features, d.N, mapview.Latent, d.RawCoords(p), p.Dims(), d.Perplexity)
		}
		pl := m.placers[k].Place(a.Latent[:])
		m.Own = d.ToFrame(p, pl.Y)
		m.OwnNeighbours = pl.Neighbours[:min(neighbourCount, len(pl.Neighbours))]
	case mapview.Live:
		if m.Live.placer == nil {
			m.OwnOK = false // placed once the live map has converged
			m.ownFor[1] = -1
			return
		}
		pl := m.Live.placer.Place(a.Latent[:])
		m.Own = m.Live.frame.Apply(pl.Y)
		m.OwnNeighbours = pl.Neighbours[:min(neighbourCount, len(pl.Neighbours))]
	}
	m.PlaceMs = float64(time.Since(start).Microseconds()) / 1000
	m.changed()
}

// restartLive starts the live t-SNE over with the current perplexity and iterations.
func (m *Maps) restartLive() {
	cfg := tsne.DefaultConfig(2)
	cfg.Perplexity, cfg.Iterations = m.Live.Perplexity, m.Live.Iterations
	cfg.Seed, cfg.BlockRows = 1, 8 // from noise: the animation shows the map forming
	run, err := tsne.New(m.data.Features[:liveCount*mapview.Latent], liveCount, mapview.Latent, cfg)
	if err != nil {
		m.Notice = err.Error()
		return
	}
	m.Live.run, m.Live.placer, m.Live.Running = run, nil, true
	m.Live.Iter, m.Live.KL, m.Live.ItPerSec, m.Live.busy = 0, 0, 0, 0
	m.Live.coords = make([]float32, 2*liveCount)
	m.Live.started = time.Now()
	m.ownFor[1] = -1
	m.changed()
	m.startLive()
}

// startLive runs the live t-SNE in its own goroutine, a bounded slice at a time, sleeping
// between slices so that the browser can draw frames and deliver input: js/wasm never
// preempts a busy goroutine, and frames (slow ones especially, as with software WebGL)
// must not set the pace of the computation either.
func (m *Maps) startLive() {
	l := &m.Live
	if l.worker || l.run == nil || !l.Running {
		return
	}
	l.worker = true
	go func() {
		for {
			m.env.Lock()
			if l.run == nil || !l.Running {
				l.worker = false
				m.env.UnlockRender()
				return
			}
			if m.stepLive(12 * time.Millisecond) {
				m.env.UnlockRender()
			} else {
				m.env.UnlockOnly()
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
}

// stepLive advances the live t-SNE by about budget; it reports whether the DOM should update.
func (m *Maps) stepLive(budget time.Duration) bool {
	l := &m.Live
	if l.run == nil || !l.Running {
		return false
	}
	start := time.Now()
	done := l.run.Step(budget)
	took := time.Since(start)
	l.busy += took
	l.MaxStep = max(l.MaxStep, took)
	before := l.Iter
	l.Iter = l.run.Iter
	if l.run.Y != nil {
		l.frame = mapview.FrameOf(l.run.Y, liveCount, 2)
		mapview.Into(l.frame, l.coords, l.run.Y, liveCount, 2)
		m.changed()
	}
	if secs := l.busy.Seconds(); secs > 0 && l.Iter > 0 {
		l.ItPerSec = float64(l.Iter) / time.Since(l.started).Seconds()
	}
	if done {
		l.Running = false
		l.KL = l.run.KL()
		l.placer = tsne.NewMap(m.data.Features[:liveCount*mapview.Latent], liveCount, mapview.Latent, l.run.Y, 2, l.Perplexity)
		m.ownFor[1] = -1
		return true
	}
	return l.Iter/25 != before/25 // the DOM's progress, a few times a second
}

// thumb returns point i's picture as a PNG data URL for the DOM, cached.
func (m *Maps) thumb(i int) string {
	if s, ok := m.thumbs[i]; ok {
		return s
	}
	img := &image.Gray{Pix: append([]byte(nil), m.data.Image(i)...), Stride: mapview.Side, Rect: image.Rect(0, 0, mapview.Side, mapview.Side)}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	s := "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
	m.thumbs[i] = s
	return s
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

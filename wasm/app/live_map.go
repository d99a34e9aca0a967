//go:build js && wasm

package main

import (
	"time"

	"lookbook/wasm/livemap"
	"lookbook/wasm/mapview"
)

// liveMap is a t-SNE or UMAP of all the test images that the map worker computes while the
// page draws it converging. The page only sends the features and draws what comes back.
type liveMap struct {
	Method     string  // livemap.TSNE or livemap.UMAP
	Perplexity float64 // t-SNE's
	Iterations int     // t-SNE's
	Epochs     int     // UMAP's
	Running    bool    // computing, not paused or done
	Error      string

	worker   *mapWorker
	id       int // of the run the worker is on (0: none yet)
	dims     int // of that run
	progress workerMessage
	coords   []float32     // normalised, for drawing; nil until the layout starts
	frame    mapview.Frame // how, so that the drawing is placed in the same frame
	started  time.Time
	ItPerSec float64
	MaxGapMs float64 // the longest the page waited between two of the worker's messages
	lastMsg  time.Time
	rendered time.Time // when a message last re-rendered the DOM
	runs     int       // started so far: the next run's id, so that an old run's late message is ignored
	placeSeq int       // of the last placement asked for
	placed   bool      // whether the drawing's placement for placeSeq has come
}

// restartLive starts the live map over with the current method, settings and dimensions.
func (m *Maps) restartLive() {
	l := &m.Live
	if l.worker == nil {
		w, err := newMapWorker(func(msg workerMessage) { m.onLive(msg) })
		if err != nil {
			l.Error = "The live map cannot run here: " + err.Error() + "."
			return
		}
		l.worker = w
	}
	l.runs++
	l.id, l.dims, l.coords, l.Error = l.runs, m.Projection.Dims(), nil, ""
	l.progress, l.Running, l.ItPerSec, l.MaxGapMs = workerMessage{}, true, 0, 0
	l.started, l.lastMsg = time.Now(), time.Time{}
	iters := l.Iterations
	if l.Method == livemap.UMAP {
		iters = l.Epochs
	}
	n := m.data.N
	features := float32Array(m.data.Features[:n*mapview.Latent])
	l.worker.post(map[string]any{"type": "start", "id": l.id, "method": l.Method, "dims": l.dims, "points": n,
		"perplexity": l.Perplexity, "iterations": iters, "seed": 1, "features": features}, features.Get("buffer"))
	m.ownFor[1] = -1
	m.changed()
}

// onLive takes a message from the view's worker.
func (m *Maps) onLive(msg workerMessage) {
	m.env.Lock()
	l := &m.Live
	render := true
	switch {
	case msg.Type == "failed":
		l.Error, l.Running = "The live map stopped: "+msg.Message+".", false
		l.worker = nil
	case msg.ID != l.id:
		render = false // an older run's
	case msg.Type == "error":
		l.Error, l.Running = "The live map could not start: "+msg.Message+".", false
	case msg.Type == "progress":
		now := time.Now()
		if !l.lastMsg.IsZero() {
			l.MaxGapMs = max(l.MaxGapMs, float64(now.Sub(l.lastMsg).Microseconds())/1000)
		}
		l.lastMsg = now
		// The text changes a few times a second; the stage draws every message anyway.
		render = msg.Done || now.Sub(l.rendered) >= 250*time.Millisecond
		if render {
			l.rendered = now
		}
		l.progress = msg
		if msg.Coords != nil && msg.Dims == l.dims {
			n := len(msg.Coords) / msg.Dims
			l.frame = mapview.FrameOf(msg.Coords, n, msg.Dims)
			if len(l.coords) != len(msg.Coords) {
				l.coords = make([]float32, len(msg.Coords))
			}
			mapview.Into(l.frame, l.coords, msg.Coords, n, msg.Dims)
			m.changed()
		}
		if msg.Iter > 0 {
			l.ItPerSec = float64(msg.Iter) / time.Since(l.started).Seconds()
		}
		if msg.Done {
			l.Running = false
			m.ownFor[1] = -1 // place the drawing on the finished map
		}
	case msg.Type == "placed" && msg.Seq == l.placeSeq:
		l.placed = true
		if msg.Message == "" && len(msg.Pos) == l.dims && m.Projection.IsLive() {
			m.Own, m.OwnOK = l.frame.Apply(msg.Pos), true
			m.OwnNeighbours = msg.Nearest[:min(neighbourCount, len(msg.Nearest))]
			m.changed()
		}
	}
	if render {
		m.env.UnlockRender()
	} else {
		m.env.UnlockOnly()
	}
}

// place asks the worker to put the drawing (its features) on the finished live map, and
// reports whether it could ask.
func (l *liveMap) place(latent []float32) bool {
	if l.worker == nil || !l.progress.Done || l.progress.ID != l.id {
		return false
	}
	l.placeSeq++
	l.placed = false
	l.worker.post(map[string]any{"type": "place", "id": l.id, "seq": l.placeSeq, "features": float32Array(latent)})
	return true
}

// pause stops or resumes the live map's computation.
func (l *liveMap) pause(paused bool) {
	if l.worker == nil || l.id == 0 || l.progress.Done {
		return
	}
	l.Running = !paused
	kind := "resume"
	if paused {
		kind = "pause"
	}
	l.worker.post(map[string]any{"type": kind, "id": l.id})
}

// extend sets a new length for the current run; a finished run continues.
func (m *Maps) extendLive(iterations int) {
	l := &m.Live
	if l.worker == nil || l.id == 0 {
		return
	}
	if l.progress.Done && iterations > l.progress.Iter {
		l.progress.Done, l.Running = false, true
		m.OwnOK = false
	}
	l.worker.post(map[string]any{"type": "extend", "id": l.id, "iterations": iterations})
}

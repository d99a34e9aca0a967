package e2e

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"lookbook/ml/tsne"
	"lookbook/wasm/jsapi"
	"lookbook/wasm/share"
)

// mapPoint is where point i is drawn, in CSS pixels.
func (a *app) mapPoint(i int) (float64, float64, bool) {
	a.t.Helper()
	var p *struct{ X, Y float64 }
	a.evalJSON(fmt.Sprintf(`lookbook.mapPoint(%d)`, i), &p)
	if p == nil {
		return 0, 0, false
	}
	return p.X, p.Y, true
}

func TestMapRendersHoversAndFilters(t *testing.T) {
	a := visit(t, "")
	m := a.openMap()
	if m.Projection != "tsne2" || m.Shown != 10000 || m.Drawn < 9000 {
		t.Fatalf("opened on %s with %d shown, %d drawn; want t-SNE 2D with all 10,000", m.Projection, m.Shown, m.Drawn)
	}
	a.screenshot("13-map-tsne2")

	// Hovering over a known point shows its picture and labels.
	x, y, ok := a.mapPoint(1234)
	if !ok {
		t.Fatal("point 1234 is not drawn")
	}
	a.run(chromedp.MouseEvent(input.MouseMoved, x, y), chromedp.Sleep(200*time.Millisecond))
	m = a.untilMap("hover", 0, func(m jsapi.Map) bool { return m.Hover >= 0 })
	var tip string
	a.run(chromedp.Text(`[data-testid="map-tip-text"]`, &tip, chromedp.ByQuery))
	if want := fmt.Sprintf("Test image %d:", m.Hover); len(tip) < len(want) || tip[:len(want)] != want {
		t.Errorf("tooltip %q, want it to name image %d", tip, m.Hover)
	}
	if m.Hover != 1234 {
		// Another point drawn within a pixel may win: it must at least be right there.
		hx, hy, _ := a.mapPoint(m.Hover)
		if d := (hx-x)*(hx-x) + (hy-y)*(hy-y); d > 4 {
			t.Errorf("hovered %d at (%.0f, %.0f), pointer at (%.0f, %.0f)", m.Hover, hx, hy, x, y)
		}
	}
	a.screenshot("14-map-hover")

	// A class filter hides the others.
	a.click("only-7")
	m = a.mapState()
	if m.Shown != 1000 || len(m.DrawnByLabel) != 1 || m.DrawnByLabel["7"] < 900 {
		t.Errorf("only Sneaker: shown %d, drawn by label %v", m.Shown, m.DrawnByLabel)
	}
	a.screenshot("15-map-only-sneaker")
	a.click("legend-5") // add Sandal back
	if m = a.mapState(); m.Shown != 2000 || len(m.DrawnByLabel) != 2 {
		t.Errorf("Sneaker and Sandal: shown %d, drawn by label %v", m.Shown, m.DrawnByLabel)
	}

	// A confusion-matrix cell keeps just its images: shirts taken for T-shirts.
	var cellText string
	a.run(chromedp.Text(`[data-testid="cell-60"]`, &cellText, chromedp.ByQuery))
	a.click("cell-60")
	m = a.mapState()
	if fmt.Sprint(m.Shown) != cellText || m.Cell != 60 || m.Hidden != 0 {
		t.Errorf("cell Shirt→T-shirt: shown %d (cell says %s), cell %d, hidden %b", m.Shown, cellText, m.Cell, m.Hidden)
	}
	if len(m.DrawnByLabel) != 1 || m.DrawnByLabel["6"] != m.Drawn {
		t.Errorf("cell Shirt→T-shirt draws %v", m.DrawnByLabel)
	}
	a.screenshot("16-map-cell")
	a.click("misclassified")
	a.click("show-all")
	if m = a.mapState(); m.Shown != 10000 || m.Misclassified || m.Cell != -1 {
		t.Errorf("show all: %d shown, misclassified %v, cell %d", m.Shown, m.Misclassified, m.Cell)
	}

	// Every projection draws.
	for _, p := range []string{"pca2", "pca3", "tsne3", "umap2", "umap3"} {
		a.click("proj-" + p)
		m = a.mapState()
		if m.Projection != p || m.Drawn < 9000 {
			t.Errorf("%s: %d points drawn", p, m.Drawn)
		}
		a.screenshot("17-map-" + p)
	}
}

func TestMapDrawingPinAndShareLink(t *testing.T) {
	a := visit(t, "")
	a.openMap()

	// A drawing on the map's pad appears on the map, among its own kind.
	a.drawSketch("region-mappad", sketchByName(t, "trouser-1"))
	s := a.state()
	m := a.untilMap("drawing placed", 0, func(m jsapi.Map) bool { return m.OwnOK && len(m.OwnNeighbours) == 10 })
	t.Logf("drawing classified %s; neighbours' labels %v; placed on t-SNE 2D in %.1f ms", s.Label, m.OwnNeighbourLabels, m.PlaceMs)
	if most := mostCommon(m.OwnNeighbourLabels); most != s.Index {
		t.Errorf("the drawing's 10 neighbours are mostly class %d, not %s (its prediction): %v", most, s.Label, m.OwnNeighbourLabels)
	}
	if m.Own == nil {
		t.Fatal("the drawing has no position on the map")
	}
	a.screenshot("18-map-drawing")
	for _, p := range []string{"pca2", "pca3", "tsne3", "umap2", "umap3"} {
		a.click("proj-" + p)
		m = a.untilMap("drawing placed on "+p, 0, func(m jsapi.Map) bool { return m.OwnOK && m.Projection == p })
		t.Logf("%s: placed in %.1f ms", p, m.PlaceMs)
	}
	a.click("proj-tsne2")

	// Zoom with the wheel at a point, then click a point to pin it.
	area := a.rectOf("region-map")
	cx, cy := area.X+area.W*0.6, area.Y+area.H*0.4
	a.run(chromedp.MouseEvent(input.MouseWheel, cx, cy, func(p *input.DispatchMouseEventParams) *input.DispatchMouseEventParams {
		return p.WithDeltaY(-300)
	}), chromedp.Sleep(150*time.Millisecond))
	if m = a.mapState(); m.Camera.Zoom <= 1.2 {
		t.Errorf("wheel zoom: %g", m.Camera.Zoom)
	}
	// Drag to pan.
	before := m.Camera
	a.run(chromedp.MouseEvent(input.MousePressed, cx, cy, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.MouseEvent(input.MouseMoved, cx+40, cy+20, chromedp.ButtonLeft), chromedp.Sleep(30*time.Millisecond),
		chromedp.MouseEvent(input.MouseMoved, cx+80, cy+40, chromedp.ButtonLeft), chromedp.Sleep(30*time.Millisecond),
		chromedp.MouseEvent(input.MouseReleased, cx+80, cy+40, chromedp.ButtonLeft, chromedp.ClickCount(1)), chromedp.Sleep(100*time.Millisecond))
	if m = a.mapState(); m.Camera.X >= before.X || m.Camera.Y <= before.Y || m.Pinned != -1 {
		t.Errorf("drag right and down: camera %+v → %+v, pinned %d", before, m.Camera, m.Pinned)
	}
	var target int
	for i := 0; i < 10000; i++ {
		if _, _, ok := a.mapPoint(i); ok {
			target = i
			break
		}
	}
	x, y, _ := a.mapPoint(target)
	a.run(chromedp.MouseClickXY(x, y), chromedp.Sleep(150*time.Millisecond))
	m = a.mapState()
	if m.Pinned < 0 || len(m.Neighbours) != 10 {
		t.Fatalf("clicking point %d pinned %d with %d neighbours", target, m.Pinned, len(m.Neighbours))
	}
	a.click("only-" + fmt.Sprint(8))
	a.click("legend-3")
	a.screenshot("19-map-pinned")
	m = a.mapState()

	// The share link restores the view, the pin, the filter and the drawing.
	var link string
	a.run(chromedp.Evaluate(`lookbook.shareLink()`, &link))
	// The Share button puts the same link in the address bar and says so in the header.
	a.click("share")
	var hash, note string
	a.run(chromedp.Evaluate(`location.hash`, &hash))
	a.run(chromedp.Poll(`document.querySelector('[data-testid="share-note"]').textContent`, &note, chromedp.WithPollingTimeout(5*time.Second)))
	if "#"+link[strings.Index(link, "#")+1:] != hash || note == "" {
		t.Errorf("Share: address bar %q, link %q, note %q", hash, link, note)
	}
	// Exports, before the link is opened: the PNG of the plot and the CSV of the shown points.
	a.click("map-csv")
	a.click("map-png")
	time.Sleep(500 * time.Millisecond)
	var downloads []struct {
		Name, Type string
		Size       int
	}
	a.evalJSON(`lookbook.downloads`, &downloads)
	if len(downloads) != 2 || downloads[0].Name != "lookbook-tsne2.csv" || downloads[1].Type != "image/png" || downloads[1].Size < 2000 {
		t.Errorf("downloads %+v", downloads)
	}

	// Opened in the same tab (a fresh context adds nothing the link itself does not carry).
	a.reopen(link[len(a.url):])
	got := a.waitMap()
	if got.Projection != m.Projection || got.Pinned != m.Pinned || got.Hidden != m.Hidden || got.Shown != m.Shown {
		t.Errorf("shared view: %s pinned %d hidden %b shown %d; sender had %s pinned %d hidden %b shown %d",
			got.Projection, got.Pinned, got.Hidden, got.Shown, m.Projection, m.Pinned, m.Hidden, m.Shown)
	}
	const eps = 1e-4
	if d := got.Camera; abs(d.X-m.Camera.X) > eps || abs(d.Y-m.Camera.Y) > eps || abs(d.Zoom-m.Camera.Zoom) > eps {
		t.Errorf("shared camera %+v, sender's %+v", d, m.Camera)
	}
	if !got.OwnOK || fmt.Sprint(got.OwnNeighbours) != fmt.Sprint(m.OwnNeighbours) {
		t.Errorf("shared drawing: placed %v, neighbours %v; sender's %v", got.OwnOK, got.OwnNeighbours, m.OwnNeighbours)
	}
	a.screenshot("20-map-shared")

	// A damaged map link opens the default map with a notice.
	a.reopen("#" + shareWithBadMap(t))
	if m := a.waitMap(); m.Projection != "tsne2" || m.Notice == "" {
		t.Errorf("damaged map link: %s, notice %q", m.Projection, m.Notice)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// shareWithBadMap is a link to the Map view whose pinned point does not exist.
func shareWithBadMap(t *testing.T) string {
	return share.Encode(share.State{View: share.Map, Options: url.Values{"mp": {"pca2"}, "mpin": {"123456"}}})
}

// longestFrame records requestAnimationFrame intervals for d and returns the longest and
// the median, in milliseconds.
func (a *app) longestFrame(d time.Duration) (longest, typical float64, frames int) {
	a.t.Helper()
	a.recordFrames()
	time.Sleep(d)
	gaps := a.frameGaps()
	if len(gaps) == 0 {
		return 0, 0, 0
	}
	return gaps[len(gaps)-1], median(gaps), len(gaps)
}

// recordFrames starts recording requestAnimationFrame times in the page.
func (a *app) recordFrames() {
	a.t.Helper()
	a.run(chromedp.Evaluate(`window.__frames = []; window.__recording = true;
		(function tick(t) { if (!window.__recording) return; window.__frames.push(t); requestAnimationFrame(tick); })(performance.now()); 0`, nil))
}

// frameGaps stops the recording and returns the intervals between frames, sorted, in ms.
func (a *app) frameGaps() []float64 {
	a.t.Helper()
	var ts []float64
	a.evalJSON(`(window.__recording = false, window.__frames)`, &ts)
	var gaps []float64
	for i := 1; i < len(ts); i++ {
		gaps = append(gaps, ts[i]-ts[i-1])
	}
	sort.Float64s(gaps)
	return gaps
}

// TestLiveMapsOffTheMainThread runs the Map view's live maps of all 10,000 test images in the
// map worker: UMAP in 2D to the end (200 epochs: long enough that the run cannot finish
// between its first frame and the pause click, when the button would restart it), with pause, and the
// drawing placed on it; then t-SNE in 3D, which starts drawing while the page keeps its frames.
func TestLiveMapsOffTheMainThread(t *testing.T) {
	a := visit(t, "")
	a.openMap()
	a.click("proj-live")
	a.run(chromedp.Evaluate(`(() => { const s = document.querySelector('[data-testid="live-iterations"]'); s.value = "200"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, nil))
	a.recordFrames()
	m := a.untilMap("the live UMAP starts drawing", 60*time.Second, func(m jsapi.Map) bool { return m.Live.Iter > 0 && m.Drawn > 0 })
	if m.Live.Method != "umap" || m.Live.Dims != 2 || m.Live.Points != 10000 || m.Live.Total != 200 {
		t.Errorf("live map %+v, want UMAP in 2D of 10,000 images, 200 epochs", m.Live)
	}
	// The page answers input while it runs: pause takes effect at once (within the moment the
	// click's handler needs to run, which a slow machine stretches).
	a.click("live-toggle")
	a.until(2*time.Second, "pause stops the live map", func() bool { return !a.mapState().Live.Running })
	time.Sleep(300 * time.Millisecond) // a message already on its way may still arrive
	iter := a.mapState().Live.Iter
	time.Sleep(700 * time.Millisecond)
	if m = a.mapState(); m.Live.Iter != iter && !m.Live.Done {
		t.Errorf("paused at epoch %d, yet it reached %d", iter, m.Live.Iter)
	}
	a.click("live-toggle")
	m = a.untilMap("the live UMAP is done", 90*time.Second, func(m jsapi.Map) bool { return m.Live.Done })
	gaps := a.frameGaps()
	t.Logf("live UMAP of 10,000 images, 200 epochs: %.1f s in the worker; frames while it ran: median %.0f ms, longest %.0f ms (%d)",
		m.Live.Ms/1000, median(gaps), gaps[len(gaps)-1], len(gaps))
	if m.Drawn < 9000 {
		t.Errorf("%d points drawn on the finished live map", m.Drawn)
	}
	if !strings.Contains(a.text("live-progress"), "Done: UMAP, 200 epochs on 10,000 images") {
		t.Errorf("the progress reads %q", a.text("live-progress"))
	}
	// The drawing is placed on the finished map, among its own kind.
	a.drawSketch("region-mappad", sketchByName(t, "trouser-1"))
	pred := a.state().Index
	m = a.untilMap("the drawing is placed on the live map", 20*time.Second, func(m jsapi.Map) bool { return m.OwnOK && m.Own != nil })
	if most := mostCommon(m.OwnNeighbourLabels); most != pred {
		t.Errorf("the drawing's neighbours on the live map: labels %v, want mostly its prediction %d", m.OwnNeighbourLabels, pred)
	}
	a.screenshot("21-map-live")

	// t-SNE in 3D: it runs and draws, and the page keeps drawing frames. (Chosen before the
	// projection, so no 3D UMAP starts first; at perplexity 5 its neighbour graph is quick.)
	a.click("live-tsne")
	a.run(chromedp.Evaluate(`(() => { const s = document.querySelector('[data-testid="live-perplexity"]'); s.value = "5"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, nil))
	a.click("proj-live3")
	a.recordFrames()
	m = a.untilMap("the live 3D t-SNE starts drawing", 60*time.Second, func(m jsapi.Map) bool { return m.Live.Iter > 5 && m.Drawn > 0 })
	gaps = a.frameGaps()
	if m.Live.Method != "tsne" || m.Live.Dims != 3 || m.Live.Error != "" {
		t.Errorf("live map %+v, want t-SNE in 3D", m.Live)
	}
	if len(gaps) == 0 || gaps[len(gaps)-1] > 300 {
		t.Errorf("frames while the t-SNE started: %v", gaps)
	}
	a.screenshot("22-map-live3")
}

// TestLiveMapAPI checks lookbook.liveMap: maps of a few hundred test images keep images of a
// class together, in the order of the test set, and bad arguments get clear errors.
func TestLiveMapAPI(t *testing.T) {
	a := visit(t, "")
	labels := testImages(t).Labels
	for _, c := range []struct {
		method      string
		dims, n     int
		minAccuracy float64
	}{{"umap", 2, 400, 0.8}, {"tsne", 3, 300, 0.8}} {
		var out struct {
			Ms, ComputeMs float64
			Coords        map[string]float64
		}
		a.run(chromedp.Evaluate(fmt.Sprintf(`lookbook.liveMap({method: %q, dims: %d, points: %d}).then((r) => ({ms: r.ms, computeMs: r.computeMs, coords: r.coords}))`, c.method, c.dims, c.n), &out, awaitPromise))
		if len(out.Coords) != c.n*c.dims {
			t.Fatalf("%s: %d coordinates, want %d", c.method, len(out.Coords), c.n*c.dims)
		}
		y := make([]float64, c.n*c.dims)
		for k, v := range out.Coords {
			var i int
			fmt.Sscan(k, &i)
			y[i] = v
		}
		lab := make([]int, c.n)
		for i := range lab {
			lab[i] = int(labels[i])
		}
		acc := tsne.KNNAccuracy(y, c.n, c.dims, lab, 10)
		t.Logf("%s %dD of %d images: %.0f ms (%.0f ms computing), 10-NN accuracy %.3f", c.method, c.dims, c.n, out.Ms, out.ComputeMs, acc)
		if acc < c.minAccuracy || out.Ms <= 0 {
			t.Errorf("%s: 10-NN accuracy %.3f (want ≥ %.2f), %.0f ms", c.method, acc, c.minAccuracy, out.Ms)
		}
	}
	for _, c := range []struct{ args, want string }{
		{``, "takes one object"},
		{`"umap"`, "takes one object"},
		{`{dims: 2}`, "method must be"},
		{`{method: "pca", dims: 2}`, `method must be "tsne" or "umap", not "pca"`},
		{`{method: "umap", dims: 4}`, "dims must be 2 or 3"},
		{`{method: "umap", dims: "2"}`, "dims must be a whole number"},
		{`{method: "umap", dims: 2, points: 20001}`, "points must be a whole number from 20 to 10000"},
		{`{method: "umap", dims: 2, points: 2.5}`, "points must be a whole number"},
		{`{method: "tsne", dims: 2, points: 50, perplexity: 30}`, "perplexity 30 needs at least"},
		{`{method: "tsne", dims: 2, iterations: -1}`, "iterations must be"},
	} {
		var msg string
		a.run(chromedp.Evaluate(fmt.Sprintf(`lookbook.liveMap(%s).then(() => "resolved", (e) => e.message)`, c.args), &msg, awaitPromise))
		if !strings.HasPrefix(msg, "lookbook.liveMap: ") || !strings.Contains(msg, c.want) {
			t.Errorf("liveMap(%s): %q, want an error with %q", c.args, msg, c.want)
		}
	}
	// The page still works.
	if s := a.state(); s.View != 0 {
		t.Errorf("view %d after the API calls", s.View)
	}
}

// mostCommon is the label that occurs most often (the smallest on a tie): a drawing's
// neighbours are "among its own kind" when it is the drawing's prediction. (The shipped model
// places the hand-drawn trouser-1 among 5 or 6 trousers of 10, the rest mostly dresses; the
// drawing model placed it among 9: see the README, Photos.)
func mostCommon(labels []int) int {
	count := map[int]int{}
	best := -1
	for _, l := range labels {
		count[l]++
		if best < 0 || count[l] > count[best] || count[l] == count[best] && l < best {
			best = l
		}
	}
	return best
}

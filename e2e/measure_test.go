package e2e

import (
	"context"
	"fmt"
	"math"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/chromedp"

	"lookbook/wasm/jsapi"
)

// TestMeasureClassifyView measures what issue 5 asks to report: the compressed bytes of a first
// visit to the Classify view, the time from navigation to the first prediction, and the time of
// one classification including preprocessing. It asserts nothing about speed (that depends on
// the machine); it logs the figures and writes them to artifacts/measurements.txt.
func TestMeasureClassifyView(t *testing.T) {
	measuring(t)
	const runs = 5
	var bytes, firstPrediction, drawMs, uploadMs, netMs, idle []float64
	dir := t.TempDir()
	test := testImages(t)
	for r := 0; r < runs; r++ {
		a := start(t, 1280, 800)
		a.run(performance.Enable())
		a.open("")
		var m struct {
			Bytes, First float64
		}
		// The first prediction is possible once lookbook.ready resolves (stamped by the page
		// itself); add one classification to that.
		a.run(chromedp.Evaluate(`(() => {
			const t0 = performance.now();
			lookbook.classify(new Float32Array(1024));
			const first = lookbook.timings.readyMs + (performance.now() - t0);
			let bytes = performance.getEntriesByType("navigation")[0].transferSize;
			for (const e of performance.getEntriesByType("resource")) bytes += e.transferSize;
			return {Bytes: bytes, First: first};
		})()`, &m))
		var net float64
		a.run(chromedp.Evaluate(`(() => {
			const x = new Float32Array(1024), times = [];
			for (let k = 0; k < 30; k++) { const t0 = performance.now(); lookbook.classify(x); times.push(performance.now() - t0); }
			return times.sort((p, q) => p - q)[15];
		})()`, &net))
		netMs = append(netMs, net)
		bytes = append(bytes, m.Bytes)
		firstPrediction = append(firstPrediction, m.First)
		for k := 0; k < 3; k++ {
			v := a.state().Version
			a.stroke([2]float64{0.3, 0.2 + 0.2*float64(k)}, [2]float64{0.7, 0.25 + 0.2*float64(k)})
			drawMs = append(drawMs, a.waitChange(v).LastMs)
			path, _ := writePNG(t, dir, test, 17*r+k)
			uploadMs = append(uploadMs, a.upload(path).LastMs)
		}
		idle = append(idle, a.busyShare(3*time.Second))
		a.close() // an open tab keeps rendering and would slow the next visit
	}
	report := fmt.Sprintf(`Classify view, headless Chromium (SwiftShader WebGL), server on localhost, median of %d fresh visits
first visit, bytes transferred (brotli): %.3f MB
navigation to first prediction:          %.0f ms
FashionNet alone (lookbook.classify, median of 30 calls): %.1f ms
one classification from a drawing (rasterise + preprocess + network): %.1f ms
one classification from a PNG upload (decode + preprocess + network): %.1f ms
main thread busy while the page sits idle: %.0f %%
`, runs, median(bytes)/1e6, median(firstPrediction), median(netMs), median(drawMs), median(uploadMs), 100*median(idle))
	t.Log("\n" + report)
	writeArtifact(t, "measurements.txt", report)
}

// busyShare is the share of the page's main thread taken by tasks over the next d, with no
// input: an idle page should leave it free (performance metrics must be enabled first).
func (a *app) busyShare(d time.Duration) float64 {
	a.t.Helper()
	task := func() float64 {
		var metrics []*performance.Metric
		a.run(chromedp.ActionFunc(func(ctx context.Context) (err error) {
			metrics, err = performance.GetMetrics().Do(ctx)
			return err
		}))
		for _, m := range metrics {
			if m.Name == "TaskDuration" {
				return m.Value
			}
		}
		a.t.Fatal("Chromium reports no TaskDuration")
		return 0
	}
	t0 := task()
	time.Sleep(d)
	return (task() - t0) / d.Seconds()
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// TestMeasureMapView measures what issue 6 asks to report: frame times while panning and
// zooming all 10,000 points, and the time to place a drawing on each map (the live maps have
// TestMeasureLiveMaps). Median of three fresh visits; it asserts nothing about speed and writes
// artifacts/map-measurements.txt.
func TestMeasureMapView(t *testing.T) {
	measuring(t)
	const runs = 3
	var frameMedian, frameP95, buildMs, mapBytes []float64
	place := map[string][]float64{}
	for r := 0; r < runs; r++ {
		a := start(t, 1280, 800)
		// Past the service worker: what it hands the page has no transfer size of its own.
		a.run(network.Enable(), network.SetBypassServiceWorker(true))
		a.open("")
		a.openMap()
		var transferred float64
		a.run(chromedp.Evaluate(`performance.getEntriesByType("resource").filter(e => e.name.includes("maps.")).reduce((s, e) => s + e.transferSize, 0)`, &transferred))
		mapBytes = append(mapBytes, transferred)
		area := a.rectOf("region-map")
		cx, cy := area.X+area.W/2, area.Y+area.H/2
		// Record frames while dragging and wheeling continuously for about two seconds.
		a.run(chromedp.Evaluate(`lookbook.map({resetFrames: true}), 0`, nil))
		a.recordFrames()
		var builds []float64
		actions := []chromedp.Action{chromedp.MouseEvent(input.MousePressed, cx, cy, chromedp.ButtonLeft, chromedp.ClickCount(1))}
		for k := 0; k < 60; k++ {
			x := cx + 120*math.Sin(float64(k)/6)
			y := cy + 80*math.Cos(float64(k)/6)
			actions = append(actions, chromedp.MouseEvent(input.MouseMoved, x, y, chromedp.ButtonLeft), chromedp.Sleep(16*time.Millisecond))
		}
		actions = append(actions, chromedp.MouseEvent(input.MouseReleased, cx, cy, chromedp.ButtonLeft, chromedp.ClickCount(1)))
		for k := 0; k < 40; k++ {
			d := -60.0
			if k >= 20 {
				d = 60
			}
			actions = append(actions, chromedp.MouseEvent(input.MouseWheel, cx+float64(k), cy, func(p *input.DispatchMouseEventParams) *input.DispatchMouseEventParams {
				return p.WithDeltaY(d)
			}), chromedp.Sleep(16*time.Millisecond))
		}
		a.run(actions...)
		gaps := a.frameGaps()
		frameMedian = append(frameMedian, median(gaps))
		frameP95 = append(frameP95, gaps[len(gaps)*95/100])
		m := a.mapState()
		builds = append(builds, m.MaxFrameMs)
		buildMs = append(buildMs, median(builds))
		// Placement: draw, then read the time of the last placement on each map.
		a.drawTrousersIn("region-mappad")
		for _, p := range []string{"tsne2", "tsne3", "pca2", "pca3"} {
			a.click("proj-" + p)
			a.click("map-clear")
			a.strokeIn("region-mappad", [2]float64{0.3, 0.2}, [2]float64{0.7, 0.8})
			m := a.untilMap("placed on "+p, 0, func(m jsapi.Map) bool { return m.OwnOK && m.Projection == p })
			place[p] = append(place[p], m.PlaceMs)
		}
		a.close()
	}
	report := fmt.Sprintf(`Map view, headless Chromium (SwiftShader WebGL, software rendering), median of %d fresh visits
map data, bytes transferred (brotli):          %.2f MB
frame interval while panning and zooming 10,000 points: median %.1f ms, 95th percentile %.1f ms
  (of which building the points' sprites in Go, longest per frame: %.1f ms)
placing a drawing: t-SNE 2D %.1f ms, t-SNE 3D %.1f ms, PCA 2D %.1f ms, PCA 3D %.1f ms
`, runs, median(mapBytes)/1e6, median(frameMedian), median(frameP95), median(buildMs), median(place["tsne2"]), median(place["tsne3"]), median(place["pca2"]), median(place["pca3"]))
	t.Log("\n" + report)
	writeArtifact(t, "map-measurements.txt", report)
}

// startupPhases are the moments of a visit, in ms from navigation: the page's own marks
// (lookbook.timings) and the Resource Timing of the program and the weights.
type startupPhases struct {
	ProgramArrived, Compiled, GoStarted, WeightsFetched, Ready float64
}

func (a *app) startupPhases() startupPhases {
	a.t.Helper()
	var p startupPhases
	a.run(chromedp.Evaluate(`(() => { const t = lookbook.timings;
		const prog = performance.getEntriesByType("resource").find(e => /\/app\.[0-9a-f]+\.wasm$/.test(e.name));
		return {ProgramArrived: prog ? prog.responseEnd : 0, Compiled: t.compiledMs, GoStarted: t.goStartMs, WeightsFetched: t.weightsFetchedMs, Ready: t.readyMs}; })()`, &p))
	return p
}

// TestMeasureStartup measures each phase of a first visit (a fresh browser context) and of a
// repeat visit (a reload: HTTP cache, compiled code cache and service worker warm), median of 5.
func TestMeasureStartup(t *testing.T) {
	measuring(t)
	const runs = 5
	var fresh, repeat []startupPhases
	for r := 0; r < runs; r++ {
		a := start(t, 1280, 800)
		a.open("")
		fresh = append(fresh, a.startupPhases())
		time.Sleep(2 * time.Second) // the service worker installs; the compiled code is cached
		a.open("")
		repeat = append(repeat, a.startupPhases())
		a.close()
	}
	phase := func(visits []startupPhases, f func(startupPhases) float64) float64 {
		v := make([]float64, len(visits))
		for i, p := range visits {
			v[i] = f(p)
		}
		return median(v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Startup, headless Chromium (%s), server on localhost, ms from navigation, median of %d visits\n", chromiumVersion(t), runs)
	fmt.Fprintf(&b, "%-34s %8s %8s\n", "phase", "first", "repeat")
	for _, row := range []struct {
		name string
		f    func(startupPhases) float64
	}{
		{"program downloaded", func(p startupPhases) float64 { return p.ProgramArrived }},
		{"program compiled", func(p startupPhases) float64 { return p.Compiled }},
		{"Go's main starts", func(p startupPhases) float64 { return p.GoStarted }},
		{"weights in Go", func(p startupPhases) float64 { return p.WeightsFetched }},
		{"ready (first prediction possible)", func(p startupPhases) float64 { return p.Ready }},
	} {
		fmt.Fprintf(&b, "%-34s %8.0f %8.0f\n", row.name, phase(fresh, row.f), phase(repeat, row.f))
	}
	t.Log("\n" + b.String())
	writeArtifact(t, "startup-measurements.txt", b.String())
}

// chromiumVersion is the version of the Chromium the tests drive.
func chromiumVersion(t *testing.T) string {
	path, err := chromePath()
	if err != nil {
		return "unknown"
	}
	out, err := exec.Command(path, "--version").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

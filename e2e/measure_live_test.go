package e2e

import (
	"encoding/base64"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/chromedp/chromedp"

	"lookbook/ml/format"
	"lookbook/ml/tsne"
)

// TestMeasureLiveMaps measures issue 19's goals in headless Chromium: lookbook.liveMap's UMAP
// (200 epochs) and t-SNE (1,000 iterations) of all 10,000 test images, each with the 10-NN
// accuracy of its map and the page's long tasks (over 50 ms) while it ran, beside umap-js 1.4
// on the same features (200 epochs, on the main thread as umap-js runs). Median of three fresh
// visits; writes artifacts/live-map-measurements.txt.
func TestMeasureLiveMaps(t *testing.T) {
	measuring(t)
	umapJS := umapJSSource(t)
	maps, err := format.ReadFile("../pretrained/maps.safetensors", format.DecodeMaps)
	if err != nil {
		t.Fatal(err)
	}
	n := maps.N()
	labels := make([]int, n)
	for i := range labels {
		labels[i] = int(maps.Labels[i])
	}
	features := base64.StdEncoding.EncodeToString(unsafe.Slice((*byte)(unsafe.Pointer(&maps.Features[0])), 4*len(maps.Features)))
	type result struct{ ms, computeMs, acc, longest, longTasks []float64 }
	results := map[string]*result{}
	order := []string{"Lookbook UMAP 2D (worker)", "Lookbook t-SNE 2D (worker)", "umap-js 1.4 UMAP 2D (main thread)", "no computation (10 s idle)"}
	for _, name := range order {
		results[name] = &result{}
	}
	accuracy := func(coords map[string]float64) float64 {
		y := make([]float64, 2*n)
		for k, v := range coords {
			var i int
			fmt.Sscan(k, &i)
			y[i] = v
		}
		return tsne.KNNAccuracy(y, n, 2, labels, 10)
	}
	const runs = 3
	for r := 0; r < runs; r++ {
		a := visit(t, "")
		a.run(chromedp.Evaluate(`window.__long = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({type: "longtask"}); 0`, nil))
		// The page's own long tasks, without any map being computed: the baseline.
		time.Sleep(10 * time.Second)
		var idle []float64
		a.evalJSON(`window.__long`, &idle)
		res := results[order[3]]
		res.longest, res.longTasks = append(res.longest, maxOf(idle)), append(res.longTasks, float64(len(idle)))
		t.Logf("run %d, idle: long tasks %v", r+1, idle)
		for _, c := range []struct{ name, call string }{
			{order[0], `lookbook.liveMap({method: "umap", dims: 2})`},
			{order[1], `lookbook.liveMap({method: "tsne", dims: 2})`},
		} {
			var out struct {
				Ms, ComputeMs float64
				Coords        map[string]float64
				Long          []float64
			}
			a.run(chromedp.Evaluate(`(window.__long = [], `+c.call+`.then((r) => ({ms: r.ms, computeMs: r.computeMs, coords: r.coords, long: window.__long})))`, &out, awaitPromise))
			res := results[c.name]
			res.ms, res.acc = append(res.ms, out.Ms), append(res.acc, accuracy(out.Coords))
			res.computeMs = append(res.computeMs, out.ComputeMs)
			res.longest, res.longTasks = append(res.longest, maxOf(out.Long)), append(res.longTasks, float64(len(out.Long)))
			t.Logf("run %d, %s: %.2f s (%.2f s in the worker), 10-NN accuracy %.3f, long tasks %v", r+1, c.name, out.Ms/1000, out.ComputeMs/1000, res.acc[len(res.acc)-1], out.Long)
		}
		var out struct {
			Ms     float64
			Coords map[string]float64
		}
		a.run(chromedp.Evaluate(umapJS+`; 0`, nil))
		a.run(chromedp.Evaluate(`(async () => {
			const bytes = Uint8Array.from(atob("`+features+`"), (c) => c.charCodeAt(0));
			const f = new Float32Array(bytes.buffer), data = [];
			for (let i = 0; i < `+fmt.Sprint(n)+`; i++) data.push(Array.from(f.subarray(i * 128, (i + 1) * 128)));
			const t0 = performance.now();
			const y = new UMAP.UMAP({nComponents: 2, nNeighbors: 15, minDist: 0.1, nEpochs: 200}).fit(data);
			const ms = performance.now() - t0;
			return {ms, coords: Float32Array.from(y.flat())};
		})()`, &out, awaitPromise))
		res = results[order[2]]
		res.ms, res.acc = append(res.ms, out.Ms), append(res.acc, accuracy(out.Coords))
		res.longest, res.longTasks = append(res.longest, out.Ms), append(res.longTasks, 1)
		t.Logf("run %d, %s: %.2f s, 10-NN accuracy %.3f", r+1, order[2], out.Ms/1000, res.acc[len(res.acc)-1])
		a.close() // an open tab keeps drawing frames and would slow the next visit down
	}
	var report strings.Builder
	fmt.Fprintf(&report, "Live maps of all %d test images, headless %s, median of %d fresh visits\n", n, chromiumVersion(t), runs)
	for _, name := range order {
		res := results[name]
		if res.ms == nil {
			fmt.Fprintf(&report, "%s: long tasks %.0f, longest %.0f ms\n", name, median(res.longTasks), median(res.longest))
			continue
		}
		inWorker := ""
		if res.computeMs != nil {
			inWorker = fmt.Sprintf(", of which computing in the worker %.2f s", median(res.computeMs)/1000)
		}
		fmt.Fprintf(&report, "%s: %.2f s (runs %s)%s, 10-NN accuracy %.3f, long tasks while it ran: %.0f, longest %.0f ms\n",
			name, median(res.ms)/1000, seconds(res.ms), inWorker, median(res.acc), median(res.longTasks), median(res.longest))
	}
	t.Log(report.String())
	writeArtifact(t, "live-map-measurements.txt", report.String())
}

func maxOf(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}

func seconds(ms []float64) string {
	var s []string
	for _, v := range ms {
		s = append(s, fmt.Sprintf("%.2f", v/1000))
	}
	return strings.Join(s, ", ")
}

// umapJSSource returns umap-js 1.4.0's browser build, installed with npm into build/bench-live
// the first time (a measurement's dependency only).
func umapJSSource(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "build", "bench-live")
	lib := filepath.Join(dir, "node_modules", "umap-js", "lib", "umap-js.min.js")
	if _, err := os.Stat(lib); err != nil {
		os.MkdirAll(dir, 0o755)
		cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", dir, "umap-js@1.4.0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("installing umap-js: %v\n%s", err, out)
		}
	}
	src, err := os.ReadFile(lib)
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

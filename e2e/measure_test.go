package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestMeasureClassifyView measures what issue 5 asks to report: the compressed bytes of a first
// visit to the Classify view, the time from navigation to the first prediction, and the time of
// one classification including preprocessing. It asserts nothing about speed (that depends on
// the machine); it logs the figures and writes them to artifacts/measurements.txt.
func TestMeasureClassifyView(t *testing.T) {
	const runs = 5
	var bytes, firstPrediction, drawMs, uploadMs, netMs []float64
	dir := t.TempDir()
	test := testImages(t)
	for r := 0; r < runs; r++ {
		a := start(t, 1280, 800)
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
		a.close() // an open tab keeps rendering and would slow the next visit
	}
	report := fmt.Sprintf(`Classify view, headless Chromium (SwiftShader WebGL), server on localhost, median of %d fresh visits
first visit, bytes transferred (brotli): %.2f MB
navigation to first prediction:          %.0f ms
FashionNet alone (lookbook.classify, median of 30 calls): %.1f ms
one classification from a drawing (rasterise + preprocess + network): %.1f ms
one classification from a PNG upload (decode + preprocess + network): %.1f ms
`, runs, median(bytes)/1e6, median(firstPrediction), median(netMs), median(drawMs), median(uploadMs))
	t.Log("\n" + report)
	os.MkdirAll("artifacts", 0o755)
	os.WriteFile(filepath.Join("artifacts", "measurements.txt"), []byte(report), 0o644)
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

package e2e

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lookbook/ml"
)

// The browser benchmark (make bench-web): our wasm inference through window.lookbook against
// ONNX Runtime Web (wasm backend, SIMD, one thread) running the same weights exported to ONNX,
// in the same headless Chromium, in the same run; native Go for reference. It runs only when
// LOOKBOOK_BENCH_WEB names a folder with the ONNX files and onnxruntime-web's dist files (the
// Makefile prepares it), and writes artifacts/bench-web.txt.

// benchJS measures a function of one argument in the page: per-call times as the mean of
// groups of 5 calls (the page's clock ticks in 0.1 ms), after a warm-up.
const benchJS = `
window.benchCalls = async (fn, input, groups) => {
	for (let k = 0; k < 20; k++) await fn(input);
	const t = [];
	for (let g = 0; g < groups; g++) {
		const t0 = performance.now();
		for (let k = 0; k < 5; k++) await fn(input);
		t.push((performance.now() - t0) / 5);
	}
	t.sort((a, b) => a - b);
	return {median: t[Math.floor(t.length / 2)], p95: t[Math.floor(t.length * 0.95)]};
};
window.benchInput = (n) => { const x = new Float32Array(n); for (let i = 0; i < n; i++) x[i] = ((i * 7919) % 1000) / 1000; return x; };
window.benchLatent = (n) => { const z = new Float32Array(n); for (let i = 0; i < n; i++) z[i] = Math.sin(i + 1); return z; };
`

const ortPage = `<!doctype html><meta charset="utf-8"><title>ORT</title>
<script src="/ort.wasm.min.js"></script>
<script>` + benchJS + `
window.benchORT = async () => {
	ort.env.wasm.numThreads = 1;
	ort.env.wasm.wasmPaths = location.origin + "/";
	const opts = {executionProviders: ["wasm"], graphOptimizationLevel: "all"};
	const out = {};
	const net = await ort.InferenceSession.create("/fashionnet.onnx", opts);
	const dec = await ort.InferenceSession.create("/vae_decoder.onnx", opts);
	const x1 = new ort.Tensor("float32", benchInput(1024), [1, 1, 32, 32]);
	const z1 = new ort.Tensor("float32", benchLatent(120), [1, 120]);
	out.netLogits = Array.from((await net.run({x: x1})).logits.data);
	out.face = Array.from((await dec.run({z: z1})).face.data);
	out.net1 = await benchCalls((x) => net.run({x}), x1, 60);
	out.dec1 = await benchCalls((z) => dec.run({z}), z1, 60);
	const x256 = new ort.Tensor("float32", benchInput(256 * 1024), [256, 1, 32, 32]);
	const z256 = new ort.Tensor("float32", benchLatent(256 * 120), [256, 120]);
	out.net256 = await benchCalls((x) => net.run({x}), x256, 4);
	out.dec256 = await benchCalls((z) => dec.run({z}), z256, 4);
	return out;
};
</script>`

type timing struct{ Median, P95 float64 }

type benchSide struct {
	NetLogits      []float64
	Face           []float64
	Net1, Dec1     timing
	Net256, Dec256 timing // one batch of 256
}

func TestBenchWeb(t *testing.T) {
	dir := os.Getenv("LOOKBOOK_BENCH_WEB")
	if dir == "" {
		t.Skip("the browser benchmark runs with make bench-web")
	}
	// ONNX Runtime Web's page, served from the prepared folder.
	ortSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, ortPage)
			return
		}
		http.ServeFile(w, r, filepath.Join(dir, filepath.Base(r.URL.Path)))
	}))
	defer ortSrv.Close()

	a := start(t, 1280, 800)
	var ortSide benchSide
	a.run(chromedp.Navigate(ortSrv.URL + "/"))
	var raw string
	a.run(chromedp.Evaluate(`benchORT().then(r => JSON.stringify(r))`, &raw, awaitPromise))
	if err := json.Unmarshal([]byte(raw), &ortSide); err != nil {
		t.Fatal(err)
	}

	// Ours, through window.lookbook, in the same browser.
	a.open("")
	a.openFaces()
	var ours benchSide
	a.run(chromedp.Evaluate(benchJS+`(async () => {
		const out = {};
		const x = benchInput(1024), z = benchLatent(120);
		out.netLogits = lookbook.classify(x).logits;
		out.face = Array.from(lookbook.decode(z));
		out.net1 = await benchCalls((x) => lookbook.classify(x), x, 60);
		out.dec1 = await benchCalls((z) => lookbook.decode(z), z, 60);
		// A batch of 256 in one call, as ONNX Runtime gets it.
		const x256 = benchInput(256 * 1024), z256 = benchLatent(256 * 120);
		out.net256 = await benchCalls((x) => lookbook.classifyBatch(x), x256, 4);
		out.dec256 = await benchCalls((z) => lookbook.decodeBatch(z), z256, 4);
		out.simd = !!lookbook.timings.simd;
		return JSON.stringify(out);
	})()`, &raw, awaitPromise))
	if err := json.Unmarshal([]byte(raw), &ours); err != nil {
		t.Fatal(err)
	}
	var simd bool
	a.run(chromedp.Evaluate(`!!lookbook.timings.simd`, &simd))

	// The same weights: both sides' outputs agree.
	if d := maxDiff(ours.NetLogits, ortSide.NetLogits); d > 1e-4 {
		t.Errorf("FashionNet logits differ between Lookbook and ONNX Runtime by %.2g", d)
	} else {
		t.Logf("same weights: logits agree within %.1e, faces within %.1e", d, maxDiff(ours.Face, ortSide.Face))
	}
	if d := maxDiff(ours.Face, ortSide.Face); d > 1e-4 {
		t.Errorf("VAE faces differ between Lookbook and ONNX Runtime by %.2g", d)
	}

	// Native Go, for reference.
	net1, dec1 := nativeTimes(t)

	var version string
	a.run(chromedp.Evaluate(`navigator.userAgent.match(/Chrome\/[0-9.]+/)[0]`, &version))
	row := func(name string, o, r timing, native float64) string {
		return fmt.Sprintf("| %s | %.2f / %.2f ms | %.2f / %.2f ms | %.1f× | %.2f ms |\n", name, o.Median, o.P95, r.Median, r.P95, o.Median/r.Median, native)
	}
	thr := func(name string, o, r timing) string {
		return fmt.Sprintf("| %s, batch of 256 | %.0f images/s | %.0f images/s | %.1f× | |\n", name, 256/o.Median*1000, 256/r.Median*1000, o.Median/r.Median)
	}
	report := fmt.Sprintf("Browser inference, %s headless (one thread), %s; Lookbook's SIMD kernel in use: %v\n\n", version, time.Now().Format("2006-01-02"), simd) +
		"| | Lookbook (wasm), median / p95 | ONNX Runtime Web 1.30 (wasm, SIMD, 1 thread) | Lookbook / ORT | native Go |\n| --- | --- | --- | --- | --- |\n" +
		row("FashionNet, one image", ours.Net1, ortSide.Net1, net1) + thr("FashionNet", ours.Net256, ortSide.Net256) +
		row("VAE decoder, one code", ours.Dec1, ortSide.Dec1, dec1) + thr("VAE decoder", ours.Dec256, ortSide.Dec256)
	fmt.Println("\n" + report)
	writeArtifact(t, "bench-web.txt", report)
}

// nativeTimes is the median of 200 single-image forward passes natively, in ms.
func nativeTimes(t *testing.T) (net, dec float64) {
	m := loadModel(t)
	vae := ml.NewVAE(rand.New(rand.NewPCG(0, 0)))
	data, err := os.ReadFile("../pretrained/vae.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ml.LoadState(data, vae.State()); err != nil {
		t.Fatal(err)
	}
	x := ml.NewTensor(1, 1, 32, 32)
	z := ml.NewTensor(1, ml.VAELatent)
	for i := range z.Data {
		z.Data[i] = float32(math.Sin(float64(i + 1)))
	}
	timeIt := func(f func()) float64 {
		for k := 0; k < 20; k++ {
			f()
		}
		ts := make([]float64, 200)
		for k := range ts {
			t0 := time.Now()
			f()
			ts[k] = float64(time.Since(t0).Microseconds()) / 1000
		}
		sort.Float64s(ts)
		return ts[100]
	}
	return timeIt(func() { m.Forward(x) }), timeIt(func() { vae.Decode(z) })
}

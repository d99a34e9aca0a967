package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lookbook/ml"
	"lookbook/wasm/jsapi"
)

// train runs lookbook.train with options (a JavaScript object literal) and returns its outcome,
// or the error it rejected with.
func (a *app) train(options string) (jsapi.Training, string) {
	a.t.Helper()
	var res struct {
		Out   jsapi.Training
		Error string
	}
	var raw string
	a.run(chromedp.Evaluate(`lookbook.train(`+options+`).then((out) => JSON.stringify({Out: out}), (e) => JSON.stringify({Error: String(e)}))`, &raw, awaitPromise))
	decode(a.t, raw, &res)
	return res.Out, res.Error
}

func (a *app) training() jsapi.Training {
	a.t.Helper()
	var out jsapi.Training
	a.evalJSON(`lookbook.training()`, &out)
	return out
}

// TestTrainInThePage: the course's two experiments train in the page's worker. A short
// FashionNet run learns well above chance, "Use this model" puts it in Classify (and the
// downloaded file loads into the course's PyTorch module and gives the page's logits), a short
// VAE run lowers its loss and draws its morph; pause, resume and stop work from the view, and
// seconds stops a run through the API; bad options get clear errors; axe-core finds nothing
// serious in the view.
func TestTrainInThePage(t *testing.T) {
	a := visit(t, "")
	a.click("nav-train")
	// A link carries the settings shown: BatchNorm off here.
	a.click("train-batchnorm")
	var link string
	a.run(chromedp.Evaluate(`lookbook.shareLink()`, &link))
	a.reopen(link[strings.Index(link, "#"):])
	var checked bool
	a.run(chromedp.WaitVisible(`[data-testid="train-batchnorm"]`, chromedp.ByQuery), chromedp.Evaluate(`document.querySelector('[data-testid="train-batchnorm"]').checked`, &checked))
	if checked {
		t.Error("the shared link reopened the Train view with BatchNorm on, want off")
	}
	a.click("train-batchnorm")
	for call, want := range map[string]string{
		`lookbook.train()`:                                            "lookbook.train takes {model",
		`lookbook.train({})`:                                          "model is missing",
		`lookbook.train({model: "resnet"})`:                           `model must be "fashionnet" or "vae"`,
		`lookbook.train({model: "fashionnet", epochs: 0.5})`:          "epochs must be a whole number",
		`lookbook.train({model: "fashionnet", epochs: 900})`:          "epochs must be between 1 and 500",
		`lookbook.train({model: "fashionnet", batchNorm: 1})`:         "batchNorm must be true or false",
		`lookbook.train({model: "fashionnet", learningRate: "fast"})`: `learningRate must be a number, got "fast"`,
		`lookbook.train({model: "fashionnet", klWeight: 0.1})`:        "klWeight and loss are the VAE's options",
		`lookbook.train({model: "vae", loss: "l1"})`:                  `loss must be "mse" or "bce"`,
		`lookbook.train({model: "vae", colour: "red"})`:               `unknown option "colour"`,
		`lookbook.train({model: "vae", seconds: -1})`:                 "seconds must be above 0",
		`lookbook.train({model: "vae", schedule: 3})`:                 "schedule must be a string, got 3",
		`lookbook.train({model: "vae", workers: 3})`:                  "workers must be 1 or 2",
	} {
		if _, err := a.train(call[len("lookbook.train(") : len(call)-1]); !strings.Contains(err, want) {
			t.Errorf("%s: %q, want an error saying %q", call, err, want)
		}
	}

	// FashionNet: 50 steps of 32 images (fewer leave BatchNorm's running statistics too raw to test with).
	x := make([]float32, 1024)
	testImages(t).Image(x, 0, false, 0, 0)
	before := a.classifyLogits(x)
	out, err := a.train(`{model: "fashionnet", trainImages: 1600, batchSize: 32, epochs: 1}`)
	if err != "" {
		t.Fatal(err)
	}
	t.Logf("FashionNet, 50 steps: test accuracy %.3f, %.1f ms a step, %.0f ms in all", *out.TestAccuracy, out.StepMs, out.Ms)
	if out.Steps != 50 || len(out.Curve) != 1 || out.TestAccuracy == nil || *out.TestAccuracy < 0.3 {
		t.Fatalf("the run: %+v, want 50 steps, one epoch's point and a test accuracy well above chance (0.1)", out)
	}
	a.screenshot("train-01-fashionnet")
	if vs := a.audit(); len(vs) > 0 {
		t.Errorf("the Train view after a run: axe-core finds serious or critical violations:\n%s", describe(vs))
	}
	a.click("train-use")
	a.until(10*time.Second, "the trained model answers", func() bool { return a.classifyLogits(x)[0] != before[0] })
	trained := a.classifyLogits(x)
	a.click("train-download")
	weights := a.downloaded("lookbook-fashionnet-trained.safetensors")
	t.Logf("downloaded %d bytes: %q", len(weights), weights[:min(24, len(weights))])
	torchLogits(t, weights, x, trained)
	a.run(chromedp.Evaluate(`lookbook.useShipped()`, nil))
	if got := a.classifyLogits(x); got[0] != before[0] || got[9] != before[9] {
		t.Errorf("after useShipped the logits are %v, want the shipped model's %v", got, before)
	}

	// The VAE: pause, resume and stop from the view, then a short run through the API.
	a.click("train-model-vae")
	a.run(chromedp.SetValue(`[data-testid="train-epochs"]`, "10", chromedp.ByQuery), chromedp.Evaluate(`document.querySelector('[data-testid="train-epochs"]').dispatchEvent(new Event("change", {bubbles: true}))`, nil))
	a.click("train-start")
	a.until(60*time.Second, "the VAE trains", func() bool { return a.training().Steps > 0 })
	a.click("train-pause")
	time.Sleep(300 * time.Millisecond)
	paused := a.training()
	time.Sleep(700 * time.Millisecond)
	if still := a.training(); !still.Paused || still.Steps != paused.Steps {
		t.Errorf("paused, the run went from step %d to %d (paused %v)", paused.Steps, still.Steps, still.Paused)
	}
	a.click("train-resume")
	a.until(20*time.Second, "the run resumes", func() bool { return a.training().Steps > paused.Steps })
	a.click("train-stop")
	a.until(20*time.Second, "the run stops", func() bool { return a.training().Finished })
	if s := a.training(); s.Steps >= s.TotalSteps || s.Options.Epochs != 10 {
		t.Errorf("stopped at step %d of %d (%d epochs set)", s.Steps, s.TotalSteps, s.Options.Epochs)
	}
	out, err = a.train(`{model: "vae", epochs: 2}`)
	if err != "" {
		t.Fatal(err)
	}
	t.Logf("VAE, 2 epochs: validation MSE %v, loss %.4f → %.4f, %.1f ms a step", *out.ValidationMSE, out.Curve[0].Loss, out.Curve[1].Loss, out.StepMs)
	if len(out.Curve) != 2 || !(out.Curve[1].Loss < out.Curve[0].Loss) || out.ValidationMSE == nil {
		t.Errorf("the VAE's curve %+v: the loss did not fall", out.Curve)
	}
	var strip int
	a.run(chromedp.Evaluate(`document.querySelectorAll('[data-testid="train-strip"] img').length`, &strip))
	if strip != 6 {
		t.Errorf("the morph shows %d faces, want 6 (α = 0, 0.2, …, 1)", strip)
	}
	a.screenshot("train-02-vae")

	// seconds stops a run early, as a finished one.
	out, err = a.train(`{model: "vae", epochs: 50, seconds: 2}`)
	if err != "" || !out.Finished || out.Epochs >= 50 || out.Ms > 20000 {
		t.Errorf("a run of 50 epochs limited to 2 s: %d epochs, finished %v, %.0f ms, %q", out.Epochs, out.Finished, out.Ms, err)
	}
}

// classifyLogits is lookbook.classify's logits for x.
func (a *app) classifyLogits(x []float32) []float64 {
	a.t.Helper()
	var r struct{ Logits []float64 }
	a.evalJSON(fmt.Sprintf(`lookbook.classify(new Float32Array(%s))`, floatsJS(x)), &r)
	return r.Logits
}

func floatsJS(x []float32) string {
	parts := make([]string, len(x))
	for i, v := range x {
		parts[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// downloaded reads back the file the page last offered, which must be name.
func (a *app) downloaded(name string) []byte {
	a.t.Helper()
	var b64 string
	a.until(10*time.Second, "the download of "+name, func() bool {
		var n int
		a.run(chromedp.Evaluate(fmt.Sprintf(`lookbook.downloads.filter((d) => d.name === %q).length`, name), &n))
		return n > 0
	})
	a.run(chromedp.Evaluate(fmt.Sprintf(`(async () => {
		const d = lookbook.downloads[lookbook.downloads.length - 1];
		if (d.name !== %q) throw new Error("the last download is " + d.name);
		const b = new Uint8Array(await d.blob.arrayBuffer());
		let s = ""; for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
		return btoa(s);
	})()`, name), &b64, awaitPromise))
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		a.t.Fatal(err)
	}
	return data
}

// torchLogits loads weights into the course's PyTorch FashionNet by its state_dict names
// (strictly: every name, no other) and checks its logits for x against the page's. Without
// PyTorch (python3-torch) it says so and checks only that ml, whose names the golden tests
// hold to the course's, loads them and answers as the page did.
func torchLogits(t *testing.T, weights []byte, x []float32, want []float64) {
	t.Helper()
	m := ml.NewFashionNet(rand.New(rand.NewPCG(0, 0)))
	if _, err := ml.LoadState(weights, m.State()); err != nil {
		t.Fatalf("the downloaded weights do not load: %v", err)
	}
	m.SetTraining(false)
	for i, v := range nativeLogits(m, x) {
		if math.Abs(float64(v)-want[i]) > 1e-3*(1+math.Abs(want[i])) {
			t.Fatalf("loaded natively, logit %d is %v, the page's %v", i, v, want[i])
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "w.safetensors")
	if err := os.WriteFile(path, weights, 0o644); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`
import sys, json
try:
    import torch
except ImportError:
    print("no torch")
    sys.exit(0)
sys.path.insert(0, %q)
import torchref
tensors, _ = torchref.load_safetensors(%q)
m = torchref.FashionNet()
m.load_state_dict(tensors, strict=True)
m.eval()
x = torch.tensor(%s, dtype=torch.float32).view(1, 1, 32, 32)
print(json.dumps(m(x)[0].tolist()))
`, mustAbs(t, "../scripts"), path, floatsJS(x))
	out, err := exec.Command("/usr/bin/python3", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("PyTorch could not load the downloaded weights: %v\n%s", err, out)
	}
	if strings.TrimSpace(string(out)) == "no torch" { // one import of torch, not a check and then the script's
		t.Log("no PyTorch here (Debian's python3-torch): the downloaded weights were not loaded into the course's module")
		return
	}
	var got []float64
	decode(t, string(out), &got)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-3*(1+math.Abs(want[i])) {
			t.Fatalf("PyTorch's logit %d is %v, the page's %v", i, got[i], want[i])
		}
	}
}

func mustAbs(t *testing.T, p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func decode(t *testing.T, raw string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		t.Fatalf("%v: %.300s", err, raw)
	}
}

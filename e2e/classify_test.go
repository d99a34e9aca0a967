package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/ml/prep"
	"lookbook/pretrained/trainer"
	"lookbook/wasm/jsapi"
)

// waitChange polls until the state's version moves past v.
func (a *app) waitChange(v int) jsapi.State {
	a.t.Helper()
	a.until(20*time.Second, "the page reacts", func() bool { return a.state().Version != v })
	time.Sleep(100 * time.Millisecond) // let the stage draw it, for screenshots
	return a.state()
}

// settled waits until the page has an input and its state has stopped changing for half a
// second: on a busy machine the page may still be catching up with the strokes just sent.
func (a *app) settled() jsapi.State {
	a.t.Helper()
	last, since := a.state(), time.Now()
	a.until(20*time.Second, "the page settles", func() bool {
		s := a.state()
		if s.Version != last.Version || !s.HasInput {
			last, since = s, time.Now()
			return false
		}
		return time.Since(since) > 500*time.Millisecond
	})
	time.Sleep(100 * time.Millisecond) // let the stage draw it, for screenshots
	return last
}

type rect struct{ X, Y, W, H float64 }

func (a *app) rectOf(testid string) rect {
	a.t.Helper()
	var r rect
	a.run(chromedp.Evaluate(fmt.Sprintf(`(() => { const b = document.querySelector('[data-testid=%q]').getBoundingClientRect(); return {X: b.x, Y: b.y, W: b.width, H: b.height}; })()`, testid), &r))
	return r
}

// drawTrousers draws two legs.
func (a *app) drawTrousers() { a.drawTrousersIn("region-pad") }

func (a *app) drawTrousersIn(testid string) {
	a.strokeIn(testid, [2]float64{0.38, 0.15}, [2]float64{0.62, 0.15})
	a.strokeIn(testid, [2]float64{0.40, 0.15}, [2]float64{0.38, 0.5}, [2]float64{0.36, 0.88})
	a.strokeIn(testid, [2]float64{0.60, 0.15}, [2]float64{0.62, 0.5}, [2]float64{0.64, 0.88})
}

func loadModel(t *testing.T) *ml.FashionNet {
	t.Helper()
	m, _, err := trainer.LoadFashionNet("../pretrained/fashionnet.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func testImages(t *testing.T) *dataset.Fashion {
	t.Helper()
	test, err := dataset.LoadFashion(dataset.DefaultFashionDir, "t10k")
	if err != nil {
		t.Fatalf("%v (make test installs dataset-fashion-mnist)", err)
	}
	return test
}

func nativeLogits(m *ml.FashionNet, input []float32) []float32 {
	return append([]float32(nil), m.Forward(ml.FromData(append([]float32(nil), input...), 1, 1, 32, 32)).Data...)
}

func TestDrawingChangesProbabilities(t *testing.T) {
	a := visit(t, "")
	before := a.state()
	if before.HasInput {
		t.Fatal("a fresh page already has an input")
	}
	a.drawTrousers()
	s := a.waitChange(before.Version)
	if !s.HasInput || len(s.Probabilities) != 10 {
		t.Fatalf("after drawing: %+v", s)
	}
	var sum float64
	for _, p := range s.Probabilities {
		sum += p
	}
	if math.Abs(sum-1) > 1e-4 {
		t.Errorf("probabilities sum to %v", sum)
	}
	var shown string
	a.run(chromedp.Text(`[data-testid="prediction"]`, &shown))
	if !strings.HasPrefix(shown, s.Label) {
		t.Errorf("page shows %q, state says %q", shown, s.Label)
	}
	t.Logf("drawn trousers classified as %s (%.0f%%)", s.Label, 100*s.Probabilities[s.Index])
	a.screenshot("02-drawing")

	// Undo and Clear work and keep the page alive.
	a.run(chromedp.Click(`[data-testid="undo"]`, chromedp.ByQuery))
	s2 := a.waitChange(s.Version)
	a.run(chromedp.Click(`[data-testid="clear"]`, chromedp.ByQuery))
	s3 := a.waitChange(s2.Version)
	if s3.HasInput {
		t.Error("Clear left an input")
	}
}

func TestBrowserLogitsEqualNative(t *testing.T) {
	m := loadModel(t)
	test := testImages(t)
	a := start(t, 1024, 768)
	a.open("")
	input := make([]float32, 32*32)
	var worst float64
	var batch, wantBatch []float32
	for i := 0; i < 50; i++ {
		test.Image(input, i*97, false, 0, 0)
		want := nativeLogits(m, input)
		batch, wantBatch = append(batch, input...), append(wantBatch, want...)
		js, _ := json.Marshal(input)
		var got struct {
			Logits []float64 `json:"logits"`
			Index  int       `json:"index"`
		}
		a.run(chromedp.Evaluate(fmt.Sprintf(`lookbook.classify(new Float32Array(%s))`, js), &got))
		worst = math.Max(worst, largestDifference(t, got.Logits, want))
	}
	t.Logf("largest browser−native logit difference over 50 test images: %.2g", worst)
	if worst > 1e-5 {
		t.Errorf("browser logits differ from native by %.3g, want ≤ 1e-5", worst)
	}
	// All 50 in one batch (the batched path through the eval kernels) agree too.
	worst = largestDifference(t, a.evalFloats(`lookbook.classifyBatch`, batch), wantBatch)
	t.Logf("largest browser−native logit difference, the 50 as one batch: %.2g", worst)
	if worst > 1e-5 {
		t.Errorf("batched browser logits differ from native by %.3g, want ≤ 1e-5", worst)
	}
	for call, want := range map[string]string{
		`lookbook.classify(new Float32Array(3))`:                "1024 values",
		`lookbook.classify("pixels")`:                           "1024 values",
		`lookbook.classifyBatch(new Float32Array(1500))`:        "n·1024 values",
		`lookbook.classifyBatch([])`:                            "n·1024 values",
		`lookbook.classifyBatch(new Float32Array(4097 * 1024))`: "n ≤ 4096",
		`lookbook.decodeBatch(new Float32Array(120))`:           "open the Faces view first",
	} {
		var bad string
		a.run(chromedp.Evaluate(`(() => { try { `+call+`; return "accepted"; } catch (e) { return String(e); } })()`, &bad))
		if !strings.Contains(bad, want) {
			t.Errorf("%s: %q, want an error saying %q", call, bad, want)
		}
	}
	var ok bool
	a.run(chromedp.Evaluate(`lookbook.classify(new Float32Array(1024)).probabilities.length === 10`, &ok))
	if !ok {
		t.Error("classify stopped working after the bad calls")
	}
}

func (a *app) upload(path string) jsapi.State {
	a.t.Helper()
	v := a.state().Version
	a.run(chromedp.SetUploadFiles(`[data-testid="upload"]`, []string{path}, chromedp.ByQuery))
	return a.waitChange(v)
}

func TestUploadsClassifyLikeNative(t *testing.T) {
	m := loadModel(t)
	test := testImages(t)
	dir := t.TempDir()
	a := visit(t, "")
	const n = 20
	agree, correct := 0, 0
	for k := 0; k < n; k++ {
		i := k * 499
		path, data := writePNG(t, dir, test, i)
		s := a.upload(path)
		if s.Notice != "" || !s.HasInput {
			t.Fatalf("upload of a test image: notice %q", s.Notice)
		}
		cuts, err := prep.CutFile(data)
		if err != nil {
			t.Fatal(err)
		}
		r := prep.Choose(cuts, m.Confidence)
		want := nativeLogits(m, r.Input[:])
		for c, w := range want {
			if math.Abs(s.Logits[c]-float64(w)) > 1e-5 {
				t.Fatalf("image %d: browser logit %d = %v, native %v", i, c, s.Logits[c], w)
			}
		}
		if s.Index == ml.ArgMax(want) {
			agree++
		}
		if s.Index == int(test.Labels[i]) {
			correct++
		}
		if k == 0 {
			a.screenshot("03-upload")
		}
	}
	t.Logf("uploaded %d test images: browser agrees with native %d/%d, true label %d/%d", n, agree, n, correct, n)
	if agree != n {
		t.Errorf("browser and native predictions differ on %d of %d uploads", n-agree, n)
	}
}

func TestBadUploadsShowErrorsAndPageKeepsWorking(t *testing.T) {
	good := image.NewGray(image.Rect(0, 0, 40, 40))
	for i := range good.Pix {
		good.Pix[i] = 255
	}
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, good)
	huge := hugePNG(t)
	files := map[string][]byte{
		"empty.png":        nil,
		"notes.txt":        []byte("these are not pixels"),
		"corrupt.png":      append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0xde, 0xad}, 200)...),
		"blank.png":        pngBuf.Bytes(),
		"100megapixel.png": huge,
	}
	want := map[string]string{
		"empty.png": "empty", "notes.txt": "not an image", "corrupt.png": "not an image",
		"blank.png": "blank", "100megapixel.png": "too large",
	}
	a := visit(t, "")
	for name, data := range files {
		s := a.upload(tempFile(t, name, data))
		if !strings.Contains(s.Notice, want[name]) {
			t.Errorf("%s: notice %q, want it to say %q", name, s.Notice, want[name])
		}
		var shown string
		a.run(chromedp.Text(`[data-testid="notice"]`, &shown, chromedp.ByQuery))
		if shown != s.Notice {
			t.Errorf("%s: page shows %q", name, shown)
		}
		if name == "100megapixel.png" {
			a.screenshot("04-bad-upload")
		}
	}
	// A row of 900 noisy pixels is odd, not bad: it is classified (its cut once crashed the
	// program: an empty mask passed for a garment in a picture this thin).
	thin := image.NewRGBA(image.Rect(0, 0, 900, 1))
	for i := range thin.Pix {
		thin.Pix[i] = byte(i * 37 % 251)
		if i%4 == 3 {
			thin.Pix[i] = 255 // opaque
		}
	}
	var thinBuf bytes.Buffer
	png.Encode(&thinBuf, thin)
	if s := a.upload(tempFile(t, "thin.png", thinBuf.Bytes())); s.Notice != "" || !s.HasInput {
		t.Errorf("a 900×1 picture: notice %q, input %v", s.Notice, s.HasInput)
	}
	// Still alive: drawing classifies.
	a.click("clear")
	v := a.state().Version
	a.drawTrousers()
	if s := a.waitChange(v); !s.HasInput {
		t.Error("after bad uploads, drawing no longer classifies")
	}
}

func TestShareLinkRoundTrips(t *testing.T) {
	a := visit(t, "")
	a.drawTrousers()
	s := a.waitChange(0)
	time.Sleep(200 * time.Millisecond)
	s = a.state()
	var link string
	a.run(chromedp.Click(`[data-testid="share"]`, chromedp.ByQuery), chromedp.Sleep(200*time.Millisecond),
		chromedp.Value(`[data-testid="share-url"]`, &link, chromedp.ByQuery))
	if !strings.Contains(link, "#v1.") {
		t.Fatalf("share link %q", link)
	}
	t.Logf("share link for a drawing: %d characters", len(link))
	a.open(link[strings.Index(link, "#"):])
	a.run(chromedp.Reload())
	a.open(link[strings.Index(link, "#"):])
	r := a.state()
	if !r.HasInput {
		t.Fatalf("opening the link restored no input (notice %q)", r.Notice)
	}
	for i := range s.Probabilities {
		if r.Probabilities[i] != s.Probabilities[i] {
			t.Fatalf("class %d: %v after the link, %v before", i, r.Probabilities[i], s.Probabilities[i])
		}
	}
	for i := range s.View28 {
		if r.View28[i] != s.View28[i] {
			t.Fatal("the restored picture differs")
		}
	}
	a.screenshot("05-shared")
}

func TestMalformedLinksOpenDefaultState(t *testing.T) {
	a := start(t, 1280, 800)
	for _, frag := range []string{"#v1.AAAA", "#v9.abc", "#garbage", "#v1." + strings.Repeat("x", 20000)} {
		a.reopen(frag)
		s := a.state()
		if s.HasInput || !strings.Contains(s.Notice, "could not be opened") {
			t.Errorf("%.20s…: hasInput %v, notice %q", frag, s.HasInput, s.Notice)
		}
	}
	a.screenshot("06-bad-link")
}

// evalFloats calls the page's function fn (an expression) on v as a Float32Array and returns the
// numbers of the array it returns.
func (a *app) evalFloats(fn string, v []float32) []float64 {
	js, _ := json.Marshal(v)
	var got []float64
	a.run(chromedp.Evaluate(fmt.Sprintf(`Array.from(%s(new Float32Array(%s)))`, fn, js), &got))
	return got
}

// largestDifference is the largest |got − want| over two equally long lists.
func largestDifference(t *testing.T, got []float64, want []float32) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d values, want %d", len(got), len(want))
	}
	return maxDiff(got, want)
}

// TestLayouts: at desktop sizes, the Classify panel's controls and bars end above the model's
// view and feature maps, which the stage draws at a fixed place in it (with a drawing, and with
// a notice under the controls too); on a phone, nothing overlaps or overflows.
func TestLayouts(t *testing.T) {
	a := start(t, 1280, 800)
	a.open("")
	a.choose("example", "0")
	a.waitChange(0)
	for _, size := range [][2]int64{{900, 700}, {1024, 768}, {1280, 800}, {1920, 1080}} {
		a.run(chromedp.EmulateViewport(size[0], size[1]), chromedp.Sleep(200*time.Millisecond))
		for _, notice := range []bool{false, true} {
			if notice {
				a.run(chromedp.Evaluate(`document.querySelector('[data-testid="notice"]').textContent = "Could not use \"notes.txt\": not an image."`, nil))
			}
			probs, model := a.rectOf("probabilities"), a.rectOf("region-modelview")
			t.Logf("%d×%d, notice %v: bars end %.0f px above the model's view", size[0], size[1], notice, model.Y-(probs.Y+probs.H))
			// The caption over the model's view takes the 24 px above it.
			if probs.Y+probs.H > model.Y-24 {
				t.Errorf("%d×%d, notice %v: the bars end at %.0f, under the caption of the model's view at %.0f", size[0], size[1], notice, probs.Y+probs.H, model.Y)
			}
		}
		a.run(chromedp.Evaluate(`document.querySelector('[data-testid="notice"]').textContent = ""`, nil))
	}

	a.run(chromedp.EmulateViewport(390, 844), chromedp.Sleep(200*time.Millisecond))
	a.click("clear")
	v := a.state().Version
	a.drawTrousers()
	a.waitChange(v)
	var listShows string
	a.run(chromedp.Evaluate(`document.querySelector('[data-testid="example"]').value`, &listShows))
	if listShows != "" {
		t.Errorf("after Clear and a drawing, the example list still shows example %q", listShows)
	}
	pad, panel := a.rectOf("region-pad"), a.rectOf("panel-classify")
	if pad.X < 0 || pad.X+pad.W > 390 || panel.Y < pad.Y+pad.H {
		t.Errorf("phone layout overlaps or overflows: pad %+v, panel %+v", pad, panel)
	}
	a.screenshot("07-phone")
	a.openMap()
	area, mapPanel := a.rectOf("region-map"), a.rectOf("panel-map")
	if area.X < 0 || area.X+area.W > 390 || mapPanel.Y < area.Y+area.H {
		t.Errorf("phone map layout overlaps or overflows: map %+v, panel %+v", area, mapPanel)
	}
	a.screenshot("07-phone-map")
}

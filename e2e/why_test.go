package e2e

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lookbook/ml/explain"
	"lookbook/wasm/jsapi"
)

// explanation is what lookbook.explain returns, its map passed as an array.
type explanation struct {
	Method            string    `json:"method"`
	Class             int       `json:"class"`
	Block             int       `json:"block"`
	Ms                float64   `json:"ms"`
	Steps             int       `json:"steps"`
	CompletenessError float64   `json:"completenessError"`
	Map               []float64 `json:"map"`
}

// explainIn calls lookbook.explain with options (a JavaScript object literal, which may use
// the variable x for the input) and returns its result, the map included.
func (a *app) explainIn(x []float32, options string) explanation {
	a.t.Helper()
	js, _ := json.Marshal(x)
	var r explanation
	a.evalJSON(fmt.Sprintf(`(() => { const x = new Float32Array(%s); const r = lookbook.explain(%s); return {...r, map: Array.from(r.map)}; })()`, js, options), &r)
	return r
}

// whyState polls the page's explanation state until ok holds.
func (a *app) whyUntil(what string, ok func(w *jsapi.Why) bool) jsapi.State {
	a.t.Helper()
	var s jsapi.State
	a.until(20*time.Second, what, func() bool {
		s = a.state()
		return s.Why != nil && ok(s.Why)
	})
	time.Sleep(150 * time.Millisecond) // let the stage draw it, for screenshots
	return s
}

// overlayColours counts the pad's pixels in the screenshot that have the overlay's orange
// (evidence for) and blue (evidence against).
func (a *app) overlayColours() (orange, blue int) {
	a.t.Helper()
	var shot []byte
	a.run(chromedp.CaptureScreenshot(&shot))
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		a.t.Fatal(err)
	}
	r := a.rectOf("region-pad")
	var dpr float64
	a.run(chromedp.Evaluate(`devicePixelRatio`, &dpr))
	area := image.Rect(int(r.X*dpr), int(r.Y*dpr), int((r.X+r.W)*dpr), int((r.Y+r.H)*dpr))
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			c, g, b, _ := img.At(x, y).RGBA()
			c, g, b = c>>8, g>>8, b>>8
			switch {
			case c > g+40 && g > b+40: // orange: red over green over blue
				orange++
			case b > c+60 && b > g: // blue
				blue++
			}
		}
	}
	return orange, blue
}

// TestWhyOverlay: "Why?" colours the pad and the model's view, explains the answer or the class
// whose bar is chosen, follows the drawing, switches methods, and travels in the share link.
func TestWhyOverlay(t *testing.T) {
	a := visit(t, "")
	a.drawTrousers()
	s := a.settled()
	if o, b := a.overlayColours(); o+b > 200 {
		t.Errorf("before Why? the pad already has %d orange and %d blue pixels", o, b)
	}
	a.run(chromedp.Click(`[data-testid="why"]`, chromedp.ByQuery))
	s = a.whyUntil("the explanation shows", func(w *jsapi.Why) bool { return w.On && w.Shown })
	if s.Why.Class != s.Index || s.Why.Method != "gradcam" || !strings.HasPrefix(s.Why.Caption, "Why "+s.Label+"?") {
		t.Errorf("explains %+v for the answer %d %s", s.Why, s.Index, s.Label)
	}
	orange, blue := a.overlayColours()
	t.Logf("Grad-CAM of %s: %d orange and %d blue pad pixels, %.1f ms", s.Label, orange, blue, s.Why.Ms)
	if orange < 500 {
		t.Errorf("the overlay shows %d orange pixels on the pad, want the answer's evidence", orange)
	}
	a.screenshot("why-01-gradcam")

	// Choosing another class's bar explains that class: "why not?".
	other := (s.Index + 3) % 10
	a.run(chromedp.Click(fmt.Sprintf(`[data-testid="why-class-%d"]`, other), chromedp.ByQuery))
	s = a.whyUntil("the other class is explained", func(w *jsapi.Why) bool { return w.Class == other && w.Shown })
	if !strings.Contains(s.Why.Caption, "Why not") {
		t.Errorf("caption %q, want a why-not", s.Why.Caption)
	}
	var pressed string
	a.run(chromedp.AttributeValue(fmt.Sprintf(`[data-testid="why-class-%d"]`, other), "aria-pressed", &pressed, nil, chromedp.ByQuery))
	if pressed != "true" {
		t.Errorf("the chosen bar's aria-pressed is %q", pressed)
	}
	a.screenshot("why-02-why-not")

	// Each method, and Grad-CAM's blocks.
	for _, m := range []string{"integrated-gradients", "occlusion", "stepwise-occlusion", "gradcam"} {
		a.run(chromedp.Click(`[data-testid="why-`+m+`"]`, chromedp.ByQuery))
		s = a.whyUntil(m+" shows", func(w *jsapi.Why) bool { return w.Method == m && w.Shown })
		t.Logf("%s: %.1f ms", m, s.Why.Ms)
		a.screenshot("why-03-" + m)
	}
	a.run(chromedp.Click(`[data-testid="why-block-4"]`, chromedp.ByQuery))
	s = a.whyUntil("block 4 shows", func(w *jsapi.Why) bool { return w.Block == 4 && w.Shown })

	// The link reopens the same explanation.
	var link string
	a.run(chromedp.Evaluate(`lookbook.shareLink()`, &link))
	b := visit(t, link[strings.Index(link, "#"):])
	s2 := b.whyUntil("the shared explanation shows", func(w *jsapi.Why) bool { return w.Shown })
	if s2.Why.Method != "gradcam" || s2.Why.Block != 4 || s2.Why.Class != other {
		t.Errorf("the link reopened %+v, want Grad-CAM at block 4 of class %d", s2.Why, other)
	}
	b.close() // an open page repaints now and then: the cores are the tests' shared budget

	// Back to the answer, then the overlay follows the drawing as it changes.
	a.run(chromedp.Click(fmt.Sprintf(`[data-testid="why-class-%d"]`, s.Index), chromedp.ByQuery))
	a.whyUntil("the answer is explained again", func(w *jsapi.Why) bool { return w.Class == s.Index && w.Shown })
	before := a.state()
	a.strokeIn("region-pad", [2]float64{0.2, 0.3}, [2]float64{0.8, 0.3})
	after := a.waitChange(before.Version)
	a.whyUntil("the new drawing is explained", func(w *jsapi.Why) bool { return w.Shown })
	want := a.explainIn(nil, `{method: "gradcam", block: 4}`)
	if after.Why.Class != want.Class {
		t.Errorf("after the stroke the overlay explains class %d, the answer is %d", after.Why.Class, want.Class)
	}

	// On a phone the controls flow in the panel under the pad; the pad's overlay stays.
	a.run(chromedp.EmulateViewport(390, 844), chromedp.Sleep(300*time.Millisecond))
	pad, why := a.rectOf("region-pad"), a.rectOf("why-panel")
	if why.Y < pad.Y+pad.H || why.X < 0 || why.X+why.W > 390 {
		t.Errorf("phone: the Why panel %+v overlaps the pad %+v or leaves the screen", why, pad)
	}
	a.screenshot("why-04-phone")
	a.run(chromedp.EmulateViewport(1280, 800), chromedp.Sleep(300*time.Millisecond))

	// Off hides it.
	a.run(chromedp.Click(`[data-testid="why"]`, chromedp.ByQuery))
	a.whyUntil("Why? turns off", func(w *jsapi.Why) bool { return !w.On })
	time.Sleep(200 * time.Millisecond)
	if o, b := a.overlayColours(); o+b > 200 {
		t.Errorf("after turning Why? off the pad still has %d orange and %d blue pixels", o, b)
	}
}

// TestExplainAPI: lookbook.explain gives the maps ml/explain gives natively, for every method,
// explains the current input without one, and refuses bad requests with clear errors.
func TestExplainAPI(t *testing.T) {
	m := loadModel(t)
	e := explain.New(m)
	test := testImages(t)
	a := visit(t, "")
	var noInput string
	a.run(chromedp.Evaluate(`(() => { try { lookbook.explain({method: "gradcam"}); return "accepted"; } catch (e) { return String(e); } })()`, &noInput))
	if !strings.Contains(noInput, "there is no input") {
		t.Errorf("without an input: %q", noInput)
	}
	x := make([]float32, explain.Pixels)
	for i, o := range []explain.Options{
		{Method: explain.GradCAM, Block: 1, Class: 0}, {Method: explain.GradCAM, Block: 4, Class: 9},
		{Method: explain.IntegratedGradients, Class: 3}, {Method: explain.Occlusion, Class: 7},
		{Method: explain.StepwiseOcclusion, Class: 5},
	} {
		test.Image(x, 100+i, false, 0, 0)
		want, err := e.Explain(x, o)
		if err != nil {
			t.Fatal(err)
		}
		got := a.explainIn(x, fmt.Sprintf(`{input: x, method: %q, class: %d, block: %d}`, o.Method, o.Class, max(o.Block, 1)))
		if d, peak := maxDiff(got.Map, want.Map[:]), peakOf(want.Map[:]); d > 1e-4*peak || got.Method != string(o.Method) || got.Class != o.Class {
			t.Errorf("%+v: the page's map differs from native by %.3g (peak %.3g); %s class %d", o, d, peak, got.Method, got.Class)
		}
		if o.Method == explain.IntegratedGradients && (got.CompletenessError >= 0.01 || got.Steps < explain.MinSteps) {
			t.Errorf("integrated gradients: %d steps, completeness error %.4f", got.Steps, got.CompletenessError)
		}
	}
	// Without a class it explains the answer; without an input, the current one.
	test.Image(x, 7, false, 0, 0)
	answer := a.explainIn(x, `{input: x, method: "occlusion"}`)
	if want := nativeLogits(m, x); answer.Class != slices.Index(want, slices.Max(want)) {
		t.Errorf("without a class: explained %d, the answer is %d", answer.Class, slices.Index(want, slices.Max(want)))
	}
	a.drawTrousers()
	s := a.settled()
	if cur := a.explainIn(nil, `{method: "gradcam"}`); cur.Class != s.Index || cur.Block != 2 {
		t.Errorf("the current input's explanation: class %d block %d, want the answer %d at block 2", cur.Class, cur.Block, s.Index)
	}
	for call, want := range map[string]string{
		`lookbook.explain()`:                                                               "lookbook.explain takes {method",
		`lookbook.explain({method: "saliency"})`:                                           `unknown method "saliency"`,
		`lookbook.explain({method: "gradcam", block: 7})`:                                  "block 7 does not exist, want 1 to 4",
		`lookbook.explain({method: "gradcam", block: 0})`:                                  "block 0 does not exist",
		`lookbook.explain({method: "occlusion", class: 12})`:                               "class 12 does not exist, want 0 to 9",
		`lookbook.explain({method: "occlusion", class: -1})`:                               "class -1 does not exist",
		`lookbook.explain({method: "occlusion", class: 1.5})`:                              "class must be an integer",
		`lookbook.explain({method: "occlusion", input: [1, 2]})`:                           "input must be a Float32Array of 1024 values",
		`lookbook.explain({method: "occlusion", input: new Float32Array(1024).fill(NaN)})`: "input value 0 is NaN",
		`lookbook.explain({method: "occlusion", input: new Float32Array(1024).fill(3)})`:   "input value 0 is 3",
	} {
		var got string
		a.run(chromedp.Evaluate(`(() => { try { `+call+`; return "accepted"; } catch (e) { return String(e); } })()`, &got))
		if !strings.Contains(got, want) {
			t.Errorf("%s: %q, want an error saying %q", call, got, want)
		}
	}
	if after := a.explainIn(nil, `{method: "integrated-gradients"}`); len(after.Map) != explain.Pixels {
		t.Error("explain stopped working after the bad calls")
	}
}

// TestDeletionThroughThePage: the deletion test on test images the methods were not tuned on
// (occlusion's patch was chosen on the first 200, stepwise occlusion's share on the first
// 1,000), run entirely through the page's API (lookbook.explain for the maps,
// lookbook.classifyBatch for the curves): stepwise occlusion, the best method, ranks the pixels
// at least twice as well as a random order (issue 30's 0.5×) and better than their intensity.
// (One round of occlusion gave 0.53× here; the native test checks it on the first test images.)
func TestDeletionThroughThePage(t *testing.T) {
	test := testImages(t)
	a := visit(t, "")
	const first, n = 9000, 24
	rng := rand.New(rand.NewPCG(9, 9))
	var stepwise, random, intensity float64
	x := make([]float32, explain.Pixels)
	for i := first; i < first+n; i++ {
		test.Image(x, i, false, 0, 0)
		r := a.explainIn(x, `{input: x, method: "stepwise-occlusion"}`)
		noise := make([]float64, explain.Pixels)
		for p := range noise {
			noise[p] = rng.Float64()
		}
		bright := make([]float64, explain.Pixels)
		for p, v := range x {
			bright[p] = float64(v)
		}
		aucs := a.deletionAUCs(x, r.Class, r.Map, noise, bright)
		stepwise, random, intensity = stepwise+aucs[0]/n, random+aucs[1]/n, intensity+aucs[2]/n
	}
	t.Logf("deletion AUC on test images %d–%d through the page: stepwise occlusion %.3f (%.2f× random), random order %.3f, intensity %.3f",
		first, first+n-1, stepwise, stepwise/random, random, intensity)
	if stepwise > 0.5*random || stepwise >= intensity {
		t.Errorf("stepwise occlusion's deletion AUC %.3f, want at most half the random order's %.3f and under intensity's %.3f", stepwise, random, intensity)
	}
}

// deletionAUCs runs the deletion test of each ranking through the page's classifier, all in one
// batch, and returns their areas.
func (a *app) deletionAUCs(x []float32, class int, ranks ...[]float64) []float64 {
	a.t.Helper()
	const points = explain.DeletionSteps + 1
	var batch []float32
	for _, rank := range ranks {
		var order []int
		for p, v := range x {
			if v > 0 {
				order = append(order, p)
			}
		}
		slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(rank[j], rank[i]) })
		for s := 0; s < points; s++ {
			img := slices.Clone(x)
			for _, p := range order[:int(math.Round(float64(s)*float64(len(order))/explain.DeletionSteps))] {
				img[p] = 0
			}
			batch = append(batch, img...)
		}
	}
	logits := a.evalFloats(`lookbook.classifyBatch`, batch)
	aucs := make([]float64, len(ranks))
	for k := range ranks {
		curve := make([]float64, points)
		for s := range curve {
			row := logits[(k*points+s)*10 : (k*points+s)*10+10]
			top := slices.Max(row)
			var sum float64
			for _, v := range row {
				sum += math.Exp(v - top)
			}
			curve[s] = math.Exp(row[class]-top) / sum
		}
		aucs[k] = explain.AUC(curve)
	}
	return aucs
}

func peakOf(v []float32) float64 {
	var p float64
	for _, x := range v {
		p = math.Max(p, math.Abs(float64(x)))
	}
	return p
}

// TestMeasureExplanations measures what issue 30 asks to report: the time of one explanation in
// the page by each method (lookbook.explain, which times the work in the program), the median
// over test images, on three fresh visits; and the longest main-thread task while "Why?"
// follows a drawing. It asserts nothing about speed and writes artifacts/why-measurements.txt.
func TestMeasureExplanations(t *testing.T) {
	measuring(t)
	test := testImages(t)
	const visits, images = 3, 25
	rows := []struct{ name, options string }{
		{"Grad-CAM, block 1", `{input: x, method: "gradcam", block: 1}`},
		{"Grad-CAM, block 2", `{input: x, method: "gradcam", block: 2}`},
		{"Grad-CAM, block 4", `{input: x, method: "gradcam", block: 4}`},
		{"Integrated gradients", `{input: x, method: "integrated-gradients"}`},
		{"Occlusion", `{input: x, method: "occlusion"}`},
		{"Stepwise occlusion", `{input: x, method: "stepwise-occlusion"}`},
	}
	perVisit := make([][]float64, len(rows))
	var steps []float64
	x := make([]float32, 1024)
	for v := 0; v < visits; v++ {
		// Each visit in a subtest of its own, which closes its page before the next opens: an
		// open page keeps drawing its stage, on the cores the next one measures on.
		t.Run(fmt.Sprintf("visit %d", v+1), func(t *testing.T) {
			a := visit(t, "")
			for k, row := range rows {
				var ms []float64
				for i := 0; i < images; i++ {
					test.Image(x, 5000+i, false, 0, 0)
					r := a.explainIn(x, row.options)
					ms = append(ms, r.Ms)
					if r.Method == "integrated-gradients" {
						steps = append(steps, float64(r.Steps))
					}
				}
				perVisit[k] = append(perVisit[k], median(ms))
			}
		})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Explanations in the page, headless %s, ms of one explanation (lookbook.explain's own timing),\n", chromiumVersion(t))
	fmt.Fprintf(&b, "median over test images 5000–%d, on each of %d fresh visits\n\n", 5000+images-1, visits)
	for k, row := range rows {
		fmt.Fprintf(&b, "%-22s", row.name)
		for _, ms := range perVisit[k] {
			fmt.Fprintf(&b, " %7.1f", ms)
		}
		fmt.Fprintf(&b, "   median %.1f ms\n", median(perVisit[k]))
	}
	fmt.Fprintf(&b, "\nintegrated gradients: median %.0f steps\n", median(steps))
	t.Log("\n" + b.String())
	writeArtifact(t, "why-measurements.txt", b.String())
}

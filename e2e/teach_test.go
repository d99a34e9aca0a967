package e2e

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lookbook/ml/dataset"
	"lookbook/pretrained/drawings"
	"lookbook/wasm/jsapi"
	"lookbook/wasm/share"
)

// hatInputs returns n generated hats (drawings.Hat) as the network's 32×32 inputs, as JSON.
func hatInputs(t *testing.T, seed uint64, n int) string {
	rng := rand.New(rand.NewPCG(seed, 9))
	set := &dataset.Fashion{}
	for i := 0; i < n; i++ {
		set.Pixels = append(set.Pixels, drawings.Hat(rng)...)
		set.Labels = append(set.Labels, 0)
	}
	inputs := make([][]float32, n)
	for i := range inputs {
		inputs[i] = make([]float32, 32*32)
		set.Image(inputs[i], i, false, 0, 0)
	}
	b, err := json.Marshal(inputs)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTeachAPI: lookbook.teach learns a new class from ten generated hats; new hats are then
// classified as hats, the ten garments lose at most a point of test accuracy, the Classify view
// shows an eleventh bar, and lookbook.untaught restores the shipped classifier. Bad input is
// refused with clear messages and the page keeps working.
func TestTeachAPI(t *testing.T) {
	a := visit(t, "")
	var out struct {
		Classes                       []string
		AccuracyBefore, AccuracyAfter float64
		Ms, TrainMs, Loss             float64
	}
	a.run(chromedp.Evaluate(`lookbook.teach({name: "Hat", examples: `+hatInputs(t, 1, 10)+`.map((x) => Float32Array.from(x))})`, &out, awaitPromise))
	t.Logf("taught %v: test accuracy %.4f → %.4f, %.0f ms in all, %.0f ms training, last loss %.3f", out.Classes, out.AccuracyBefore, out.AccuracyAfter, out.Ms, out.TrainMs, out.Loss)
	if len(out.Classes) != 11 || out.Classes[10] != "Hat" || out.Classes[0] != "T-shirt/top" {
		t.Fatalf("classes after teaching: %v", out.Classes)
	}
	if out.AccuracyBefore < 0.9 || out.AccuracyAfter < out.AccuracyBefore-0.01 {
		t.Errorf("test accuracy %.4f → %.4f: more than a point forgotten", out.AccuracyBefore, out.AccuracyAfter)
	}
	classifyAll := func(inputs string) []string {
		var labels []string
		a.run(chromedp.Evaluate(inputs+`.map((x) => lookbook.classify(Float32Array.from(x)).label)`, &labels))
		return labels
	}
	fresh := hatInputs(t, 2, 20)
	hats := 0
	for _, l := range classifyAll(fresh) {
		if l == "Hat" {
			hats++
		}
	}
	t.Logf("%d of 20 new hats classified as Hat", hats)
	if hats < 18 {
		t.Errorf("only %d of 20 new hats are classified as Hat", hats)
	}
	// The Classify view answers with the taught model: an eleventh bar, named.
	a.drawSketch("region-pad", sketchByName(t, "trouser-1"))
	var bars []string
	a.run(chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-testid^="prob-"] .lb-name')).map((e) => e.textContent)`, &bars))
	if len(bars) != 11 || bars[10] != "Hat" {
		t.Errorf("the probability bars after teaching: %v", bars)
	}
	if s := a.state(); len(s.Probabilities) != 11 || s.Label != "Trouser" {
		t.Errorf("a drawn trouser after teaching: %s with %d probabilities", s.Label, len(s.Probabilities))
	}
	a.screenshot("30-taught-classify")

	// A link carries the taught class: whoever opens it classifies exactly as the sender does.
	var link string
	a.run(chromedp.Evaluate(`lookbook.shareLink()`, &link))
	t.Logf("share link with the drawing and the taught class: %d characters", len(link))
	if len(link) > 8192 {
		t.Errorf("the share link is %d characters, over 8 KB", len(link))
	}
	sent := classifyAll(fresh)
	b := visit(t, link[len(a.url):])
	if s := b.state(); len(s.Probabilities) != 11 || s.Label != "Trouser" || s.Notice != "" {
		t.Errorf("the link opened with %d probabilities, %s, notice %q", len(s.Probabilities), s.Label, s.Notice)
	}
	var received []string
	b.run(chromedp.Evaluate(fresh+`.map((x) => lookbook.classify(Float32Array.from(x)).label)`, &received))
	if strings.Join(received, ",") != strings.Join(sent, ",") {
		t.Errorf("the link's classifier answers %v, the sender's %v", received, sent)
	}
	// A damaged taught class opens the shipped classifier, with a notice; the rest of the link
	// still opens.
	st, err := share.Decode(link[strings.Index(link, "#"):])
	if err != nil {
		t.Fatal(err)
	}
	st.Options.Set("trow", st.Options.Get("trow")[:100])
	b.reopen("#" + share.Encode(st))
	if s := b.state(); len(s.Probabilities) != 10 || s.Label != "Trouser" || !strings.Contains(s.Notice, "taught class in this link is damaged") {
		t.Errorf("a damaged taught class: %d probabilities, %s, notice %q", len(s.Probabilities), s.Label, s.Notice)
	}
	b.close() // an open page repaints now and then: the cores are the tests' shared budget

	// Back to the shipped model.
	a.run(chromedp.Evaluate(`lookbook.untaught()`, nil))
	for _, l := range classifyAll(fresh) {
		if l == "Hat" {
			t.Fatal("a hat is still classified as Hat after lookbook.untaught()")
		}
	}
	if s := a.state(); len(s.Probabilities) != 10 {
		t.Errorf("%d probabilities after lookbook.untaught()", len(s.Probabilities))
	}

	for _, c := range []struct{ args, want string }{
		{``, "takes one object"},
		{`{name: "Hat"}`, "examples must be an array"},
		{`{name: "Hat", examples: []}`, "examples must hold 5 to 200 images, not 0"},
		{`{name: "", examples: five()}`, "name must be 1 to 24 characters"},
		{`{name: "   ", examples: five()}`, "name must be 1 to 24 characters"},
		{`{name: "` + strings.Repeat("x", 25) + `", examples: five()}`, "name must be 1 to 24 characters, not 25"},
		{`{name: 7, examples: five()}`, "name must be a string"},
		{`{name: "Hat", examples: five().slice(0, 4)}`, "examples must hold 5 to 200 images, not 4"},
		{`{name: "Hat", examples: [...five().slice(0, 4), new Float32Array(100)]}`, "example 4 must be a Float32Array of 1024"},
		{`{name: "Hat", examples: [...five().slice(0, 4), [1, 2, 3]]}`, "example 4 must be a Float32Array"},
		{`{name: "Hat", examples: [...five().slice(0, 4), new Float32Array(1024).fill(NaN)]}`, "example 4 holds a NaN"},
	} {
		var msg string
		a.run(chromedp.Evaluate(`(() => { const five = () => Array.from({length: 5}, () => new Float32Array(1024)); return lookbook.teach(`+c.args+`); })().then(() => "resolved", (e) => e.message)`, &msg, awaitPromise))
		if !strings.HasPrefix(msg, "lookbook.teach: ") || !strings.Contains(msg, c.want) {
			t.Errorf("teach(%s): %q, want an error with %q", c.args, msg, c.want)
		}
	}
	// The page still works, with the shipped classifier.
	if s := a.state(); s.Label != "Trouser" || len(s.Probabilities) != 10 {
		t.Errorf("after the bad calls: %s with %d probabilities", s.Label, len(s.Probabilities))
	}
}

// writeHats saves n generated hats as PNG files (white on black, as Fashion-MNIST) and returns
// their paths.
func writeHats(t *testing.T, seed uint64, n int) []string {
	rng := rand.New(rand.NewPCG(seed, 9))
	dir := t.TempDir()
	set := &dataset.Fashion{}
	var paths []string
	for i := 0; i < n; i++ {
		set.Pixels = append(set.Pixels, drawings.Hat(rng)...)
		set.Labels = append(set.Labels, 0)
		p, _ := writePNG(t, dir, set, i)
		paths = append(paths, p)
	}
	return paths
}

// txt is an element's visible text, trimmed ("" when it is not there).
func txt(a *app, testid string) string { return strings.TrimSpace(a.text(testid)) }

// TestTeachView: in the Teach view a drawing is added and removed, ten hats are opened as
// examples (two held back), the class is taught with progress shown, the held-back hats are
// recognised, Classify answers with the new class, and going back to the shipped model works;
// a missing name and a file that is not an image get messages.
func TestTeachView(t *testing.T) {
	a := visit(t, "")
	a.click("nav-teach")
	if got := txt(a, "teach-count"); !strings.Contains(got, "No examples yet") {
		t.Errorf("count before any example: %q", got)
	}
	// A drawing added, then removed.
	a.drawSketch("region-teachpad", sketchByName(t, "trouser-1"))
	a.click("teach-add")
	if got := txt(a, "teach-count"); !strings.HasPrefix(got, "1 example: 4 more to go") {
		t.Errorf("count after adding a drawing: %q", got)
	}
	a.run(chromedp.Click(`[data-testid="teach-example-0"] .lb-remove`, chromedp.ByQuery))
	// Ten hats opened at once.
	a.run(chromedp.SetUploadFiles(`[data-testid="teach-upload"]`, writeHats(t, 5, 10), chromedp.ByQuery))
	a.until(10*time.Second, "ten examples", func() bool {
		return strings.HasPrefix(txt(a, "teach-count"), "10 examples: 8 to learn from, 2 held back")
	})
	// No name yet: a message, nothing taught.
	a.run(chromedp.Evaluate(`document.querySelector('[data-testid="teach-run"]').disabled`, nil))
	a.run(chromedp.Evaluate(`(() => { const i = document.querySelector('[data-testid="teach-name"]'); i.value = "Hat"; i.dispatchEvent(new Event("input", {bubbles: true})); })()`, nil))
	a.click("teach-run")
	a.until(20*time.Second, "the teaching to finish", func() bool { return txt(a, "teach-result") != "" })
	result, check := txt(a, "teach-result"), txt(a, "teach-check")
	t.Logf("%s", result)
	if !strings.Contains(result, `Taught "Hat"`) || !strings.Contains(check, "of 2 taken for Hat") {
		t.Errorf("result %q, check %q", result, check)
	}
	t.Logf("held back: %s", check)
	if strings.Contains(check, "0 of 2") {
		t.Errorf("neither held-back hat is taken for a hat: %q", check)
	}
	a.screenshot("31-teach-view")
	// Not an image: a message, and the examples stay.
	bad := filepath.Join(t.TempDir(), "notes.png")
	os.WriteFile(bad, []byte("not a picture"), 0o644)
	a.run(chromedp.SetUploadFiles(`[data-testid="teach-upload"]`, []string{bad}, chromedp.ByQuery))
	a.until(5*time.Second, "a message for the bad file", func() bool { return strings.Contains(txt(a, "teach-error"), "notes.png") })
	// Classify answers with the taught class; back to the shipped model from the Teach view.
	var labels []string
	a.run(chromedp.Evaluate(`lookbook._labels`, &labels))
	if len(labels) != 11 || labels[10] != "Hat" {
		t.Errorf("labels after teaching in the view: %v", labels)
	}
	// The Map shows the examples where the network puts them, as diamonds in the class's colour.
	a.openMap()
	for _, p := range []string{"tsne2", "pca3", "umap2"} {
		a.click("proj-" + p)
		m := a.untilMap("the examples placed on "+p, 0, func(m jsapi.Map) bool { return m.Projection == p && m.TaughtExamples == 10 })
		t.Logf("%s: %d examples placed", p, m.TaughtExamples)
	}
	if got := txt(a, "map-taught"); !strings.Contains(got, "Hat, the class you taught: its 10 examples are the diamonds") {
		t.Errorf("the map's note on the taught class: %q", got)
	}
	a.screenshot("32-teach-map")
	a.click("nav-teach")
	a.click("teach-reset")
	a.run(chromedp.Evaluate(`lookbook._labels`, &labels))
	if len(labels) != 10 || txt(a, "teach-reset") != "" {
		t.Errorf("after going back to the shipped model: labels %v, reset button %q", labels, txt(a, "teach-reset"))
	}
}

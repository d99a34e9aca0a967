package e2e

import (
	"encoding/json"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"lookbook/wasm/jsapi"
)

// axeViolation is what axe-core reports of one rule an element breaks.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []struct {
		Target         []any
		HTML           string
		FailureSummary string
	}
}

// audit runs axe-core (injected through DevTools, which the page's CSP does not govern) on the
// page as it stands and returns the serious and critical violations.
func (a *app) audit() []axeViolation {
	a.t.Helper()
	if err := installNodePackages(); err != nil {
		a.t.Fatal(err)
	}
	var loaded bool
	if a.run(chromedp.Evaluate(`typeof axe === "object"`, &loaded)); !loaded { // once a page
		src, err := os.ReadFile(filepath.Join(nodeDir, "node_modules", "axe-core", "axe.min.js"))
		if err != nil {
			a.t.Fatal(err)
		}
		a.run(chromedp.Evaluate(string(src)+";\ntrue", &loaded))
	}
	var raw string
	a.run(chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, &raw, awaitPromise))
	var all []axeViolation
	if err := json.Unmarshal([]byte(raw), &all); err != nil {
		a.t.Fatal(err)
	}
	var serious []axeViolation
	for _, v := range all {
		if v.Impact == "serious" || v.Impact == "critical" {
			serious = append(serious, v)
		}
	}
	return serious
}

func describe(vs []axeViolation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString(v.Impact + " " + v.ID + ": " + v.Help + "\n")
		for _, n := range v.Nodes {
			b.WriteString("    " + n.HTML + "\n      " + strings.ReplaceAll(n.FailureSummary, "\n", "; ") + "\n")
		}
	}
	return b.String()
}

// focused describes the element that has the keyboard focus: its data-testid (or tag), and
// whether it shows a visible focus outline.
type focused struct {
	ID, Tag string
	Outline bool
}

func (a *app) focused() focused {
	a.t.Helper()
	var f focused
	a.run(chromedp.Evaluate(`(() => { const e = document.activeElement; const s = getComputedStyle(e);
		return {ID: e.dataset?.testid || "", Tag: e.tagName, Outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0}; })()`, &f))
	return f
}

// key sends a real key press (down and up) to whatever has the focus; the page has handled it
// when this returns.
func (a *app) key(k string) {
	a.t.Helper()
	a.run(chromedp.KeyEvent(k))
}

// tabThrough presses Tab until focus comes back round (at most limit times) and returns the
// data-testids reached, failing on any focused element without a visible outline.
func (a *app) tabThrough(limit int) map[string]bool {
	a.t.Helper()
	a.run(chromedp.Evaluate(`document.activeElement?.blur()`, nil))
	reached := map[string]bool{}
	for i := 0; i < limit; i++ {
		a.key(kb.Tab)
		f := a.focused()
		if f.Tag == "BODY" && i > 0 {
			break // round the page: back to the document
		}
		if f.ID != "" && reached[f.ID] {
			break
		}
		reached[f.ID] = true
		if !f.Outline && f.Tag != "BODY" {
			a.t.Errorf("%s %q has the focus but no visible outline", f.Tag, f.ID)
		}
	}
	a.t.Logf("Tab reaches %d controls", len(reached))
	return reached
}

func wantReached(t *testing.T, view string, reached map[string]bool, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if !reached[id] {
			t.Errorf("%s: Tab never reaches %q (reached %v)", view, id, keys(reached))
		}
	}
}

func keys(m map[string]bool) []string {
	out := keysOf(m)
	sort.Strings(out)
	return out
}

// TestKeyboardAndScreenReaders goes through each view as someone with a keyboard and a screen
// reader would, in one tab: axe-core finds no serious or critical violation in any state
// reached; every control is reachable with Tab and shows its focus; the pad's example list
// draws and classifies; Tab leaves the stage's canvas after a click on the pad; the Map's
// map pans and zooms with keys, its confusion matrix and neighbours work with Enter and the
// pinned image reads as text; the Faces
// view picks faces from lists and moves the crop box with keys; and with reduced motion asked
// for, nothing transitions and the walk between faces steps.
func TestKeyboardAndScreenReaders(t *testing.T) {
	a := visit(t, "")
	audit := func(state string) {
		t.Helper()
		if vs := a.audit(); len(vs) > 0 {
			t.Errorf("%s: axe-core finds serious or critical violations:\n%s", state, describe(vs))
		}
	}

	// Classify.
	audit("Classify, empty")
	reached := a.tabThrough(60)
	wantReached(t, "Classify", reached, "nav-classify", "nav-map", "nav-faces", "share", "undo", "clear", "brush", "upload", "example")
	a.run(chromedp.Focus(`[data-testid="example"]`, chromedp.ByQuery))
	v := a.state().Version
	a.key(kb.ArrowDown) // the first example: a T-shirt sketch
	s := a.waitChange(v)
	if !s.HasInput || s.Label != "T-shirt/top" {
		t.Errorf("after choosing the first example: input %v, label %q, want a T-shirt/top", s.HasInput, s.Label)
	}
	var shown string
	a.run(chromedp.Evaluate(`(s => s.options[s.selectedIndex].text)(document.querySelector('[data-testid="example"]'))`, &shown))
	if shown != "T-shirt/top, sketch 1" {
		t.Errorf("the list shows %q, want the example drawn", shown)
	}
	if live := a.text("prediction"); !strings.Contains(live, "T-shirt/top") {
		t.Errorf("the prediction line reads %q", live)
	}
	a.screenshot("a11y-classify-example")
	audit("Classify, an example drawn")
	// Why? with the keyboard: the toggle, the methods, the blocks and the bars are buttons.
	a.run(chromedp.Focus(`[data-testid="why"]`, chromedp.ByQuery))
	a.key(kb.Enter)
	a.until(10*time.Second, "Enter on Why? explains the answer", func() bool { w := a.state().Why; return w.On && w.Shown })
	reached = a.tabThrough(80)
	wantReached(t, "Classify with Why?", reached, "why-class-0", "why-class-9", "why-gradcam", "why-occlusion", "why-block-1", "why-block-4")
	a.run(chromedp.Focus(`[data-testid="why-class-6"]`, chromedp.ByQuery))
	a.key(kb.Enter)
	a.until(10*time.Second, "Enter on a bar explains that class", func() bool { w := a.state().Why; return w.Class == 6 && w.Shown })
	if c := strings.TrimSpace(a.text("why-caption")); !strings.HasPrefix(c, "Why not Shirt?") {
		t.Errorf("the caption reads %q, want a why-not for Shirt", c)
	}
	audit("Classify, Why? on")
	a.click("why")
	// Tab leaves the stage: click the pad (the canvas takes the focus), then Tab.
	a.strokeIn("region-pad", [2]float64{0.5, 0.5}, [2]float64{0.52, 0.5})
	var onCanvas bool
	a.run(chromedp.Evaluate(`document.activeElement.tagName === "CANVAS"`, &onCanvas))
	a.key(kb.Tab)
	if f := a.focused(); f.Tag == "CANVAS" {
		t.Errorf("Tab did not leave the stage's canvas (it had the focus: %v)", onCanvas)
	}

	// The Map: the confusion matrix and the neighbours are buttons.
	a.openMap()
	reached = a.tabThrough(220)
	wantReached(t, "Map", reached, "proj-pca2", "map-reset", "legend-0", "only-0", "misclassified", "cell-0", "cell-99", "example", "region-map")
	cam := a.mapState().Camera
	a.run(chromedp.Focus(`[data-testid="region-map"]`, chromedp.ByQuery))
	a.key(kb.ArrowLeft)
	a.key("+")
	a.untilMap("the arrow and plus keys pan and zoom the focused map", 0, func(m jsapi.Map) bool {
		return m.Camera.X < cam.X && m.Camera.Zoom > cam.Zoom
	})
	a.key("0")
	a.untilMap("0 shows the whole map again", 0, func(m jsapi.Map) bool { return m.Camera == cam })
	a.run(chromedp.Focus(`[data-testid="cell-3"]`, chromedp.ByQuery))
	a.key(kb.Enter)
	a.untilMap("Enter on a confusion-matrix cell filters the map", 0, func(m jsapi.Map) bool { return m.Cell == 3 })
	var firstNeighbour string
	a.run(chromedp.Evaluate(`document.querySelector('[data-testid^="own-nb-"]')?.dataset.testid || ""`, &firstNeighbour))
	if firstNeighbour == "" {
		t.Fatal("the drawing's neighbours are not buttons")
	}
	a.run(chromedp.Focus(`[data-testid="`+firstNeighbour+`"]`, chromedp.ByQuery))
	a.key(kb.Enter)
	m := a.untilMap("Enter on a neighbour pins it", 0, func(m jsapi.Map) bool { return m.Pinned >= 0 })
	if want := "own-nb-" + strconv.Itoa(m.Pinned); want != firstNeighbour {
		t.Errorf("pinned %d, want the neighbour %s", m.Pinned, firstNeighbour)
	}
	if p := a.text("pinned"); !strings.Contains(p, "Pinned image") || !strings.Contains(p, "Test image") {
		t.Errorf("the pinned image reads %q", p)
	}
	a.screenshot("a11y-map-keyboard")
	audit("Map, a cell filtered and an image pinned")
	a.click("proj-live")
	audit("Map, live UMAP")

	// Faces: pick faces from the lists, move the crop box with the arrows.
	a.openFaces()
	reached = a.tabThrough(60)
	wantReached(t, "Faces", reached, "face-a", "face-b", "alpha", "slerp", "walk", "faces-png", "temperature", "sample", "face-upload")
	a.choose("face-a", "4")
	a.run(chromedp.Focus(`[data-testid="face-b"]`, chromedp.ByQuery))
	a.key(kb.ArrowDown)
	a.until(5*time.Second, "faces chosen from the lists", func() bool { f := a.faces(); return f.A == 4 && f.B >= 0 })
	photo := writePhoto(t, "me.jpg", 160, 120, func(x, y int) color.RGBA { return skin })
	a.run(chromedp.SetUploadFiles(`[data-testid="face-upload"]`, []string{photo}, chromedp.ByQuery))
	a.until(10*time.Second, "the photo is cropped", func() bool { return a.faces().HasOwn })
	before := a.faces().Crop
	a.run(chromedp.Focus(`[data-testid="crop-box"]`, chromedp.ByQuery))
	if f := a.focused(); !f.Outline {
		t.Error("the crop box shows no focus")
	}
	a.key(kb.ArrowLeft)
	a.key("-")
	a.until(5*time.Second, "the arrow and minus keys move and shrink the crop box", func() bool {
		c := a.faces().Crop
		return c[0] < before[0] && c[2]-c[0] < before[2]-before[0]
	})
	audit("Faces, with a photo")

	// Reduced motion.
	a.run(emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}))
	var transition string
	a.run(chromedp.Evaluate(`getComputedStyle(document.getElementById("boot")).transitionDuration`, &transition))
	if transition != "0s" {
		t.Errorf("with reduced motion, the start screen still fades for %s", transition)
	}
	a.click("walk")
	seen := map[float64]bool{}
	for deadline := time.Now().Add(2500 * time.Millisecond); time.Now().Before(deadline); time.Sleep(60 * time.Millisecond) {
		seen[a.faces().Alpha] = true
	}
	for alpha := range seen {
		if r := alpha * 5; r != float64(int(r+0.5)) {
			t.Errorf("with reduced motion, the walk showed α = %g, between the strip's steps", alpha)
		}
	}
	if len(seen) < 2 {
		t.Errorf("the walk did not move (α %v)", keysOf(seen))
	}
}

// text returns an element's text as a screen reader would start reading it.
func (a *app) text(testid string) string {
	a.t.Helper()
	var s string
	a.run(chromedp.Evaluate(`(() => { const e = document.querySelector('[data-testid="`+testid+`"]'); return e ? (e.getAttribute("aria-label") || "") + " " + e.innerText : ""; })()`, &s))
	return s
}

func keysOf[K comparable, V any](m map[K]V) []K {
	var out []K
	for k := range m {
		out = append(out, k)
	}
	return out
}

// choose picks an option of a list, as a person choosing it would (a change event follows).
func (a *app) choose(testid, value string) {
	a.t.Helper()
	var ok bool
	a.run(chromedp.Evaluate(fmt.Sprintf(`(() => { const s = document.querySelector('[data-testid=%q]'); if (!s) return false;
		s.value = %q; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, testid, value), &ok))
	if !ok {
		a.t.Fatalf("no list %q", testid)
	}
}

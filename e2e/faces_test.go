package e2e

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lookbook/ml"
)

type facesState struct {
	Status  string      `json:"status"`
	A       int         `json:"a"`
	B       int         `json:"b"`
	Alpha   float64     `json:"alpha"`
	Version int         `json:"version"`
	Preview []float64   `json:"preview"`
	Latents [][]float64 `json:"latents"`
}

func (a *app) faces() facesState {
	a.t.Helper()
	var raw string
	a.run(chromedp.Evaluate(`JSON.stringify(lookbook.faces())`, &raw))
	var f facesState
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		a.t.Fatal(err)
	}
	return f
}

func (a *app) openFaces() facesState {
	a.t.Helper()
	a.run(chromedp.Click(`[data-testid="nav-faces"]`, chromedp.ByQuery))
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if f := a.faces(); f.Status == "ready" {
			time.Sleep(200 * time.Millisecond)
			return a.faces()
		} else if f.Status == "error" {
			a.t.Fatalf("faces failed to load\n%s", a.consoleText())
		}
		time.Sleep(100 * time.Millisecond)
	}
	a.t.Fatalf("faces never loaded\n%s", a.consoleText())
	return facesState{}
}

func TestFacesGallerySliderAndParity(t *testing.T) {
	a := start(t, 1280, 800)
	a.open("")
	f := a.openFaces()
	if len(f.Latents) != 100 || len(f.Preview) != 3*32*32 {
		t.Fatalf("gallery of %d codes, preview of %d values", len(f.Latents), len(f.Preview))
	}
	a.screenshot("09-faces")

	// Moving the slider changes the face shown.
	before := f.Preview
	a.run(chromedp.Evaluate(`(() => { const s = document.querySelector('[data-testid="alpha"]'); s.value = "0.9"; s.dispatchEvent(new Event("input", {bubbles: true})); })()`, nil))
	time.Sleep(300 * time.Millisecond)
	after := a.faces()
	if after.Alpha != 0.9 {
		t.Fatalf("alpha %.2f after moving the slider to 0.9", after.Alpha)
	}
	var diff float64
	for i := range before {
		diff = math.Max(diff, math.Abs(before[i]-after.Preview[i]))
	}
	if diff < 0.05 {
		t.Errorf("moving α from 0.5 to 0.9 changed the preview by at most %.3f", diff)
	}

	// Clicking two gallery faces chooses a new pair.
	g := a.rectOf("region-gallery")
	tile := g.W / 10
	click := func(i int) {
		x, y := g.X+(float64(i%10)+0.5)*tile, g.Y+(float64(i/10)+0.5)*tile
		v := a.faces().Version
		a.run(chromedp.MouseClickXY(x, y))
		for deadline := time.Now().Add(10 * time.Second); a.faces().Version == v && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
	}
	click(23)
	click(57)
	if p := a.faces(); p.A != 23 || p.B != 57 {
		t.Errorf("after clicking faces 23 and 57: A=%d B=%d", p.A, p.B)
	}
	a.screenshot("10-faces-pair")

	// The browser decodes exactly like native Go.
	data, err := os.ReadFile("../pretrained/vae.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	vae := ml.NewVAE(rand.New(rand.NewPCG(0, 0)))
	if _, err := ml.LoadState(data, vae.State()); err != nil {
		t.Fatal(err)
	}
	var worst float64
	for _, i := range []int{0, 23, 57, 99} {
		z := make([]float32, ml.VAELatent)
		for j, v := range f.Latents[i] {
			z[j] = float32(v)
		}
		want := vae.Decode(ml.FromData(z, 1, ml.VAELatent)).Data
		js, _ := json.Marshal(z)
		var got []float64
		a.run(chromedp.Evaluate(fmt.Sprintf(`lookbook.decode(new Float32Array(%s))`, js), &got))
		for k, w := range want {
			worst = math.Max(worst, math.Abs(got[k]-float64(w)))
		}
	}
	t.Logf("largest browser−native difference over 4 decoded faces: %.2g", worst)
	if worst > 1e-5 {
		t.Errorf("browser decodings differ from native by %.3g, want ≤ 1e-5", worst)
	}
}

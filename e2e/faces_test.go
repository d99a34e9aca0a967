package e2e

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lookbook/ml"
	"lookbook/ml/format"
	"lookbook/pretrained/trainer"
	"lookbook/wasm/jsapi"
)

func TestFacesGallerySliderAndParity(t *testing.T) {
	a := visit(t, "")
	f := a.openFaces()
	if f.Gallery != 100 || len(f.Preview) != 3*32*32 {
		t.Fatalf("gallery of %d faces, preview of %d values", f.Gallery, len(f.Preview))
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
	if diff := maxDiff(before, after.Preview); diff < 0.05 {
		t.Errorf("moving α from 0.5 to 0.9 changed the preview by at most %.3f", diff)
	}

	// Clicking two gallery faces chooses a new pair.
	g := a.rectOf("region-gallery")
	tile := g.W / 10
	click := func(i int) {
		x, y := g.X+(float64(i%10)+0.5)*tile, g.Y+(float64(i/10)+0.5)*tile
		v := a.faces().Version
		a.run(chromedp.MouseClickXY(x, y))
		a.until(10*time.Second, fmt.Sprintf("face %d chosen", i), func() bool { return a.faces().Version != v })
	}
	click(23)
	click(57)
	if p := a.faces(); p.A != 23 || p.B != 57 {
		t.Errorf("after clicking faces 23 and 57: A=%d B=%d", p.A, p.B)
	}
	a.screenshot("10-faces-pair")

	// The browser decodes the shipped gallery codes exactly like native Go.
	latents := galleryCodes(t)
	vae, _, err := trainer.LoadVAE("../pretrained/vae.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	var worst float64
	var batch, wantBatch []float32
	for _, i := range []int{0, 23, 57, 99} {
		z := latents[i]
		want := vae.Decode(ml.FromData(z, 1, ml.VAELatent)).Data
		batch, wantBatch = append(batch, z...), append(wantBatch, want...)
		worst = max(worst, largestDifference(t, a.evalFloats(`lookbook.decode`, z), want))
	}
	t.Logf("largest browser−native difference over 4 decoded faces: %.2g", worst)
	if worst > 1e-5 {
		t.Errorf("browser decodings differ from native by %.3g, want ≤ 1e-5", worst)
	}
	// The same four as one batch.
	if worst := largestDifference(t, a.evalFloats(`lookbook.decodeBatch`, batch), wantBatch); worst > 1e-5 {
		t.Errorf("batched browser decodings differ from native by %.3g, want ≤ 1e-5", worst)
	}
}

// galleryCodes reads the shipped gallery's latent codes, as the page does.
func galleryCodes(t *testing.T) [][]float32 {
	t.Helper()
	g, err := format.ReadFile("../pretrained/faces.safetensors", format.DecodeGallery)
	if err != nil {
		t.Fatal(err)
	}
	return g.Latents
}

// TestFacesSamplesAndOwnFace: new samples change with the button and the temperature; an
// uploaded photo is reconstructed (with its MSE) and becomes face A; a bad file gets a message.
func TestFacesSamplesAndOwnFace(t *testing.T) {
	a := start(t, 1280, 900)
	a.open("")
	a.openFaces()
	sample := func() []float64 { return a.faces().Sample0 }
	s0 := sample()
	waitFaces := func(act chromedp.Action) {
		v := a.faces().Version
		a.run(act)
		a.until(10*time.Second, "the Faces view reacts", func() bool { return a.faces().Version != v })
	}
	waitFaces(chromedp.Click(`[data-testid="sample"]`, chromedp.ByQuery))
	if s1 := sample(); len(s1) != 3072 || maxDiff(s0, s1) < 0.05 {
		t.Errorf("New samples did not change the samples (difference %.3f)", maxDiff(s0, s1))
	}

	// A synthetic "photo": a face-coloured oval on a grey background, larger than 32×32.
	photo := writePhoto(t, "me.jpg", 120, 150, func(x, y int) color.RGBA {
		if dx, dy := float64(x-60)/38, float64(y-75)/50; dx*dx+dy*dy < 1 {
			return skin
		}
		return grey
	})
	waitFaces(chromedp.SetUploadFiles(`[data-testid="face-upload"]`, []string{photo}, chromedp.ByQuery))
	var own struct {
		HasOwn bool    `json:"hasOwn"`
		OwnMSE float64 `json:"ownMse"`
		A      int     `json:"a"`
		Notice string  `json:"notice"`
	}
	a.evalJSON(`lookbook.faces()`, &own)
	if !own.HasOwn || own.A != 100 || own.OwnMSE <= 0 || own.OwnMSE > 0.1 {
		t.Errorf("after uploading a face: %+v", own)
	}
	t.Logf("synthetic face reconstructed with MSE %.4f", own.OwnMSE)
	a.screenshot("11-faces-own")

	bad := tempFile(t, "notes.txt", []byte("not a photo"))
	waitFaces(chromedp.SetUploadFiles(`[data-testid="face-upload"]`, []string{bad}, chromedp.ByQuery))
	a.evalJSON(`lookbook.faces()`, &own)
	if !strings.Contains(own.Notice, "not an image") {
		t.Errorf("bad upload: notice %q", own.Notice)
	}
}

// TestFacesShareLinkReproducesStrip: a link made in the Faces view reopens the same two faces,
// α and interpolation, and the strip is identical value for value.
func TestFacesShareLinkReproducesStrip(t *testing.T) {
	a := visit(t, "")
	a.openFaces()
	a.run(chromedp.Evaluate(`(() => { const s = document.querySelector('[data-testid="alpha"]'); s.value = "0.3"; s.dispatchEvent(new Event("input", {bubbles: true})); })()`, nil))
	var link string
	a.run(chromedp.Evaluate(`lookbook.shareLink()`, &link))
	read := a.faces
	before := read()
	t.Logf("faces share link: %d characters", len(link))
	frag := link[strings.Index(link, "#"):]
	a.open(frag)
	a.run(chromedp.Reload())
	a.open(frag)
	a.until(60*time.Second, "the faces load from the link", func() bool { return a.faces().Status == "ready" })
	time.Sleep(200 * time.Millisecond)
	after := read()
	if after.Alpha != before.Alpha || len(after.Strip) != len(before.Strip) || len(before.Strip) == 0 {
		t.Log(a.consoleText())
		t.Fatalf("alpha %.2f → %.2f, strip of %d → %d values", before.Alpha, after.Alpha, len(before.Strip), len(after.Strip))
	}
	for i := range before.Strip {
		if before.Strip[i] != after.Strip[i] {
			t.Fatalf("strip value %d: %v before the link, %v after", i, before.Strip[i], after.Strip[i])
		}
	}
	a.screenshot("12-faces-shared")
}

func TestFacesCropCameraWalkAndExport(t *testing.T) {
	a := start(t, 1280, 900)
	a.open("")
	a.openFaces()

	// A wide photo: a face on the left, plain blue on the right.
	photo := writePhoto(t, "wide.jpg", 300, 150, func(x, y int) color.RGBA {
		switch dx, dy := float64(x-75)/40, float64(y-75)/52; {
		case x >= 150:
			return color.RGBA{40, 60, 200, 255}
		case dx*dx+dy*dy < 1:
			return skin
		}
		return grey
	})
	a.run(chromedp.SetUploadFiles(`[data-testid="face-upload"]`, []string{photo}, chromedp.ByQuery))
	var f jsapi.Faces
	a.until(10*time.Second, "the photo is taken", func() bool { f = a.faces(); return f.HasOwn })
	if f.Crop != [4]int{75, 0, 225, 150} {
		t.Fatalf("the crop starts at %v, want the centre square [75 0 225 150]", f.Crop)
	}
	centreMSE := f.OwnMSE

	// Drag the box to the left edge: the face's square.
	a.run(chromedp.ScrollIntoView(`[data-testid="crop"]`, chromedp.ByQuery)) // all of it, handle included
	box := a.rectOf("crop-box")
	a.drag(box.X+box.W/2, box.Y+box.H/2, -box.W, 0)
	f = a.faces()
	if f.Crop != [4]int{0, 0, 150, 150} || f.OwnMSE == centreMSE || f.A != 100 {
		t.Errorf("after dragging the box left: crop %v, MSE %.4f (was %.4f), A %d", f.Crop, f.OwnMSE, centreMSE, f.A)
	}
	// Shrink it by its corner handle.
	handle := a.rectOf("crop-handle")
	a.drag(handle.X+handle.W/2, handle.Y+handle.H/2, -box.W/3, -box.H/3)
	f = a.faces()
	if side := f.Crop[2] - f.Crop[0]; side >= 150 || side < 32 || f.Crop[3]-f.Crop[1] != side {
		t.Errorf("after resizing: crop %v, want a smaller square", f.Crop)
	}
	a.screenshot("12b-faces-crop")

	// The animated walk moves α by itself, and stops on request.
	a.click("walk")
	alphas := map[float64]bool{}
	for k := 0; k < 8; k++ {
		alphas[a.faces().Alpha] = true
		time.Sleep(150 * time.Millisecond)
	}
	a.click("walk")
	if f = a.faces(); len(alphas) < 3 || f.Walking {
		t.Errorf("walk: α took %d values; still walking %v", len(alphas), f.Walking)
	}

	// Export: the strip and samples as a PNG.
	a.click("faces-png")
	var downloads []struct {
		Name, Type string
		Size       int
	}
	a.evalJSON(`lookbook.downloads`, &downloads)
	if len(downloads) != 1 || downloads[0].Name != "lookbook-faces.png" || downloads[0].Size < 10000 {
		t.Errorf("downloads %+v", downloads)
	}

	// The camera (Chromium's synthetic one): take a photo, and it becomes face A.
	v := a.faces().Version
	a.click("camera")
	a.run(chromedp.WaitVisible(`[data-testid="camera-video"]`, chromedp.ByQuery))
	a.run(chromedp.Poll(`document.querySelector('[data-testid="camera-video"]').videoWidth > 0`, nil, chromedp.WithPollingTimeout(10*time.Second)))
	a.click("take-photo")
	if f = a.faces(); f.CameraOn || !f.HasOwn || f.Version == v || f.Crop[2]-f.Crop[0] < 32 {
		t.Errorf("after taking a photo: %+v", f)
	}
	a.screenshot("12c-faces-camera")

	// Leaving the view turns a running camera off: its tracks end, not only the preview.
	a.click("camera")
	a.run(chromedp.Poll(`document.querySelector('[data-testid="camera-video"]')?.srcObject?.getTracks().some(t => t.readyState === "live")`, nil, chromedp.WithPollingTimeout(10*time.Second)))
	a.run(chromedp.Evaluate(`window.lookbookCameraStream = document.querySelector('[data-testid="camera-video"]').srcObject`, nil))
	a.click("nav-classify")
	var live bool
	a.run(chromedp.Evaluate(`window.lookbookCameraStream.getTracks().some(t => t.readyState === "live")`, &live))
	if live || a.faces().CameraOn {
		t.Error("the camera is still on after leaving the Faces view")
	}
}

// TestMeasureFacesView measures issue 7's figures: decoding and drawing one frame while the
// slider is dragged, and encoding an upload (crop, encode, reconstruct). Medians; no asserts
// on speed.
func TestMeasureFacesView(t *testing.T) {
	measuring(t)
	a := start(t, 1280, 900)
	a.open("")
	a.openFaces()
	var decode, draw, encode []float64
	for k := 0; k < 40; k++ {
		v := a.faces().Version
		a.run(chromedp.Evaluate(fmt.Sprintf(`(() => { const s = document.querySelector('[data-testid="alpha"]'); s.value = "%.2f"; s.dispatchEvent(new Event("input", {bubbles: true})); })()`, float64(k%21)/20), nil))
		a.until(2*time.Second, "the slider moves the face", func() bool { return a.faces().Version != v })
		time.Sleep(150 * time.Millisecond) // a frame, for the stage's upload
		f := a.faces()
		decode, draw = append(decode, f.DecodeMs), append(draw, f.DrawMs)
	}
	photo := writePhoto(t, "p.jpg", 640, 480, func(x, y int) color.RGBA {
		v := byte(7 * (x + y))
		return color.RGBA{v, v / 2, 255 - v, 255}
	})
	a.run(chromedp.SetUploadFiles(`[data-testid="face-upload"]`, []string{photo}, chromedp.ByQuery))
	a.until(10*time.Second, "the photo is taken", func() bool { return a.faces().HasOwn })
	a.run(chromedp.WaitVisible(`[data-testid="crop-box"]`, chromedp.ByQuery))
	box := a.rectOf("crop-box")
	for k := 0; k < 10; k++ {
		a.drag(box.X+box.W/2, box.Y+box.H/2, float64(4*(k%2*2-1)), 0)
		encode = append(encode, a.faces().EncodeMs)
	}
	report := fmt.Sprintf(`Faces view, headless Chromium, medians
slider frame: decode %.2f ms + draw (pixels to the stage) %.2f ms = %.2f ms (of 40 positions)
encoding a crop (thumbnail + VAE encode + reconstruction): %.2f ms (of 10 crops)
`, median(decode), median(draw), median(decode)+median(draw), median(encode))
	t.Log("\n" + report)
	writeArtifact(t, "faces-measurements.txt", report)
}

var (
	skin = color.RGBA{210, 160, 130, 255}
	grey = color.RGBA{90, 90, 100, 255}
)

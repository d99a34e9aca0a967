package e2e

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/image/draw"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/ml/prep"
	"lookbook/wasm/jsapi"
)

// validationPhotos is where the clothing photos' validation split lies beside the checkout.
const validationPhotos = "../../shared/data/clothing-photos/validation"

// somePhotos returns the first n photos of each class folder, decoded as the trainer decodes
// them, skipping the test where the data set is not beside the checkout.
func somePhotos(t *testing.T, n int) []dataset.Photo {
	t.Helper()
	all, err := dataset.LoadPhotos(validationPhotos)
	if err != nil {
		if _, statErr := os.Stat(validationPhotos); os.IsNotExist(statErr) {
			t.Skipf("no clothing photos at %s", validationPhotos)
		}
		t.Fatal(err)
	}
	var out []dataset.Photo
	perFolder := map[string]int{}
	for _, p := range all {
		if perFolder[p.Folder] < n {
			perFolder[p.Folder]++
			// Chromium reads an uploaded file by its absolute path.
			if p.Path, err = filepath.Abs(p.Path); err != nil {
				t.Fatal(err)
			}
			out = append(out, p)
		}
	}
	return out
}

// trainersCut is the cut of a photo the trainer classifies (the one the model is surest of,
// either way round), whether it is another than the first, and whether it is mirrored.
func trainersCut(m *ml.FashionNet, img image.Image) (r prep.Result, second, mirrored bool, err error) {
	cuts, err := prep.CutPhoto(img)
	if err != nil {
		return prep.Result{}, false, false, err
	}
	chosen := prep.Choose(cuts, m.Confidence)
	asCut := chosen.Result
	if chosen.Mirrored {
		asCut = asCut.Mirrored() // exactly the cut it was made from
	}
	return chosen.Result, asCut != cuts[0].Result, chosen.Mirrored, nil
}

// TestPhotosClassifyAsTheTrainerDoes: phone photos of garments opened with the page's own
// control get the answers of the trainer's preprocessing and model: the same decoder (Go's,
// for pictures this small), the same cut-outs and the same choice among them (each both ways
// round), the same network, so the logits agree to rounding, as JPEGs and as PNGs. The page
// shows the garment it cut out, and says when the model's view is its mirror image.
func TestPhotosClassifyAsTheTrainerDoes(t *testing.T) {
	photos := somePhotos(t, 2)
	m := loadModel(t)
	a := visit(t, "")
	var cutouts, secondCuts, mirroredCuts int
	for k, p := range photos {
		s := a.upload(p.Path)
		r, second, mirrored, err := trainersCut(m, p.Image)
		if err != nil {
			t.Fatal(err)
		}
		if second {
			secondCuts++
		}
		if mirrored {
			mirroredCuts++
		}
		want := nativeLogits(m, r.Input[:])
		if d := maxDiff(s.Logits, want); d > 1e-4 || s.Notice != "" || s.Index != ml.ArgMax(want) {
			t.Errorf("%s: the page says %s, the trainer %s; logits differ by %g (notice %q)", p.Path, s.Label, ml.FashionNetClasses[ml.ArgMax(want)], d, s.Notice)
		}
		if caption := a.text("modelview-caption"); strings.Contains(caption, "mirrored") != mirrored {
			t.Errorf("%s: the trainer's view is mirrored: %v; the caption says %q", p.Path, mirrored, caption)
		}
		if s.Cutout {
			cutouts++
			if k == 0 {
				if c := a.rectOf("region-cutout"); c.W < 40 || c.H < 40 {
					t.Errorf("the cut-out's region is %+v", c)
				}
				a.screenshot("03b-photo-cutout")
			}
		}
	}
	t.Logf("%d photos, %d shown with a cut-out, %d classified by the second cut, %d mirrored", len(photos), cutouts, secondCuts, mirroredCuts)
	if cutouts < len(photos)/2 || secondCuts == 0 || mirroredCuts == 0 {
		t.Errorf("%d of %d photos were shown with a cut-out (want half), %d by the second cut and %d mirrored (want some of each)", cutouts, len(photos), secondCuts, mirroredCuts)
	}
	// A drawing on the pad afterwards is no photo: the cut-out goes.
	a.click("clear")
	v := a.state().Version
	a.drawTrousers()
	if s := a.waitChange(v); s.Cutout {
		t.Error("the cut-out stays after drawing on a cleared pad")
	}
}

// TestCameraInClassify: "Take a photo" shows the camera (Chromium's synthetic one) over the
// pad, the shutter classifies its picture and turns it off; no camera, or a refusal, gets a
// clear notice.
func TestCameraInClassify(t *testing.T) {
	a := visit(t, "")
	v := a.state().Version
	a.click("classify-camera")
	a.run(chromedp.WaitVisible(`[data-testid="classify-camera-video"]`, chromedp.ByQuery))
	a.run(chromedp.Poll(`document.querySelector('[data-testid="classify-camera-video"]').videoWidth > 0`, nil, chromedp.WithPollingTimeout(10*time.Second)))
	a.screenshot("03c-classify-camera")
	a.click("classify-shutter")
	s := a.waitChange(v)
	if !s.HasInput || s.Notice != "" || len(s.Probabilities) != 10 {
		t.Errorf("after the shutter: input %v, notice %q", s.HasInput, s.Notice)
	}
	var live bool
	a.run(chromedp.Evaluate(`!!document.querySelector('[data-testid="classify-camera-video"]')`, &live))
	if live {
		t.Error("the camera's picture is still shown after the shutter")
	}
	for _, tc := range []struct{ name, script, want string }{
		{"refused", `navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"))`, "not allowed"},
		{"no camera", `navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Requested device not found", "NotFoundError"))`, "No camera"},
		{"no camera API", `Object.defineProperty(navigator, "mediaDevices", {value: undefined})`, "does not offer its camera"},
	} {
		a.run(chromedp.Evaluate(tc.script, nil))
		v := a.state().Version
		a.click("classify-camera")
		if s := a.waitChange(v); !strings.Contains(s.Notice, tc.want) {
			t.Errorf("%s: notice %q, want it to say %q", tc.name, s.Notice, tc.want)
		}
	}
}

// TestMeasurePhotoUpload measures issue 28's figure: a 12-megapixel phone photo (4000×3000
// JPEG) from choosing the file to the answer (the page's lastMs: the browser's decoding and
// shrinking, the cuts, the choice, the network), median of fresh uploads; for a drawn garment
// on a floor, and for a real phone photo (the first validation photo the page cuts two ways,
// scaled up to 12 megapixels).
func TestMeasurePhotoUpload(t *testing.T) {
	measuring(t)
	const w, h = 4000, 3000
	drawn := writePhoto(t, "12mp.jpg", w, h, func(x, y int) color.RGBA {
		grain := uint8((x*7 + y*13) % 23)
		if dx, dy := float64(x-w/2)/float64(w/4), float64(y-h/2)/float64(h/3); dx*dx+dy*dy < 1 {
			return color.RGBA{40 + grain, 60, 150, 255} // a blue garment
		}
		return color.RGBA{170 + grain, 125 + grain, 80, 255} // a wooden floor
	})
	var sample dataset.Photo
	for _, p := range somePhotos(t, 10) {
		if cuts, err := prep.CutPhoto(p.Image); err == nil && len(cuts) == 2 {
			sample = p
			break
		}
	}
	big := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(big, big.Rect, sample.Image, sample.Image.Bounds(), draw.Src, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, big, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	photo := tempFile(t, "12mp-photo.jpg", buf.Bytes())
	median := func(v []float64) float64 { v = slices.Clone(v); slices.Sort(v); return v[len(v)/2] }
	a := visit(t, "")
	var report string
	for _, tc := range []struct{ name, path string }{
		{"a drawn garment on a wooden floor", drawn},
		{"a real photo (" + filepath.Base(sample.Path) + " scaled up)", photo},
	} {
		var ms, decode, prepare []float64
		for range 7 {
			s := a.upload(tc.path)
			if s.Notice != "" {
				t.Fatalf("notice %q", s.Notice)
			}
			var parts struct{ PhotoDecodeMs, PhotoPrepareMs float64 }
			a.evalJSON(`({PhotoDecodeMs: lookbook.timings.photoDecodeMs, PhotoPrepareMs: lookbook.timings.photoPrepareMs})`, &parts)
			ms, decode, prepare = append(ms, s.LastMs), append(decode, parts.PhotoDecodeMs), append(prepare, parts.PhotoPrepareMs)
		}
		var dropped, pasted []float64
		for range 5 {
			dropped = append(dropped, a.giveFile(tc.path, "drop").LastMs)
			pasted = append(pasted, a.giveFile(tc.path, "paste").LastMs)
		}
		report += fmt.Sprintf("12-megapixel JPEG (4000×3000) of %s, choosing the file to the answer: median %.0f ms (runs %v); of which the browser's decoding and shrinking %.0f ms, the cuts and framing in Go %.0f ms\n"+
			"  the same photo dropped on the pad: median %.0f ms (runs %v); pasted: median %.0f ms (runs %v)\n",
			tc.name, median(ms), roundAll(ms), median(decode), median(prepare), median(dropped), roundAll(dropped), median(pasted), roundAll(pasted))
	}
	t.Log(report)
	writeArtifact(t, "photo-measurements.txt", report)
}

func roundAll(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Round(x)
	}
	return out
}

// giveFile hands the page the file at path as a visitor's drop on the stage or paste would
// ("drop" or "paste"), and waits for the answer.
func (a *app) giveFile(path, how string) jsapi.State {
	a.t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		a.t.Fatal(err)
	}
	v := a.state().Version
	event := `document.querySelector("body > canvas").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}))`
	if how == "paste" {
		event = `document.dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true}))`
	}
	a.run(chromedp.Evaluate(fmt.Sprintf(`(() => {
		const bytes = Uint8Array.from(atob(%q), (c) => c.charCodeAt(0));
		const dt = new DataTransfer();
		dt.items.add(new File([bytes], %q, {type: "image/jpeg"}));
		%s;
	})()`, base64.StdEncoding.EncodeToString(data), filepath.Base(path), event), nil))
	return a.waitChange(v)
}

// TestDroppedAndPastedPhotos: a photo dropped on the pad or pasted into Classify gets the
// answer an opened one gets (the trainer's), cut-out included.
func TestDroppedAndPastedPhotos(t *testing.T) {
	photos := somePhotos(t, 1)
	m := loadModel(t)
	a := visit(t, "")
	for k, p := range photos[:3] {
		how := []string{"drop", "paste"}[k%2]
		s := a.giveFile(p.Path, how)
		r, _, _, err := trainersCut(m, p.Image)
		if err != nil {
			t.Fatal(err)
		}
		want := nativeLogits(m, r.Input[:])
		if d := maxDiff(s.Logits, want); d > 1e-4 || s.Notice != "" {
			t.Errorf("%s (%s): the page says %s, the trainer %s; logits differ by %g (notice %q)", p.Path, how, s.Label, ml.FashionNetClasses[ml.ArgMax(want)], d, s.Notice)
		}
	}
	bad := tempFile(t, "notes.jpg", []byte("not a picture at all"))
	if s := a.giveFile(bad, "drop"); !strings.Contains(s.Notice, "notes.jpg") {
		t.Errorf("a dropped bad file: notice %q", s.Notice)
	}
}

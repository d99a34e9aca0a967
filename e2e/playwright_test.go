package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlaywrightDrivesTheAPI drives window.lookbook from Playwright, the most common automation
// library, as TestBrowserLogitsEqualNative does from chromedp: the page replaces no browser
// global (vugu's renderer is built without eval), so Playwright's evaluate works on it.
func TestPlaywrightDrivesTheAPI(t *testing.T) {
	m := loadModel(t)
	test := testImages(t)
	var images [][]float32
	for i := 0; i < 8; i++ {
		input := make([]float32, 32*32)
		test.Image(input, i*131, false, 0, 0)
		images = append(images, input)
	}
	data, _ := json.Marshal(images)
	imagesFile := filepath.Join(t.TempDir(), "images.json")
	if err := os.WriteFile(imagesFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	chrome, err := chromePath()
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t)

	var got struct {
		Logits       [][]float64
		Batch        []float64
		View         int
		Link         string
		BadCall      string
		EvalIsNative bool
	}
	runNode(t, &got, "playwright_api.mjs", srv.URL(), chrome, imagesFile)

	if len(got.Logits) != len(images) || len(got.Batch) != 10*len(images) {
		t.Fatalf("Playwright got %d answers and %d batch logits for %d images", len(got.Logits), len(got.Batch), len(images))
	}
	var want []float32
	for i, input := range images {
		native := nativeLogits(m, input)
		want = append(want, native...)
		if d := largestDifference(t, got.Logits[i], native); d > 1e-5 {
			t.Errorf("image %d: logits from Playwright differ from native by %.3g", i, d)
		}
	}
	if d := largestDifference(t, got.Batch, want); d > 1e-5 {
		t.Errorf("classifyBatch from Playwright differs from native by %.3g", d)
	}
	if got.View != 0 || !strings.Contains(got.Link, "#") {
		t.Errorf("state().view %d, shareLink() %q: want the Classify view and a link with a fragment", got.View, got.Link)
	}
	if !strings.Contains(got.BadCall, "1024 values") {
		t.Errorf("a bad call answered %q, want an error saying 1024 values", got.BadCall)
	}
	if !got.EvalIsNative {
		t.Error("the page replaced window.eval")
	}
}

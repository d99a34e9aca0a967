package trainer

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"lookbook/ml"
	"lookbook/ml/dataset"
)

// writePhotos makes a folder of class folders of small JPEGs: a coloured block on a grainy
// floor, n a folder, and a folder (hat) that has no Fashion-MNIST counterpart.
func writePhotos(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 3))
	for _, folder := range []string{"pants", "shoes", "hat"} {
		if err := os.MkdirAll(filepath.Join(dir, folder), 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			img := image.NewRGBA(image.Rect(0, 0, 64, 48))
			for y := range 48 {
				for x := range 64 {
					c := color.RGBA{160 + uint8(rng.IntN(20)), 120, 80, 255}
					if x > 20+i && x < 44 && y > 8 && y < 40 {
						c = color.RGBA{30, 40, 120, 255}
					}
					img.SetRGBA(x, y, c)
				}
			}
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, folder, string(rune('a'+i))+".jpg"), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

func TestPhotosAreReadAugmentedAndScored(t *testing.T) {
	dir := writePhotos(t, 3)
	photos, err := dataset.LoadPhotos(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(photos) != 6 { // the hats are not read
		t.Fatalf("read %d photos, want 6 (pants and shoes)", len(photos))
	}
	if photos[0].Folder != "pants" || photos[0].Labels != 1<<1 || photos[5].Labels != 1<<5|1<<7|1<<9 {
		t.Errorf("labels: %s %b, %s %b", photos[0].Folder, photos[0].Labels, photos[5].Folder, photos[5].Labels)
	}
	a, b := AugmentPhotos(photos, 3, 1, 9), AugmentPhotos(photos, 3, 1, 9)
	if len(a.Labels) != 18 || !bytes.Equal(a.Views, b.Views) {
		t.Fatalf("%d views; the same seed gave the same views: %v", len(a.Labels), bytes.Equal(a.Views, b.Views))
	}
	if bytes.Equal(a.Views[:784], a.Views[784:2*784]) {
		t.Error("an augmented variant equals the photo as it is")
	}
	cuts, err := CutPhotos(photos)
	if err != nil {
		t.Fatal(err)
	}
	m := ml.NewFashionNet(rand.New(rand.NewPCG(1, 1)))
	ev := EvaluatePhotos(m, photos, cuts)
	if ev.Total["pants"] != 3 || ev.Total["shoes"] != 3 || len(ev.Predictions) != 6 {
		t.Errorf("scored %v, %d predictions", ev.Total, len(ev.Predictions))
	}
	for i, p := range ev.Predictions {
		if right := photos[i].Labels.Has(p); right != (ev.Right[photos[i].Folder] > 0) && ev.Right[photos[i].Folder] == 0 {
			t.Errorf("photo %d answered %d, right %v, but its folder has no right answer", i, p, right)
		}
	}
	if _, err := dataset.LoadPhotos(t.TempDir()); err == nil {
		t.Error("an empty folder was accepted")
	}
}

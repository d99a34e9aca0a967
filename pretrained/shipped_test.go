// Package pretrained holds Lookbook's shipped weights, the logs of the runs that made them,
// and (in train/ and trainer/) the trainer. This test checks the shipped files against the real
// data: the figures in their metadata must be what they really achieve.
package pretrained

import (
	"os"
	"strconv"
	"testing"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/ml/format"
	"lookbook/ml/tsne"
	"lookbook/pretrained/drawings"
	"lookbook/pretrained/trainer"
)

// The goals the shipped weights must meet (the course project reached about 91.5–92 % and a
// validation MSE of about 0.0268).
const (
	minTestAccuracy = 0.930
	maxValMSE       = 0.025
	// Every class of the garment photos (issue 28's goal, there on a held-back split).
	minPhotoClassAccuracy = 0.60
)

// shippedFashionNet loads the shipped FashionNet and the Fashion-MNIST test set.
func shippedFashionNet(t *testing.T) (*ml.FashionNet, map[string]string, *dataset.Fashion) {
	t.Helper()
	m, meta, err := trainer.LoadFashionNet("fashionnet.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	test, err := dataset.LoadFashion(dataset.DefaultFashionDir, "t10k")
	if err != nil {
		t.Fatalf("%v (make test installs it)", err)
	}
	return m, meta, test
}

func TestShippedFashionNet(t *testing.T) {
	m, meta, test := shippedFashionNet(t)
	ev := trainer.EvaluateFashion(m, test)
	claimed, err := strconv.ParseFloat(meta["test_accuracy"], 64)
	if err != nil {
		t.Fatalf("metadata test_accuracy %q: %v", meta["test_accuracy"], err)
	}
	t.Logf("test accuracy %.2f%% (metadata says %.2f%%), command: %s", 100*ev.Accuracy, 100*claimed, meta["command"])
	if ev.Accuracy < minTestAccuracy {
		t.Errorf("test accuracy %.4f is below the goal %.3f", ev.Accuracy, minTestAccuracy)
	}
	if ev.Accuracy < claimed-0.00005 {
		t.Errorf("test accuracy %.4f is below the %.4f the metadata claims", ev.Accuracy, claimed)
	}
	for _, key := range []string{"command", "seed", "data_sha256", "config"} {
		if meta[key] == "" {
			t.Errorf("metadata lacks %q", key)
		}
	}
}

// minDrawingAccuracy is the floor on each set of the drawing benchmark (pretrained/drawings):
// the shipped model reaches 86.5–87.8 % on each (README, Drawings). The goal is 90 %;
// until a model reaches it, this floor keeps the level reached from slipping back.
const minDrawingAccuracy = 0.86

// TestShippedFashionNetOnDrawings runs the drawing benchmark (outlines and silhouettes of test
// images, the hand-written sketches) through the page's own pad and preprocessing.
func TestShippedFashionNetOnDrawings(t *testing.T) {
	m, meta, test := shippedFashionNet(t)
	sets, err := drawings.Benchmark(test, drawings.BenchImages)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sets {
		acc := trainer.EvaluateFashion(m, s.Data).Accuracy
		key := trainer.DrawingMetaKey(s.Name)
		t.Logf("%s: %.2f%% of %d drawings (metadata %s says %s)", s.Name, 100*acc, s.Data.Len(), key, meta[key])
		if acc < minDrawingAccuracy {
			t.Errorf("%s: accuracy %.4f is below the floor %.2f", s.Name, acc, minDrawingAccuracy)
		}
		if claimed, err := strconv.ParseFloat(meta[key], 64); err != nil || acc < claimed-0.00005 {
			t.Errorf("%s: accuracy %.4f, but the metadata claims %q", s.Name, acc, meta[key])
		}
	}
}

// TestShippedFashionNetOnPhotos checks the photo accuracy the shipped weights claim, on the
// clothing photos' validation split through the page's preprocessing, where the data set is
// beside the checkout.
func TestShippedFashionNetOnPhotos(t *testing.T) {
	const dir = "../../shared/data/clothing-photos/validation"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no clothing photos at %s", dir)
	}
	m, meta, err := trainer.LoadFashionNet("fashionnet.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if meta["photo_accuracy"] == "" {
		t.Skip("these weights claim no photo accuracy")
	}
	ev, err := trainer.EvaluatePhotoFolder(m, dir)
	if err != nil {
		t.Fatal(err)
	}
	claimed, err := strconv.ParseFloat(meta["photo_accuracy"], 64)
	t.Logf("photos: %.2f%% of %d (metadata says %s)", 100*ev.Accuracy(), len(ev.Predictions), meta["photo_accuracy"])
	if err != nil || ev.Accuracy() < claimed-0.00005 {
		t.Errorf("photo accuracy %.4f, but the metadata claims %q", ev.Accuracy(), meta["photo_accuracy"])
	}
	for folder, n := range ev.Total {
		if share := float64(ev.Right[folder]) / float64(n); share < minPhotoClassAccuracy {
			t.Errorf("photos of %s: %.1f%% right, want at least %.0f%%", folder, 100*share, 100*minPhotoClassAccuracy)
		}
	}
}

func TestShippedVAE(t *testing.T) {
	const faces = "../../shared/data/lfw32_1000.npy"
	if _, err := os.Stat(faces); err != nil {
		t.Skipf("faces not present at %s: the VAE check needs them", faces)
	}
	m, meta, err := trainer.LoadVAE("vae.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	all, err := dataset.LoadFaces(faces)
	if err != nil {
		t.Fatal(err)
	}
	mse := trainer.EvaluateVAE(m, all.Slice(trainer.FaceTrain, all.Len()))
	claimed, _ := strconv.ParseFloat(meta["val_mse"], 64)
	t.Logf("validation MSE %.5f (metadata says %.5f)", mse, claimed)
	if mse > maxValMSE {
		t.Errorf("validation MSE %.5f is above the goal %.3f", mse, maxValMSE)
	}
	if mse > claimed+1e-6 {
		t.Errorf("validation MSE %.6f is worse than the %.6f the metadata claims", mse, claimed)
	}
}

func TestShippedMaps(t *testing.T) {
	m, err := format.ReadFile("maps.safetensors", format.DecodeMaps)
	if err != nil {
		t.Fatal(err)
	}
	const n = 10000
	if m.N() != n {
		t.Fatalf("%d points, want the %d test images", m.N(), n)
	}
	labels := make([]int, n)
	for i, l := range m.Labels {
		labels[i] = int(l)
	}
	// The maps belong to the shipped model: its predictions are the ones stored.
	net, _, test := shippedFashionNet(t)
	_, preds := trainer.Features(net, test)
	differ := 0
	for i := range preds {
		if preds[i] != m.Predictions[i] || test.Labels[i] != m.Labels[i] {
			differ++
		}
	}
	if differ > 0 {
		t.Errorf("%d of the maps' labels and predictions are not the test set's and the shipped model's: regenerate them (make maps)", differ)
	}
	// The stored PCA projection reproduces the stored PCA coordinates (to float16 precision).
	pca3 := m.Coords[1]
	for _, i := range []int{0, 1234, 9999} {
		for c := 0; c < 3; c++ {
			var s float64
			for j := 0; j < format.Latent; j++ {
				s += float64(m.Features[i*format.Latent+j]-m.PCAMean[j]) * float64(m.PCAComponents[c*format.Latent+j])
			}
			if d := s - float64(pca3[i*3+c]); abs(d) > 0.05*max(1, abs(s)) {
				t.Errorf("image %d, component %d: projection %.3f, stored %.3f", i, c, s, pca3[i*3+c])
			}
		}
	}
	for k := 2; k < len(format.MapNames); k++ {
		name, dims := format.MapNames[k], format.MapDims(k)
		coords := make([]float64, len(m.Coords[k]))
		for i, v := range m.Coords[k] {
			coords[i] = float64(v)
		}
		acc := tsne.KNNAccuracy(coords, n, dims, labels, 10)
		t.Logf("%s: 10-NN accuracy %.4f (%s)", name, acc, m.Meta[name])
		if acc < 0.85 {
			t.Errorf("%s: 10-NN accuracy %.3f, want the classes to stay together (≥ 0.85)", name, acc)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

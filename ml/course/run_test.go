//go:build !(js && wasm)

// Training runs, natively only: under js/wasm the tests run without the page's SIMD kernels,
// twenty times slower, and the browser tests (e2e/train_test.go) train in the page itself.

package course

import (
	"math/rand/v2"
	"strings"
	"testing"

	"lookbook/ml"
	"lookbook/ml/dataset"
)

// TestFashionRunLearns: a short run on real Fashion-MNIST, with and without BatchNorm, learns
// well above chance and reports a point per epoch.
func TestFashionRunLearns(t *testing.T) {
	train, err := dataset.LoadFashion(dataset.DefaultFashionDir, "train")
	if err != nil {
		t.Fatalf("%v (make test installs dataset-fashion-mnist)", err)
	}
	test, err := dataset.LoadFashion(dataset.DefaultFashionDir, "t10k")
	if err != nil {
		t.Fatal(err)
	}
	for _, bn := range []bool{true, false} {
		r, err := NewFashionRun(Options{TrainImages: 3200, Epochs: 2, BatchNorm: &bn}, train, test)
		if err != nil {
			t.Fatal(err)
		}
		ends := 0
		for !r.Done() {
			if r.Step() {
				ends++
			}
		}
		if ends != 2 || len(r.Curve) != 2 || r.StepsDone() != 100 || len(r.Losses) != 50 {
			t.Fatalf("BatchNorm %v: %d epoch ends, curve %v, %d steps, %d loss points", bn, ends, r.Curve, r.StepsDone(), len(r.Losses))
		}
		acc := r.Curve[1].TestAccuracy
		t.Logf("BatchNorm %v: 2 epochs of 3,200 images: test accuracy %.3f, %.3f; loss %.3f → %.3f", bn, r.Curve[0].TestAccuracy, acc, r.Losses[0].Loss, r.Losses[len(r.Losses)-1].Loss)
		if acc < 0.6 {
			t.Errorf("BatchNorm %v: test accuracy %.3f after 100 steps, want well above chance (0.1)", bn, acc)
		}
		if !(r.Losses[len(r.Losses)-1].Loss < r.Losses[0].Loss) {
			t.Errorf("BatchNorm %v: the loss did not fall", bn)
		}
		if r.Fashion.Training() != true {
			t.Error("evaluating after an epoch left the model out of training")
		}
	}
}

// TestVAERunLowersItsLoss: both reconstruction losses train, the strip morphs between the two
// validation faces, and the weights load back by the course's names.
func TestVAERunLowersItsLoss(t *testing.T) {
	faces := syntheticFaces(1000)
	for _, loss := range []string{"mse", "bce"} {
		r, err := NewVAERun(Options{Epochs: 5, Loss: loss, BatchSize: 64}, faces)
		if err != nil {
			t.Fatal(err)
		}
		for !r.Done() {
			r.Step()
		}
		first, last := r.Curve[0], r.Curve[len(r.Curve)-1]
		t.Logf("%s: validation MSE %.4f → %.4f, loss %.4f → %.4f", loss, first.ValidationMSE, last.ValidationMSE, r.Losses[0].Loss, last.Loss)
		if !(last.ValidationMSE < first.ValidationMSE) || !(last.Loss < r.Losses[0].Loss) {
			t.Errorf("%s: the VAE did not learn: %+v", loss, r.Curve)
		}
		if len(r.Strip) != 6*3*32*32 {
			t.Fatalf("strip of %d values", len(r.Strip))
		}
		data, err := r.Weights()
		if err != nil {
			t.Fatal(err)
		}
		m := ml.NewVAE(rand.New(rand.NewPCG(0, 0)))
		meta, err := ml.LoadState(data, m.State())
		if err != nil || meta["model"] != "vae" || !strings.Contains(meta["options"], `"loss":"`+loss+`"`) {
			t.Fatalf("the weights load as %v, %v", meta, err)
		}
		if m.FCMean.Bias.Value.Data[3] != r.Faces.FCMean.Bias.Value.Data[3] {
			t.Error("the loaded weights differ from the trained ones")
		}
	}
}


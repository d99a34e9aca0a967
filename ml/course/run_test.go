//go:build !(js && wasm)

// Training runs, natively only: under js/wasm the tests run without the page's SIMD kernels,
// twenty times slower, and the browser tests (e2e/train_test.go) train in the page itself.

package course

import (
	"math"
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

// pairUp trains a and b as the two parts of one run, exchanging through channels as the
// page's two workers do through a message port.
func pairUp(t *testing.T, a, b *Run) {
	t.Helper()
	type msg struct {
		grads   []float32
		figures []float64
	}
	ch := [2]chan msg{make(chan msg, 1), make(chan msg, 1)}
	for part, r := range []*Run{a, b} {
		err := r.Shard(part, 2, func(params []*ml.Param, figures []float64) bool {
			ch[1-part] <- msg{PackGradients(params), append([]float64(nil), figures...)}
			other := <-ch[part]
			return MeanWithPeer(params, figures, other.grads, other.figures) == nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// stepBoth steps both parts of a run together until done.
func stepBoth(a, b *Run) {
	done := make(chan bool)
	go func() {
		for !b.Done() {
			b.Step()
		}
		done <- true
	}()
	for !a.Done() {
		a.Step()
	}
	<-done
}

// TestShardedRunsAgree: two parts training one run end with the same weights (bit for bit),
// lower the loss, and report the loss of the whole batch: the VAE's first loss, before
// any update, is the unsharded run's, its KL summed over both halves included.
func TestShardedRunsAgree(t *testing.T) {
	train, err := dataset.LoadFashion(dataset.DefaultFashionDir, "train")
	if err != nil {
		t.Fatalf("%v (make test installs dataset-fashion-mnist)", err)
	}
	test := &dataset.Fashion{Pixels: train.Pixels[50000*784:], Labels: train.Labels[50000:]}
	o := Options{TrainImages: 1600, Epochs: 1}
	a, _ := NewFashionRun(o, train, test)
	b, _ := NewFashionRun(o, train, test)
	pairUp(t, a, b)
	stepBoth(a, b)
	for i, p := range a.Fashion.Params() {
		q := b.Fashion.Params()[i]
		for j := range p.Value.Data {
			if p.Value.Data[j] != q.Value.Data[j] {
				t.Fatalf("%s[%d]: %v in part 0, %v in part 1", p.Name, j, p.Value.Data[j], q.Value.Data[j])
			}
		}
	}
	// With BatchNorm, part 0 tests its model (its running statistics) on the whole slice.
	slice := &dataset.Fashion{Pixels: test.Pixels[:TestSlice*784], Labels: test.Labels[:TestSlice]}
	if got, want := a.Curve[0].TestAccuracy, EvaluateFashion(a.Fashion, slice).Accuracy; got != want {
		t.Errorf("part 0: test accuracy %v, its model gives %v", got, want)
	}
	first, last := a.Losses[0].Loss, a.Losses[len(a.Losses)-1].Loss
	t.Logf("two parts, 25 steps: loss %.3f → %.3f", first, last)
	if !(last < 0.75*first) {
		t.Errorf("two parts: loss %.3f → %.3f, want it to fall", first, last)
	}

	faces := syntheticFaces(1000)
	vo := Options{Epochs: 1, KLWeight: 0.01, BatchSize: 32}
	one, _ := NewVAERun(vo, faces)
	one.Step()
	va, _ := NewVAERun(vo, faces)
	vb, _ := NewVAERun(vo, faces)
	pairUp(t, va, vb)
	stepBoth(va, vb)
	got, want := va.Losses[0].Loss, one.Losses[0].Loss
	if math.Abs(got-want) > 1e-5*want {
		t.Errorf("the first step's loss: %.7f in two parts, %.7f in one", got, want)
	}
	mse := EvaluateVAE(va.Faces, faces.Slice(FaceTrain, faces.Len()))
	if got := va.Curve[0].ValidationMSE; math.Abs(got-mse) > 1e-9*mse || vb.Curve[0].ValidationMSE != got {
		t.Errorf("validation MSE from the two halves: %v and %v, from the whole %v", got, vb.Curve[0].ValidationMSE, mse)
	}
	if va.Strip == nil || vb.Strip != nil {
		t.Error("part 0 alone should draw the strip")
	}
}

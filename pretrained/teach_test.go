// Teaching the shipped model: a new class and a correction keep the ten garments, on the
// shipped weights, replay and maps (ml/teach's own tests use no shipped file).
package pretrained_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/ml/format"
	"lookbook/ml/teach"
	"lookbook/pretrained/drawings"
	"lookbook/pretrained/trainer"
)

// features runs images (28×28 each, dataset format) through m and returns their latent features.
func features(m *ml.FashionNet, images [][]byte) []float32 {
	set := &dataset.Fashion{}
	for _, img := range images {
		set.Pixels = append(set.Pixels, img...)
		set.Labels = append(set.Labels, 0)
	}
	f, _ := trainer.Features(m, set)
	return f
}

func hats(rng *rand.Rand, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = drawings.Hat(rng)
	}
	return out
}

// shipped loads the shipped model, its replay sample and the test features, or skips.
func shipped(t *testing.T) (*ml.FashionNet, teach.Replay, *format.Maps) {
	t.Helper()
	m, _, err := trainer.LoadFashionNet("fashionnet.safetensors")
	if err != nil {
		t.Skip("no shipped model:", err)
	}
	r, err := format.ReadFile("replay.safetensors", format.DecodeReplay)
	if err != nil {
		t.Fatal(err)
	}
	maps, err := format.ReadFile("maps.safetensors", format.DecodeMaps)
	if err != nil {
		t.Fatal(err)
	}
	return m, teach.Replay{Features: r.Features, Labels: r.Labels}, maps
}

// TestTeachesANewClassAndKeepsTheGarments: on the shipped model, ten generated hats teach an
// eleventh class; new hats are then classified as hats, and the ten garments' accuracy on
// the 10,000 test images drops by at most a point.
func TestTeachesANewClassAndKeepsTheGarments(t *testing.T) {
	m, replay, maps := shipped(t)
	rng := rand.New(rand.NewPCG(17, 1))
	train := features(m, hats(rng, 10))
	var own []teach.Example
	for i := 0; i < 10; i++ {
		own = append(own, teach.Example{Feature: train[i*teach.Latent : (i+1)*teach.Latent], Label: teach.Garments})
	}
	base := teach.Shipped(m)
	run, err := teach.New(base, teach.Garments+1, own, replay, teach.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for !run.Step(time.Millisecond) {
	}
	head := run.Head()
	before, after := base.Accuracy(maps.Features, maps.Labels), head.Accuracy(maps.Features, maps.Labels)
	fresh := features(m, hats(rng, 40))
	hatsRight := 0
	for i := 0; i < 40; i++ {
		if head.Predict(fresh[i*teach.Latent:(i+1)*teach.Latent]) == teach.Garments {
			hatsRight++
		}
	}
	t.Logf("%d updates in %v, last loss %.3f; new hats taken for hats %d/40; garments' test accuracy %.4f → %.4f",
		run.Done, time.Since(start), run.Loss, hatsRight, before, after)
	if hatsRight < 36 {
		t.Errorf("only %d of 40 new hats are classified as the taught class", hatsRight)
	}
	if after < before-0.01 {
		t.Errorf("test accuracy fell from %.4f to %.4f: more than a point forgotten", before, after)
	}
}

// TestCorrectsAClass: examples given an existing class's label move those examples to it
// without adding an output.
func TestCorrectsAClass(t *testing.T) {
	m, replay, maps := shipped(t)
	rng := rand.New(rand.NewPCG(4, 4))
	train := features(m, hats(rng, 8))
	const bag = 8
	var own []teach.Example
	for i := 0; i < 8; i++ {
		own = append(own, teach.Example{Feature: train[i*teach.Latent : (i+1)*teach.Latent], Label: bag})
	}
	run, err := teach.New(teach.Shipped(m), teach.Garments, own, replay, teach.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for !run.Step(time.Second) {
	}
	head := run.Head()
	if head.Classes != teach.Garments {
		t.Fatalf("%d classes after a correction", head.Classes)
	}
	fresh := features(m, hats(rng, 20))
	bags := 0
	for i := 0; i < 20; i++ {
		if head.Predict(fresh[i*teach.Latent:(i+1)*teach.Latent]) == bag {
			bags++
		}
	}
	if bags < 18 {
		t.Errorf("only %d of 20 new hats are taken for bags after teaching that hats are bags", bags)
	}
	if acc := head.Accuracy(maps.Features, maps.Labels); acc < teach.Shipped(m).Accuracy(maps.Features, maps.Labels)-0.01 {
		t.Errorf("test accuracy fell to %.4f", acc)
	}
}

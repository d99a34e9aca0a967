package course

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"lookbook/ml"
	"lookbook/ml/dataset"
)

func TestResolveRejectsBadOptions(t *testing.T) {
	off := false
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Model: "resnet"}, `model must be "fashionnet" or "vae"`},
		{Options{Model: FashionNet, Epochs: -1}, "epochs must be between 1 and 500"},
		{Options{Model: FashionNet, Epochs: 501}, "epochs must be between 1 and 500"},
		{Options{Model: FashionNet, BatchSize: 1}, "batchSize must be between 2"},
		{Options{Model: FashionNet, LearningRate: -0.1}, "learningRate must be above 0"},
		{Options{Model: FashionNet, LearningRate: math.NaN()}, "learningRate must be above 0"},
		{Options{Model: FashionNet, TrainImages: 70000}, "trainImages must be between"},
		{Options{Model: FashionNet, KLWeight: 0.1}, "klWeight and loss are the VAE's options"},
		{Options{Model: VAE, Loss: "l1"}, `loss must be "mse" or "bce"`},
		{Options{Model: VAE, KLWeight: 2}, "klWeight must be above 0 and at most 1"},
		{Options{Model: VAE, BatchNorm: &off}, "FashionNet's options"},
		{Options{Model: VAE, Schedule: "step"}, `schedule must be "constant" or "cosine"`},
	} {
		if _, err := c.o.Resolve(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error saying %q", c.o, err, c.want)
		}
	}
	o, err := Options{Model: VAE}.Resolve()
	if err != nil || o.Epochs != 100 || o.KLWeight != 1e-5 || o.Loss != "mse" || o.Schedule != "constant" {
		t.Errorf("the VAE's defaults: %+v, %v; want the course's 100 epochs, KL weight 1e-5, MSE and a constant rate", o, err)
	}
}

// TestMorphEnds: α = 0 and 1 are the two faces' reconstructions from their means.
func TestMorphEnds(t *testing.T) {
	m := ml.NewVAE(rand.New(rand.NewPCG(1, 1)))
	pair := ml.NewTensor(2, 3, 32, 32)
	syntheticFaces(2).Image(pair.Data[:3072], 0, false)
	syntheticFaces(2).Image(pair.Data[3072:], 1, false)
	strip := Morph(m, pair, 6)
	want := m.Reconstruct(pair).Data
	for i := 0; i < 3072; i++ {
		if math.Abs(float64(strip[i]-want[i])) > 1e-5 || math.Abs(float64(strip[5*3072+i]-want[3072+i])) > 1e-5 {
			t.Fatalf("value %d: the strip's ends are not the reconstructions", i)
		}
	}
}

// syntheticFaces are n images mixing two smooth patterns with random weights: something a VAE
// learns in a few epochs.
func syntheticFaces(n int) *dataset.Faces {
	rng := rand.New(rand.NewPCG(7, 7))
	const side = dataset.FaceSide
	px := make([]byte, n*3*side*side)
	for i := 0; i < n; i++ {
		a, b := rng.Float64()*2-1, rng.Float64()*2-1
		for c := 0; c < 3; c++ {
			for y := 0; y < side; y++ {
				for x := 0; x < side; x++ {
					p1 := math.Sin(float64(x+c) / 5)
					p2 := math.Cos(float64(y*(c+1)) / 7)
					px[((i*3+c)*side+y)*side+x] = byte(255 * (0.5 + 0.2*a*p1 + 0.2*b*p2))
				}
			}
		}
	}
	return &dataset.Faces{Pixels: px}
}

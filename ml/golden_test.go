package ml

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// Golden tests against PyTorch 1.13: the fixtures in testdata/ were written by
// testdata/make_golden.py from the same architectures (scripts/torchref.py). Each test loads
// PyTorch's initial weights and inputs, runs our forward and backward passes and compares every output,
// gradient and BatchNorm statistic; Adam is checked on its own fixed gradients.

const goldenTol = 1e-4

type golden map[string]RawTensor

func loadGolden(t *testing.T, path string) golden {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tensors, _, err := DecodeSafetensors(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	g := golden{}
	for _, x := range tensors {
		g[x.Name] = x
	}
	return g
}

func (g golden) tensor(t *testing.T, name string) *Tensor {
	t.Helper()
	raw, ok := g[name]
	if !ok {
		t.Fatalf("golden tensor %q missing", name)
	}
	v, err := raw.Float32s()
	if err != nil {
		t.Fatal(err)
	}
	return FromData(v, raw.Shape...)
}

func (g golden) ints(t *testing.T, name string) []int {
	t.Helper()
	raw := g[name]
	out := make([]int, len(raw.Data)/8)
	for i := range out {
		out[i] = int(binary.LittleEndian.Uint64(raw.Data[8*i:]))
	}
	return out
}

// setState copies the golden tensors prefix+name into the model's state.
func (g golden) setState(t *testing.T, prefix string, state []StateEntry) {
	t.Helper()
	for _, e := range state {
		raw, ok := g[prefix+e.Name]
		if !ok {
			t.Fatalf("golden tensor %q missing", prefix+e.Name)
		}
		if e.Int != nil {
			*e.Int = int64(binary.LittleEndian.Uint64(raw.Data))
			continue
		}
		copy(e.Float.Data, g.tensor(t, prefix+e.Name).Data)
	}
}

// compare fails unless got matches want to within goldenTol relative to want's largest magnitude.
func compare(t *testing.T, name string, got []float32, want *Tensor) {
	t.Helper()
	if len(got) != len(want.Data) {
		t.Errorf("%s: %d values, want %d", name, len(got), len(want.Data))
		return
	}
	var maxDiff, maxRef float64
	at := 0
	for i, w := range want.Data {
		d := math.Abs(float64(got[i]) - float64(w))
		if d > maxDiff {
			maxDiff, at = d, i
		}
		maxRef = math.Max(maxRef, math.Abs(float64(w)))
	}
	rel := maxDiff / math.Max(maxRef, 1e-12)
	if rel > goldenTol {
		t.Errorf("%s: max |diff| %.3g at %d (got %g, want %g), relative %.3g > %g",
			name, maxDiff, at, got[at], want.Data[at], rel, goldenTol)
	}
}

func compareState(t *testing.T, g golden, prefix string, state []StateEntry) {
	t.Helper()
	for _, e := range state {
		if e.Int != nil {
			if want := int64(g.ints(t, prefix+e.Name)[0]); *e.Int != want {
				t.Errorf("%s = %d, want %d", e.Name, *e.Int, want)
			}
			continue
		}
		compare(t, prefix+e.Name, e.Float.Data, g.tensor(t, prefix+e.Name))
	}
}

func TestFashionNetMatchesPyTorch(t *testing.T) {
	g := loadGolden(t, "testdata/golden_fashionnet.safetensors")
	m := NewFashionNet(rand.New(rand.NewPCG(0, 0)))
	g.setState(t, "init.", m.State())
	x, labels := g.tensor(t, "x"), g.ints(t, "labels")
	loss, _ := m.Loss(x, labels)
	compare(t, "loss", []float32{float32(loss)}, g.tensor(t, "loss"))
	compare(t, "logits", m.FC3.out.Data, g.tensor(t, "logits"))
	compare(t, "latent", m.Latent().Data, g.tensor(t, "latent"))
	for _, p := range m.Params() {
		compare(t, "grad."+p.Name, p.Grad.Data, g.tensor(t, "grad."+p.Name))
	}
	compareState(t, g, "after.", m.State())
	m.SetTraining(false)
	compare(t, "eval_logits", m.Forward(x).Data, g.tensor(t, "eval_logits"))
}

func TestVAEMatchesPyTorch(t *testing.T) {
	g := loadGolden(t, "testdata/golden_vae.safetensors")
	m := NewVAE(rand.New(rand.NewPCG(0, 0)))
	g.setState(t, "init.", m.State())
	x, eps := g.tensor(t, "x"), g.tensor(t, "eps")
	loss, mse, kl := m.Loss(x, eps, 1e-5)
	compare(t, "loss", []float32{float32(loss)}, g.tensor(t, "loss"))
	compare(t, "mse", []float32{float32(mse)}, g.tensor(t, "mse"))
	compare(t, "kl", []float32{float32(kl)}, g.tensor(t, "kl"))
	compare(t, "recon", m.sigmoid.out.Data, g.tensor(t, "recon"))
	compare(t, "mean", m.FCMean.out.Data, g.tensor(t, "mean"))
	compare(t, "logvar", m.FCLogvar.out.Data, g.tensor(t, "logvar"))
	for _, p := range m.Params() {
		compare(t, "grad."+p.Name, p.Grad.Data, g.tensor(t, "grad."+p.Name))
	}
	compare(t, "reconstruct", m.Reconstruct(x).Data, g.tensor(t, "reconstruct"))
}

func TestAdamMatchesPyTorch(t *testing.T) {
	g := loadGolden(t, "testdata/golden_adam.safetensors")
	for _, c := range []struct {
		name      string
		decay     float64
		decoupled bool
	}{{"adam", 0, false}, {"adam_l2", 0.01, false}, {"adamw", 0.01, true}} {
		t.Run(c.name, func(t *testing.T) {
			p := &Param{Name: "p", Value: g.tensor(t, "p0").Clone(), Grad: NewTensor(64)}
			opt := NewAdam([]*Param{p})
			opt.LR, opt.WeightDecay, opt.Decoupled = 1e-2, c.decay, c.decoupled
			for i := 0; i < 3; i++ {
				copy(p.Grad.Data, g.tensor(t, fmt.Sprintf("grad%d", i)).Data)
				opt.Update()
			}
			compare(t, c.name, p.Value.Data, g.tensor(t, c.name))
		})
	}
}

// TestVAEStateIsTheCourseModules: the VAE's state has exactly the names and shapes of the
// course's PyTorch module's state_dict (saved by make_golden.py as init.*), so either loads
// into the other with strict=True.
func TestVAEStateIsTheCourseModules(t *testing.T) {
	g := loadGolden(t, "testdata/golden_vae.safetensors")
	torch := map[string][]int{}
	for name, x := range g {
		if rest, ok := strings.CutPrefix(name, "init."); ok {
			torch[rest] = x.Shape
		}
	}
	ours := NewVAE(rand.New(rand.NewPCG(0, 0))).State()
	if len(ours) != len(torch) {
		t.Errorf("%d tensors in our state, %d in the course module's", len(ours), len(torch))
	}
	for _, e := range ours {
		if shape, ok := torch[e.Name]; !ok || !slices.Equal(shape, e.Float.Shape) {
			t.Errorf("%s %v: the course module has %v (present: %v)", e.Name, e.Float.Shape, shape, ok)
		}
	}
}

// TestFashionNetWithoutBatchNormMatchesPyTorch: the Train view's experiment, against the
// course's module with its BatchNorm layers in evaluation mode at their initial state.
func TestFashionNetWithoutBatchNormMatchesPyTorch(t *testing.T) {
	init, g := loadGolden(t, "testdata/golden_fashionnet.safetensors"), loadGolden(t, "testdata/golden_fashionnet_nobn.safetensors")
	m := NewFashionNet(rand.New(rand.NewPCG(0, 0)))
	init.setState(t, "init.", m.State())
	m.WithoutBatchNorm()
	loss, _ := m.Loss(init.tensor(t, "x"), init.ints(t, "labels"))
	compare(t, "loss", []float32{float32(loss)}, g.tensor(t, "loss"))
	compare(t, "logits", m.FC3.out.Data, g.tensor(t, "logits"))
	for _, p := range m.TrainableParams() {
		compare(t, "grad."+p.Name, p.Grad.Data, g.tensor(t, "grad."+p.Name))
	}
}

// TestVAEWithBCEMatchesPyTorch: the VAE's loss with F.binary_cross_entropy in place of MSE.
func TestVAEWithBCEMatchesPyTorch(t *testing.T) {
	init, g := loadGolden(t, "testdata/golden_vae.safetensors"), loadGolden(t, "testdata/golden_vae_bce.safetensors")
	m := NewVAE(rand.New(rand.NewPCG(0, 0)))
	init.setState(t, "init.", m.State())
	loss, bce, kl := m.LossWith(init.tensor(t, "x"), init.tensor(t, "eps"), 1e-3, BCE)
	compare(t, "loss", []float32{float32(loss)}, g.tensor(t, "loss"))
	compare(t, "bce", []float32{float32(bce)}, g.tensor(t, "bce"))
	compare(t, "kl", []float32{float32(kl)}, g.tensor(t, "kl"))
	for _, p := range m.Params() {
		if p.Name != "fc1.weight" && p.Name != "fc3.weight" {
			compare(t, "grad."+p.Name, p.Grad.Data, g.tensor(t, "grad."+p.Name))
		}
	}
}

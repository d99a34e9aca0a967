//go:build js && wasm

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"syscall/js"
	"testing"

	"lookbook/ml"
)

// installedForTraining installs the module on the program's memory (scripts/wasmexec hands it
// over, as the page's loader does) and returns its kernels.
func installedForTraining(t *testing.T) *ml.Kernels {
	t.Helper()
	uninstallAfter(t)
	if !js.Global().Get("lookbook").Truthy() {
		t.Skip("run through scripts/wasmexec (make test-wasm) to get the program's memory")
	}
	if err := Install(); err != nil {
		t.Fatal(err)
	}
	ml.SetKernels(nil) // the tests call the kernels themselves, or install them when they want
	return moduleKernels()
}

// TestTrainingKernelsEqualGo: bn_back (with and without the ReLU mask), bn_apply and add_rows
// against the same float32 operations in Go, bit for bit, on planes whose length is not a
// multiple of 4 (the scalar tail), with gaps between planes, and with one set of constants or
// one per plane; −0, NaN and zero ReLU outputs included.
func TestTrainingKernelsEqualGo(t *testing.T) {
	k := installedForTraining(t)
	rng := rand.New(rand.NewPCG(9, 9))
	for _, c := range []struct{ planes, n, stride int }{{1, 4, 4}, {3, 7, 9}, {5, 16, 16}, {2, 1, 3}, {4, 33, 40}} {
		size := (c.planes-1)*c.stride + c.n
		dy, xhat, out := randFloats(rng, size), randFloats(rng, size), randFloats(rng, size)
		for i := range out {
			switch i % 5 {
			case 0:
				out[i] = 0
			case 1:
				out[i] = float32(math.Copysign(0, -1))
			}
		}
		dy[0] = float32(math.NaN())
		for _, perPlane := range []bool{false, true} {
			consts := randFloats(rng, 4)
			if perPlane {
				consts = randFloats(rng, 4*c.planes)
			}
			bc := consts[:3]
			if perPlane {
				bc = consts[:3*c.planes]
			}
			at := func(cs []float32, k, p int) []float32 {
				if len(cs) == k {
					return cs
				}
				return cs[p*k:]
			}
			for _, mask := range []bool{false, true} {
				want, got := randFloats(rng, size), randFloats(rng, size)
				copy(got, want) // the gaps between planes stay as they were
				var o []float32
				if mask {
					o = out
				}
				for p := 0; p < c.planes; p++ {
					cc := at(bc, 3, p)
					for i := p * c.stride; i < p*c.stride+c.n; i++ {
						v := float32(cc[0]*dy[i]) - cc[1] - float32(xhat[i]*cc[2])
						if mask && math.Float32bits(out[i]) == 0 {
							v = 0
						}
						want[i] = v
					}
				}
				k.BNBack(dy, xhat, got, o, c.planes, c.n, c.stride, bc)
				bitsEqual(t, "bn_back", got, want)
			}
			wantH, wantO := randFloats(rng, size), randFloats(rng, size)
			gotH, gotO := append([]float32(nil), wantH...), append([]float32(nil), wantO...)
			for p := 0; p < c.planes; p++ {
				cc := at(consts, 4, p)
				for i := p * c.stride; i < p*c.stride+c.n; i++ {
					h := float32((dy[i] - cc[0]) * cc[1])
					wantH[i], wantO[i] = h, float32(cc[2]*h)+cc[3]
				}
			}
			k.BNApply(dy, gotH, gotO, c.planes, c.n, c.stride, consts)
			bitsEqual(t, "bn_apply xhat", gotH, wantH)
			bitsEqual(t, "bn_apply out", gotO, wantO)
		}
		dst := randFloats(rng, size)
		want := append([]float32(nil), dst...)
		for r := 0; r < c.planes; r++ {
			for i := 0; i < c.n; i++ {
				want[r*c.stride+i] += xhat[r*c.stride+i]
			}
		}
		k.AddRows(c.planes, c.n, dst, c.stride, xhat, c.stride)
		bitsEqual(t, "add_rows", dst, want)
	}
}

// TestMaxPool2EqualsGo: the pooling kernel against MaxPool2d's Go, planes of widths with and
// without a multiple of 4 windows, NaNs and ties included.
func TestMaxPool2EqualsGo(t *testing.T) {
	installedForTraining(t)
	rng := rand.New(rand.NewPCG(5, 5))
	for _, shape := range [][4]int{{2, 3, 16, 16}, {1, 2, 6, 10}, {3, 1, 4, 4}, {1, 1, 2, 2}} {
		x := ml.NewTensor(shape[:]...)
		for i := range x.Data {
			x.Data[i] = float32(rng.IntN(7)) // ties
			if rng.IntN(17) == 0 {
				x.Data[i] = float32(math.NaN())
			}
		}
		ml.SetKernels(nil)
		want := append([]float32(nil), ml.NewMaxPool2d(2).Forward(x).Data...)
		Install()
		got := append([]float32(nil), ml.NewMaxPool2d(2).Forward(x).Data...)
		bitsEqual(t, "max_pool2", got, want)
	}
}

// TestTrainingStepEqualsGo: a FashionNet and a VAE training step with the kernels installed
// give ml's Go numbers bit for bit: loss, every gradient, and the weights after Adam.
func TestTrainingStepEqualsGo(t *testing.T) {
	installedForTraining(t)
	step := func(kernels bool) [][]float32 {
		if kernels {
			Install()
		} else {
			ml.SetKernels(nil)
		}
		rng := rand.New(rand.NewPCG(4, 4))
		net, vae := ml.NewFashionNet(rng), ml.NewVAE(rng)
		x := ml.NewTensor(6, 1, 32, 32)
		faces := ml.NewTensor(3, 3, 32, 32)
		eps := ml.NewTensor(3, ml.VAELatent)
		for _, d := range [][]float32{x.Data, faces.Data} {
			for i := range d {
				d[i] = rng.Float32()
			}
		}
		ml.FillNormal(eps, rng)
		loss, _ := net.Loss(x, []int{0, 1, 2, 3, 4, 5})
		vloss, _, _ := vae.LossWith(faces, eps, 1e-3, ml.BCE)
		out := [][]float32{{float32(loss), float32(vloss)}}
		for _, p := range append(net.Params(), vae.Params()...) {
			out = append(out, append([]float32(nil), p.Grad.Data...))
		}
		return out
	}
	want, got := step(false), step(true)
	for i := range want {
		bitsEqual(t, "training step", got[i], want[i])
	}
}

// TestPackBTransEqualsGo: pack_bt against the Go transposition it replaces, for depths from one
// group of four to several blocks, rows farther apart than they are long, NaN included.
func TestPackBTransEqualsGo(t *testing.T) {
	k := installedForTraining(t)
	rng := rand.New(rand.NewPCG(12, 12))
	for _, c := range []struct{ ld, kc int }{{4, 4}, {9, 8}, {300, 256}, {1031, 64}} {
		src := randFloats(rng, 15*c.ld+c.kc)
		src[c.ld+1] = float32(math.NaN())
		want := make([]float32, c.kc*16)
		for j := 0; j < 16; j++ {
			for p := 0; p < c.kc; p++ {
				want[p*16+j] = src[j*c.ld+p]
			}
		}
		got := make([]float32, c.kc*16)
		k.PackBTrans(got, src, c.ld, c.kc)
		bitsEqual(t, fmt.Sprintf("pack_bt, ld %d, kc %d", c.ld, c.kc), got, want)
	}
}

// TestTrainingLayersEqualGo: the layers that im2col, col2im, copy_rows, pack_b, relu,
// relu_back, the lane reductions, bias_act, half_sum and adam serve give, with the kernels installed,
// ml's Go numbers bit for bit: convolutions of every stride and padding the kernels treat
// apart (1, 2 and 3; 'same', none, wider than the kernel), transposed convolutions, BatchNorm
// on planes with and without a multiple of 4 values, ReLU and sigmoid on awkward values
// (±0, NaN, ±100, tiny), and Adam and AdamW over lengths with and without a multiple of 4, several
// steps, a stretch of gradients zero throughout.
func TestTrainingLayersEqualGo(t *testing.T) {
	installedForTraining(t)
	awkward := func(rng *rand.Rand, n int) []float32 {
		v := randFloats(rng, n)
		for i := range v {
			switch rng.IntN(12) {
			case 0:
				v[i] = 0
			case 1:
				v[i] = float32(math.Copysign(0, -1))
			case 2:
				v[i] = 100 * v[i]
			case 3:
				v[i] = 1e-37 * v[i] // Adam's moments of it fall below float32's normal range
			}
		}
		return v
	}
	// run computes what a layer gives, with the Go or with the kernels, from the same seed.
	run := func(kernels bool, f func(rng *rand.Rand) [][]float32) [][]float32 {
		ml.SetKernels(nil)
		if kernels {
			Install()
		}
		return f(rand.New(rand.NewPCG(21, 21)))
	}
	check := func(what string, f func(rng *rand.Rand) [][]float32) {
		t.Helper()
		want, got := run(false, f), run(true, f)
		for i := range want {
			bitsEqual(t, fmt.Sprintf("%s, result %d", what, i), got[i], want[i])
		}
	}
	tensor := func(rng *rand.Rand, shape ...int) *ml.Tensor {
		x := ml.NewTensor(shape...)
		copy(x.Data, randFloats(rng, len(x.Data)))
		return x
	}
	grads := func(out [][]float32, ps []*ml.Param) [][]float32 {
		for _, p := range ps {
			out = append(out, append([]float32(nil), p.Grad.Data...))
		}
		return out
	}
	// pass initialises a convolution, runs it forward and backward on an input of shape, and
	// returns its output, input gradient and parameter gradients.
	pass := func(rng *rand.Rand, l interface {
		Init(*rand.Rand)
		Forward(*ml.Tensor) *ml.Tensor
		Backward(*ml.Tensor) *ml.Tensor
		Params() []*ml.Param
	}, shape ...int) [][]float32 {
		l.Init(rng)
		y := l.Forward(tensor(rng, shape...))
		out := [][]float32{append([]float32(nil), y.Data...)}
		dx := l.Backward(tensor(rng, y.Shape...))
		return grads(append(out, dx.Data), l.Params())
	}
	for _, c := range []struct{ b, cin, cout, h, w, k, s, p int }{
		{3, 2, 5, 8, 8, 3, 1, 1}, {2, 3, 4, 7, 9, 3, 1, 0}, {2, 3, 16, 32, 32, 3, 2, 1}, {2, 4, 6, 9, 11, 3, 2, 1},
		{1, 2, 3, 10, 7, 5, 3, 2}, {2, 2, 2, 5, 5, 3, 1, 4}, {2, 32, 16, 8, 8, 4, 2, 1},
	} {
		name := fmt.Sprintf("%d×%d×%d×%d, kernel %d, stride %d, pad %d", c.b, c.cin, c.h, c.w, c.k, c.s, c.p)
		check("Conv2d "+name, func(rng *rand.Rand) [][]float32 {
			return pass(rng, ml.NewConv2d("c", c.cin, c.cout, c.k, c.s, c.p), c.b, c.cin, c.h, c.w)
		})
		check("ConvTranspose2d "+name, func(rng *rand.Rand) [][]float32 {
			return pass(rng, ml.NewConvTranspose2d("d", c.cin, c.cout, c.k, c.s, c.p), c.b, c.cin, c.h, c.w)
		})
	}
	for _, shape := range [][]int{{4, 3, 5, 5}, {8, 6, 4, 4}, {2, 7, 3, 1}, {5, 9, 1, 1}} {
		check(fmt.Sprint("BatchNorm ", shape), func(rng *rand.Rand) [][]float32 {
			l := ml.NewBatchNorm("bn", shape[1])
			l.Train = true
			copy(l.Weight.Value.Data, randFloats(rng, shape[1]))
			y := l.Forward(tensor(rng, shape...))
			out := [][]float32{append([]float32(nil), y.Data...)}
			dx := l.Backward(tensor(rng, shape...))
			return grads(append(out, dx.Data), l.Params())
		})
	}
	for _, n := range []int{1, 7, 64, 1027} {
		check(fmt.Sprint("ReLU and sigmoid on ", n), func(rng *rand.Rand) [][]float32 {
			x := ml.FromData(awkward(rng, n), n)
			x.Data[0] = float32(math.NaN())
			var relu ml.ReLU
			var sig ml.Sigmoid
			y := append([]float32(nil), relu.Forward(x).Data...)
			dy := ml.FromData(awkward(rng, n), n)
			dx := append([]float32(nil), relu.Backward(dy).Data...)
			s := append([]float32(nil), sig.Forward(x).Data...)
			return [][]float32{y, dx, s, sig.Backward(dy).Data}
		})
	}
	for _, n := range []int{1, 6, 1031} {
		check(fmt.Sprint("two workers' gradients averaged, ", n), func(rng *rand.Rand) [][]float32 {
			g, peer := awkward(rng, n), awkward(rng, n)
			ml.HalfSumInto(g, peer)
			return [][]float32{g}
		})
	}
	for _, decoupled := range []bool{false, true} {
		check(fmt.Sprint("Adam, decoupled ", decoupled), func(rng *rand.Rand) [][]float32 {
			var ps []*ml.Param
			for _, n := range []int{1, 6, 4096, 3*4096 + 5} {
				ps = append(ps, &ml.Param{Value: ml.FromData(randFloats(rng, n), n), Grad: ml.NewTensor(n)})
			}
			ps[1].NoDecay = true
			opt := ml.NewAdam(ps)
			opt.LR, opt.WeightDecay, opt.Decoupled = 3e-3, 0.05, decoupled
			for step := 0; step < 3; step++ {
				for _, p := range ps {
					copy(p.Grad.Data, awkward(rng, len(p.Grad.Data)))
				}
				clear(ps[2].Grad.Data[:64]) // a unit whose first moments stay +0
				opt.Update()
			}
			var out [][]float32
			m, v := opt.Moments()
			for i, p := range ps {
				out = append(out, p.Value.Data, m[i], v[i])
			}
			return out
		})
	}
}

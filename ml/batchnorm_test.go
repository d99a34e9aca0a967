package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestBatchNorm1dRowsMatchChannels: BatchNorm1d's row-wise passes give the channel-wise path's
// bits (outputs, x̂, running statistics, gradients), in training and evaluation, special
// values included; so does the row-wise bias gradient of a linear layer.
func TestBatchNorm1dRowsMatchChannels(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	for _, c := range []struct {
		b, ch int
		train bool
	}{{2, 1, true}, {5, 3, true}, {64, 256, true}, {64, 128, false}, {1, 7, false}, {3, 5, false}} {
		t.Run(fmt.Sprintf("%dx%d train=%v", c.b, c.ch, c.train), func(t *testing.T) {
			x, dy := specialFloats(rng, c.b*c.ch), specialFloats(rng, c.b*c.ch)
			for i := range x { // keep most channels finite, so that the statistics mean something
				if rng.IntN(4) != 0 {
					x[i], dy[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
				}
			}
			rows, chans := NewBatchNorm("bn", c.ch), NewBatchNorm("bn", c.ch)
			for _, p := range []*Tensor{rows.Weight.Value, rows.Bias.Value, rows.RunningMean.Value, rows.RunningVar.Value,
				rows.Weight.Grad, rows.Bias.Grad} {
				for i := range p.Data {
					p.Data[i] = float32(rng.NormFloat64())
				}
			}
			rows.RunningVar.Value.Data[0] = 0.5
			copyState(chans, rows)
			rows.Train, chans.Train = c.train, c.train

			out := rows.Forward(FromData(x, c.b, c.ch)).Data
			dx := rows.Backward(FromData(dy, c.b, c.ch)).Data

			// The channel-wise path, as Forward and Backward take it for planes of more values.
			chans.shape, chans.xhat, chans.invStd = []int{c.b, c.ch}, make([]float32, len(x)), make([]float64, c.ch)
			chans.out, chans.dx = NewTensor(c.b, c.ch), NewTensor(c.b, c.ch)
			for ch := 0; ch < c.ch; ch++ {
				chans.forwardChannel(x, ch, c.b, 1)
			}
			for ch := 0; ch < c.ch; ch++ {
				chans.backwardChannel(dy, ch, c.b, 1)
			}
			for _, v := range []struct {
				what      string
				got, want []float32
			}{{"output", out, chans.out.Data}, {"normalised input", rows.xhat, chans.xhat}, {"input gradient", dx, chans.dx.Data},
				{"running mean", rows.RunningMean.Value.Data, chans.RunningMean.Value.Data},
				{"running variance", rows.RunningVar.Value.Data, chans.RunningVar.Value.Data},
				{"γ gradient", rows.Weight.Grad.Data, chans.Weight.Grad.Data}, {"β gradient", rows.Bias.Grad.Data, chans.Bias.Grad.Data}} {
				sameBitsOrNaN(t, v.what, v.got, v.want)
			}
			for ch := range rows.invStd {
				if got, want := rows.invStd[ch], chans.invStd[ch]; math.Float64bits(got) != math.Float64bits(want) && !(got != got && want != want) {
					t.Fatalf("1/σ of channel %d: %v, want %v", ch, rows.invStd[ch], chans.invStd[ch])
				}
			}

			var j batchJobs
			got, want := append([]float32(nil), rows.Bias.Grad.Data...), append([]float32(nil), rows.Bias.Grad.Data...)
			sumChannels(&j, got, dy, c.b, c.ch, 1)
			j.dst, j.src, j.b, j.c, j.s = want, dy, c.b, c.ch, 1
			j.sumChannels(0, c.ch)
			sameBitsOrNaN(t, "linear layer's bias gradient", got, want)
		})
	}
}

// sameBitsOrNaN is sameBits, except that any NaN matches any NaN: where two NaNs meet in one
// operation, which one x86 returns depends on the order the compiler put the operands in, so
// NaN payloads are not part of what two Go loops over the same formula agree on.
func sameBitsOrNaN(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
			t.Fatalf("%s: value %d is %v (%#x), want %v (%#x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// copyState gives dst src's parameters, gradients and running statistics.
func copyState(dst, src *BatchNorm) {
	copy(dst.Weight.Value.Data, src.Weight.Value.Data)
	copy(dst.Bias.Value.Data, src.Bias.Value.Data)
	copy(dst.Weight.Grad.Data, src.Weight.Grad.Data)
	copy(dst.Bias.Grad.Data, src.Bias.Grad.Data)
	copy(dst.RunningMean.Value.Data, src.RunningMean.Value.Data)
	copy(dst.RunningVar.Value.Data, src.RunningVar.Value.Data)
}

// TestBackwardThroughReLUMatches: BatchNorm.backwardReLU gives the bits of BatchNorm.Backward,
// then ReLU.Backward, then the bias gradient of the layer before, for every layout it takes:
// rows (BatchNorm1d), small planes (image by image) and large ones (channel by channel).
func TestBackwardThroughReLUMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	for _, shape := range [][]int{{6, 5}, {5, 8, 4, 4}, {3, 6, 10, 10}, {20, 3, 16, 16}} {
		n := 1
		for _, d := range shape {
			n *= d
		}
		b, c := shape[0], shape[1]
		x := FromData(specialFloats(rng, n), shape...)
		for i := range x.Data { // mostly finite, with zeros where a ReLU cut
			if rng.IntN(5) != 0 {
				x.Data[i] = max(0, float32(rng.NormFloat64()))
			}
		}
		dy := FromData(randSlice(rng, n), shape...)
		fused, plain := NewBatchNorm("bn", c), NewBatchNorm("bn", c)
		relu := ReLU{out: x}
		fused.Forward(x)
		plain.Forward(x)
		gotBias, wantBias := randSlice(rng, c), make([]float32, c)
		copy(wantBias, gotBias)
		got := fused.backwardReLU(dy, x.Data, gotBias).Data
		want := relu.Backward(plain.Backward(dy)).Data
		var j batchJobs
		sumChannels(&j, wantBias, want, b, c, n/(b*c))
		sameBitsOrNaN(t, fmt.Sprintf("%v: input gradient", shape), got, want)
		sameBitsOrNaN(t, fmt.Sprintf("%v: bias gradient", shape), gotBias, wantBias)
		sameBitsOrNaN(t, fmt.Sprintf("%v: γ gradient", shape), fused.Weight.Grad.Data, plain.Weight.Grad.Data)
	}
}

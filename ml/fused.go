package ml

import (
	"math"
)

// reluNormPool is FashionNet's block tail in evaluation mode — ReLU, BatchNorm with its running
// statistics, 2×2 max-pooling — in one pass over x (B×C×H×W), writing only the pooled output
// (into pool's buffer, so that pool.out is the block's output as usual). Each element goes
// through exactly the unfused layers' float32 operations, so the result is bit for bit theirs;
// what it saves is two full-size intermediate tensors and their passes, which matter in the
// browser. The layers' saved state for a backward pass is not kept: evaluation only.
func reluNormPool(x *Tensor, bn *BatchNorm, pool *MaxPool2d) *Tensor {
	b, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	ho, wo := h/2, w/2
	pool.out = reuse(pool.out, b, c, ho, wo)
	gamma, beta := bn.Weight.Value.Data, bn.Bias.Value.Data
	for ch := 0; ch < c; ch++ {
		mean := float64(bn.RunningMean.Value.Data[ch])
		inv := 1 / math.Sqrt(float64(bn.RunningVar.Value.Data[ch])+bn.Eps)
		m32, inv32, g, be := float32(mean), float32(inv), gamma[ch], beta[ch]
		for bi := 0; bi < b; bi++ {
			in := x.Data[(bi*c+ch)*h*w : (bi*c+ch+1)*h*w]
			out := pool.out.Data[(bi*c+ch)*ho*wo : (bi*c+ch+1)*ho*wo]
			for oy := 0; oy < ho; oy++ {
				r0, r1 := in[2*oy*w:2*oy*w+w], in[(2*oy+1)*w:(2*oy+1)*w+w]
				o := out[oy*wo : oy*wo+wo]
				for ox := range o {
					// Written out rather than through helpers: under wasm, Go does not inline
					// them here and the calls cost more than the arithmetic.
					v0, v1, v2, v3 := r0[2*ox], r0[2*ox+1], r1[2*ox], r1[2*ox+1]
					if v0 <= 0 { // ReLU, as ReLU.Forward writes it
						v0 = 0
					}
					if v1 <= 0 {
						v1 = 0
					}
					if v2 <= 0 {
						v2 = 0
					}
					if v3 <= 0 {
						v3 = 0
					}
					// BatchNorm, as BatchNorm.forwardChannel computes it; then the pool's
					// comparisons in its order (a NaN wins).
					best := g*((v0-m32)*inv32) + be
					if n := g*((v1-m32)*inv32) + be; n > best || n != n {
						best = n
					}
					if n := g*((v2-m32)*inv32) + be; n > best || n != n {
						best = n
					}
					if n := g*((v3-m32)*inv32) + be; n > best || n != n {
						best = n
					}
					o[ox] = best
				}
			}
		}
	}
	return pool.out
}

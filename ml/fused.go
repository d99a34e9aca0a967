package ml

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
		m, inv := bn.evalConstants(ch)
		g, be := gamma[ch], beta[ch]
		for bi := 0; bi < b; bi++ {
			in := x.Data[(bi*c+ch)*h*w : (bi*c+ch+1)*h*w]
			out := pool.out.Data[(bi*c+ch)*ho*wo : (bi*c+ch+1)*ho*wo]
			for oy := 0; oy < ho; oy++ {
				r0, r1 := in[2*oy*w:2*oy*w+w], in[(2*oy+1)*w:(2*oy+1)*w+w]
				o := out[oy*wo : oy*wo+wo]
				for ox := range o {
					o[ox] = normPoolMax(relu32(r0[2*ox]), relu32(r0[2*ox+1]), relu32(r1[2*ox]), relu32(r1[2*ox+1]), m, inv, g, be)
				}
			}
		}
	}
	return pool.out
}

// relu32 is ReLU as ReLU.Forward writes it (a comparison: Go's float max is slow under wasm).
func relu32(v float32) float32 {
	if v <= 0 {
		return 0
	}
	return v
}

// normPoolMax is the block tail's last two steps on one 2×2 pooling window of ReLU outputs:
// BatchNorm, as BatchNorm.forwardChannel computes it from its constants (normConstants), then
// MaxPool2d's comparisons in its order (a NaN wins). Both evaluation paths, reluNormPool and
// the eval kernels' reference epilogue, finish each window here.
func normPoolMax(v0, v1, v2, v3, mean, inv, gamma, beta float32) float32 {
	best := gamma*((v0-mean)*inv) + beta
	if n := gamma*((v1-mean)*inv) + beta; n > best || n != n {
		best = n
	}
	if n := gamma*((v2-mean)*inv) + beta; n > best || n != n {
		best = n
	}
	if n := gamma*((v3-mean)*inv) + beta; n > best || n != n {
		best = n
	}
	return best
}

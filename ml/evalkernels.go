package ml

import ()

// Whole-layer kernels (Kernels.Gather, Tiles, Scatter, BiasAct): whole layers for one image, for
// the browser. Under wasm, Go's own loops for im2col, bias, ReLU, BatchNorm and pooling cost
// more than the matrix products themselves (short rows, no SIMD), so the app installs wasm SIMD
// versions of these few kernels and frozen layers hand each of them a whole image at once. The
// functions here are the reference: the installed kernels must give the same numbers bit for
// bit, and that is what the parity tests check. Natively nothing is installed and the layers
// keep their batched path. Each layer's use of them is in its own file (forwardEval).

// EpilogueMode says how Kernels.Tiles finishes each sum.
type EpilogueMode int

const (
	EpSum              EpilogueMode = iota // the sum as it is
	EpBias                                 // sum + bias
	EpBiasReLU                             // max(sum + bias, 0)
	EpBiasReLUNormPool                     // FashionNet's block tail: ReLU, BatchNorm, 2×2 max-pool
	EpColBias                              // sum + bias[column]: a linear layer on a batch
	EpColBiasReLU                          // max(sum + bias[column], 0)
)

// Epilogue is what Tiles applies to each sum: row i is an output channel, except in the Col
// modes, where row i is an image and column j an output feature.
type Epilogue struct {
	Mode EpilogueMode
	Bias []float32 // by row, or by column in the Col modes
	// For EpBiasReLUNormPool, BatchNorm as BatchNorm applies its running statistics:
	// Gamma[i]·((v − Mean[i])·Inv[i]) + Beta[i].
	Mean, Inv, Gamma, Beta []float32
}

// Activation is what BiasAct applies after adding the bias.
type Activation int

const (
	ActNone Activation = iota
	ActReLU
	ActSigmoid // sigmoid's float32 form (see sigmoid)
)

func gatherGo(dst, x []float32, table []int32, channels, plane, taps, panels int) {
	k := channels * taps
	for c := 0; c < channels; c++ {
		xc := x[c*plane : (c+1)*plane]
		for t := 0; t < taps; t++ {
			for p := 0; p < panels; p++ {
				row := dst[(p*k+c*taps+t)*microCols : (p*k+c*taps+t+1)*microCols]
				idx := table[(t*panels+p)*microCols : (t*panels+p+1)*microCols]
				for j, i := range idx {
					row[j] = 0
					if i >= 0 {
						row[j] = xc[i]
					}
				}
			}
		}
	}
}

func tilesGo(ep *Epilogue, k int, a []float32, rowPanels int, b []float32, panels int, out []float32, ldo, m int) {
	tilesWith(microKernelGo, ep, k, a, rowPanels, b, panels, out, ldo, m)
}

// tilesWith is Tiles with micro computing each 6×16 tile: the natively installed Tiles passes
// the FMA assembly, and then gives the batched layers' numbers, which use it too.
func tilesWith(micro func(kc int, a, b, tile []float32), ep *Epilogue, k int, a []float32, rowPanels int, b []float32, panels int, out []float32, ldo, m int) {
	var sum, tile [microRows * microCols]float32
	for p := 0; p < panels; p++ {
		for r := 0; r < rowPanels; r++ {
			for q := 0; q < k; q += blockK {
				kc := min(blockK, k-q)
				micro(kc, a[(r*k+q)*microRows:], b[(p*k+q)*microCols:], tile[:])
				for i, v := range tile {
					if q == 0 {
						sum[i] = v
					} else {
						sum[i] += v
					}
				}
			}
			for i := 0; i < microRows && r*microRows+i < m; i++ {
				epilogueRow(ep, r*microRows+i, sum[i*microCols:(i+1)*microCols], out, ldo, p)
			}
		}
	}
}

// epilogueRow finishes row ch of tile column p: the same float32 operations, in the same order,
// as the unfused layers (Conv2d's bias, ReLU.Forward, BatchNorm and MaxPool2d in evaluation).
func epilogueRow(ep *Epilogue, ch int, s []float32, out []float32, ldo, p int) {
	var v [microCols]float32
	for j, x := range s {
		switch ep.Mode {
		case EpBias, EpBiasReLU, EpBiasReLUNormPool:
			x += ep.Bias[ch]
		case EpColBias, EpColBiasReLU:
			x += ep.Bias[p*microCols+j]
		}
		if (ep.Mode == EpBiasReLU || ep.Mode == EpBiasReLUNormPool || ep.Mode == EpColBiasReLU) && x <= 0 {
			x = 0
		}
		v[j] = x
	}
	if ep.Mode != EpBiasReLUNormPool {
		copy(out[ch*ldo+p*microCols:], v[:])
		return
	}
	m, inv, g, be := ep.Mean[ch], ep.Inv[ch], ep.Gamma[ch], ep.Beta[ch]
	for w := 0; w < microCols/4; w++ {
		out[ch*ldo+p*4+w] = normPoolMax(v[4*w], v[4*w+1], v[4*w+2], v[4*w+3], m, inv, g, be)
	}
}

func scatterGo(out, col []float32, table []int32, channels, plane, taps, pixels int) {
	clear(out[:channels*plane])
	for c := 0; c < channels; c++ {
		oc := out[c*plane : (c+1)*plane]
		for t := 0; t < taps; t++ {
			src := col[(c*taps+t)*pixels : (c*taps+t+1)*pixels]
			for j, i := range table[t*pixels : (t+1)*pixels] {
				if i >= 0 {
					oc[i] += src[j]
				}
			}
		}
	}
}

func biasActGo(x, bias []float32, plane int, act Activation) {
	for c, bv := range bias {
		xs := x[c*plane : (c+1)*plane]
		for i, v := range xs {
			v += bv
			switch act {
			case ActReLU:
				if v <= 0 {
					v = 0
				}
			case ActSigmoid:
				v = sigmoid(v)
			}
			xs[i] = v
		}
	}
}

// convTable is the gather (or scatter) table of geometry g for its first `columns` output
// pixels, tap by tap: entry t·columns + j is where, in one input plane, kernel tap t of output
// pixel j reads (−1 in the padding or past the last pixel). With pooled set, pixels are taken
// window by window (2×2 pooling windows in row-major order, each window's pixels in row-major
// order), which is the column order EpBiasReLUNormPool expects.
func convTable(g convGeom, columns int, pooled bool) []int32 {
	taps := g.Kernel * g.Kernel
	table := make([]int32, taps*columns)
	for t := 0; t < taps; t++ {
		ky, kx := t/g.Kernel, t%g.Kernel
		for j := 0; j < columns; j++ {
			oy, ox := j/g.Wo, j%g.Wo
			if pooled {
				w, d := j/4, j%4
				oy, ox = 2*(w/(g.Wo/2))+d/2, 2*(w%(g.Wo/2))+d%2
			}
			iy, ix := oy*g.Stride-g.Pad+ky, ox*g.Stride-g.Pad+kx
			table[t*columns+j] = -1
			if j < g.pixels() && iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
				table[t*columns+j] = int32(iy*g.W + ix)
			}
		}
	}
	return table
}

// packPanels packs op(A) (m×k) as the eval kernels take weights: panels of microRows rows,
// each the whole depth k.
func packPanels(a matrix, m, k int) []float32 {
	return packPanelsInto(nil, a, m, k)
}

// packPanelsInto is packPanels into dst, grown as needed.
func packPanelsInto(dst []float32, a matrix, m, k int) []float32 {
	rp := (m + microRows - 1) / microRows
	dst = grow(dst, rp*k*microRows)
	for r := 0; r < rp; r++ {
		packA(dst[r*k*microRows:(r+1)*k*microRows], a, r*microRows, min(microRows, m-r*microRows), 0, k)
	}
	return dst
}

// bnEval fills mean and inv with BatchNorm's evaluation constants.
func bnEval(bn *BatchNorm, mean, inv []float32) {
	for ch := range mean {
		mean[ch], inv[ch] = bn.evalConstants(ch)
	}
}

// forwarder is a layer's forward pass: what the eval helpers below fall back to.
type forwarder interface{ Forward(*Tensor) *Tensor }

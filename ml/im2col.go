package ml

// convGeom describes one 2-D convolution's geometry for a single image: C input channels of
// H×W, a square kernel of size Kernel, Stride and zero Pad, giving Ho×Wo output pixels.
type convGeom struct {
	C, H, W, Kernel, Stride, Pad int
	Ho, Wo                       int
}

func newConvGeom(c, h, w, kernel, stride, pad int) convGeom {
	return convGeom{C: c, H: h, W: w, Kernel: kernel, Stride: stride, Pad: pad,
		Ho: (h+2*pad-kernel)/stride + 1, Wo: (w+2*pad-kernel)/stride + 1}
}

// rowLen is K = C·Kernel², the number of rows of the column matrix; row c·Kernel² + ky·Kernel + kx
// matches how an OIHW weight's inner three axes flatten.
func (g convGeom) rowLen() int { return g.C * g.Kernel * g.Kernel }

// pixels is P = Ho·Wo.
func (g convGeom) pixels() int { return g.Ho * g.Wo }

// The column matrix of a batch is K×B·P ("Caffe" layout): row k holds, for every output pixel
// of every image, the input value that kernel tap k sees there (0 over the padding). Image n
// owns columns [n·P, (n+1)·P) of each row, so images can be processed in parallel, and a row
// of one image is built from contiguous runs of the input.

// im2col writes image x (C×H×W) into its columns of col (K×ld, starting at column off).
func im2col(col []float32, ld, off int, x []float32, g convGeom) {
	if k := installed.Load(); k != nil && k.Im2col != nil {
		// The kernel reads and writes raw memory: the bounds the Go would check, checked first.
		_, _ = col[off+(g.rowLen()-1)*ld+g.pixels()-1], x[g.C*g.H*g.W-1]
		k.Im2col(col[off:], ld, x, g.C, g.H, g.W, g.Kernel, g.Stride, g.Pad, g.Ho, g.Wo)
		return
	}
	if g.same() {
		im2colSame(col, ld, off, x, g)
		return
	}
	k := g.Kernel
	for c := 0; c < g.C; c++ {
		plane := x[c*g.H*g.W : (c+1)*g.H*g.W]
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				row := col[((c*k+ky)*k+kx)*ld+off:]
				lo, hi := g.validRange(kx)
				shift := kx - g.Pad
				if g.Stride == 1 {
					// Rows [yLo, yHi) read the image, the others are padding; each row's
					// valid columns [lo, hi) are one run of an input line.
					yLo, yHi := min(max(0, g.Pad-ky), g.Ho), min(max(0, g.H+g.Pad-ky), g.Ho)
					clear(row[:yLo*g.Wo])
					clear(row[yHi*g.Wo : g.Ho*g.Wo])
					if yHi > yLo && hi > lo {
						iy := yLo - g.Pad + ky
						if g.Wo == g.W {
							// Output and input rows are equally long: the runs of all rows
							// are one run of the image, whose stray columns are zeroed below.
							start, end := yLo*g.Wo+lo, (yHi-1)*g.Wo+hi
							copyRows(1, end-start, row[start:], 0, plane[iy*g.W+lo+shift:], 0)
						} else {
							copyRows(yHi-yLo, hi-lo, row[yLo*g.Wo+lo:], g.Wo, plane[iy*g.W+lo+shift:], g.W)
						}
					}
					for oy := yLo; oy < yHi; oy++ {
						dst := row[oy*g.Wo : (oy+1)*g.Wo]
						for ox := 0; ox < lo; ox++ {
							dst[ox] = 0
						}
						for ox := hi; ox < len(dst); ox++ {
							dst[ox] = 0
						}
					}
					continue
				}
				for oy := 0; oy < g.Ho; oy++ {
					dst := row[oy*g.Wo : (oy+1)*g.Wo]
					iy := oy*g.Stride - g.Pad + ky
					if iy < 0 || iy >= g.H {
						clear(dst)
						continue
					}
					line := plane[iy*g.W : (iy+1)*g.W]
					if g.Stride == 2 && hi > lo {
						for ox := 0; ox < lo; ox++ {
							dst[ox] = 0
						}
						for ox := hi; ox < len(dst); ox++ {
							dst[ox] = 0
						}
						src := line[2*lo+shift : 2*hi-1+shift]
						out := dst[lo:hi]
						for i := range out { // every other input: the bounds are checked once
							out[i] = src[2*i]
						}
						continue
					}
					for ox := 0; ox < lo; ox++ { // a call to clear costs more on rows this short
						dst[ox] = 0
					}
					for ox := hi; ox < len(dst); ox++ {
						dst[ox] = 0
					}
					if g.Stride == 1 {
						if hi-lo >= 32 {
							copy(dst[lo:hi], line[lo+shift:])
							continue
						}
						src := line[lo+shift : hi+shift]
						for i, v := range src { // short rows: a call to memmove costs more
							dst[lo+i] = v
						}
						continue
					}
					for ox := lo; ox < hi; ox++ {
						dst[ox] = line[ox*g.Stride-g.Pad+kx]
					}
				}
			}
		}
	}
}

// col2im is im2col's adjoint: it adds image n's columns of col back into dx (C×H×W), which the
// caller zeroes first. It may zero entries of col that fall outside the image (scratch).
func col2im(dx []float32, col []float32, ld, off int, g convGeom) {
	if k := installed.Load(); k != nil && k.Col2im != nil {
		_, _ = col[off+(g.rowLen()-1)*ld+g.pixels()-1], dx[g.C*g.H*g.W-1]
		k.Col2im(dx, col[off:], ld, g.C, g.H, g.W, g.Kernel, g.Stride, g.Pad, g.Ho, g.Wo)
		return
	}
	if g.same() {
		col2imSame(dx, col, ld, off, g)
		return
	}
	for c := 0; c < g.C; c++ {
		plane := dx[c*g.H*g.W : (c+1)*g.H*g.W]
		for ky := 0; ky < g.Kernel; ky++ {
			for kx := 0; kx < g.Kernel; kx++ {
				lo, hi := g.validRange(kx)
				row := col[((c*g.Kernel+ky)*g.Kernel+kx)*ld+off:]
				if g.Stride == 1 {
					yLo, yHi := min(max(0, g.Pad-ky), g.Ho), min(max(0, g.H+g.Pad-ky), g.Ho)
					if yHi <= yLo || hi <= lo {
						continue
					}
					iy := yLo - g.Pad + ky
					if g.Wo != g.W {
						addRows(yHi-yLo, hi-lo, plane[iy*g.W+lo-g.Pad+kx:], g.W, row[yLo*g.Wo+lo:], g.Wo)
						continue
					}
					// Equally long rows: one run over all rows, once the columns that fall
					// outside the image are zeroed (in the caller's scratch col). Adding +0
					// changes nothing: dx starts at +0 and so never holds −0.
					for oy := yLo; oy < yHi; oy++ {
						src := row[oy*g.Wo : (oy+1)*g.Wo]
						for ox := 0; ox < lo; ox++ {
							src[ox] = 0
						}
						for ox := hi; ox < len(src); ox++ {
							src[ox] = 0
						}
					}
					start, end := yLo*g.Wo+lo, (yHi-1)*g.Wo+hi
					addRows(1, end-start, plane[iy*g.W+lo-g.Pad+kx:], 0, row[start:], 0)
					continue
				}
				for oy := 0; oy < g.Ho; oy++ {
					iy := oy*g.Stride - g.Pad + ky
					if iy < 0 || iy >= g.H {
						continue
					}
					src := row[oy*g.Wo : (oy+1)*g.Wo]
					line := plane[iy*g.W : (iy+1)*g.W]
					if g.Stride == 2 && hi > lo {
						dst := line[2*lo-g.Pad+kx : 2*hi-1-g.Pad+kx]
						for i, v := range src[lo:hi] { // every other output: bounds checked once
							dst[2*i] += v
						}
						continue
					}
					for ox := lo; ox < hi; ox++ {
						line[ox*g.Stride-g.Pad+kx] += src[ox]
					}
				}
			}
		}
	}
}

// same reports a stride-1 convolution whose output is as large as its input (FashionNet's
// 3×3 with padding 1): then every kernel tap reads each channel at one shift, and im2col and
// col2im take one tap of all channels at a time.
func (g convGeom) same() bool { return g.Stride == 1 && g.Ho == g.H && g.Wo == g.W }

// tapRun is where kernel tap (ky, kx) of a same convolution reads: rows [yLo, yHi) and columns
// [lo, hi) of the output see the image, the rest padding; the valid values of a channel are the
// one run [start, end) of its column-matrix row, read from the channel at start+shift.
func (g convGeom) tapRun(ky, kx int) (yLo, yHi, lo, hi, start, end, shift int) {
	lo, hi = g.validRange(kx)
	yLo, yHi = min(max(0, g.Pad-ky), g.Ho), min(max(0, g.H+g.Pad-ky), g.Ho)
	start, end = yLo*g.Wo+lo, (yHi-1)*g.Wo+hi
	return yLo, yHi, lo, hi, start, end, (ky-g.Pad)*g.W + kx - g.Pad
}

// im2colSame is im2col for a same convolution, one kernel tap of every channel at a time: its
// rows lie k² rows apart and read the channels' planes at one shift, so each part is one call
// over all channels, where channel by channel the small planes of the last blocks (4×4)
// spent more on the calls than on the values.
func im2colSame(col []float32, ld, off int, x []float32, g convGeom) {
	k, hw := g.Kernel, g.H*g.W
	rs := k * k * ld // from one channel's row of a tap to the next channel's
	for ky := 0; ky < k; ky++ {
		for kx := 0; kx < k; kx++ {
			yLo, yHi, lo, hi, start, end, shift := g.tapRun(ky, kx)
			rows := col[(ky*k+kx)*ld+off:]
			for c := 0; c < g.C; c++ {
				row := rows[c*rs : c*rs+g.Ho*g.Wo]
				clear(row[:yLo*g.Wo])
				clear(row[yHi*g.Wo:])
			}
			if yHi > yLo && hi > lo {
				copyRows(g.C, end-start, rows[start:], rs, x[start+shift:], hw)
			}
			zeroStrayColumns(rows, rs, g, yLo, yHi, lo, hi) // padding, not the next line
		}
	}
}

// zeroStrayColumns zeroes, in the rows of all channels (rs apart) of one kernel tap, the
// columns outside [lo, hi) of output rows [yLo, yHi): where a run over whole rows read the
// neighbouring line instead of the padding.
func zeroStrayColumns(rows []float32, rs int, g convGeom, yLo, yHi, lo, hi int) {
	if lo == 0 && hi == g.Wo {
		return
	}
	for c := 0; c < g.C; c++ {
		row := rows[c*rs:]
		for oy := yLo; oy < yHi; oy++ {
			dst := row[oy*g.Wo : (oy+1)*g.Wo]
			for ox := 0; ox < lo; ox++ { // a call to clear costs more on rows this short
				dst[ox] = 0
			}
			for ox := hi; ox < len(dst); ox++ {
				dst[ox] = 0
			}
		}
	}
}

// col2imSame is col2im for a same convolution, one kernel tap of every channel at a time (see
// im2colSame). Each value of dx receives its channel's taps in the order col2im adds them.
func col2imSame(dx []float32, col []float32, ld, off int, g convGeom) {
	k, hw := g.Kernel, g.H*g.W
	rs := k * k * ld
	for ky := 0; ky < k; ky++ {
		for kx := 0; kx < k; kx++ {
			yLo, yHi, lo, hi, start, end, shift := g.tapRun(ky, kx)
			if yHi <= yLo || hi <= lo {
				continue
			}
			rows := col[(ky*k+kx)*ld+off:]
			// The columns that fall outside the image are zeroed (in the caller's scratch col),
			// so that one run covers all rows. Adding +0 changes nothing: dx starts at +0 and
			// so never holds −0.
			zeroStrayColumns(rows, rs, g, yLo, yHi, lo, hi)
			addRows(g.C, end-start, dx[start+shift:], hw, rows[start:], rs)
		}
	}
}

// validRange is the range [lo, hi) of output columns ox whose input column
// ox·Stride − Pad + kx lies inside the image.
func (g convGeom) validRange(kx int) (lo, hi int) {
	lo = max(0, (g.Pad-kx+g.Stride-1)/g.Stride)
	hi = min(g.Wo, (g.W-1+g.Pad-kx)/g.Stride+1)
	return lo, max(lo, hi)
}

// The batched helpers below run on the cores through a layer's batchJobs (jobs.go), whose
// bodies are made once, so that a training step allocates nothing.

// im2colBatch fills col (K×B·P) from x (B×C×H×W), images in parallel.
func im2colBatch(j *batchJobs, col, x []float32, b int, g convGeom) {
	j.dst, j.src, j.b, j.g = col, x, b, g
	parallelFor(b, b*g.pixels()*g.rowLen(), j.body(jobIm2col))
}

// col2imBatch sets dx (B×C×H×W) to the adjoint of im2colBatch applied to col, images in parallel.
func col2imBatch(j *batchJobs, dx, col []float32, b int, g convGeom) {
	j.dst, j.src, j.b, j.g = dx, col, b, g
	parallelFor(b, b*g.pixels()*g.rowLen(), j.body(jobCol2im))
}

// toChannelMajor sets dst (C×B·S) from src (B×C×S), so that one matrix product covers the whole
// batch.
func toChannelMajor(j *batchJobs, dst, src []float32, b, c, s int) {
	j.dst, j.src, j.b, j.c, j.s = dst, src, b, c, s
	parallelFor(c, b*c*s, j.body(jobToChannelMajor))
}

// fromChannelMajor is toChannelMajor's inverse: dst (B×C×S) from src (C×B·S).
func fromChannelMajor(j *batchJobs, dst, src []float32, b, c, s int) {
	j.dst, j.src, j.b, j.c, j.s = dst, src, b, c, s
	parallelFor(c, b*c*s, j.body(jobFromChannelMajor))
}

// addChannelBias adds bias[c] to every element of channel c of x (B×C×S).
func addChannelBias(j *batchJobs, x, bias []float32, b, s int) {
	j.dst, j.bias, j.b, j.c, j.s = x, bias, b, len(bias), s
	if b*j.c*s < minParallelWork {
		j.addBias(0, j.c) // inline: one image allocates nothing either
		return
	}
	parallelFor(j.c, b*j.c*s, j.body(jobAddBias))
}

// sumChannels adds to dst[c] the sum of channel c of x (B×C×S), in float64 for accuracy.
func sumChannels(j *batchJobs, dst, x []float32, b, c, s int) {
	j.dst, j.src, j.b, j.c, j.s = dst, x, b, c, s
	if s == 1 {
		j.sumColumns()
		return
	}
	if b*c*s < minParallelWork {
		j.sumChannels(0, c)
		return
	}
	parallelFor(c, b*c*s, j.body(jobSumChannels))
}

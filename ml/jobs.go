package ml

// Parallel work without allocation. A closure handed to parallelFor escapes to the helpers, so
// a new one per call is a heap allocation per call; a training step makes hundreds of calls.
// The bodies below are made once per owner (a layer, an optimiser) and read their arguments from
// the owner's fields, which the caller sets before each run. An owner's runs never overlap.

// batchJobs are the batched layers' helpers (im2col.go): im2col and col2im, layout copies,
// channel sums and biases.
type batchJobs struct {
	dst, src, bias []float32
	sums           []float64 // sumColumns's
	b, c, s        int
	g              convGeom
	bodies         [jobKinds]func(lo, hi int)
}

const (
	jobIm2col = iota
	jobCol2im
	jobToChannelMajor
	jobFromChannelMajor
	jobAddBias
	jobSumChannels
	jobKinds
)

// body returns the body of one kind of job, made on first use.
func (j *batchJobs) body(kind int) func(lo, hi int) {
	if f := j.bodies[kind]; f != nil {
		return f
	}
	var f func(lo, hi int)
	switch kind {
	case jobIm2col:
		f = j.im2col
	case jobCol2im:
		f = j.col2im
	case jobToChannelMajor:
		f = j.toChannelMajor
	case jobFromChannelMajor:
		f = j.fromChannelMajor
	case jobAddBias:
		f = j.addBias
	default:
		f = j.sumChannels
	}
	j.bodies[kind] = f
	return f
}

func (j *batchJobs) im2col(lo, hi int) {
	p, in := j.g.pixels(), j.g.C*j.g.H*j.g.W
	for n := lo; n < hi; n++ {
		im2col(j.dst, j.b*p, n*p, j.src[n*in:(n+1)*in], j.g)
	}
}

func (j *batchJobs) col2im(lo, hi int) {
	p, in := j.g.pixels(), j.g.C*j.g.H*j.g.W
	clear(j.dst[lo*in : hi*in])
	for n := lo; n < hi; n++ {
		col2im(j.dst[n*in:(n+1)*in], j.src, j.b*p, n*p, j.g)
	}
}

func (j *batchJobs) toChannelMajor(lo, hi int) {
	b, c, s := j.b, j.c, j.s
	for ch := lo; ch < hi; ch++ {
		for n := 0; n < b; n++ {
			copy(j.dst[ch*b*s+n*s:ch*b*s+(n+1)*s], j.src[(n*c+ch)*s:(n*c+ch+1)*s])
		}
	}
}

func (j *batchJobs) fromChannelMajor(lo, hi int) {
	b, c, s := j.b, j.c, j.s
	for ch := lo; ch < hi; ch++ {
		for n := 0; n < b; n++ {
			copy(j.dst[(n*c+ch)*s:(n*c+ch+1)*s], j.src[ch*b*s+n*s:ch*b*s+(n+1)*s])
		}
	}
}

func (j *batchJobs) addBias(lo, hi int) {
	b, c, s := j.b, j.c, j.s
	if k := installed.Load(); k != nil && k.BiasAct != nil && s%4 == 0 {
		for n := 0; n < b; n++ { // the loop below, an image's channels a call
			k.BiasAct(j.dst[(n*c+lo)*s:(n*c+hi)*s], j.bias[lo:hi], s, ActNone)
		}
		return
	}
	for n := 0; n < b; n++ {
		for ch := lo; ch < hi; ch++ {
			v := j.bias[ch]
			plane := j.dst[(n*c+ch)*s : (n*c+ch+1)*s]
			for i := range plane {
				plane[i] += v
			}
		}
	}
}

func (j *batchJobs) sumChannels(lo, hi int) {
	for ch := lo; ch < hi; ch++ {
		j.dst[ch] += float32(sumPlanes(j.src[ch*j.s:], j.b, j.s, j.c*j.s))
	}
}

// sumColumns is sumChannels for planes of one value (a B×C matrix, a linear layer's bias
// gradient), row by row: channel by channel it made a call per value. The float64 sums are
// sumPlanes's additions in its order (row by row), so the bits are the same.
func (j *batchJobs) sumColumns() {
	j.sums = grow(j.sums, j.c)
	clear(j.sums)
	for r := 0; r < j.b; r++ {
		for ch, v := range j.src[r*j.c : (r+1)*j.c] {
			j.sums[ch] += float64(v)
		}
	}
	for ch, v := range j.sums {
		j.dst[ch] += float32(v)
	}
}

// sliceJob applies a kernel to matching chunks of up to three equally long slices (the
// elementwise layers: ReLU, sigmoid and their gradients).
type sliceJob struct {
	out, x, y []float32
	kernel    func(out, x, y []float32)
	body      func(lo, hi int)
}

// run sets out from x (and y) with kernel, which must be a function that captures nothing.
func (j *sliceJob) run(kernel func(out, x, y []float32), out, x, y []float32) {
	n := len(x)
	if n < minParallelWork {
		kernel(out, x, y) // inline: one image's evaluation allocates nothing
		return
	}
	if j.body == nil {
		j.body = func(lo, hi int) {
			lo, hi = lo*64, min(hi*64, len(j.x))
			var y []float32
			if j.y != nil {
				y = j.y[lo:hi]
			}
			j.kernel(j.out[lo:hi], j.x[lo:hi], y)
		}
	}
	j.out, j.x, j.y, j.kernel = out, x, y, kernel
	// Chunks of 64 elements: whole cache lines and vectors for each core.
	parallelFor((n+63)/64, n, j.body)
}

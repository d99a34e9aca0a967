package ml

// Float64 reductions of float32 slices with four independent accumulators: a single running
// sum is a chain of dependent additions and runs four times slower.

func sum64(x []float32) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float64(x[i])
		s1 += float64(x[i+1])
		s2 += float64(x[i+2])
		s3 += float64(x[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i])
	}
	return (s0 + s1) + (s2 + s3)
}

func sumSquaredDev64(x []float32, mean float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		d0, d1 := float64(x[i])-mean, float64(x[i+1])-mean
		d2, d3 := float64(x[i+2])-mean, float64(x[i+3])-mean
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(x); i++ {
		d := float64(x[i]) - mean
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

func dot64(x, y []float32) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float64(x[i]) * float64(y[i])
		s1 += float64(x[i+1]) * float64(y[i+1])
		s2 += float64(x[i+2]) * float64(y[i+2])
		s3 += float64(x[i+3]) * float64(y[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i]) * float64(y[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// The same reductions over several planes of n values, stride apart (a channel of a B×C×S
// tensor): the sum, in plane order, of each plane's sum64, sumSquaredDev64 or dot64, bit for
// bit, four planes at a time where there is a kernel for it (lanes4), up to 64 planes a call.
const (
	laneSum = iota
	laneSqDev
	laneDot
)

func sumPlanes(x []float32, planes, n, stride int) float64 {
	return reducePlanes(laneSum, x, nil, planes, n, stride, 0)
}

func sqDevPlanes(x []float32, planes, n, stride int, mean float64) float64 {
	return reducePlanes(laneSqDev, x, nil, planes, n, stride, mean)
}

func dotPlanes(x, y []float32, planes, n, stride int) float64 {
	return reducePlanes(laneDot, x, y, planes, n, stride, 0)
}

func reducePlanes(kind int, x, y []float32, planes, n, stride int, mean float64) float64 {
	var total float64
	var each [64]float64
	means := []float64{mean}
	for p := 0; p < planes; p += len(each) {
		k := min(len(each), planes-p)
		var ys []float32
		if y != nil {
			ys = y[p*stride:]
		}
		reduceEach(kind, x[p*stride:], ys, k, n, stride, means, each[:k])
		for _, v := range each[:k] {
			total += v
		}
	}
	return total
}

// reduceEach sets out[p] to plane p's sum64, sumSquaredDev64 (from means[0], or from means[p]
// where there is a mean per plane) or dot64 with y's plane p, bit for bit, four planes at a
// time where there is a kernel for it.
func reduceEach(kind int, x, y []float32, planes, n, stride int, means []float64, out []float64) {
	var buf [16 * 16]float64 // the lanes of up to 16 groups of four planes
	p := 0
	for p+4 <= planes {
		lanes := buf[:16*min((planes-p)/4, 16)]
		if !lanes4(kind, lanes, x, y, p, n, stride, means) {
			break
		}
		for q := 0; q < len(lanes)/4; q, p = q+1, p+1 {
			s := lanes[4*q : 4*q+4]
			off := p * stride
			for i := off + n&^3; i < off+n; i++ { // the tail goes to the first lane, as in sum64
				switch kind {
				case laneSum:
					s[0] += float64(x[i])
				case laneSqDev:
					d := float64(x[i]) - meanOf(means, p)
					s[0] += d * d
				default:
					s[0] += float64(x[i]) * float64(y[i])
				}
			}
			out[p] = (s[0] + s[1]) + (s[2] + s[3])
		}
	}
	for ; p < planes; p++ {
		plane := x[p*stride : p*stride+n]
		switch kind {
		case laneSum:
			out[p] = sum64(plane)
		case laneSqDev:
			out[p] = sumSquaredDev64(plane, meanOf(means, p))
		default:
			out[p] = dot64(plane, y[p*stride:p*stride+n])
		}
	}
}

// meanOf is plane p's mean: means holds one for all planes or one per plane.
func meanOf(means []float64, p int) float64 {
	if len(means) == 1 {
		return means[0]
	}
	return means[p]
}

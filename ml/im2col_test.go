package ml

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestIm2colMatchesDefinition: im2col writes, and col2im adds back, exactly what the definition
// says (tap t = (c, ky, kx) at output pixel (oy, ox) reads input (c, oy·s − pad + ky,
// ox·s − pad + kx), or 0 outside), for same convolutions (one tap of all channels at a time)
// and others, at an offset into a wider column matrix.
func TestIm2colMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 17))
	for _, c := range []struct{ ch, h, w, k, stride, pad int }{
		{1, 32, 32, 3, 1, 1}, {16, 16, 16, 3, 1, 1}, {64, 4, 4, 3, 1, 1}, {3, 5, 7, 3, 1, 1}, {2, 2, 2, 3, 1, 1},
		{2, 6, 6, 5, 1, 2}, {3, 8, 8, 4, 2, 1}, {2, 7, 5, 3, 2, 0}, {2, 6, 6, 3, 1, 0},
	} {
		g := newConvGeom(c.ch, c.h, c.w, c.k, c.stride, c.pad)
		kk, p := g.rowLen(), g.pixels()
		const ld, off = 3, 1 // image 1 of 3 in the column matrix
		x := randSlice(rng, c.ch*c.h*c.w)
		want := make([]float32, kk*ld*p)
		got := randSlice(rng, kk*ld*p) // stale values must be overwritten
		copy(want, got)
		dxWant := make([]float32, len(x))
		for tap := 0; tap < kk; tap++ {
			ch, ky, kx := tap/(c.k*c.k), tap/c.k%c.k, tap%c.k
			for q := 0; q < p; q++ {
				iy, ix := q/g.Wo*c.stride-c.pad+ky, q%g.Wo*c.stride-c.pad+kx
				var v float32
				if iy >= 0 && iy < c.h && ix >= 0 && ix < c.w {
					at := (ch*c.h+iy)*c.w + ix
					v = x[at]
					dxWant[at] += v
				}
				want[tap*ld*p+off*p+q] = v
			}
		}
		im2col(got, ld*p, off*p, x, g)
		name := fmt.Sprintf("%+v", c)
		sameBits(t, name+": im2col", got, want)
		dx := make([]float32, len(x))
		col2im(dx, got, ld*p, off*p, g)
		sameBits(t, name+": col2im", dx, dxWant)
	}
}

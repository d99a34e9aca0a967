package ml

import "math"

// Lerp sets dst to (1−t)·a + t·b.
func Lerp(dst, a, b []float32, t float64) {
	for i := range dst {
		dst[i] = float32((1-t)*float64(a[i]) + t*float64(b[i]))
	}
}

// Slerp sets dst to the spherical interpolation between a and b: it moves along the great
// circle between their directions while interpolating their norms linearly, so intermediate
// codes keep the typical norm of a Gaussian latent instead of shrinking toward the origin as
// Lerp's do. Nearly parallel vectors fall back to Lerp.
func Slerp(dst, a, b []float32, t float64) {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	na, nb = math.Sqrt(na), math.Sqrt(nb)
	if na == 0 || nb == 0 {
		Lerp(dst, a, b, t)
		return
	}
	cos := max(-1, min(1, dot/(na*nb)))
	omega := math.Acos(cos)
	if omega < 1e-4 {
		Lerp(dst, a, b, t)
		return
	}
	s := math.Sin(omega)
	wa, wb := math.Sin((1-t)*omega)/s, math.Sin(t*omega)/s
	norm := (1-t)*na + t*nb
	for i := range dst {
		// Unit directions, combined, then scaled to the interpolated norm.
		dst[i] = float32(norm * (wa*float64(a[i])/na + wb*float64(b[i])/nb))
	}
}

package prep

import "math"

// The cut-out must come out the same in the browser (js/wasm) as in the trainer (amd64): a
// graph cut turns a difference in the last bit of one cost into a different mask where two
// labellings tie. Go's math.Exp and math.Log are assembly on amd64 and Go elsewhere, and may
// differ in that last bit; these use only IEEE addition, multiplication and division, which
// round alike everywhere (Go fuses no multiply-add on amd64 or wasm).

// exactLog is the natural logarithm of x > 0, to about 1e-15.
func exactLog(x float64) float64 {
	frac, exp := math.Frexp(x) // x = frac·2^exp, frac in [0.5, 1)
	if frac < math.Sqrt2/2 {
		frac, exp = 2*frac, exp-1
	}
	// log(frac) = 2·atanh(z) = 2(z + z³/3 + z⁵/5 + …), |z| ≤ 0.172.
	z := (frac - 1) / (frac + 1)
	z2, term, sum := z*z, z, 0.0
	for k := 1; k < 40; k += 2 {
		sum += term / float64(k)
		term *= z2
	}
	return 2*sum + float64(exp)*math.Ln2
}

// exactExp is e^x for x ≤ 0 (the edge weights'), to about 1e-12 relative; 0 below −700.
func exactExp(x float64) float64 {
	if x < -700 {
		return 0
	}
	// e^x = (e^(x/2^k))^(2^k) with |x/2^k| < 0.5: a short Taylor series, then squarings.
	k := 0
	for x < -0.5 {
		x /= 2
		k++
	}
	term, sum := 1.0, 1.0
	for n := 1; n < 20; n++ {
		term *= x / float64(n)
		sum += term
	}
	for range k {
		sum *= sum
	}
	return sum
}

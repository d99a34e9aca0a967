package share

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"lookbook/ml"
)

// A Faces link carries its two latent codes as float16, base64url without padding: 120 codes
// in 320 characters instead of about 1,300 as decimal text. The sender rounds its own codes to
// float16 too (RoundCode), so both ends decode exactly the same faces.

// maxCode bounds a decoded code's values: a VAE's posterior means lie within a few units, and
// anything far outside is a damaged or hand-made link.
const maxCode = 1e4

// ErrBadCode is returned for a latent code that is not 120 finite float16 values.
var ErrBadCode = errors.New("share: bad latent code")

// EncodeCode writes a latent code as float16, base64url.
func EncodeCode(z []float32) string { return EncodeHalves(z) }

// DecodeCode reads a latent code written by EncodeCode, refusing anything but ml.VAELatent
// finite values of reasonable size.
func DecodeCode(s string) ([]float32, error) {
	z, err := DecodeHalves(s, ml.VAELatent, maxCode)
	if err != nil {
		return nil, ErrBadCode
	}
	return z, nil
}

// EncodeHalves writes values as float16, base64url without padding: what links carry numbers
// as (latent codes, a taught class's weights).
func EncodeHalves(v []float32) string {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint16(b[2*i:], ml.FloatToHalf(x))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeHalves reads exactly n values written by EncodeHalves, each finite and within ±limit.
func DecodeHalves(s string, n int, limit float32) ([]float32, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 2*n {
		return nil, fmt.Errorf("share: want %d float16 values in base64url", n)
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = ml.HalfToFloat(binary.LittleEndian.Uint16(b[2*i:]))
		if math.IsNaN(float64(v[i])) || v[i] > limit || v[i] < -limit {
			return nil, fmt.Errorf("share: value %d is %v, outside ±%v", i, v[i], limit)
		}
	}
	return v, nil
}

// RoundCode returns z rounded to float16 precision: the code a link carries.
func RoundCode(z []float32) []float32 {
	out := make([]float32, len(z))
	for i, v := range z {
		out[i] = ml.HalfToFloat(ml.FloatToHalf(v))
	}
	return out
}

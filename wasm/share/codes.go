package share

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
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
func EncodeCode(z []float32) string {
	b := make([]byte, 2*len(z))
	for i, v := range z {
		binary.LittleEndian.PutUint16(b[2*i:], ml.FloatToHalf(v))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCode reads a latent code written by EncodeCode, refusing anything but ml.VAELatent
// finite values of reasonable size.
func DecodeCode(s string) ([]float32, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 2*ml.VAELatent {
		return nil, ErrBadCode
	}
	z := make([]float32, ml.VAELatent)
	for i := range z {
		z[i] = ml.HalfToFloat(binary.LittleEndian.Uint16(b[2*i:]))
		if math.IsNaN(float64(z[i])) || z[i] > maxCode || z[i] < -maxCode {
			return nil, ErrBadCode
		}
	}
	return z, nil
}

// RoundCode returns z rounded to float16 precision: the code a link carries.
func RoundCode(z []float32) []float32 {
	out := make([]float32, len(z))
	for i, v := range z {
		out[i] = ml.HalfToFloat(ml.FloatToHalf(v))
	}
	return out
}

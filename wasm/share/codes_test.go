package share

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"lookbook/ml"
)

func TestCodeRoundTrip(t *testing.T) {
	z := make([]float32, ml.VAELatent)
	for i := range z {
		z[i] = float32(i-60) / 7
	}
	s := EncodeCode(z)
	if len(s) != 320 {
		t.Errorf("a code takes %d characters, want 320", len(s))
	}
	got, err := DecodeCode(s)
	if err != nil {
		t.Fatal(err)
	}
	want := RoundCode(z)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("value %d: %v, want %v (the float16 rounding)", i, got[i], want[i])
		}
	}
	// Rounding is idempotent, so a link made from a link carries the same code.
	again, _ := DecodeCode(EncodeCode(got))
	for i := range got {
		if again[i] != got[i] {
			t.Fatalf("value %d changed on a second round trip", i)
		}
	}
}

func TestDecodeCodeRejects(t *testing.T) {
	code := func(edit func([]byte)) string {
		b := make([]byte, 2*ml.VAELatent)
		edit(b)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	for name, s := range map[string]string{
		"empty":      "",
		"not base64": strings.Repeat("*", 320),
		"too short":  EncodeCode(make([]float32, ml.VAELatent-1)),
		"too long":   EncodeCode(make([]float32, ml.VAELatent+1)),
		"NaN":        code(func(b []byte) { binary.LittleEndian.PutUint16(b[10:], 0x7e00) }),
		"infinite":   code(func(b []byte) { binary.LittleEndian.PutUint16(b[10:], 0x7c00) }),
		"huge":       code(func(b []byte) { binary.LittleEndian.PutUint16(b[10:], ml.FloatToHalf(6e4)) }),
	} {
		if z, err := DecodeCode(s); !errors.Is(err, ErrBadCode) || z != nil {
			t.Errorf("%s: got %v, %v; want ErrBadCode", name, z, err)
		}
	}
}

// TestHalves: values round-trip through EncodeHalves at float16 precision, and DecodeHalves
// refuses a wrong count, bad base64, NaN and values beyond its limit.
func TestHalves(t *testing.T) {
	v := []float32{0, 1, -2.5, 0.333, 1000}
	got, err := DecodeHalves(EncodeHalves(v), len(v), 1e4)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range RoundCode(v) {
		if got[i] != x {
			t.Errorf("value %d: %v, want %v", i, got[i], x)
		}
	}
	nan := float32(math.NaN())
	for name, s := range map[string]string{
		"one too few":  EncodeHalves(v[:4]),
		"not base64":   "!!!" + EncodeHalves(v)[3:],
		"a NaN":        EncodeHalves([]float32{0, 1, nan, 0, 0}),
		"out of range": EncodeHalves([]float32{0, 1, 2e4, 0, 0}),
	} {
		if _, err := DecodeHalves(s, len(v), 1e4); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

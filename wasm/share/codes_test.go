package share

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
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

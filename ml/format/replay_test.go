package format

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lookbook/ml"
)

// TestReplayRoundTripAndDamage: a replay file reads back as written (float16-exact values), and
// damaged ones are refused with an error.
func TestReplayRoundTripAndDamage(t *testing.T) {
	r := &Replay{Features: make([]float32, 3*Latent), Labels: []uint8{0, 9, 4}, Meta: map[string]string{"command": "test"}}
	for i := range r.Features {
		r.Features[i] = ml.HalfToFloat(ml.FloatToHalf(float32(i%17) / 4))
	}
	var buf bytes.Buffer
	if err := EncodeReplay(&buf, r); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeReplay(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.N() != 3 || !bytes.Equal(got.Labels, r.Labels) || got.Meta["command"] != "test" {
		t.Fatalf("read back %d labels %v, meta %v", got.N(), got.Labels, got.Meta)
	}
	for i, v := range got.Features {
		if v != r.Features[i] {
			t.Fatalf("feature %d: %v, wrote %v", i, v, r.Features[i])
		}
	}
	raw := buf.Bytes()
	for _, cut := range []int{0, 8, len(raw) / 2, len(raw) - 1} {
		if _, err := DecodeReplay(raw[:cut]); err == nil {
			t.Errorf("a file cut to %d bytes was accepted", cut)
		}
	}
	bad := &Replay{Features: append([]float32(nil), r.Features...), Labels: []uint8{0, 10, 4}}
	buf.Reset()
	if err := EncodeReplay(&buf, bad); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeReplay(buf.Bytes()); err == nil {
		t.Error("a class out of range was accepted")
	}
	bad = &Replay{Features: append([]float32(nil), r.Features...), Labels: r.Labels}
	bad.Features[5] = float32(math.Inf(1))
	buf.Reset()
	EncodeReplay(&buf, bad)
	if _, err := DecodeReplay(buf.Bytes()); err == nil {
		t.Error("an infinite feature was accepted")
	}
	if err := EncodeReplay(&buf, &Replay{Features: r.Features, Labels: r.Labels[:2]}); err == nil {
		t.Error("inconsistent sizes were written")
	}
}

// TestReadFiles: a missing file says so (fs.ErrNotExist, which tests skip on), and a damaged
// one is refused with its path in the message.
func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadFile(filepath.Join(dir, "none"), DecodeMaps); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing maps file: %v", err)
	}
	bad := filepath.Join(dir, "bad.safetensors")
	os.WriteFile(bad, []byte("not a file of ours"), 0o644)
	for name, read := range map[string]func(string) error{
		"maps":   func(p string) error { _, err := ReadFile(p, DecodeMaps); return err },
		"replay": func(p string) error { _, err := ReadFile(p, DecodeReplay); return err },
	} {
		if err := read(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("%s: a damaged file gave %v", name, err)
		}
	}
}

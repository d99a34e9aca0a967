package ml

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func savedFashionNet(t testing.TB, opt SaveOptions) []byte {
	t.Helper()
	m := NewFashionNet(rand.New(rand.NewPCG(5, 6)))
	m.Norm[2].NumBatchesTracked = 42
	var buf bytes.Buffer
	if err := SaveState(&buf, m.State(), map[string]string{"model": "fashionnet"}, opt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSaveLoadRoundTrip(t *testing.T) {
	src := NewFashionNet(rand.New(rand.NewPCG(5, 6)))
	src.Norm[2].NumBatchesTracked = 42
	data := savedFashionNet(t, SaveOptions{})
	dst := NewFashionNet(rand.New(rand.NewPCG(7, 8)))
	meta, err := LoadState(data, dst.State())
	if err != nil {
		t.Fatal(err)
	}
	if meta["model"] != "fashionnet" {
		t.Errorf("metadata model = %q, want fashionnet", meta["model"])
	}
	want, got := src.State(), dst.State()
	for i := range want {
		if want[i].Int != nil {
			if *got[i].Int != *want[i].Int {
				t.Errorf("%s = %d, want %d", want[i].Name, *got[i].Int, *want[i].Int)
			}
			continue
		}
		for j, v := range want[i].Float.Data {
			if got[i].Float.Data[j] != v {
				t.Fatalf("%s[%d] = %v, want %v", want[i].Name, j, got[i].Float.Data[j], v)
			}
		}
	}
}

func TestSaveLoadHalf(t *testing.T) {
	src := NewFashionNet(rand.New(rand.NewPCG(5, 6)))
	data := savedFashionNet(t, SaveOptions{Half: true})
	if full := savedFashionNet(t, SaveOptions{}); len(data) > len(full)*52/100 {
		t.Errorf("half file is %d bytes, full %d: want about half", len(data), len(full))
	}
	dst := NewFashionNet(rand.New(rand.NewPCG(7, 8)))
	if _, err := LoadState(data, dst.State()); err != nil {
		t.Fatal(err)
	}
	for i, e := range src.State() {
		if e.Float == nil {
			continue
		}
		for j, v := range e.Float.Data {
			got := dst.State()[i].Float.Data[j]
			if math.Abs(float64(got-v)) > math.Abs(float64(v))/1024+1e-7 {
				t.Fatalf("%s[%d] = %v after F16, want %v within half precision", e.Name, j, got, v)
			}
		}
	}
}

func TestHalfConversion(t *testing.T) {
	for _, c := range []struct {
		f float32
		h uint16
	}{
		{0, 0}, {1, 0x3c00}, {-2, 0xc000}, {65504, 0x7bff}, {1e6, 0x7c00},
		{float32(math.Inf(-1)), 0xfc00}, {5.960464477539063e-08, 0x0001}, {6.103515625e-05, 0x0400},
		{0.333251953125, 0x3555},
	} {
		if got := FloatToHalf(c.f); got != c.h {
			t.Errorf("FloatToHalf(%g) = %#04x, want %#04x", c.f, got, c.h)
		}
		if c.h != 0x7c00 || c.f == float32(math.Inf(1)) {
			if got := HalfToFloat(c.h); got != c.f {
				t.Errorf("HalfToFloat(%#04x) = %g, want %g", c.h, got, c.f)
			}
		}
	}
	// Every half value survives the round trip.
	for h := 0; h < 1<<16; h++ {
		f := HalfToFloat(uint16(h))
		if f != f {
			continue
		}
		if back := FloatToHalf(f); back != uint16(h) {
			t.Fatalf("FloatToHalf(HalfToFloat(%#04x)) = %#04x", h, back)
		}
	}
}

// rewriteHeader replaces the JSON header of a safetensors file, keeping its data.
func rewriteHeader(data []byte, edit func(string) string) []byte {
	n := binary.LittleEndian.Uint64(data)
	header := edit(string(data[8 : 8+n]))
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	out = append(out, header...)
	return append(out, data[8+n:]...)
}

func TestLoadRejectsMalformedFiles(t *testing.T) {
	good := savedFashionNet(t, SaveOptions{})
	n := binary.LittleEndian.Uint64(good)
	nanFile := bytes.Clone(good)
	// The first tensor's data starts right after the header; poison its first value.
	binary.LittleEndian.PutUint32(nanFile[8+n:], math.Float32bits(float32(math.NaN())))
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "shorter than the 8-byte header length"},
		{"truncated in header", good[:100], "runs past the end"},
		{"truncated in data", good[:len(good)-10], "outside the"},
		{"huge header length", binary.LittleEndian.AppendUint64(nil, 1<<40), "exceeds"},
		{"header length past end", append(binary.LittleEndian.AppendUint64(nil, 50), "{}"...), "runs past the end"},
		{"bad JSON", rewriteHeader(good, func(h string) string { return h[:len(h)/2] }), "not a JSON object"},
		{"JSON array", rewriteHeader(good, func(string) string { return "[1,2]" }), "not a JSON object"},
		{"JSON null", rewriteHeader(good, func(string) string { return "null" }), "not a JSON object"},
		{"wrong dtype", rewriteHeader(good, func(h string) string { return strings.Replace(h, `"F32"`, `"BF16"`, 1) }), "unsupported dtype"},
		{"float tensor as I64", rewriteHeader(good, func(h string) string {
			return strings.Replace(h, `"conv1.bias":{"dtype":"F32","shape":[16]`, `"conv1.bias":{"dtype":"I64","shape":[8]`, 1)
		}), "want a float type"},
		{"offsets out of range", rewriteHeader(good, func(h string) string {
			return strings.Replace(h, `"data_offsets":[0,`, `"data_offsets":[99999990,`, 1)
		}), "outside the"},
		{"negative offset", rewriteHeader(good, func(h string) string {
			return strings.Replace(h, `"data_offsets":[0,`, `"data_offsets":[-4,`, 1)
		}), "outside the"},
		{"overlapping tensors", rewriteHeader(good, func(h string) string {
			return strings.Replace(h, `"conv1.bias":{"dtype":"F32","shape":[16],"data_offsets":[`, `"conv1.bias":{"dtype":"F32","shape":[16],"data_offsets":[0,64],"x":[`, 1)
		}), "bad header entry"},
		{"shape disagrees with offsets", rewriteHeader(good, func(h string) string {
			return strings.Replace(h, `"shape":[16]`, `"shape":[17]`, 1)
		}), "needs"},
		{"huge shape", rewriteHeader(good, func(h string) string {
			return strings.Replace(h, `"shape":[16]`, `"shape":[4611686018427387904,4]`, 1)
		}), "does not fit"},
		{"missing tensor", rewriteHeader(good, func(h string) string { return strings.Replace(h, `"fc3.bias"`, `"fc3.bias_renamed"`, 1) }), `"fc3.bias" is missing`},
		{"wrong shape", rewriteHeader(good, func(h string) string {
			return strings.Replace(h, `"fc3.bias":{"dtype":"F32","shape":[10]`, `"fc3.bias":{"dtype":"F32","shape":[2,5]`, 1)
		}), "has shape [2 5], want [10]"},
		{"NaN value", nanFile, "holds NaN"},
		{"bad metadata", rewriteHeader(good, func(h string) string {
			return strings.Replace(h, `{"model":"fashionnet"}`, `{"model":7}`, 1)
		}), "__metadata__"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := NewFashionNet(rand.New(rand.NewPCG(1, 1)))
			before := m.FC3.Bias.Value.Clone()
			_, err := LoadState(c.data, m.State())
			if err == nil {
				t.Fatal("loaded a malformed file without error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
			for i, v := range before.Data {
				if m.FC3.Bias.Value.Data[i] != v {
					t.Fatal("a failed load changed the model")
				}
			}
		})
	}
}

func TestDecodeRejectsOverlap(t *testing.T) {
	var buf bytes.Buffer
	a := RawTensor{Name: "a", DType: F32, Shape: []int{2}, Data: make([]byte, 8)}
	b := RawTensor{Name: "b", DType: F32, Shape: []int{2}, Data: make([]byte, 8)}
	if err := EncodeSafetensors(&buf, []RawTensor{a, b}, nil); err != nil {
		t.Fatal(err)
	}
	data := rewriteHeader(buf.Bytes(), func(h string) string { return strings.Replace(h, `[8,16]`, `[4,12]`, 1) })
	if _, _, err := DecodeSafetensors(data); err == nil || !strings.Contains(err.Error(), "overlap") {
		t.Fatalf("overlapping tensors: err = %v, want an overlap error", err)
	}
}

func TestLoadRejectsUnexpectedTensor(t *testing.T) {
	var buf bytes.Buffer
	m := NewVAE(rand.New(rand.NewPCG(1, 1)))
	if err := SaveState(&buf, m.State(), nil, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := LoadState(buf.Bytes(), NewFashionNet(rand.New(rand.NewPCG(1, 1))).State())
	if err == nil {
		t.Fatal("a VAE file loaded into FashionNet")
	}
}

// FuzzLoadState checks that no input makes the loader panic. It loads into a small state (a
// Linear and a BatchNorm) so that each run is fast; run with:
// go test ./ml -run '^$' -fuzz FuzzLoadState -fuzztime 5m
func FuzzLoadState(f *testing.F) {
	rng := rand.New(rand.NewPCG(1, 1))
	lin := NewLinear("fc", 3, 2)
	lin.Init(rng)
	bn := NewBatchNorm("bn", 2)
	state := stateOf(append(lin.Params(), bn.Params()...), []*BatchNorm{bn})
	for _, opt := range []SaveOptions{{}, {Half: true}} {
		var buf bytes.Buffer
		if err := SaveState(&buf, state, map[string]string{"k": "v"}, opt); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
		f.Add(buf.Bytes()[:buf.Len()/2])
	}
	f.Add([]byte{})
	f.Add(append(binary.LittleEndian.AppendUint64(nil, 2), "{}"...))
	f.Fuzz(func(t *testing.T, data []byte) {
		LoadState(data, state)
		if tensors, _, err := DecodeSafetensors(data); err == nil {
			for _, x := range tensors {
				if x.DType != I64 {
					x.Float32s()
				}
			}
		}
	})
}

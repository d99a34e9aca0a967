package format

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"

	"lookbook/ml"
)

// sampleMaps returns n points in two classes with features drawn around two centres and maps
// equal to the first feature coordinates. Values are float16-exact, so a round trip is exact.
func sampleMaps(n int) *Maps {
	rng := rand.New(rand.NewPCG(1, 2))
	m := &Maps{Labels: make([]uint8, n), Predictions: make([]uint8, n), Images: make([]uint8, n*Side*Side),
		Features: make([]float32, n*Latent), PCAMean: make([]float32, Latent), PCAComponents: make([]float32, 3*Latent),
		Perplexity: 5, Meta: map[string]string{"command": "test"}}
	for i := 0; i < n; i++ {
		m.Labels[i] = uint8(i % 2)
		m.Predictions[i] = m.Labels[i]
		if i%7 == 0 {
			m.Predictions[i] = 1 - m.Labels[i]
		}
		m.Images[i*Side*Side+i%(Side*Side)] = uint8(i)
		for j := 0; j < Latent; j++ {
			m.Features[i*Latent+j] = ml.HalfToFloat(ml.FloatToHalf(float32(rng.NormFloat64()*0.1) + 2*float32(m.Labels[i])))
		}
	}
	m.PCAComponents[0], m.PCAComponents[Latent+1], m.PCAComponents[2*Latent+2] = 1, 1, 1
	for k := range MapNames {
		dims := MapDims(k)
		m.Coords[k] = make([]float32, n*dims)
		for i := 0; i < n; i++ {
			for a := 0; a < dims; a++ {
				m.Coords[k][i*dims+a] = m.Features[i*Latent+a]
			}
		}
	}
	return m
}

func encodeMaps(t *testing.T, m *Maps) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := EncodeMaps(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestMapsRoundTrip(t *testing.T) {
	want := sampleMaps(40)
	got, err := DecodeMaps(encodeMaps(t, want))
	if err != nil {
		t.Fatal(err)
	}
	if got.N() != 40 || got.Perplexity != 5 || got.Meta["command"] != "test" || got.Meta["kind"] != MapsKind {
		t.Fatalf("N %d, perplexity %g, meta %v", got.N(), got.Perplexity, got.Meta)
	}
	same := func(name string, a, b []float32) {
		if len(a) != len(b) {
			t.Fatalf("%s: %d values, want %d", name, len(a), len(b))
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s[%d] = %v, want %v", name, i, a[i], b[i])
			}
		}
	}
	same("features", got.Features, want.Features)
	same("pca.components", got.PCAComponents, want.PCAComponents)
	for k, name := range MapNames {
		same(name, got.Coords[k], want.Coords[k])
	}
	if !bytes.Equal(got.Labels, want.Labels) || !bytes.Equal(got.Predictions, want.Predictions) || !bytes.Equal(got.Images, want.Images) {
		t.Error("labels, predictions or images changed")
	}
}

// rewrite re-encodes a maps file's tensors and metadata after edit changed them, to make
// files that EncodeMaps itself would refuse to write.
func rewrite(t *testing.T, raw []byte, edit func(map[string]*ml.RawTensor, map[string]string)) []byte {
	t.Helper()
	tensors, meta, err := ml.DecodeSafetensors(raw)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*ml.RawTensor{}
	for i := range tensors {
		tensors[i].Data = append([]byte(nil), tensors[i].Data...)
		byName[tensors[i].Name] = &tensors[i]
	}
	edit(byName, meta)
	var list []ml.RawTensor
	for _, x := range tensors {
		if _, kept := byName[x.Name]; kept {
			list = append(list, *byName[x.Name])
		}
	}
	var buf bytes.Buffer
	if err := ml.EncodeSafetensors(&buf, list, meta); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecodeMapsRefusesDamage(t *testing.T) {
	good := encodeMaps(t, sampleMaps(40))
	type edit = func(map[string]*ml.RawTensor, map[string]string)
	for _, c := range []struct {
		name, want string
		edit       edit
	}{
		{"not a maps file", "not a Lookbook maps file", func(_ map[string]*ml.RawTensor, m map[string]string) { m["kind"] = "weights" }},
		{"missing map", "tsne3: shape [], want [40 3]", func(ts map[string]*ml.RawTensor, _ map[string]string) { delete(ts, "tsne3") }},
		{"wrong shape", "pca2: shape [20 4]", func(ts map[string]*ml.RawTensor, _ map[string]string) { ts["pca2"].Shape = []int{20, 4} }},
		{"no labels", "bad point count 0", func(ts map[string]*ml.RawTensor, _ map[string]string) { delete(ts, "labels") }},
		{"class out of range", "class out of range at point 3", func(ts map[string]*ml.RawTensor, _ map[string]string) { ts["labels"].Data[3] = 12 }},
		{"NaN coordinate", "tsne2 holds NaN", func(ts map[string]*ml.RawTensor, _ map[string]string) {
			binary.LittleEndian.PutUint16(ts["tsne2"].Data[4:], 0x7e00)
		}},
		{"infinite feature", "features holds NaN or Inf", func(ts map[string]*ml.RawTensor, _ map[string]string) {
			binary.LittleEndian.PutUint16(ts["features"].Data[0:], 0x7c00)
		}},
		{"images not bytes", "images: F16", func(ts map[string]*ml.RawTensor, _ map[string]string) {
			ts["images"].DType = ml.F16
			ts["images"].Shape = []int{40, Side, Side / 2}
		}},
		{"bad perplexity", `bad perplexity "0"`, func(_ map[string]*ml.RawTensor, m map[string]string) { m["perplexity"] = "0" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := DecodeMaps(rewrite(t, good, c.edit))
			if err == nil || m != nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "maps: ") {
				t.Errorf("got %v, want an error containing %q and no maps", err, c.want)
			}
		})
	}
	for _, cut := range []int{0, 7, 100, len(good) / 2, len(good) - 1} {
		if _, err := DecodeMaps(good[:cut]); err == nil {
			t.Errorf("decoded a file cut to %d bytes", cut)
		}
	}
}

func TestEncodeMapsRefusesInconsistentSizes(t *testing.T) {
	m := sampleMaps(10)
	m.Coords[2] = m.Coords[2][:4]
	if err := EncodeMaps(new(bytes.Buffer), m); err == nil || !strings.Contains(err.Error(), "tsne2 has 4 values") {
		t.Errorf("got %v", err)
	}
	m = sampleMaps(10)
	m.Images = m.Images[:5]
	if err := EncodeMaps(new(bytes.Buffer), m); err == nil {
		t.Error("wrote a file with too few images")
	}
}

func TestGalleryRoundTripAndDamage(t *testing.T) {
	g := &Gallery{Meta: map[string]string{"weights": "vae.safetensors"}}
	for i := 0; i < 3; i++ {
		z := make([]float32, ml.VAELatent)
		for j := range z {
			z[j] = float32(i) + float32(j)/100
		}
		g.Latents = append(g.Latents, z)
	}
	var buf bytes.Buffer
	if err := EncodeGallery(&buf, g); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	got, err := DecodeGallery(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Latents) != 3 || got.Latents[2][5] != g.Latents[2][5] || got.Meta["weights"] != "vae.safetensors" {
		t.Fatalf("round trip: %d codes, meta %v", len(got.Latents), got.Meta)
	}
	// Appending to one code must not overwrite the next.
	_ = append(got.Latents[0], 99)
	if got.Latents[1][0] != 1 {
		t.Error("codes share their backing array beyond their length")
	}
	nan := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(nan[len(nan)-4:], 0x7fc00000) // the bits of a float32 NaN
	wrongKind := rewriteGallery(t, good, func(_ *ml.RawTensor, m map[string]string) { m["kind"] = GalleryKind + "x" })
	wrongShape := rewriteGallery(t, good, func(x *ml.RawTensor, _ map[string]string) { x.Shape = []int{6, ml.VAELatent / 2} })
	wrongName := rewriteGallery(t, good, func(x *ml.RawTensor, _ map[string]string) { x.Name = "codes" })
	for name, c := range map[string]struct {
		raw  []byte
		want string
	}{
		"empty":       {nil, "gallery: "},
		"cut":         {good[:len(good)/2], "gallery: "},
		"NaN":         {nan, "code 2 holds NaN"},
		"wrong kind":  {wrongKind, "not a Lookbook gallery file"},
		"wrong shape": {wrongShape, "latents of shape [6 60]"},
		"wrong name":  {wrongName, "one tensor named latents"},
	} {
		if g, err := DecodeGallery(c.raw); err == nil || g != nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", name, err, c.want)
		}
	}
	if err := EncodeGallery(new(bytes.Buffer), &Gallery{Latents: [][]float32{make([]float32, 3)}}); err == nil {
		t.Error("wrote a code of the wrong length")
	}
}

func rewriteGallery(t *testing.T, raw []byte, edit func(*ml.RawTensor, map[string]string)) []byte {
	t.Helper()
	tensors, meta, err := ml.DecodeSafetensors(raw)
	if err != nil {
		t.Fatal(err)
	}
	edit(&tensors[0], meta)
	var buf bytes.Buffer
	if err := ml.EncodeSafetensors(&buf, tensors, meta); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fakeIDX(n, rows, cols int) []byte {
	b := binary.BigEndian.AppendUint32(nil, 0x803)
	b = binary.BigEndian.AppendUint32(b, uint32(n))
	b = binary.BigEndian.AppendUint32(b, uint32(rows))
	b = binary.BigEndian.AppendUint32(b, uint32(cols))
	for i := 0; i < n*rows*cols; i++ {
		b = append(b, byte(i))
	}
	return b
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestReadIDXImages(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		data []byte
		want string // "" for success
	}{
		{"plain", fakeIDX(3, 28, 28), ""},
		{"gzip", gz(fakeIDX(3, 28, 28)), ""},
		{"empty", nil, "short IDX header"},
		{"labels magic", append(binary.BigEndian.AppendUint32(nil, 0x801), make([]byte, 12)...), "magic"},
		{"truncated", fakeIDX(3, 28, 28)[:1000], "truncated"},
		{"truncated gzip", gz(fakeIDX(3, 28, 28))[:30], ""},
		{"huge", fakeIDX(0, 28, 28)[:4], "short IDX header"},
		{"implausible size", func() []byte { b := fakeIDX(0, 28, 28); binary.BigEndian.PutUint32(b[4:], 1<<31); return b }(), "implausible"},
		{"not gzip", append([]byte{0x1f, 0x8b}, "nonsense"...), "gzip"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_"))
			os.WriteFile(p, c.data, 0o644)
			_, n, rows, cols, err := ReadIDXImages(p)
			if c.name == "truncated gzip" {
				if err == nil {
					t.Fatal("read a truncated gzip stream without error")
				}
				return
			}
			if c.want == "" {
				if err != nil || n != 3 || rows != 28 || cols != 28 {
					t.Fatalf("got %d×%d×%d, %v", n, rows, cols, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestFashionImagePadsFlipsShifts(t *testing.T) {
	f := &Fashion{Pixels: make([]byte, 784), Labels: []byte{0}}
	f.Pixels[0] = 255  // top-left corner of the 28×28 image
	f.Pixels[27] = 128 // top-right
	dst := make([]float32, 32*32)
	f.Image(dst, 0, false, 0, 0)
	if dst[2*32+2] != 1 || dst[2*32+29] != 128.0/255 {
		t.Errorf("padding: got %v and %v at the corners", dst[2*32+2], dst[2*32+29])
	}
	f.Image(dst, 0, true, 0, 0)
	if dst[2*32+29] != 1 || dst[2*32+2] != 128.0/255 {
		t.Error("flip did not mirror the image")
	}
	f.Image(dst, 0, false, -2, 1)
	if dst[3*32+0] != 1 {
		t.Error("shift by (-2, +1) did not move the corner to (0, 3)")
	}
}

func TestLoadFashionMissing(t *testing.T) {
	_, err := LoadFashion(t.TempDir(), "train")
	if err == nil || !ErrNotExist(err) || !strings.Contains(err.Error(), "apt-get install dataset-fashion-mnist") {
		t.Fatalf("err = %v, want a not-found error that says how to install the data", err)
	}
}

func TestNPYRoundTripAndErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteNPY(&buf, []float32{1, 2, 3, 4, 5, 6}, 2, 3); err != nil {
		t.Fatal(err)
	}
	arr, err := DecodeNPY(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if arr.DType != "<f4" || len(arr.Shape) != 2 || arr.Shape[0] != 2 || arr.Shape[1] != 3 || arr.F32[5] != 6 {
		t.Fatalf("round trip gave %+v", arr)
	}
	if (buf.Len()-6*4)%64 != 0 {
		t.Errorf("header is not 64-byte aligned: file is %d bytes", buf.Len())
	}
	good := buf.Bytes()
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"not npy", []byte("PK\x03\x04 a zip file"), "not a numpy"},
		{"truncated data", good[:len(good)-3], "truncated"},
		{"fortran", bytes.Replace(good, []byte("False"), []byte("True "), 1), "Fortran"},
		{"float64", bytes.Replace(good, []byte("<f4"), []byte("<f8"), 1), "not supported"},
		{"bad shape", bytes.Replace(good, []byte("(2, 3)"), []byte("(2, x)"), 1), "bad shape"},
		{"huge shape", bytes.Replace(good, []byte("(2, 3)"), []byte("(9999999999,)"), 1), "bad shape"},
	} {
		if _, err := DecodeNPY(bytes.NewReader(c.data)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to mention %q", c.name, err, c.want)
		}
	}
}

func TestLoadFacesFromFolder(t *testing.T) {
	dir := t.TempDir()
	for i, col := range []color.RGBA{{255, 0, 0, 255}, {0, 0, 255, 255}} {
		img := image.NewRGBA(image.Rect(0, 0, 250, 200)) // not square: centre crop
		for y := 0; y < 200; y++ {
			for x := 0; x < 250; x++ {
				img.Set(x, y, col)
			}
		}
		var buf bytes.Buffer
		jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95})
		os.MkdirAll(filepath.Join(dir, "person"), 0o755)
		os.WriteFile(filepath.Join(dir, "person", []string{"a.jpg", "b.jpg"}[i]), buf.Bytes(), 0o644)
	}
	faces, err := LoadFaces(dir)
	if err != nil {
		t.Fatal(err)
	}
	if faces.Len() != 2 {
		t.Fatalf("%d faces, want 2", faces.Len())
	}
	dst := make([]float32, 3*32*32)
	faces.Image(dst, 0, false)
	if dst[0] < 0.95 || dst[32*32] > 0.05 || dst[2*32*32] > 0.05 {
		t.Errorf("first face should be red, got RGB %.2f %.2f %.2f", dst[0], dst[1024], dst[2048])
	}
	if _, err := LoadFaces(t.TempDir()); err == nil {
		t.Error("an empty folder loaded without error")
	}
}

// TestDecodeFashion: the Debian package's gzipped files decode from bytes as from the folder;
// truncated or foreign bytes get an error, not a panic.
func TestDecodeFashion(t *testing.T) {
	images, err := os.ReadFile(filepath.Join(DefaultFashionDir, "t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatalf("%v (make test installs dataset-fashion-mnist)", err)
	}
	labels, err := os.ReadFile(filepath.Join(DefaultFashionDir, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeFashion(images, labels)
	if err != nil {
		t.Fatal(err)
	}
	want, err := LoadFashion(DefaultFashionDir, "t10k")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Pixels, want.Pixels) || !bytes.Equal(got.Labels, want.Labels) {
		t.Error("decoded from bytes, the test set differs from the one read from its folder")
	}
	for name, c := range map[string][2][]byte{
		"truncated images":  {images[:len(images)/2], labels},
		"labels for images": {labels, labels},
		"empty":             {nil, nil},
		"text":              {[]byte("<html>not found</html>"), labels},
	} {
		if _, err := DecodeFashion(c[0], c[1]); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

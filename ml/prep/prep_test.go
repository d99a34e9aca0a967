package prep

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"
)

func canvas(w, h int, bg float32) *Gray {
	g := &Gray{W: w, H: h, Pix: make([]float32, w*h)}
	for i := range g.Pix {
		g.Pix[i] = bg
	}
	return g
}

func fill(g *Gray, x0, y0, x1, y1 int, v float32) {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			g.Pix[y*g.W+x] = v
		}
	}
}

func bbox(view [784]byte) (x0, y0, x1, y1 int) {
	x0, y0, x1, y1 = 28, 28, -1, -1
	for y := 0; y < 28; y++ {
		for x := 0; x < 28; x++ {
			if view[y*28+x] > 25 {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	return
}

func TestCropFitAndCentre(t *testing.T) {
	g := canvas(200, 200, 0)
	fill(g, 10, 20, 30, 100, 1) // a 20×80 bar in the top-left corner
	r, err := Prepare(g)
	if err != nil {
		t.Fatal(err)
	}
	x0, y0, x1, y1 := bbox(r.View)
	if h, w := y1-y0+1, x1-x0+1; h != 28 || w != 7 {
		t.Errorf("bar became %d×%d, want 7 wide and 28 tall (longer side fills the frame)", w, h)
	}
	if cx := (x0 + x1 + 1) / 2; cx < 13 || cx > 15 {
		t.Errorf("bar centred at column %d, want the middle", cx)
	}
	// The padded input has the view in its centre and a 2-pixel black border.
	if r.Input[0] != 0 || r.Input[(2+14)*32+2+14] != float32(r.View[14*28+14])/255 {
		t.Error("input is not the view padded by 2")
	}
}

// TestFrameMapsThePictureOntoTheView: the bar's corners in the picture land on the view's bar.
func TestFrameMapsThePictureOntoTheView(t *testing.T) {
	g := canvas(200, 200, 0)
	fill(g, 10, 20, 30, 100, 1)
	r, err := Prepare(g)
	if err != nil {
		t.Fatal(err)
	}
	x0, y0, x1, y1 := bbox(r.View)
	f := r.Frame
	if f.W != 200 || f.H != 200 {
		t.Errorf("frame of a %d×%d picture, want 200×200", f.W, f.H)
	}
	for _, c := range []struct{ px, py, vx, vy float64 }{
		{10, 20, float64(x0), float64(y0)},
		{30, 100, float64(x1 + 1), float64(y1 + 1)},
	} {
		if vx, vy := f.ToView(c.px, c.py); math.Abs(vx-c.vx) > 0.5 || math.Abs(vy-c.vy) > 0.5 {
			t.Errorf("picture (%v, %v) → view (%.2f, %.2f), want (%v, %v)", c.px, c.py, vx, vy, c.vx, c.vy)
		}
	}
	if vx, vy := FromView(r.View).Frame.ToView(3, 4); vx != 3 || vy != 4 {
		t.Errorf("a view's own frame maps (3, 4) to (%v, %v)", vx, vy)
	}
}

func TestLightBackgroundIsInverted(t *testing.T) {
	dark := canvas(100, 100, 0)
	fill(dark, 30, 20, 70, 80, 0.9)
	light := canvas(100, 100, 1)
	fill(light, 30, 20, 70, 80, 0.1)
	a, err1 := Prepare(dark)
	b, err2 := Prepare(light)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if a.View != b.View {
		t.Error("a dark garment on white should prepare like a light garment on black")
	}
}

func TestBlank(t *testing.T) {
	for _, bg := range []float32{0, 1, 0.5} {
		if _, err := Prepare(canvas(50, 50, bg)); !errors.Is(err, ErrBlank) {
			t.Errorf("uniform %.1f canvas: err = %v, want ErrBlank", bg, err)
		}
	}
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hugePNG is a valid PNG header claiming w×h pixels, followed by no usable data: decoding the
// header must be enough to refuse it.
func hugePNG(t *testing.T, w, h uint32) []byte {
	data := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	binary.BigEndian.PutUint32(data[16:], w)
	binary.BigEndian.PutUint32(data[20:], h)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

func TestDecodeRejectsBadUploads(t *testing.T) {
	good := image.NewRGBA(image.Rect(0, 0, 40, 40))
	for i := range good.Pix {
		good.Pix[i] = 255
	}
	for y := 10; y < 30; y++ {
		for x := 15; x < 25; x++ {
			good.Set(x, y, color.Black)
		}
	}
	goodPNG := encodePNG(t, good)
	if img, err := DecodeImage(goodPNG); err != nil || img.Bounds().Dx() != 40 {
		t.Fatalf("a good PNG: %v", err)
	}
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrEmpty},
		{"text", []byte("hello, this is not an image"), ErrNotImage},
		{"pdf", []byte("%PDF-1.4\n%âãÏÓ\n"), ErrNotImage},
		{"100 megapixels", hugePNG(t, 10000, 10000), ErrTooLarge},
		{"50 MB+", make([]byte, MaxFileBytes+1), ErrTooLarge},
	}
	for _, c := range cases {
		if _, err := DecodeImage(c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := DecodeImage(goodPNG[:len(goodPNG)/2]); err == nil {
		t.Error("a truncated PNG decoded without error")
	}
}

func TestTransparencyIsWhite(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 10, 10)) // fully transparent
	img.Set(5, 5, color.NRGBA{0, 0, 0, 255})
	g := FromImage(img)
	if g.Pix[0] != 1 || g.Pix[5*10+5] != 0 {
		t.Errorf("transparent → %v, opaque black → %v; want 1 and 0", g.Pix[0], g.Pix[55])
	}
}

func TestShrink(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 400, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 400; x++ {
			c := color.NRGBA{200, 100, 50, 255}
			if x >= 200 {
				c = color.NRGBA{0, 0, 0, 0} // transparent: white
			}
			src.Set(x, y, c)
		}
	}
	got := Shrink(src, 64)
	if b := got.Bounds(); b.Dx() != 64 || b.Dy() != 16 {
		t.Fatalf("shrunk to %v, want 64×16", b)
	}
	if c := got.RGBAAt(5, 5); c != (color.RGBA{200, 100, 50, 255}) {
		t.Errorf("left half %v", c)
	}
	if c := got.RGBAAt(60, 5); c != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("transparent half %v, want white", c)
	}
	if small := Shrink(image.NewRGBA(image.Rect(0, 0, 10, 7)), 64); small.Bounds().Dx() != 10 {
		t.Errorf("a small image was resized to %v", small.Bounds())
	}
}

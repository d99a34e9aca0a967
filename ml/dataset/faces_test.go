package dataset

import (
	"bytes"
	"image"
	"math/rand/v2"
	"testing"
)

func TestCropThumbnail(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	rgba := image.NewRGBA(image.Rect(0, 0, 97, 61))
	for i := range rgba.Pix {
		rgba.Pix[i] = byte(rng.IntN(256))
		if i%4 == 3 {
			rgba.Pix[i] = 0xff
		}
	}
	nrgba := image.NewNRGBA(rgba.Rect)
	copy(nrgba.Pix, rgba.Pix) // opaque, so the same colours through the generic path
	for _, r := range []image.Rectangle{image.Rect(10, 5, 50, 45), image.Rect(0, 0, 61, 61), image.Rect(80, 40, 120, 80)} {
		fast, slow := CropThumbnail(rgba, r, 32), CropThumbnail(nrgba, r, 32)
		if !bytes.Equal(fast, slow) {
			t.Errorf("%v: the RGBA fast path differs from the generic one", r)
		}
	}
	if !bytes.Equal(SquareThumbnail(rgba, 32), CropThumbnail(nrgba, image.Rect(18, 0, 79, 61), 32)) {
		t.Error("SquareThumbnail is not the centre crop")
	}
	if got := CropThumbnail(rgba, image.Rect(200, 200, 210, 210), 8); len(got) != 3*64 {
		t.Errorf("a crop outside the image: %d bytes", len(got))
	}
}

package e2e

// The files the browser tests hand to the page: Fashion-MNIST images as PNG, photographs as
// JPEG, and a picture too large to accept.

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"lookbook/ml/dataset"
)

// writePNG saves a Fashion-MNIST test image as a PNG file, as a user would have it.
func writePNG(t *testing.T, dir string, test *dataset.Fashion, i int) (string, []byte) {
	img := image.NewGray(image.Rect(0, 0, 28, 28))
	copy(img.Pix, test.Pixels[i*784:(i+1)*784])
	var buf bytes.Buffer
	png.Encode(&buf, img)
	path := filepath.Join(dir, fmt.Sprintf("test-%05d.png", i))
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

// hugePNG is a real 10000×10000 grayscale PNG (mostly zeros, so small on disk).
func hugePNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 10000, 10000))
	img.Set(5000, 5000, color.Gray{255})
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writePhoto writes a w×h JPEG (quality 92) whose pixels colour gives, and returns its path.
func writePhoto(t *testing.T, name string, w, h int, colour func(x, y int) color.RGBA) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, colour(x, y))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	return tempFile(t, name, buf.Bytes())
}

// tempFile writes data to a file called name in a folder of the test's own, and returns its path.
func tempFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

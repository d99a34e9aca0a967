package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"

	"lookbook/ml/dataset"
	"lookbook/pretrained/drawings"
)

// drawingsCmd writes the drawing benchmark as one PNG sheet per set (the first 600 drawings,
// as the model sees them), so that it can be looked at, and prints the sets' sizes.
func drawingsCmd(c call) error {
	data, out := c.fashionFlag(), c.String("out", "build/drawings", "folder for one PNG sheet per set")
	n := c.Int("n", drawings.BenchImages, "test images to draw as outlines and silhouettes")
	c.parse()
	test, err := dataset.LoadFashion(*data, "t10k")
	if err != nil {
		return err
	}
	sets, err := drawings.Benchmark(test, *n)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, s := range sets {
		path := filepath.Join(*out, slug(s.Name)+".png")
		if err := writeSheet(path, s.Data, 30); err != nil {
			return err
		}
		fmt.Printf("%-20s %6d drawings  → %s\n", s.Name, s.Data.Len(), path)
	}
	return nil
}

func slug(name string) string {
	out := []byte{}
	for _, c := range []byte(name) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			out = append(out, c)
		case len(out) > 0 && out[len(out)-1] != '-':
			out = append(out, '-')
		}
	}
	for len(out) > 0 && out[len(out)-1] == '-' {
		out = out[:len(out)-1]
	}
	return string(out)
}

// writeSheet writes up to the first 600 images of set as a PNG grid, cols to a row.
func writeSheet(path string, set *dataset.Fashion, cols int) error {
	n := min(set.Len(), 600)
	rows := (n + cols - 1) / cols
	img := image.NewGray(image.Rect(0, 0, cols*29+1, rows*29+1))
	for i := range img.Pix {
		img.Pix[i] = 90
	}
	for k := 0; k < n; k++ {
		ox, oy := 1+(k%cols)*29, 1+(k/cols)*29
		for y := 0; y < 28; y++ {
			for x := 0; x < 28; x++ {
				img.SetGray(ox+x, oy+y, color.Gray{set.Pixels[k*784+y*28+x]})
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

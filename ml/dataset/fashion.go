package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// DefaultFashionDir is where Debian's dataset-fashion-mnist package installs the data.
const DefaultFashionDir = "/usr/share/datasets/fashion-mnist"

// FashionSide is the model's input size: 28×28 images zero-padded by 2 on every side.
const FashionSide = 32

// Fashion is a labelled set of Fashion-MNIST images, each stored as 28×28 bytes.
type Fashion struct {
	Pixels []byte // N×28×28
	Labels []byte // N, each in [0, 10)
}

// Len is the number of images.
func (f *Fashion) Len() int { return len(f.Labels) }

// Subset returns the images at the given indices (copied).
func (f *Fashion) Subset(idx []int) *Fashion {
	out := &Fashion{Pixels: make([]byte, 0, len(idx)*784), Labels: make([]byte, 0, len(idx))}
	for _, i := range idx {
		out.Pixels = append(out.Pixels, f.Pixels[i*784:(i+1)*784]...)
		out.Labels = append(out.Labels, f.Labels[i])
	}
	return out
}

// Image writes image i into dst (32×32 floats in [0, 1]), zero-padded by 2 and, when flip is
// set, mirrored left to right, then shifted by (dx, dy) pixels with zero fill. With no flip and
// no shift it is exactly the course project's input.
func (f *Fashion) Image(dst []float32, i int, flip bool, dx, dy int) {
	clear(dst[:FashionSide*FashionSide])
	src := f.Pixels[i*784 : (i+1)*784]
	for y := 0; y < 28; y++ {
		ty := y + 2 + dy
		if ty < 0 || ty >= FashionSide {
			continue
		}
		for x := 0; x < 28; x++ {
			sx := x
			if flip {
				sx = 27 - x
			}
			tx := x + 2 + dx
			if tx < 0 || tx >= FashionSide {
				continue
			}
			dst[ty*FashionSide+tx] = float32(src[y*28+sx]) / 255
		}
	}
}

// LoadFashion reads one split ("train" or "t10k") of Fashion-MNIST from dir, accepting the
// Debian package's gzipped files or plain ones.
func LoadFashion(dir, split string) (*Fashion, error) {
	find := func(kind string) (string, error) {
		base := filepath.Join(dir, fmt.Sprintf("%s-%s", split, kind))
		for _, p := range []string{base + ".gz", base} {
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
		}
		return "", fmt.Errorf("fashion-mnist: %s(.gz) not found; install the data with `sudo apt-get install dataset-fashion-mnist` (it goes to %s) or pass the folder holding the IDX files: %w", base, DefaultFashionDir, fs.ErrNotExist)
	}
	imgPath, err := find("images-idx3-ubyte")
	if err != nil {
		return nil, err
	}
	lblPath, err := find("labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	pixels, n, rows, cols, err := ReadIDXImages(imgPath)
	if err != nil {
		return nil, fmt.Errorf("fashion-mnist: %w", err)
	}
	labels, err := ReadIDXLabels(lblPath)
	if err != nil {
		return nil, fmt.Errorf("fashion-mnist: %w", err)
	}
	return checkFashion(pixels, n, rows, cols, labels, imgPath)
}

// DecodeFashion reads Fashion-MNIST from the bytes of an IDX image file and its label file,
// each gzipped or plain (the Train view downloads the Debian package's files as they are).
func DecodeFashion(images, labels []byte) (*Fashion, error) {
	ir, err := maybeGunzip(bytes.NewReader(images), "the images")
	if err != nil {
		return nil, fmt.Errorf("fashion-mnist: %w", err)
	}
	pixels, n, rows, cols, err := readIDXImages(ir, "the images")
	if err != nil {
		return nil, fmt.Errorf("fashion-mnist: %w", err)
	}
	lr, err := maybeGunzip(bytes.NewReader(labels), "the labels")
	if err != nil {
		return nil, fmt.Errorf("fashion-mnist: %w", err)
	}
	l, err := readIDXLabels(lr, "the labels")
	if err != nil {
		return nil, fmt.Errorf("fashion-mnist: %w", err)
	}
	return checkFashion(pixels, n, rows, cols, l, "the images")
}

func checkFashion(pixels []byte, n, rows, cols int, labels []byte, imgPath string) (*Fashion, error) {
	if rows != 28 || cols != 28 {
		return nil, fmt.Errorf("fashion-mnist: %s holds %d×%d images, want 28×28", imgPath, rows, cols)
	}
	if len(labels) != n {
		return nil, fmt.Errorf("fashion-mnist: %d images but %d labels", n, len(labels))
	}
	for i, l := range labels {
		if l > 9 {
			return nil, fmt.Errorf("fashion-mnist: label %d of image %d is outside 0–9", l, i)
		}
	}
	return &Fashion{Pixels: pixels, Labels: labels}, nil
}

// ErrNotExist reports whether err means the data set is not installed.
func ErrNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

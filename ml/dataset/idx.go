// Package dataset reads the training data Lookbook uses: Fashion-MNIST's IDX files, numpy .npy
// arrays (the course's 32×32 LFW faces) and folders of full-size LFW JPEGs. Every reader
// validates what it reads and says what it expected and where to get it.
package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// IDX magic numbers: two zero bytes, the element type (0x08 = unsigned byte) and the rank.
const (
	idxImages = 0x00000803
	idxLabels = 0x00000801
)

// maxIDXBytes bounds what a reader will allocate for one IDX file (Fashion-MNIST's largest is
// 47 MB uncompressed).
const maxIDXBytes = 1 << 30

// openMaybeGzip opens path, transparently decompressing gzip.
func openMaybeGzip(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := maybeGunzip(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{r, f}, nil
}

// maybeGunzip reads r, decompressing it if it is gzip; name is for errors.
func maybeGunzip(r io.Reader, name string) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(2)
	if !bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%s: bad gzip stream: %w", name, err)
	}
	return zr, nil
}

// ReadIDXImages reads an IDX image file (gzip or plain): n images of rows×cols bytes.
func ReadIDXImages(path string) (pixels []byte, n, rows, cols int, err error) {
	r, err := openMaybeGzip(path)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	defer r.Close()
	return readIDXImages(r, path)
}

func readIDXImages(r io.Reader, path string) (pixels []byte, n, rows, cols int, err error) {
	var hdr [4]uint32
	if err := binary.Read(r, binary.BigEndian, &hdr); err != nil {
		return nil, 0, 0, 0, fmt.Errorf("%s: short IDX header: %w", path, err)
	}
	if hdr[0] != idxImages {
		return nil, 0, 0, 0, fmt.Errorf("%s: magic %#08x, want %#08x (an IDX file of unsigned-byte images)", path, hdr[0], idxImages)
	}
	n, rows, cols = int(hdr[1]), int(hdr[2]), int(hdr[3])
	if rows == 0 || cols == 0 || rows > 4096 || cols > 4096 || uint64(n)*uint64(rows)*uint64(cols) > maxIDXBytes {
		return nil, 0, 0, 0, fmt.Errorf("%s: implausible size %d×%d×%d", path, n, rows, cols)
	}
	pixels = make([]byte, n*rows*cols)
	if _, err := io.ReadFull(r, pixels); err != nil {
		return nil, 0, 0, 0, fmt.Errorf("%s: truncated: header promises %d images of %d×%d: %w", path, n, rows, cols, err)
	}
	return pixels, n, rows, cols, nil
}

// ReadIDXLabels reads an IDX label file (gzip or plain).
func ReadIDXLabels(path string) ([]byte, error) {
	r, err := openMaybeGzip(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return readIDXLabels(r, path)
}

func readIDXLabels(r io.Reader, path string) ([]byte, error) {
	var hdr [2]uint32
	if err := binary.Read(r, binary.BigEndian, &hdr); err != nil {
		return nil, fmt.Errorf("%s: short IDX header: %w", path, err)
	}
	if hdr[0] != idxLabels {
		return nil, fmt.Errorf("%s: magic %#08x, want %#08x (an IDX file of unsigned-byte labels)", path, hdr[0], idxLabels)
	}
	if hdr[1] > maxIDXBytes {
		return nil, fmt.Errorf("%s: implausible label count %d", path, hdr[1])
	}
	labels := make([]byte, hdr[1])
	if _, err := io.ReadFull(r, labels); err != nil {
		return nil, fmt.Errorf("%s: truncated: header promises %d labels: %w", path, hdr[1], err)
	}
	return labels, nil
}

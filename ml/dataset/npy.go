package dataset

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// NPY is an array read from a numpy .npy file (format versions 1–3), C order.
type NPY struct {
	DType string // numpy descr: "|u1" or "<f4"
	Shape []int
	U8    []byte    // for |u1
	F32   []float32 // for <f4
}

var npyMagic = []byte("\x93NUMPY")

var (
	descrRe   = regexp.MustCompile(`'descr':\s*'([^']*)'`)
	fortranRe = regexp.MustCompile(`'fortran_order':\s*(True|False)`)
	shapeRe   = regexp.MustCompile(`'shape':\s*\(([^)]*)\)`)
)

// maxNPYBytes bounds the data a reader accepts.
const maxNPYBytes = 4 << 30

// ReadNPY reads a .npy file holding uint8 or little-endian float32 data in C order.
func ReadNPY(path string) (*NPY, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	arr, err := DecodeNPY(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return arr, nil
}

// DecodeNPY reads a .npy stream.
func DecodeNPY(r io.Reader) (*NPY, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil || !bytes.Equal(pre[:6], npyMagic) {
		return nil, fmt.Errorf("npy: not a numpy .npy file (no \\x93NUMPY magic)")
	}
	var hlen int
	switch pre[6] {
	case 1:
		var n uint16
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return nil, fmt.Errorf("npy: short header: %w", err)
		}
		hlen = int(n)
	case 2, 3:
		var n uint32
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return nil, fmt.Errorf("npy: short header: %w", err)
		}
		if n > 1<<20 {
			return nil, fmt.Errorf("npy: header length %d is implausible", n)
		}
		hlen = int(n)
	default:
		return nil, fmt.Errorf("npy: unsupported format version %d", pre[6])
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("npy: short header: %w", err)
	}
	h := string(hdr)
	d, fo, sh := descrRe.FindStringSubmatch(h), fortranRe.FindStringSubmatch(h), shapeRe.FindStringSubmatch(h)
	if d == nil || fo == nil || sh == nil {
		return nil, fmt.Errorf("npy: header %q lacks descr, fortran_order or shape", strings.TrimSpace(h))
	}
	if fo[1] == "True" {
		return nil, fmt.Errorf("npy: Fortran-ordered arrays are not supported; save with np.ascontiguousarray")
	}
	arr := &NPY{DType: d[1]}
	count := 1
	for _, part := range strings.Split(sh[1], ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		v, err := strconv.Atoi(part)
		if err != nil || v < 0 || v > maxNPYBytes || count*max(v, 1) > maxNPYBytes {
			return nil, fmt.Errorf("npy: bad shape (%s)", sh[1])
		}
		arr.Shape = append(arr.Shape, v)
		count *= v
	}
	switch arr.DType {
	case "|u1", "<u1", "u1":
		arr.DType = "|u1"
		arr.U8 = make([]byte, count)
		if _, err := io.ReadFull(r, arr.U8); err != nil {
			return nil, fmt.Errorf("npy: truncated: shape %v needs %d bytes: %w", arr.Shape, count, err)
		}
	case "<f4":
		raw := make([]byte, 4*count)
		if _, err := io.ReadFull(r, raw); err != nil {
			return nil, fmt.Errorf("npy: truncated: shape %v needs %d bytes: %w", arr.Shape, 4*count, err)
		}
		arr.F32 = make([]float32, count)
		for i := range arr.F32 {
			arr.F32[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	default:
		return nil, fmt.Errorf("npy: dtype %q is not supported (want uint8 '|u1' or float32 '<f4')", arr.DType)
	}
	return arr, nil
}

// WriteNPY writes a float32 array as a version-1 .npy file.
func WriteNPY(w io.Writer, data []float32, shape ...int) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	h := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", tuple)
	// Pad so that magic + version + length + header is a multiple of 64, ending in '\n'.
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	buf := append([]byte{}, npyMagic...)
	buf = append(buf, 1, 0)
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(h)))
	buf = append(buf, h...)
	for _, v := range data {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
	}
	_, err := w.Write(buf)
	return err
}

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
	DType string // numpy descr: "|u1", "<f4", "<i4" or "<i8"
	Shape []int
	U8    []byte    // for |u1
	F32   []float32 // for <f4
	I64   []int64   // for <i4 and <i8 (numpy's default integers)
}

// Labels reads the array as n class labels: integers (uint8, int32 or int64, numpy's default)
// or whole floats, shaped n or n×1.
func (a *NPY) Labels(n int) ([]int, error) {
	if len(a.Shape) == 0 || len(a.Shape) > 2 || len(a.Shape) == 2 && a.Shape[1] != 1 || a.Shape[0] != n {
		return nil, fmt.Errorf("npy: labels shaped %v, want %d or %d×1", a.Shape, n, n)
	}
	labels := make([]int, n)
	for i := range labels {
		switch {
		case a.U8 != nil:
			labels[i] = int(a.U8[i])
		case a.I64 != nil:
			labels[i] = int(a.I64[i])
		default:
			v := a.F32[i]
			if v != float32(int(v)) {
				return nil, fmt.Errorf("npy: label %d is %g, not a whole number", i, v)
			}
			labels[i] = int(v)
		}
	}
	return labels, nil
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
	case "<i4", "<i8":
		size := int(arr.DType[2] - '0')
		raw := make([]byte, size*count)
		if _, err := io.ReadFull(r, raw); err != nil {
			return nil, fmt.Errorf("npy: truncated: shape %v needs %d bytes: %w", arr.Shape, size*count, err)
		}
		arr.I64 = make([]int64, count)
		for i := range arr.I64 {
			if size == 4 {
				arr.I64[i] = int64(int32(binary.LittleEndian.Uint32(raw[4*i:])))
			} else {
				arr.I64[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
			}
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
		return nil, fmt.Errorf("npy: dtype %q is not supported (want uint8 '|u1', int32 '<i4', int64 '<i8' or float32 '<f4')", arr.DType)
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

package ml

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
)

// The safetensors layout (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON mapping each tensor name to {dtype, shape, data_offsets} plus
// an optional "__metadata__" map of strings, then the raw little-endian tensor bytes, with
// offsets relative to the end of the header.

// MaxHeaderBytes bounds the JSON header a reader accepts: far above any real model's, low enough
// that a corrupt length cannot make us allocate gigabytes.
const MaxHeaderBytes = 16 << 20

// DType names a tensor element type as safetensors spells it.
type DType string

// The element types Lookbook reads and writes.
const (
	F32 DType = "F32"
	F16 DType = "F16"
	I64 DType = "I64"
	U8  DType = "U8"
)

func (d DType) size() int {
	switch d {
	case F32:
		return 4
	case F16:
		return 2
	case I64:
		return 8
	case U8:
		return 1
	}
	return 0
}

// RawTensor is one tensor of a safetensors file: its type, shape and little-endian bytes.
type RawTensor struct {
	Name  string
	DType DType
	Shape []int
	Data  []byte
}

// FormatError reports a malformed safetensors file.
type FormatError string

func (e FormatError) Error() string { return "safetensors: " + string(e) }

func formatErr(format string, args ...any) error { return FormatError(fmt.Sprintf(format, args...)) }

type headerEntry struct {
	DType       DType  `json:"dtype"`
	Shape       []int  `json:"shape"`
	DataOffsets [2]int `json:"data_offsets"`
}

// DecodeSafetensors parses a whole safetensors file. It checks the header's length, JSON and
// types, that every tensor's byte range lies within the file, matches its shape and overlaps no
// other. The returned tensors alias data. It never panics, whatever data holds.
func DecodeSafetensors(data []byte) (tensors []RawTensor, metadata map[string]string, err error) {
	if len(data) < 8 {
		return nil, nil, formatErr("file is %d bytes, shorter than the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	if n > MaxHeaderBytes {
		return nil, nil, formatErr("header length %d exceeds the %d-byte limit", n, MaxHeaderBytes)
	}
	if n > uint64(len(data)-8) {
		return nil, nil, formatErr("header length %d runs past the end of the %d-byte file (truncated?)", n, len(data))
	}
	header, body := data[8:8+n], data[8+n:]
	type span struct {
		name       string
		begin, end int
	}
	var spans []span
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(header))
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, formatErr("header is not a JSON object: %v", err)
	}
	if raw == nil {
		return nil, nil, formatErr("header is not a JSON object")
	}
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &metadata); err != nil {
				return nil, nil, formatErr("__metadata__ is not a map of strings: %v", err)
			}
			continue
		}
		var e headerEntry
		d := json.NewDecoder(bytes.NewReader(msg))
		d.DisallowUnknownFields()
		if err := d.Decode(&e); err != nil {
			return nil, nil, formatErr("tensor %q: bad header entry: %v", name, err)
		}
		size := e.DType.size()
		if size == 0 {
			return nil, nil, formatErr("tensor %q: unsupported dtype %q (want F32, F16, I64 or U8)", name, e.DType)
		}
		begin, end := e.DataOffsets[0], e.DataOffsets[1]
		if begin < 0 || end < begin || end > len(body) {
			return nil, nil, formatErr("tensor %q: data offsets [%d, %d] outside the %d data bytes", name, begin, end, len(body))
		}
		count := 1
		for _, dim := range e.Shape {
			if dim < 0 || dim > len(body) || count > len(body)/max(dim, 1) {
				return nil, nil, formatErr("tensor %q: shape %v does not fit the file", name, e.Shape)
			}
			count *= dim
		}
		if count*size != end-begin {
			return nil, nil, formatErr("tensor %q: shape %v of %s needs %d bytes, offsets give %d", name, e.Shape, e.DType, count*size, end-begin)
		}
		tensors = append(tensors, RawTensor{Name: name, DType: e.DType, Shape: e.Shape, Data: body[begin:end:end]})
		spans = append(spans, span{name, begin, end})
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].begin != spans[j].begin {
			return spans[i].begin < spans[j].begin
		}
		return spans[i].name < spans[j].name
	})
	for i := 1; i < len(spans); i++ {
		if spans[i-1].end > spans[i].begin {
			return nil, nil, formatErr("tensors %q and %q overlap", spans[i-1].name, spans[i].name)
		}
	}
	// Map iteration order is random: give callers a deterministic order.
	sort.Slice(tensors, func(i, j int) bool { return tensors[i].Name < tensors[j].Name })
	return tensors, metadata, nil
}

// EncodeSafetensors writes tensors in the given order with the metadata.
func EncodeSafetensors(w io.Writer, tensors []RawTensor, metadata map[string]string) error {
	header := map[string]any{}
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	offset := 0
	for _, t := range tensors {
		if t.DType.size() == 0 || Numel(t.Shape)*t.DType.size() != len(t.Data) {
			return fmt.Errorf("safetensors: tensor %q: %d bytes do not hold shape %v of %s", t.Name, len(t.Data), t.Shape, t.DType)
		}
		if _, dup := header[t.Name]; dup {
			return fmt.Errorf("safetensors: tensor %q appears twice", t.Name)
		}
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		header[t.Name] = headerEntry{DType: t.DType, Shape: shape, DataOffsets: [2]int{offset, offset + len(t.Data)}}
		offset += len(t.Data)
	}
	js, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("safetensors: encode header: %w", err)
	}
	// Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
	for len(js)%8 != 0 {
		js = append(js, ' ')
	}
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(js)))
	if _, err := w.Write(lenBuf[:]); err != nil {
		return fmt.Errorf("safetensors: write: %w", err)
	}
	if _, err := w.Write(js); err != nil {
		return fmt.Errorf("safetensors: write: %w", err)
	}
	for _, t := range tensors {
		if _, err := w.Write(t.Data); err != nil {
			return fmt.Errorf("safetensors: write %s: %w", t.Name, err)
		}
	}
	return nil
}

// Float32Bytes encodes v as little-endian F32 bytes.
func Float32Bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// Float32s decodes t's data (F32 or F16) to float32 values.
func (t RawTensor) Float32s() ([]float32, error) {
	switch t.DType {
	case F32:
		v := make([]float32, len(t.Data)/4)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
		}
		return v, nil
	case F16:
		v := make([]float32, len(t.Data)/2)
		for i := range v {
			v[i] = HalfToFloat(binary.LittleEndian.Uint16(t.Data[2*i:]))
		}
		return v, nil
	}
	return nil, fmt.Errorf("tensor %q is %s, want a float type", t.Name, t.DType)
}

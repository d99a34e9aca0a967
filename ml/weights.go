package ml

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// SaveOptions chooses how SaveState stores float tensors.
type SaveOptions struct {
	// Half stores float tensors as F16, halving the file for the browser. Values are rounded
	// to the nearest half; loading converts them back to float32.
	Half bool
}

// SaveState writes a model's state (see FashionNet.State, VAE.State) as safetensors with the
// given metadata.
func SaveState(w io.Writer, state []StateEntry, metadata map[string]string, opt SaveOptions) error {
	raws := make([]RawTensor, 0, len(state))
	for _, e := range state {
		switch {
		case e.Int != nil:
			b := make([]byte, 8)
			binary.LittleEndian.PutUint64(b, uint64(*e.Int))
			raws = append(raws, RawTensor{Name: e.Name, DType: I64, Shape: []int{}, Data: b})
		case opt.Half:
			b := make([]byte, 2*len(e.Float.Data))
			for i, v := range e.Float.Data {
				binary.LittleEndian.PutUint16(b[2*i:], FloatToHalf(v))
			}
			raws = append(raws, RawTensor{Name: e.Name, DType: F16, Shape: e.Float.Shape, Data: b})
		default:
			raws = append(raws, RawTensor{Name: e.Name, DType: F32, Shape: e.Float.Shape, Data: Float32Bytes(e.Float.Data)})
		}
	}
	return EncodeSafetensors(w, raws, metadata)
}

// LoadState reads safetensors data into a model's state. Every entry of state must be present
// with its exact shape and a fitting dtype (F32 or F16 for tensors, I64 for counters), no other
// tensor may be present, and no value may be NaN or infinite. On error the model is unchanged.
// It returns the file's metadata.
func LoadState(data []byte, state []StateEntry) (map[string]string, error) {
	tensors, metadata, err := DecodeSafetensors(data)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]RawTensor, len(tensors))
	for _, t := range tensors {
		byName[t.Name] = t
	}
	floats := make([][]float32, len(state))
	ints := make([]int64, len(state))
	for i, e := range state {
		t, ok := byName[e.Name]
		if !ok {
			return nil, fmt.Errorf("weights: tensor %q is missing", e.Name)
		}
		delete(byName, e.Name)
		if e.Int != nil {
			if t.DType != I64 || len(t.Shape) != 0 {
				return nil, fmt.Errorf("weights: tensor %q: %s%v, want a scalar I64", e.Name, t.DType, t.Shape)
			}
			ints[i] = int64(binary.LittleEndian.Uint64(t.Data))
			continue
		}
		if t.DType != F32 && t.DType != F16 {
			return nil, fmt.Errorf("weights: tensor %q is %s, want a float type (F32 or F16)", e.Name, t.DType)
		}
		if !SameShape(t.Shape, e.Float.Shape) {
			return nil, fmt.Errorf("weights: tensor %q has shape %v, want %v", e.Name, t.Shape, e.Float.Shape)
		}
		v, err := t.Float32s()
		if err != nil {
			return nil, fmt.Errorf("weights: %w", err)
		}
		for j, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return nil, fmt.Errorf("weights: tensor %q holds %v at index %d", e.Name, x, j)
			}
		}
		floats[i] = v
	}
	for _, t := range tensors { // in name order, so the message is stable
		if _, extra := byName[t.Name]; extra {
			return nil, fmt.Errorf("weights: unexpected tensor %q (is this the right model's file?)", t.Name)
		}
	}
	for i, e := range state {
		if e.Int != nil {
			*e.Int = ints[i]
		} else {
			copy(e.Float.Data, floats[i])
		}
	}
	return metadata, nil
}

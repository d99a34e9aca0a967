package dataset

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// npyFile is a version-1 .npy file holding data (already in the dtype's bytes) under descr and shape.
func npyFile(descr, shape string, data []byte) []byte {
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, shape)
	header += strings.Repeat(" ", 63-(10+len(header))%64) + "\n"
	out := append([]byte("\x93NUMPY\x01\x00"), byte(len(header)), byte(len(header)>>8))
	return append(append(out, header...), data...)
}

func littleEndian(values ...any) []byte {
	var buf bytes.Buffer
	for _, v := range values {
		binary.Write(&buf, binary.LittleEndian, v)
	}
	return buf.Bytes()
}

// TestLabels reads class labels the way numpy saves them: its default int64, int32, uint8 and
// float32, shaped n or n×1, and refuses what cannot be n labels.
func TestLabels(t *testing.T) {
	want := []int{3, 0, 9}
	for _, c := range []struct {
		name    string
		file    []byte
		wantErr string
	}{
		{"int64, 1-D", npyFile("<i8", "3,", littleEndian(int64(3), int64(0), int64(9))), ""},
		{"int32, N×1", npyFile("<i4", "3, 1", littleEndian(int32(3), int32(0), int32(9))), ""},
		{"uint8", npyFile("|u1", "3,", []byte{3, 0, 9}), ""},
		{"float32", npyFile("<f4", "3,", littleEndian(float32(3), float32(0), float32(9))), ""},
		{"too few", npyFile("<i8", "2,", littleEndian(int64(3), int64(0))), "want 3 or 3×1"},
		{"two columns", npyFile("<i4", "3, 2", littleEndian(make([]int32, 6))), "want 3 or 3×1"},
		{"fractions", npyFile("<f4", "3,", littleEndian(float32(3), float32(0.5), float32(9))), "not a whole number"},
	} {
		arr, err := DecodeNPY(bytes.NewReader(c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got, err := arr.Labels(3)
		switch {
		case c.wantErr == "" && (err != nil || !slices.Equal(got, want)):
			t.Errorf("%s: labels %v, %v; want %v", c.name, got, err, want)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%s: err %v, want it to say %q", c.name, err, c.wantErr)
		}
	}
}

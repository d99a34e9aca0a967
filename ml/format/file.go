package format

import (
	"fmt"
	"os"
)

// ReadFile reads a shipped file from disk and decodes it, e.g. ReadFile(path, DecodeMaps).
func ReadFile[T any](path string, decode func([]byte) (T, error)) (T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := decode(data)
	if err != nil {
		return v, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

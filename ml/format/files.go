package format

import (
	"fmt"
	"os"
)

// ReadMaps reads and checks the maps file at path. A file that cannot be read gives os's
// error (errors.Is(err, fs.ErrNotExist) when it is missing); a damaged one, DecodeMaps's.
func ReadMaps(path string) (*Maps, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := DecodeMaps(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ReadReplay reads and checks the replay file at path, as ReadMaps does.
func ReadReplay(path string) (*Replay, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := DecodeReplay(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// Package share encodes the app's state in a URL fragment, so that a link reopens exactly what
// its sender saw, and nothing is stored anywhere. The format is versioned: "v1." followed by
// base64url (no padding) of DEFLATE-compressed bytes:
//
//	byte 0       view: 0 Classify, 1 Map, 2 Faces, 3 Teach, 4 Train
//	byte 1       flags: bit 0 set when an image follows
//	bytes 2–785  the 28×28 image the model saw (only when flag bit 0 is set)
//	then         view options as key=value pairs separated by '&' (later views add theirs)
//
// Decoding checks every length and refuses anything malformed, truncated or oversized.
package share

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// View names the app's views.
type View byte

// The views.
const (
	Classify View = iota
	Map
	Faces
	Teach
	Train
)

// State is what a link carries.
type State struct {
	View     View
	HasImage bool
	Image    [784]byte
	Options  url.Values
}

// Limits against hostile links.
const (
	MaxFragment = 16 << 10 // characters
	maxDecoded  = 64 << 10 // bytes after decompression
	prefix      = "v1."
)

// ErrMalformed is returned (wrapped) for any link that is not a valid state.
var ErrMalformed = errors.New("the link is damaged or was not made by this version of Lookbook")

// Encode returns the fragment (without '#') for s.
func Encode(s State) string {
	var raw bytes.Buffer
	raw.WriteByte(byte(s.View))
	if s.HasImage {
		raw.WriteByte(1)
		raw.Write(s.Image[:])
	} else {
		raw.WriteByte(0)
	}
	raw.WriteString(s.Options.Encode())
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.BestCompression)
	w.Write(raw.Bytes())
	w.Close()
	return prefix + base64.RawURLEncoding.EncodeToString(z.Bytes())
}

// Decode parses a fragment (with or without a leading '#').
func Decode(fragment string) (State, error) {
	fragment = strings.TrimPrefix(fragment, "#")
	if len(fragment) > MaxFragment {
		return State{}, fmt.Errorf("%w (it is %d characters long)", ErrMalformed, len(fragment))
	}
	body, ok := strings.CutPrefix(fragment, prefix)
	if !ok {
		return State{}, fmt.Errorf("%w (unknown version)", ErrMalformed)
	}
	z, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return State{}, fmt.Errorf("%w (bad encoding)", ErrMalformed)
	}
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), maxDecoded+1))
	if err != nil {
		return State{}, fmt.Errorf("%w (truncated)", ErrMalformed)
	}
	if len(raw) > maxDecoded || len(raw) < 2 {
		return State{}, fmt.Errorf("%w (wrong size)", ErrMalformed)
	}
	s := State{View: View(raw[0])}
	if s.View > Train || raw[1] > 1 {
		return State{}, fmt.Errorf("%w (unknown view or flags)", ErrMalformed)
	}
	rest := raw[2:]
	if raw[1] == 1 {
		if len(rest) < len(s.Image) {
			return State{}, fmt.Errorf("%w (image truncated)", ErrMalformed)
		}
		s.HasImage = true
		copy(s.Image[:], rest)
		rest = rest[len(s.Image):]
	}
	if s.Options, err = url.ParseQuery(string(rest)); err != nil {
		return State{}, fmt.Errorf("%w (bad options)", ErrMalformed)
	}
	return s, nil
}

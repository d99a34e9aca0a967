// Package sketch reads garments drawn by hand: strokes on a 100×100 grid, in the JSON layout
// of pretrained/sketches/sketches.json (the drawing benchmark's sketches, and the page's
// example list, which fetches that file). It parses; the data stays with the shipped files.
package sketch

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"lookbook/ml"
	"lookbook/ml/pad"
)

// Sketch is a garment drawn from memory with a mouse: a few strokes on a 100×100 grid
// (0, 0 top left), written by hand, not traced from any image.
type Sketch struct {
	Name    string
	Class   int
	Heldout bool // held back while the training recipe was chosen
	Strokes [][]pad.Point
}

// sketchFile is the JSON layout: each stroke is a string of "x,y" pairs separated by spaces.
type sketchFile struct {
	Sketches []struct {
		Name    string   `json:"name"`
		Class   string   `json:"class"`
		Heldout bool     `json:"heldout"`
		Strokes []string `json:"strokes"`
	} `json:"sketches"`
}

// Parse reads sketches in the layout of sketches.json.
func Parse(data []byte) ([]Sketch, error) {
	var f sketchFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("sketches: %w", err)
	}
	out := make([]Sketch, 0, len(f.Sketches))
	for _, s := range f.Sketches {
		class := -1
		for c, name := range ml.FashionNetClasses {
			if name == s.Class {
				class = c
			}
		}
		if class < 0 {
			return nil, fmt.Errorf("sketches: %s: unknown class %q", s.Name, s.Class)
		}
		sk := Sketch{Name: s.Name, Class: class, Heldout: s.Heldout}
		for i, text := range s.Strokes {
			var stroke []pad.Point
			for _, pair := range strings.Fields(text) {
				xs, ys, ok := strings.Cut(pair, ",")
				x, errX := strconv.ParseFloat(xs, 64)
				y, errY := strconv.ParseFloat(ys, 64)
				if !ok || errX != nil || errY != nil || x < 0 || x > 100 || y < 0 || y > 100 {
					return nil, fmt.Errorf("sketches: %s: stroke %d: bad point %q (want x,y within 0–100)", s.Name, i+1, pair)
				}
				stroke = append(stroke, pad.Point{X: x / 100, Y: y / 100})
			}
			if len(stroke) == 0 {
				return nil, fmt.Errorf("sketches: %s: stroke %d is empty", s.Name, i+1)
			}
			sk.Strokes = append(sk.Strokes, stroke)
		}
		if len(sk.Strokes) == 0 {
			return nil, fmt.Errorf("sketches: %s has no strokes", s.Name)
		}
		out = append(out, sk)
	}
	return out, nil
}

// Render returns the sketch's strokes drawn with a brush of the given radius (pad pixels).
func (s Sketch) Render(radius float64) []pad.Stroke {
	out := make([]pad.Stroke, len(s.Strokes))
	for i, pts := range s.Strokes {
		out[i] = pad.Stroke{Points: pts, Radius: radius}
	}
	return out
}

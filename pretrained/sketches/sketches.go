// Package sketches holds the garments drawn by hand for the drawing benchmark: sketches.json,
// parsed by lookbook/ml/sketch. The page fetches the same file for its example list.
package sketches

import (
	_ "embed"

	"lookbook/ml/sketch"
)

// JSON is sketches.json as shipped.
//
//go:embed sketches.json
var JSON []byte

// All returns the hand-written sketches shipped with the benchmark.
func All() ([]sketch.Sketch, error) { return sketch.Parse(JSON) }

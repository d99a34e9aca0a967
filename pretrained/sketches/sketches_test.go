package sketches

import (
	"testing"

	"lookbook/ml/pad"
	"lookbook/ml/prep"
)

// TestShippedSketches checks the benchmark's sketches: at least 8 a class, a held-out part in
// every class, and each one drawable (prep finds something to classify).
func TestShippedSketches(t *testing.T) {
	sketches, err := All()
	if err != nil {
		t.Fatal(err)
	}
	var perClass, heldout [10]int
	names := map[string]bool{}
	for _, s := range sketches {
		perClass[s.Class]++
		if s.Heldout {
			heldout[s.Class]++
		}
		if names[s.Name] {
			t.Errorf("two sketches are named %s", s.Name)
		}
		names[s.Name] = true
		if _, err := prep.Prepare(pad.Render(nil, s.Render(pad.BrushRadius(pad.DefaultBrush)))); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
	}
	for c := range perClass {
		if perClass[c] < 8 || heldout[c] == 0 || heldout[c] == perClass[c] {
			t.Errorf("class %d: %d sketches, %d held out; want at least 8 with some, not all, held out", c, perClass[c], heldout[c])
		}
	}
}

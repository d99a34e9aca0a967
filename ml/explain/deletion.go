package explain

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"lookbook/ml"
)

// The deletion test (Petsiuk et al., RISE, 2018) asks how faithful a map is: remove the input's
// pixels in the order the map ranks them, most important first, and watch the probability of
// the explained class fall. A map that found what the model really uses makes it fall at once;
// the area under the curve is small. Removing sets a pixel to 0, the background; only the
// garment's pixels (those above 0) are ranked and removed, DeletionSteps equal shares at a time.

// DeletionSteps is how many shares the garment's pixels are removed in (5 % each).
const DeletionSteps = 20

// Deletion runs deletion tests on one model.
type Deletion struct {
	model *ml.FashionNet
	batch []float32
	order []int
	probs []float32
}

// NewDeletion returns a deletion test of m's current weights.
func NewDeletion(m *ml.FashionNet) *Deletion { return &Deletion{model: m.Copy()} }

// Predict returns the model's answer for x (32×32 values).
func (d *Deletion) Predict(x []float32) int {
	return ml.ArgMax(d.model.Forward(ml.FromData(x, 1, 1, Side, Side)).Data)
}

// Curve returns the probability of class after removing 0, 5, …, 100 % of x's garment pixels in
// the order of rank (highest first; ties in pixel order), DeletionSteps+1 values.
func (d *Deletion) Curve(x, rank []float32, class int) ([]float64, error) {
	if len(x) != Pixels || len(rank) != Pixels {
		return nil, fmt.Errorf("explain: deletion of %d values ranked by %d, want %d each", len(x), len(rank), Pixels)
	}
	if class < 0 || class >= d.model.FC3.Out {
		return nil, fmt.Errorf("explain: class %d does not exist, want 0 to %d", class, d.model.FC3.Out-1)
	}
	d.order = d.order[:0]
	for p, v := range x {
		if v > 0 {
			d.order = append(d.order, p)
		}
	}
	slices.SortStableFunc(d.order, func(a, b int) int { return cmp.Compare(rank[b], rank[a]) })
	n := DeletionSteps + 1
	d.batch = grow(d.batch, n*Pixels)
	for s := 0; s < n; s++ {
		img := d.batch[s*Pixels : (s+1)*Pixels]
		copy(img, x)
		removed := int(math.Round(float64(s) * float64(len(d.order)) / DeletionSteps))
		for _, p := range d.order[:removed] {
			img[p] = 0
		}
	}
	logits := d.model.Forward(ml.FromData(d.batch, n, 1, Side, Side))
	k := logits.Shape[1]
	d.probs = grow(d.probs, len(logits.Data))
	ml.Softmax(d.probs, logits.Data, k)
	curve := make([]float64, n)
	for s := range curve {
		curve[s] = float64(d.probs[s*k+class])
	}
	return curve, nil
}

// AUC is the area under a deletion curve over the removed share 0 to 1 (the trapezoid rule).
func AUC(curve []float64) float64 {
	if len(curve) < 2 {
		return 0
	}
	var area float64
	for i := 1; i < len(curve); i++ {
		area += (curve[i-1] + curve[i]) / 2
	}
	return area / float64(len(curve)-1)
}

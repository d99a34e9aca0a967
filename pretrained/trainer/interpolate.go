package trainer

import (
	"math/rand/v2"

	"lookbook/ml"
)

// InterpolateFashionNet returns the FashionNet whose every weight and BatchNorm statistic is
// (1−alpha)·from + alpha·to, in evaluation mode: a fine-tuned model pulled part of the way back
// to the model it was fine-tuned from (WiSE-FT, Wortsman et al. 2022), which keeps more of what
// the first knew while keeping much of what the second learnt. from and to must share their
// lineage (to fine-tuned from from) for the mixture to mean anything. BatchNorm's batch counter
// is to's.
func InterpolateFashionNet(from, to *ml.FashionNet, alpha float64) *ml.FashionNet {
	m := ml.NewFashionNet(rand.New(rand.NewPCG(0, 0)))
	a, b, out := from.State(), to.State(), m.State()
	for i, e := range out {
		if e.Float == nil {
			*e.Int = *b[i].Int
			continue
		}
		for j := range e.Float.Data {
			e.Float.Data[j] = float32((1-alpha)*float64(a[i].Float.Data[j]) + alpha*float64(b[i].Float.Data[j]))
		}
	}
	m.SetTraining(false)
	return m
}

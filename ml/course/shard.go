package course

import (
	"fmt"

	"lookbook/ml"
)

// PackGradients copies every gradient of params into one slice, in order: what a worker sends
// the other in an Exchange.
func PackGradients(params []*ml.Param) []float32 {
	out := make([]float32, 0, GradientCount(params))
	for _, p := range params {
		out = append(out, p.Grad.Data...)
	}
	return out
}

// GradientCount is how many gradient values params hold: the length of what a worker sends.
func GradientCount(params []*ml.Param) int {
	n := 0
	for _, p := range params {
		n += len(p.Grad.Data)
	}
	return n
}

// MeanWithPeer sets each gradient of params, and each of figures, to its mean with the other
// worker's (peer: its packed gradients, then its figures). Both workers get the same bits
// whichever calls it (ml.HalfSumInto), and so take the same optimiser step.
func MeanWithPeer(params []*ml.Param, figures []float64, peer []float32, peerFigures []float64) error {
	at := 0
	for _, p := range params {
		g := p.Grad.Data
		if len(peer) < at+len(g) || len(peerFigures) < len(figures) {
			return fmt.Errorf("the other worker sent %d gradients and %d figures, want %d and %d",
				len(peer), len(peerFigures), GradientCount(params), len(figures))
		}
		ml.HalfSumInto(g, peer[at:at+len(g)])
		at += len(g)
	}
	for i := range figures {
		figures[i] = (figures[i] + peerFigures[i]) / 2
	}
	return nil
}

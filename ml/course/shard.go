package course

import (
	"fmt"

	"lookbook/ml"
)

// PackGradients copies every gradient of params into one slice, in order: what a worker sends
// the others in an Exchange.
func PackGradients(params []*ml.Param) []float32 {
	n := 0
	for _, p := range params {
		n += len(p.Grad.Data)
	}
	out := make([]float32, 0, n)
	for _, p := range params {
		out = append(out, p.Grad.Data...)
	}
	return out
}

// SetMeans sets each gradient of params and each figure to its mean over the parts, given
// every part's packed gradients and figures in the parts' order (this worker's own among
// them): each worker that calls it with the same parts gets the same bits.
func SetMeans(params []*ml.Param, figures []float64, grads [][]float32, partFigures [][]float64) error {
	scale := 1 / float32(len(grads))
	at := 0
	for _, p := range params {
		g := p.Grad.Data
		for _, part := range grads {
			if len(part) < at+len(g) {
				return fmt.Errorf("a part sent %d gradients, want %d", len(part), len(PackGradients(params)))
			}
		}
		for i := range g {
			sum := grads[0][at+i]
			for _, part := range grads[1:] {
				sum += part[at+i]
			}
			g[i] = sum * scale
		}
		at += len(g)
	}
	for i := range figures {
		var sum float64
		for _, f := range partFigures {
			sum += f[i]
		}
		figures[i] = sum / float64(len(partFigures))
	}
	return nil
}

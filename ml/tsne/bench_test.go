package tsne

import (
	"errors"
	"io/fs"
	"testing"

	"lookbook/ml/format"
)

// shippedMap returns the shipped features and 2D t-SNE map of the 10,000 test images, or skips.
func shippedMap(b *testing.B) (x []float32, y []float64, n int) {
	m, err := format.ReadFile("../../pretrained/maps.safetensors", format.DecodeMaps)
	if errors.Is(err, fs.ErrNotExist) {
		b.Skip("no shipped maps:", err)
	}
	if err != nil {
		b.Fatal(err)
	}
	n = m.N()
	y = make([]float64, 2*n)
	for i, v := range m.Coords[2] {
		y[i] = float64(v)
	}
	return m.Features[:n*format.Latent], y, n
}

// BenchmarkIteration times one gradient iteration's parts on the shipped 2D t-SNE map of the
// 10,000 test images (a converged layout, as in the last 750 iterations), one core:
// GOMAXPROCS=1 go test -bench Iteration -run ^$ ./ml/tsne
func BenchmarkIteration(b *testing.B) {
	x, y, n := shippedMap(b)
	cfg := DefaultConfig(2)
	t, err := New(x, n, format.Latent, cfg)
	if err != nil {
		b.Fatal(err)
	}
	for t.P == nil {
		t.unit()
	}
	rep, grad := make([]float64, 2*n), make([]float64, 2*n)
	var tr tree
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			tr.build(y, n, 2)
		}
	})
	b.Run("repulsion", func(b *testing.B) {
		tr.build(y, n, 2)
		for b.Loop() {
			clear(rep)
			for _, at := range tr.order {
				i := int(at)
				tr.repulsion(y[2*i:2*i+2], i, 0.5, rep[2*i:2*i+2])
			}
		}
	})
	b.Run("attraction", func(b *testing.B) {
		for b.Loop() {
			attraction(grad, y, t.P, n, 2, 1)
		}
	})
	b.Run("gradient", func(b *testing.B) {
		for b.Loop() {
			gradient(grad, y, t.P, n, 2, 1, 0.5, &tr)
		}
	})
}

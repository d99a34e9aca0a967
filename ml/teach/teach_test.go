package teach_test

import (
	"testing"

	"lookbook/ml/teach"
)

// TestRefusesBadInput: too few examples, wrong sizes, bad classes and damaged heads are refused.
func TestRefusesBadInput(t *testing.T) {
	head := teach.Head{Classes: 10, Weight: make([]float32, 10*teach.Latent), Bias: make([]float32, 10)}
	replay := teach.Replay{Features: make([]float32, 4*teach.Latent), Labels: []uint8{0, 1, 2, 3}}
	five := make([]teach.Example, 5)
	for i := range five {
		five[i] = teach.Example{Feature: make([]float32, teach.Latent), Label: 10}
	}
	nan := teach.Head{Classes: 10, Weight: make([]float32, 10*teach.Latent), Bias: make([]float32, 10)}
	nan.Bias[3] = float32(nan.Bias[3] / nan.Bias[3])
	short := append([]teach.Example(nil), five...)
	short[2].Feature = short[2].Feature[:100]
	badClass := append([]teach.Example(nil), five...)
	badClass[0].Label = 11
	for name, c := range map[string]struct {
		head    teach.Head
		classes int
		own     []teach.Example
		replay  teach.Replay
	}{
		"four examples":        {head, 11, five[:4], replay},
		"a short feature":      {head, 11, short, replay},
		"a class out of range": {head, 11, badClass, replay},
		"two new classes":      {head, 12, five, replay},
		"a NaN in the head":    {nan, 11, five, replay},
		"an empty replay":      {head, 11, five, teach.Replay{}},
	} {
		if _, err := teach.New(c.head, c.classes, c.own, c.replay, teach.DefaultConfig()); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := teach.New(head, 11, five, replay, teach.DefaultConfig()); err != nil {
		t.Errorf("good input refused: %v", err)
	}
}

// TestWithRow: setting a row copies the head and changes only that row; setting row Classes
// adds a class.
func TestWithRow(t *testing.T) {
	h := teach.Head{Classes: 10, Weight: make([]float32, 10*teach.Latent), Bias: make([]float32, 10)}
	w := make([]float32, teach.Latent)
	w[3] = 2
	added := h.WithRow(10, w, 0.5)
	if added.Classes != 11 || added.Check() != nil || h.Classes != 10 || len(h.Weight) != 10*teach.Latent {
		t.Fatalf("adding a class: %d classes (%v); the original has %d", added.Classes, added.Check(), h.Classes)
	}
	if rw, rb := added.Row(10); rw[3] != 2 || rb != 0.5 {
		t.Errorf("row 10 reads back %v, %v", rw[3], rb)
	}
	changed := added.WithRow(4, w, -1)
	if rw, rb := changed.Row(4); rw[3] != 2 || rb != -1 || added.Bias[4] != 0 {
		t.Errorf("row 4: %v, %v; the original's bias %v", rw[3], rb, added.Bias[4])
	}
}

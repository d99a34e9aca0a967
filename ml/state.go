package ml

// StateEntry is one entry of a model's state dict, named as in PyTorch. Exactly one of Float
// (a float32 tensor: parameters, running statistics) and Int (a scalar int64 counter:
// BatchNorm's num_batches_tracked) is set.
type StateEntry struct {
	Name  string
	Float *Tensor
	Int   *int64
}

// stateOf lists params, then BatchNorm buffers and counters, in the order given.
func stateOf(params []*Param, norms []*BatchNorm) []StateEntry {
	var s []StateEntry
	for _, p := range params {
		s = append(s, StateEntry{Name: p.Name, Float: p.Value})
	}
	for _, bn := range norms {
		s = append(s,
			StateEntry{Name: bn.RunningMean.Name, Float: bn.RunningMean.Value},
			StateEntry{Name: bn.RunningVar.Name, Float: bn.RunningVar.Value},
			StateEntry{Name: bn.numBatchesName(), Int: &bn.NumBatchesTracked})
	}
	return s
}

func (l *BatchNorm) numBatchesName() string {
	name := l.RunningMean.Name
	return name[:len(name)-len("running_mean")] + "num_batches_tracked"
}

package trainer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"lookbook/ml"
)

// A checkpoint is a safetensors file holding the model state, Adam's moments
// ("adam.m.<param>", "adam.v.<param>") and, in the metadata, the position in training (epoch
// and step within it), Adam's step count and the run's configuration. Every random choice of
// training is derived from (seed, epoch, step), so this is all that resuming needs to continue
// exactly where the run stopped.
type checkpoint struct {
	Epoch, Step, AdamStep int
	Config                json.RawMessage
	Best                  float64 // best validation figure so far (VAE early stopping)
}

func checkpointState(state []ml.StateEntry, opt *ml.Adam, params []*ml.Param) []ml.StateEntry {
	m, v := opt.Moments()
	out := append([]ml.StateEntry(nil), state...)
	for i, p := range params {
		out = append(out,
			ml.StateEntry{Name: "adam.m." + p.Name, Float: ml.FromData(m[i], p.Value.Shape...)},
			ml.StateEntry{Name: "adam.v." + p.Name, Float: ml.FromData(v[i], p.Value.Shape...)})
	}
	return out
}

// saveCheckpoint writes atomically (temporary file, then rename), so an interrupted write never
// replaces a good checkpoint with a broken one.
func saveCheckpoint(path string, ck checkpoint, state []ml.StateEntry, opt *ml.Adam, params []*ml.Param) error {
	meta := map[string]string{
		"kind":      "checkpoint",
		"epoch":     strconv.Itoa(ck.Epoch),
		"step":      strconv.Itoa(ck.Step),
		"adam_step": strconv.Itoa(ck.AdamStep),
		"config":    string(ck.Config),
		"best":      strconv.FormatFloat(ck.Best, 'g', -1, 64),
	}
	var buf bytes.Buffer
	if err := ml.SaveState(&buf, checkpointState(state, opt, params), meta, ml.SaveOptions{}); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

func loadCheckpoint(path string, state []ml.StateEntry, opt *ml.Adam, params []*ml.Param) (checkpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return checkpoint{}, fmt.Errorf("resume: %w", err)
	}
	meta, err := ml.LoadState(data, checkpointState(state, opt, params))
	if err != nil {
		return checkpoint{}, fmt.Errorf("resume from %s: %w", path, err)
	}
	var ck checkpoint
	ck.Config = json.RawMessage(meta["config"])
	for key, dst := range map[string]*int{"epoch": &ck.Epoch, "step": &ck.Step, "adam_step": &ck.AdamStep} {
		if *dst, err = strconv.Atoi(meta[key]); err != nil {
			return checkpoint{}, fmt.Errorf("resume from %s: metadata %q: %w", path, key, err)
		}
	}
	ck.Best, _ = strconv.ParseFloat(meta["best"], 64)
	opt.Step = ck.AdamStep
	return ck, nil
}

func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp makes it private
		return err
	}
	return os.Rename(tmp.Name(), path)
}

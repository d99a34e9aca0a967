package trainer

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"lookbook/ml/dataset"
)

// EpochRecipe is the trainer's default FashionNet recipe (train fashion's flags) for one epoch,
// without drawings: scripts/bench_torch.py runs the same recipe in PyTorch, which has no port
// of the drawing augmentation.
func epochRecipe(data string) FashionConfig {
	return FashionConfig{Data: data, Shift: 2, Val: 5000, Schedule: Schedule{Epochs: 1, Batch: 64, LR: 2e-3,
		Decay: "cosine", Warmup: 1, WeightDecay: 0.01, Flip: true, Seed: 1}}
}

// BenchmarkFashionEpoch is one whole epoch of the trainer on the real training set: loading it,
// 859 augmented steps of 64 images, validation on the 5,000 held-out images, the log and the
// checkpoint. It skips without the data (dataset-fashion-mnist).
func BenchmarkFashionEpoch(b *testing.B) {
	data := dataset.DefaultFashionDir
	if _, err := os.Stat(filepath.Join(data, "train-images-idx3-ubyte.gz")); err != nil {
		b.Skip("Fashion-MNIST is not installed (sudo apt-get install dataset-fashion-mnist)")
	}
	for b.Loop() {
		dir := b.TempDir()
		run := Run{Out: filepath.Join(dir, "w.safetensors"), Checkpoint: filepath.Join(dir, "ckpt.safetensors"),
			Log: filepath.Join(dir, "log.jsonl"), Stdout: io.Discard, Stderr: io.Discard}
		if _, err := TrainFashion(context.Background(), epochRecipe(data), run); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		logged, err := os.ReadFile(run.Log)
		if err != nil {
			b.Fatal(err)
		}
		var e EpochLog
		if err := json.Unmarshal(bytes.TrimSpace(logged), &e); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(e.ValAcc, "val-acc") // the same recipe should learn as well as PyTorch's
		b.StartTimer()
	}
}

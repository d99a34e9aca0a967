package trainer

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/ml/tsne"
)

// writeFakeFashion writes a small learnable Fashion-MNIST look-alike (gzipped IDX): class c is a
// bright bar at rows 2c..2c+5 plus noise.
func writeFakeFashion(t *testing.T, dir, split string, n int, seed uint64) {
	t.Helper()
	writeFakeFashionLabels(t, dir, split, n, seed, func(c int) int { return c })
}

// writeFakeFashionLabels is writeFakeFashion with class c's bar labelled label(c).
func writeFakeFashionLabels(t *testing.T, dir, split string, n int, seed uint64, label func(int) int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	images := binary.BigEndian.AppendUint32(nil, 0x803)
	images = binary.BigEndian.AppendUint32(images, uint32(n))
	images = binary.BigEndian.AppendUint32(images, 28)
	images = binary.BigEndian.AppendUint32(images, 28)
	labels := binary.BigEndian.AppendUint32(nil, 0x801)
	labels = binary.BigEndian.AppendUint32(labels, uint32(n))
	for i := 0; i < n; i++ {
		c := i % 10
		for y := 0; y < 28; y++ {
			for x := 0; x < 28; x++ {
				v := rng.IntN(60)
				if y >= 2*c+2 && y < 2*c+8 && x > 4 && x < 24 {
					v += 180
				}
				images = append(images, byte(v))
			}
		}
		labels = append(labels, byte(label(c)))
	}
	for name, data := range map[string][]byte{split + "-images-idx3-ubyte.gz": images, split + "-labels-idx1-ubyte.gz": labels} {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func quietRun(dir string) Run {
	return Run{Out: filepath.Join(dir, "w.safetensors"), Checkpoint: filepath.Join(dir, "ck.safetensors"),
		Log: filepath.Join(dir, "log.jsonl"), Stdout: io.Discard, Stderr: io.Discard}
}

func smallFashionConfig(dir string) FashionConfig {
	return FashionConfig{Data: dir, Shift: 1, Val: 40,
		Schedule: Schedule{Epochs: 3, Batch: 16, LR: 3e-3, Decay: "cosine", Warmup: 1, WeightDecay: 0.01, Flip: true, Seed: 7}}
}

func stateBytes(t *testing.T, state []ml.StateEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := ml.SaveState(&buf, state, nil, ml.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFashionTrainingLearns(t *testing.T) {
	dir := t.TempDir()
	writeFakeFashion(t, dir, "train", 200, 1)
	run := quietRun(dir)
	cfg := smallFashionConfig(dir)
	cfg.Epochs = 7 // with 10 steps an epoch, BatchNorm's running statistics need a few epochs
	if _, err := TrainFashion(context.Background(), cfg, run); err != nil {
		t.Fatal(err)
	}
	log, err := ReadLog(run.Log)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != cfg.Epochs {
		t.Fatalf("%d log lines, want %d", len(log), cfg.Epochs)
	}
	if first, last := log[0], log[len(log)-1]; !(last.TrainLoss < first.TrainLoss) || last.ValAcc < 0.8 {
		t.Errorf("did not learn: train loss %.3f → %.3f, final validation accuracy %.2f", first.TrainLoss, last.TrainLoss, last.ValAcc)
	}
}

// interruptAfter is a context that reports cancellation once Err has been asked n times; the
// training loop asks once per step, so it stops the run at a chosen step.
type interruptAfter struct {
	context.Context
	n int
}

func (c *interruptAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

func TestFashionResumeIsExact(t *testing.T) {
	dir := t.TempDir()
	writeFakeFashion(t, dir, "train", 200, 1)
	cfg := smallFashionConfig(dir)

	straight, err := TrainFashion(context.Background(), cfg, quietRun(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	// 10 steps an epoch: stop in the middle of the second epoch, then resume.
	run := quietRun(t.TempDir())
	_, err = TrainFashion(&interruptAfter{Context: context.Background(), n: 14}, cfg, run)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted run returned %v, want ErrInterrupted", err)
	}
	run.Resume = true
	resumed, err := TrainFashion(context.Background(), FashionConfig{}, run)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stateBytes(t, straight.State()), stateBytes(t, resumed.State())) {
		t.Fatal("interrupted and resumed training gave different weights from an uninterrupted run")
	}
	if log, _ := ReadLog(run.Log); len(log) != 3 {
		t.Errorf("resumed log has %d epochs, want 3", len(log))
	}
}

func TestFashionSameSeedSameWeights(t *testing.T) {
	dir := t.TempDir()
	writeFakeFashion(t, dir, "train", 100, 1)
	cfg := smallFashionConfig(dir)
	cfg.Epochs = 1
	a, err := TrainFashion(context.Background(), cfg, quietRun(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	b, err := TrainFashion(context.Background(), cfg, quietRun(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stateBytes(t, a.State()), stateBytes(t, b.State())) {
		t.Fatal("same seed, different weights")
	}
	cfg.Seed++
	c, _ := TrainFashion(context.Background(), cfg, quietRun(t.TempDir()))
	if bytes.Equal(stateBytes(t, a.State()), stateBytes(t, c.State())) {
		t.Fatal("different seeds, same weights")
	}
}

func TestFashionMissingData(t *testing.T) {
	cfg := smallFashionConfig(t.TempDir())
	_, err := TrainFashion(context.Background(), cfg, quietRun(t.TempDir()))
	if err == nil || !dataset.ErrNotExist(err) {
		t.Fatalf("err = %v, want a not-found error naming the Debian package", err)
	}
}

// TestBadRecipesAreRefused checks that each bad recipe gets a clear error before any data is
// read, for both models (there is no data at all here).
func TestBadRecipesAreRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*FashionConfig)
		want   string
	}{
		{"batch 0", func(c *FashionConfig) { c.Batch = 0 }, "-batch must be at least 2"},
		{"batch 1", func(c *FashionConfig) { c.Batch = 1 }, "-batch must be at least 2"},
		{"no epochs", func(c *FashionConfig) { c.Epochs = 0 }, "-epochs must be at least 1"},
		{"negative rate", func(c *FashionConfig) { c.LR = -1 }, "-lr must be a positive number"},
		{"NaN rate", func(c *FashionConfig) { c.LR = math.NaN() }, "-lr must be a positive number"},
		{"unknown schedule", func(c *FashionConfig) { c.Decay = "cosin" }, `-schedule must be cosine or constant, got "cosin"`},
		{"warm-up too long", func(c *FashionConfig) { c.Warmup = 9 }, "-warmup must be between 0 and the 3 epochs"},
		{"drawings above 1", func(c *FashionConfig) { c.Drawings = 1.5 }, "-drawings is a share"},
		{"distillation without a model to keep", func(c *FashionConfig) { c.Distil = 0.5 }, "-distil is a weight between 0 and 1 and needs -init"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := smallFashionConfig(t.TempDir())
			tc.change(&cfg)
			_, err := TrainFashion(context.Background(), cfg, quietRun(t.TempDir()))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("FashionNet: err = %v, want one containing %q", err, tc.want)
			}
			// The VAE shares the schedule checks.
			if strings.Contains(tc.want, "-drawings") || strings.Contains(tc.want, "-distil") {
				return
			}
			vcfg := VAEConfig{Faces: "missing.npy", Schedule: cfg.Schedule, Train: 10}
			_, err = TrainVAE(context.Background(), vcfg, quietRun(t.TempDir()), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("VAE: err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestFashionDrawingAugmentation trains with half of each batch drawn and checks that the log
// records the validation drawings' accuracy.
func TestFashionDrawingAugmentation(t *testing.T) {
	dir := t.TempDir()
	writeFakeFashion(t, dir, "train", 120, 1)
	cfg := smallFashionConfig(dir)
	cfg.Epochs, cfg.Drawings = 1, 0.5
	run := quietRun(dir)
	if _, err := TrainFashion(context.Background(), cfg, run); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(run.Log)
	if err != nil {
		t.Fatal(err)
	}
	var e EpochLog
	if err := json.Unmarshal(bytes.SplitN(raw, []byte("\n"), 2)[0], &e); err != nil {
		t.Fatal(err)
	}
	if e.ValOutlineAcc <= 0 || e.ValSilhouetteAcc <= 0 {
		t.Errorf("the log has no drawing accuracies: %s", raw)
	}
}

// TestFashionDistillationKeepsTheTeacher fine-tunes a trained model on the same images with
// every label moved to the next class: plain fine-tuning learns the new labels, while with
// -distil 1 (targets the teacher's probabilities alone) the model keeps the teacher's answers.
func TestFashionDistillationKeepsTheTeacher(t *testing.T) {
	dir := t.TempDir()
	writeFakeFashion(t, dir, "train", 200, 1)
	cfg := smallFashionConfig(dir)
	cfg.Epochs = 7
	teacher, err := TrainFashion(context.Background(), cfg, quietRun(dir))
	if err != nil {
		t.Fatal(err)
	}
	teacherFile := filepath.Join(dir, "teacher.safetensors")
	if err := os.WriteFile(teacherFile, stateBytes(t, teacher.State()), 0o644); err != nil {
		t.Fatal(err)
	}
	moved := t.TempDir()
	writeFakeFashionLabels(t, moved, "train", 200, 1, func(c int) int { return (c + 1) % 10 })
	images, err := dataset.LoadFashion(dir, "train")
	if err != nil {
		t.Fatal(err)
	}
	agreement := func(m *ml.FashionNet) float64 {
		x := ml.NewTensor(images.Len(), 1, 32, 32)
		for i := range images.Len() {
			images.Image(x.Data[i*1024:(i+1)*1024], i, false, 0, 0)
		}
		want := slices.Clone(teacher.Forward(x).Data)
		got := m.Forward(x).Data
		same := 0
		for i := range images.Len() {
			if ml.ArgMax(got[i*10:(i+1)*10]) == ml.ArgMax(want[i*10:(i+1)*10]) {
				same++
			}
		}
		return float64(same) / float64(images.Len())
	}
	for _, tc := range []struct {
		distil   float64
		min, max float64 // the share of answers the teacher's
	}{
		{0, 0, 0.3},
		{1, 0.9, 1},
	} {
		fine := smallFashionConfig(moved)
		fine.Epochs, fine.Warmup, fine.Init, fine.Distil = 4, 0, teacherFile, tc.distil
		m, err := TrainFashion(context.Background(), fine, quietRun(t.TempDir()))
		if err != nil {
			t.Fatal(err)
		}
		a := agreement(m)
		t.Logf("-distil %g: %.2f of the answers the teacher's", tc.distil, a)
		if a < tc.min || a > tc.max {
			t.Errorf("-distil %g: %.2f of the answers the teacher's, want %.1f–%.1f", tc.distil, a, tc.min, tc.max)
		}
	}
}

// writeFakeFaces writes n random-blob "faces" as a uint8 N×3×32×32 .npy file.
func writeFakeFaces(t *testing.T, path string, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 3))
	hdr := "{'descr': '|u1', 'fortran_order': False, 'shape': (" + strconv.Itoa(n) + ", 3, 32, 32), }"
	for (10+len(hdr)+1)%64 != 0 {
		hdr += " "
	}
	hdr += "\n"
	data := append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), byte(len(hdr)>>8))
	data = append(data, hdr...)
	for i := 0; i < n; i++ {
		cx, cy := 8+rng.IntN(16), 8+rng.IntN(16)
		for c := 0; c < 3; c++ {
			for y := 0; y < 32; y++ {
				for x := 0; x < 32; x++ {
					v := 40
					if (x-cx)*(x-cx)+(y-cy)*(y-cy) < 60 {
						v = 200 - 40*c
					}
					data = append(data, byte(v))
				}
			}
		}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestVAETrainingLearnsAndResumes(t *testing.T) {
	dir := t.TempDir()
	faces := filepath.Join(dir, "faces.npy")
	writeFakeFaces(t, faces, 80)
	cfg := VAEConfig{Faces: faces, KLWeight: 1e-5, KLWarmup: 2, Train: 64,
		Schedule: Schedule{Epochs: 4, Batch: 16, LR: 2e-3, Decay: "cosine", Warmup: 1, WeightDecay: 0.01, Flip: true, Seed: 5}}
	run := quietRun(dir)
	res, err := TrainVAE(context.Background(), cfg, run, nil)
	if err != nil {
		t.Fatal(err)
	}
	log, _ := ReadLog(run.Log)
	if len(log) != 4 || !(log[3].ValMSE < log[0].ValMSE) {
		t.Fatalf("validation MSE did not fall: %+v", log)
	}
	m, meta, err := LoadVAE(run.Out)
	if err != nil {
		t.Fatal(err)
	}
	if got := EvaluateVAE(m, mustFaces(t, faces).Slice(64, 80)); abs(got-res.BestMSE) > 1e-6 || meta["model"] != "vae" {
		t.Errorf("saved weights give MSE %.6f (model %q), want the best %.6f", got, meta["model"], res.BestMSE)
	}

	// Interrupted in epoch 2 (4 steps an epoch) and resumed: the same final checkpoint.
	run2 := quietRun(t.TempDir())
	if _, err := TrainVAE(&interruptAfter{Context: context.Background(), n: 6}, cfg, run2, nil); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted run returned %v", err)
	}
	run2.Resume = true
	if _, err := TrainVAE(context.Background(), VAEConfig{}, run2, nil); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(run.Checkpoint)
	b, _ := os.ReadFile(run2.Checkpoint)
	if !bytes.Equal(a, b) {
		t.Fatal("resumed VAE run ended with a different checkpoint")
	}
}

func mustFaces(t *testing.T, path string) *dataset.Faces {
	f, err := dataset.LoadFaces(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestEmbedReportsOnlyWhatItMeasured: without labels there is no 10-NN accuracy to print.
func TestEmbedReportsOnlyWhatItMeasured(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	const n, d = 40, 6
	x := make([]float32, n*d)
	labels := make([]int, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64()) + float32(i/d%2)*4
	}
	for i := range labels {
		labels[i] = i % 2
	}
	cfg := tsne.DefaultConfig(2)
	for _, c := range []struct {
		labels []int
		knn    bool
	}{{nil, false}, {labels, true}} {
		_, q, err := Embed(x, n, d, c.labels, "pca", cfg, false, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(q.String(), "10-NN"); got != c.knn {
			t.Errorf("labels given: %v; report %q", c.labels != nil, q.String())
		}
	}
}

package trainer

import (
	"fmt"
	"io"
	"time"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/ml/pca"
	"lookbook/ml/tsne"
	"lookbook/ml/umap"
)

// Features runs FashionNet over a labelled set and returns its 128-d latent features (N×128,
// the last BatchNorm1d's output) and predicted classes.
func Features(m *ml.FashionNet, data *dataset.Fashion) (features []float32, predictions []byte) {
	m.SetTraining(false)
	const batch = 500
	const side = dataset.FashionSide * dataset.FashionSide
	features = make([]float32, 0, data.Len()*ml.FashionNetLatent)
	predictions = make([]byte, 0, data.Len())
	for lo := 0; lo < data.Len(); lo += batch {
		b := min(batch, data.Len()-lo)
		x := ml.NewTensor(b, 1, 32, 32)
		for i := 0; i < b; i++ {
			data.Image(x.Data[i*side:(i+1)*side], lo+i, false, 0, 0)
		}
		logits := m.Forward(x)
		features = append(features, m.Latent().Data...)
		for i := 0; i < b; i++ {
			predictions = append(predictions, byte(ml.ArgMax(logits.Data[i*10:(i+1)*10])))
		}
	}
	return features, predictions
}

// MapQuality summarises one embedding.
type MapQuality struct {
	Method          string
	Dims            int
	KL              float64 // t-SNE only
	Trustworthiness float64 // k = 12
	KNNAccuracy     float64 // 10-NN vote against the true labels
	HasLabels       bool    // KNNAccuracy was measured (labels were given)
	Seconds         float64
}

func (q MapQuality) String() string {
	s := fmt.Sprintf("%s %dD: trustworthiness(12) %.4f", q.Method, q.Dims, q.Trustworthiness)
	if q.HasLabels {
		s += fmt.Sprintf(", 10-NN accuracy %.4f", q.KNNAccuracy)
	}
	s += fmt.Sprintf(", %.1fs", q.Seconds)
	if q.Method == "tsne" {
		s += fmt.Sprintf(", KL %.4f", q.KL)
	}
	return s
}

// Embed maps x (n×d) with PCA, t-SNE or UMAP and measures the result. t-SNE starts from the
// scaled principal components (scikit-learn's default) unless randomInit is set or cfg.Init
// given. UMAP takes umap-learn's defaults (umap.DefaultConfig, cfg.Seed) and starts from the
// principal components (umap-learn's init="pca") unless randomInit is set; of cfg it uses only
// Dims and Seed.
func Embed(x []float32, n, d int, labels []int, method string, cfg tsne.Config, randomInit bool, progress io.Writer) ([]float64, MapQuality, error) {
	start := time.Now()
	q := MapQuality{Method: method, Dims: cfg.Dims}
	var y []float64
	switch method {
	case "pca":
		p, err := pca.Fit(x, n, d, cfg.Dims)
		if err != nil {
			return nil, q, err
		}
		y = p.Transform(x, n)
	case "tsne":
		if cfg.Init == nil && !randomInit {
			init, err := pca.TSNEStart(x, n, d, cfg.Dims)
			if err != nil {
				return nil, q, err
			}
			cfg.Init = init
		}
		t, err := tsne.New(x, n, d, cfg)
		if err != nil {
			return nil, q, err
		}
		for !t.Step(2 * time.Second) {
			report(progress, "t-SNE %dD: iteration %d/%d", cfg.Dims, t.Iter, cfg.Iterations)
		}
		report(progress, "")
		y = t.Y
		q.KL = t.KL()
	case "umap":
		uc := umap.DefaultConfig(cfg.Dims)
		uc.Seed = cfg.Seed
		if !randomInit {
			p, err := pca.Fit(x, n, d, cfg.Dims)
			if err != nil {
				return nil, q, err
			}
			uc.Init = p.Transform(x, n)
		}
		u, err := umap.New(x, n, d, uc)
		if err != nil {
			return nil, q, err
		}
		for u.Step(2 * time.Second) {
			report(progress, "UMAP %dD: epoch %d/%d", cfg.Dims, u.Epoch, u.Epochs)
		}
		report(progress, "")
		y = u.Y
	default:
		return nil, q, fmt.Errorf("unknown method %q (want pca, tsne or umap)", method)
	}
	q.Seconds = time.Since(start).Seconds()
	q.Trustworthiness = tsne.Trustworthiness(x, n, d, y, cfg.Dims, 12)
	if labels != nil {
		q.KNNAccuracy, q.HasLabels = tsne.KNNAccuracy(y, n, cfg.Dims, labels, 10), true
	}
	return y, q, nil
}

// report writes a progress line: on a terminal redrawn in place (an empty format clears it),
// in a log as a line of its own (an empty format writes nothing).
func report(progress io.Writer, format string, args ...any) {
	switch {
	case progress == nil:
	case isTerminal(progress) && format == "":
		fmt.Fprint(progress, "\r\033[K")
	case isTerminal(progress):
		fmt.Fprintf(progress, "\r"+format+" ", args...)
	case format != "":
		fmt.Fprintf(progress, format+"\n", args...)
	}
}

package course

import (
	"fmt"
	"io"
	"strings"

	"lookbook/ml"
	"lookbook/ml/dataset"
)

// FashionEval is a classifier's performance on a labelled set.
type FashionEval struct {
	Loss      float64
	Accuracy  float64
	Confusion [10][10]int // [true][predicted]
	N         int
}

// EvaluateFashion classifies every image of data in evaluation mode (the model is left in the
// mode it was in).
func EvaluateFashion(m *ml.FashionNet, data *dataset.Fashion) FashionEval {
	wasTraining := m.Training()
	m.SetTraining(false)
	defer m.SetTraining(wasTraining)
	const batch = 500
	const side = dataset.FashionSide * dataset.FashionSide
	var ev FashionEval
	var lossSum float64
	x := ml.NewTensor(min(batch, data.Len()), 1, 32, 32)
	labels := make([]int, min(batch, data.Len()))
	for lo := 0; lo < data.Len(); lo += batch {
		b := min(batch, data.Len()-lo)
		xb := ml.FromData(x.Data[:b*side], b, 1, 32, 32)
		for i := 0; i < b; i++ {
			data.Image(xb.Data[i*side:(i+1)*side], lo+i, false, 0, 0)
			labels[i] = int(data.Labels[lo+i])
		}
		logits := m.Forward(xb)
		loss, _ := ml.CrossEntropy(logits, labels[:b], nil)
		lossSum += loss * float64(b)
		for i := 0; i < b; i++ {
			ev.Confusion[labels[i]][ml.ArgMax(logits.Data[i*10:(i+1)*10])]++
		}
	}
	ev.N = data.Len()
	correct := 0
	for c := 0; c < 10; c++ {
		correct += ev.Confusion[c][c]
	}
	ev.Loss = lossSum / float64(max(ev.N, 1))
	ev.Accuracy = float64(correct) / float64(max(ev.N, 1))
	return ev
}

// Report prints the accuracy, per-class accuracy and the confusion matrix.
func (ev FashionEval) Report(w io.Writer) {
	fmt.Fprintf(w, "accuracy %.2f%% (%d images), loss %.4f\n\n", 100*ev.Accuracy, ev.N, ev.Loss)
	fmt.Fprintf(w, "%-12s %8s   confusion (rows: true class, columns: predicted)\n", "class", "accuracy")
	for c := 0; c < 10; c++ {
		total := 0
		for p := 0; p < 10; p++ {
			total += ev.Confusion[c][p]
		}
		var row strings.Builder
		for p := 0; p < 10; p++ {
			fmt.Fprintf(&row, "%5d", ev.Confusion[c][p])
		}
		fmt.Fprintf(w, "%-12s %7.2f%%  %s\n", ml.FashionNetClasses[c], 100*float64(ev.Confusion[c][c])/float64(max(total, 1)), row.String())
	}
}

// EvaluateVAE is the mean squared error of reconstructing faces with z = mean.
func EvaluateVAE(m *ml.VAE, faces *dataset.Faces) float64 {
	const n = 3 * dataset.FaceSide * dataset.FaceSide
	const batch = 100
	var sum float64
	for lo := 0; lo < faces.Len(); lo += batch {
		b := min(batch, faces.Len()-lo)
		x := ml.NewTensor(b, 3, 32, 32)
		for i := 0; i < b; i++ {
			faces.Image(x.Data[i*n:(i+1)*n], lo+i, false)
		}
		sum += ml.MSE(m.Reconstruct(x), x, nil) * float64(b)
	}
	return sum / float64(max(faces.Len(), 1))
}

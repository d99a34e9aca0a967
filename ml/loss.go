package ml

import (
	"fmt"
	"math"
)

// CrossEntropy is PyTorch's F.cross_entropy on logits with mean reduction. It returns the loss
// and writes dLogits (B×K), the gradient of that mean. It also returns how many predictions
// (arg max of the logits) equal their label.
func CrossEntropy(logits *Tensor, labels []int, dLogits *Tensor) (loss float64, correct int) {
	mustRank("cross-entropy", logits, 2)
	b, k := logits.Shape[0], logits.Shape[1]
	if len(labels) != b || dLogits != nil && len(dLogits.Data) != b*k {
		panic(fmt.Sprintf("ml: cross-entropy: logits %v, %d labels", logits.Shape, len(labels)))
	}
	for n := 0; n < b; n++ {
		row := logits.Data[n*k : (n+1)*k]
		label := labels[n]
		if label < 0 || label >= k {
			panic(fmt.Sprintf("ml: cross-entropy: label %d outside [0, %d)", label, k))
		}
		maxV, arg := row[0], 0
		for j, v := range row {
			if v > maxV {
				maxV, arg = v, j
			}
		}
		if arg == label {
			correct++
		}
		var sum float64
		for _, v := range row {
			sum += math.Exp(float64(v - maxV))
		}
		logSum := math.Log(sum) + float64(maxV)
		loss += logSum - float64(row[label])
		if dLogits != nil {
			d := dLogits.Data[n*k : (n+1)*k]
			for j, v := range row {
				d[j] = float32(math.Exp(float64(v)-logSum) / float64(b))
			}
			d[label] -= float32(1 / float64(b))
		}
	}
	return loss / float64(b), correct
}

// Softmax writes the softmax of each row of logits (B×K) into probs.
func Softmax(probs, logits []float32, k int) {
	for n := 0; n < len(logits)/k; n++ {
		row, out := logits[n*k:(n+1)*k], probs[n*k:(n+1)*k]
		maxV := row[0]
		for _, v := range row {
			maxV = max(maxV, v)
		}
		var sum float64
		for j, v := range row {
			e := math.Exp(float64(v - maxV))
			out[j] = float32(e)
			sum += e
		}
		for j := range out {
			out[j] = float32(float64(out[j]) / sum)
		}
	}
}

// MSE is the mean squared error over all elements (PyTorch's F.mse_loss, mean reduction). When
// dPred is not nil it receives the gradient with respect to pred.
func MSE(pred, target *Tensor, dPred *Tensor) float64 {
	if len(pred.Data) != len(target.Data) {
		panic(fmt.Sprintf("ml: mse: prediction %v, target %v", pred.Shape, target.Shape))
	}
	n := float64(len(pred.Data))
	var sum float64
	for i, p := range pred.Data {
		d := float64(p) - float64(target.Data[i])
		sum += d * d
		if dPred != nil {
			dPred.Data[i] = float32(2 * d / n)
		}
	}
	return sum / n
}

// BCE is the binary cross-entropy over all elements, mean reduction, as PyTorch's
// F.binary_cross_entropy: −[t·log p + (1−t)·log(1−p)], each log clamped at −100 as PyTorch does.
// pred must lie in [0, 1] (a sigmoid's output). When dPred is not nil it receives the gradient
// with respect to pred, (p − t) / max(p(1 − p), 1e-12) / n, PyTorch's formula.
func BCE(pred, target *Tensor, dPred *Tensor) float64 {
	if len(pred.Data) != len(target.Data) {
		panic(fmt.Sprintf("ml: bce: prediction %v, target %v", pred.Shape, target.Shape))
	}
	n := float64(len(pred.Data))
	var sum float64
	for i, p32 := range pred.Data {
		p, t := float64(p32), float64(target.Data[i])
		sum -= t*max(math.Log(p), -100) + (1-t)*max(math.Log(1-p), -100)
		if dPred != nil {
			dPred.Data[i] = float32((p - t) / max(p*(1-p), 1e-12) / n)
		}
	}
	return sum / n
}

// GaussianKL is KL(N(mean, exp(logvar)) ‖ N(0, I)) summed over the batch and every dimension:
// −½ Σ (1 + logvar − mean² − e^logvar). When dMean and dLogvar are not nil, the gradient scaled
// by weight is added to them.
func GaussianKL(mean, logvar *Tensor, weight float64, dMean, dLogvar *Tensor) float64 {
	var kl float64
	for i, m := range mean.Data {
		lv := float64(logvar.Data[i])
		e := math.Exp(lv)
		kl += -0.5 * (1 + lv - float64(m)*float64(m) - e)
		if dMean != nil {
			dMean.Data[i] += float32(weight * float64(m))
			dLogvar.Data[i] += float32(weight * 0.5 * (e - 1))
		}
	}
	return kl
}

// ArgMax is the index of the largest value (the first, on ties).
func ArgMax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// Classes is a set of class indices (bit k for class k): a partial label, such as "any
// footwear" for a photo of shoes that Fashion-MNIST would call Sandal, Sneaker or Ankle boot.
type Classes uint32

// Has reports whether class k is in the set.
func (c Classes) Has(k int) bool { return k >= 0 && k < 32 && c&(1<<k) != 0 }

// CrossEntropySets is the cross-entropy of partial labels: the loss of example n is
// −log Σ_{k∈sets[n]} softmax(logits_n)_k, the probability the model gives the whole set, with
// mean reduction. A set of one class gives CrossEntropy exactly. It writes dLogits (B×K), the
// gradient of the mean: softmax minus the softmax restricted to the set. An example is correct
// when its arg max is in its set.
func CrossEntropySets(logits *Tensor, sets []Classes, dLogits *Tensor) (loss float64, correct int) {
	mustRank("cross-entropy", logits, 2)
	b, k := logits.Shape[0], logits.Shape[1]
	if len(sets) != b || dLogits != nil && len(dLogits.Data) != b*k {
		panic(fmt.Sprintf("ml: cross-entropy: logits %v, %d label sets", logits.Shape, len(sets)))
	}
	for n := 0; n < b; n++ {
		row, set := logits.Data[n*k:(n+1)*k], sets[n]
		if set == 0 || set>>k != 0 {
			panic(fmt.Sprintf("ml: cross-entropy: label set %b is empty or outside [0, %d)", set, k))
		}
		maxV, arg := row[0], 0
		for j, v := range row {
			if v > maxV {
				maxV, arg = v, j
			}
		}
		if set.Has(arg) {
			correct++
		}
		var sum, inSet float64
		for j, v := range row {
			e := math.Exp(float64(v - maxV))
			sum += e
			if set.Has(j) {
				inSet += e
			}
		}
		loss += math.Log(sum) - math.Log(inSet)
		if dLogits != nil {
			d := dLogits.Data[n*k : (n+1)*k]
			for j, v := range row {
				e := math.Exp(float64(v - maxV))
				g := e / sum
				if set.Has(j) {
					g -= e / inSet
				}
				d[j] = float32(g / float64(b))
			}
		}
	}
	return loss / float64(b), correct
}

// AddDistillation adds weight times the gradient of distillation towards a teacher to dLogits,
// the gradient of a mean cross-entropy over a batch (CrossEntropySets), for the rows whose
// label set is one class and that distil says to: that row's target becomes (1 − weight) × its
// label + weight × the teacher's probabilities, so a model fine-tuned on new data keeps its
// answers on the old (Li and Hoiem, 2016, "Learning without Forgetting"). It returns the mean,
// over the distilled rows, of KL(teacher ‖ student).
func AddDistillation(dLogits, logits, teacherLogits *Tensor, sets []Classes, distil []bool, weight float64) float64 {
	mustRank("distillation", logits, 2)
	b, k := logits.Shape[0], logits.Shape[1]
	if len(teacherLogits.Data) != b*k || len(dLogits.Data) != b*k || len(sets) != b || len(distil) != b {
		panic(fmt.Sprintf("ml: distillation: logits %v, teacher %v, %d sets, %d flags", logits.Shape, teacherLogits.Shape, len(sets), len(distil)))
	}
	p, q := make([]float32, k), make([]float32, k)
	var kl float64
	var rows int
	for n := range b {
		set := sets[n]
		if !distil[n] || set == 0 || set&(set-1) != 0 {
			continue
		}
		rows++
		Softmax(p, logits.Data[n*k:(n+1)*k], k)
		Softmax(q, teacherLogits.Data[n*k:(n+1)*k], k)
		d := dLogits.Data[n*k : (n+1)*k]
		for j := range k {
			label := 0.0
			if set.Has(j) {
				label = 1
			}
			// The cross-entropy's gradient is (p − label)/b; the mixed target's, (p − target)/b.
			d[j] += float32(weight * (label - float64(q[j])) / float64(b))
			if q[j] > 0 {
				kl += float64(q[j]) * (math.Log(float64(q[j])) - math.Log(max(float64(p[j]), 1e-30)))
			}
		}
	}
	return kl / float64(max(rows, 1))
}

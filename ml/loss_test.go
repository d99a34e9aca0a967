package ml

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCrossEntropySetsOfOneClass: a set of one class is the ordinary cross-entropy, loss,
// gradient and count alike; a set of every class costs nothing.
func TestCrossEntropySetsOfOneClass(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	logits := randTensor(rng, 5, 10)
	labels := []int{0, 9, 4, 4, 7}
	sets := make([]Classes, len(labels))
	for i, l := range labels {
		sets[i] = 1 << l
	}
	dHard, dSets := NewTensor(5, 10), NewTensor(5, 10)
	lossHard, okHard := CrossEntropy(logits, labels, dHard)
	lossSets, okSets := CrossEntropySets(logits, sets, dSets)
	if math.Abs(lossHard-lossSets) > 1e-6 || okHard != okSets { // the two sum in float32 and float64
		t.Errorf("got loss %v (%d right), want %v (%d right)", lossSets, okSets, lossHard, okHard)
	}
	for i := range dHard.Data {
		if math.Abs(float64(dHard.Data[i]-dSets.Data[i])) > 1e-7 {
			t.Fatalf("gradient %d: got %v, want %v", i, dSets.Data[i], dHard.Data[i])
		}
	}
	all := []Classes{1<<10 - 1, 1<<10 - 1, 1<<10 - 1, 1<<10 - 1, 1<<10 - 1}
	if loss, ok := CrossEntropySets(logits, all, nil); math.Abs(loss) > 1e-9 || ok != 5 {
		t.Errorf("every class: got loss %v, %d right; want 0, 5", loss, ok)
	}
}

// TestBCEMatchesPyTorch: values from F.binary_cross_entropy in PyTorch 1.13, its clamped logs
// at 0 and 1 and its gradient's floor included.
func TestBCEMatchesPyTorch(t *testing.T) {
	pred := FromData([]float32{0.2, 0.5, 0.9, 0, 1, 0.999}, 6)
	target := FromData([]float32{0, 0.3, 1, 0.5, 0.25, 0}, 6)
	d := NewTensor(6)
	if got, want := BCE(pred, target, d), 22.1549015045166; math.Abs(got-want) > 1e-5*want {
		t.Errorf("BCE = %v, PyTorch %v", got, want)
	}
	for i, want := range []float64{0.2083333134651184, 0.13333332538604736, -0.18518519401550293, -83333332992.0, 124999999488.0, 166.66880798339844} {
		if got := float64(d.Data[i]); math.Abs(got-want) > 1e-4*math.Abs(want) {
			t.Errorf("gradient %d = %v, PyTorch %v", i, got, want)
		}
	}
}

// TestDistillationGradient checks AddDistillation against finite differences of the mixed loss
// it is the gradient of: mean over rows of (1 − w)·CE(label) + w·CE(teacher's probabilities)
// for distilled rows, the label set's cross-entropy alone for the others (several classes, or
// not distilled), and its KL against a direct sum.
func TestDistillationGradient(t *testing.T) {
	const b, k, w = 4, 10, 0.6
	rng := rand.New(rand.NewPCG(8, 1))
	logits, teacher := randTensor(rng, b, k), randTensor(rng, b, k)
	sets := []Classes{1 << 3, 1<<5 | 1<<7, 1 << 0, 1 << 9}
	distil := []bool{true, true, false, true}
	probs := func(row []float32) []float64 {
		p := make([]float32, k)
		Softmax(p, row, k)
		out := make([]float64, k)
		for i, v := range p {
			out[i] = float64(v)
		}
		return out
	}
	loss := func(l *Tensor) float64 {
		var sum float64
		for n := range b {
			row := l.Data[n*k : (n+1)*k]
			p := probs(row)
			var inSet float64
			for j := range k {
				if sets[n].Has(j) {
					inSet += p[j]
				}
			}
			ce := -math.Log(inSet)
			if distil[n] && sets[n]&(sets[n]-1) == 0 {
				q := probs(teacher.Data[n*k : (n+1)*k])
				var soft float64
				for j := range k {
					soft -= q[j] * math.Log(p[j])
				}
				ce = (1-w)*ce + w*soft
			}
			sum += ce
		}
		return sum / b
	}
	d := NewTensor(b, k)
	CrossEntropySets(logits, sets, d)
	kl := AddDistillation(d, logits, teacher, sets, distil, w)
	const h = 1e-2
	for i := range logits.Data {
		orig := logits.Data[i]
		logits.Data[i] = orig + h
		up := loss(logits)
		logits.Data[i] = orig - h
		down := loss(logits)
		logits.Data[i] = orig
		if num := (up - down) / (2 * h); math.Abs(num-float64(d.Data[i])) > 1e-4 {
			t.Errorf("gradient %d: got %v, finite differences %v", i, d.Data[i], num)
		}
	}
	var want float64
	for _, n := range []int{0, 3} { // the rows distilled: one class each, flagged
		p, q := probs(logits.Data[n*k:(n+1)*k]), probs(teacher.Data[n*k:(n+1)*k])
		for j := range k {
			want += q[j] * math.Log(q[j]/p[j]) / 2
		}
	}
	if math.Abs(kl-want) > 1e-5 {
		t.Errorf("KL = %v, want %v", kl, want)
	}
}

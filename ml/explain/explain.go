// Package explain says which pixels of an input made FashionNet's answer. Each method returns a
// map of the model's 32×32 input, positive where a pixel is evidence for the class and negative
// where it is evidence against it:
//
//   - Grad-CAM at one of the four conv blocks: the block's channels weighted by the mean
//     gradient of the class's logit over each channel, summed, and scaled up to 32×32
//     bilinearly (Captum's LayerGradCam without its ReLU, so evidence against shows too);
//   - integrated gradients from a black baseline (the background): the input times the
//     gradient of the logit averaged along the straight path from the baseline, with as many
//     steps as completeness needs (the attributions add up to f(x) − f(baseline) within 1 %);
//   - occlusion: how much the class's log-probability drops when a 6×6 patch is set to the
//     background, sliding by 3 pixels, averaged over the patches that cover each pixel
//     (Captum's Occlusion with a log-softmax on the model);
//   - stepwise occlusion: occlusion, then occlusion again once the garment's pixels the first
//     round ranked highest (StepwiseFirstShare of them) are set to the background, so that the
//     rest are ranked by what the model still uses without them.
//
// The gradient methods explain the class's logit, as Captum does: its log-probability saturates
// (its gradient vanishes) when the model is sure. Occlusion measures a real change, so it takes
// the log-probability, which also counts what a patch does for the other classes; on the deletion
// test that ranks pixels better than the logit's drop (see the README's table).
//
// deletion.go measures how faithful a map is.
package explain

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"lookbook/ml"
)

// Method names an attribution method as the API spells it.
type Method string

const (
	GradCAM             Method = "gradcam"
	IntegratedGradients Method = "integrated-gradients"
	Occlusion           Method = "occlusion"
	StepwiseOcclusion   Method = "stepwise-occlusion"
)

// Methods lists every method, in the order the page offers them.
var Methods = []Method{GradCAM, IntegratedGradients, Occlusion, StepwiseOcclusion}

// Name is the method's name for people.
func (m Method) Name() string {
	switch m {
	case GradCAM:
		return "Grad-CAM"
	case IntegratedGradients:
		return "Integrated gradients"
	case Occlusion:
		return "Occlusion"
	case StepwiseOcclusion:
		return "Stepwise occlusion"
	}
	return string(m)
}

const (
	// Side and Pixels describe the model's input and every map.
	Side   = 32
	Pixels = Side * Side
	// Blocks is how many conv blocks Grad-CAM can look at (numbered 1 to Blocks).
	Blocks = 4
	// MaxCompletenessError is the relative completeness error integrated gradients stops at;
	// MinSteps and MaxSteps bound its steps (doubling from the first).
	MaxCompletenessError = 0.01
	MinSteps             = 16
	MaxSteps             = 1024
	// OcclusionPatch and OcclusionStride are the occluding patch's side and its step: on the
	// deletion test of the first 1,000 test images, 6×6 patches every 3 pixels ranked as well as
	// every 2 (AUC 0.268 against 0.270) with 64 forward passes a picture instead of 153, the
	// best of sides 3–7 at that step; earlier, on the first 200, sides 2–12 and steps 1–3 were
	// tried (see the README).
	OcclusionPatch  = 6
	OcclusionStride = 3
	// StepwiseFirstShare is the share of the garment's pixels stepwise occlusion's first round
	// takes away: on the deletion test of the first 1,000 test images 10 % ranked as well as
	// 15 %, and a third round ranked better still at half as much time again (see the README).
	StepwiseFirstShare = 0.10
	// splitsPerRound is how many segments integrated gradients halves in a round: fewer
	// rounds with more splits each waste gradients on segments that did not need them.
	splitsPerRound = 4
	// chunk bounds the images of one pass, and so the memory a pass takes.
	chunk = 64
)

// Options choose what to explain.
type Options struct {
	Method Method
	Class  int // the class whose logit is explained
	Block  int // Grad-CAM's conv block, 1 to Blocks (the other methods ignore it)
}

// Result is one explanation.
type Result struct {
	Method Method
	Class  int
	Block  int // Grad-CAM's block; 0 for the other methods
	Map    [Pixels]float32
	// Integrated gradients': the steps taken and the completeness error at the last,
	// |Σ map − (f(x) − f(0))| / |f(x) − f(0)|.
	Steps             int
	CompletenessError float64
}

// Explainer explains one model's answers. It owns two copies of the model: one that computes
// input gradients, and one in plain evaluation mode for occlusion's many forward passes.
// An Explainer is not safe for concurrent use.
type Explainer struct {
	grad    *ml.FashionNet
	eval    *ml.FashionNet
	classes int
	batch   []float32 // the images of one pass
	dLogits []float32
	// atBaseline holds each class's logit and gradient at the black baseline, the same for
	// every input: integrated gradients starts every path there.
	atBaseline map[int]baselinePoint
}

type baselinePoint struct {
	f    float64
	grad []float32
}

// New returns an Explainer of m's current weights (later changes to m do not reach it).
func New(m *ml.FashionNet) *Explainer {
	g := m.Copy()
	g.SetGradientsFrom(0)
	return &Explainer{grad: g, eval: m.Copy(), classes: m.FC3.Out}
}

// Classes is how many classes the explained model answers with.
func (e *Explainer) Classes() int { return e.classes }

// Predict returns the model's answer for x (32×32 values in [0, 1]).
func (e *Explainer) Predict(x []float32) (int, error) {
	if err := checkInput(x); err != nil {
		return 0, err
	}
	e.batch = grow(e.batch, Pixels)
	copy(e.batch, x)
	return ml.ArgMax(e.eval.Forward(ml.FromData(e.batch[:Pixels], 1, 1, Side, Side)).Data), nil
}

// Explain explains class o.Class's logit for the input x (32×32 values in [0, 1]).
func (e *Explainer) Explain(x []float32, o Options) (Result, error) {
	if err := e.check(x, o); err != nil {
		return Result{}, err
	}
	r := Result{Method: o.Method, Class: o.Class}
	switch o.Method {
	case GradCAM:
		r.Block = o.Block
		e.gradCAM(r.Map[:], x, o.Class, o.Block)
	case IntegratedGradients:
		r.Steps, r.CompletenessError = e.integratedGradients(r.Map[:], x, o.Class)
	case Occlusion:
		e.occlusion(r.Map[:], x, o.Class)
	case StepwiseOcclusion:
		e.stepwiseOcclusion(r.Map[:], x, o.Class)
	}
	return r, nil
}

// check says what is wrong with a request, in words an API user can act on.
func (e *Explainer) check(x []float32, o Options) error {
	if err := checkInput(x); err != nil {
		return err
	}
	switch o.Method {
	case GradCAM:
		if o.Block < 1 || o.Block > Blocks {
			return fmt.Errorf("explain: block %d does not exist, want 1 to %d", o.Block, Blocks)
		}
	case IntegratedGradients, Occlusion, StepwiseOcclusion:
	default:
		return fmt.Errorf("explain: unknown method %q, want %q, %q, %q or %q", o.Method, GradCAM, IntegratedGradients, Occlusion, StepwiseOcclusion)
	}
	if o.Class < 0 || o.Class >= e.classes {
		return fmt.Errorf("explain: class %d does not exist, want 0 to %d", o.Class, e.classes-1)
	}
	return nil
}

// checkInput says what is wrong with an input, if anything.
func checkInput(x []float32) error {
	if len(x) != Pixels {
		return fmt.Errorf("explain: the input has %d values, want %d (32×32)", len(x), Pixels)
	}
	for i, v := range x {
		if !(v >= 0 && v <= 1) { // NaN fails too
			return fmt.Errorf("explain: input value %d is %v, want a value in [0, 1]", i, v)
		}
	}
	return nil
}

// backward runs the gradient model on the n images in e.batch, back-propagates the gradient of
// class's logit in each down to block stop's output (0-based; −1: the input) and returns those
// logits. The blocks up to stop run through the evaluation kernels: nothing flows back
// through them.
func (e *Explainer) backward(n, class, stop int) []float32 {
	e.grad.SetGradientsFrom(stop + 1)
	x := ml.FromData(e.batch[:n*Pixels], n, 1, Side, Side)
	logits := e.grad.Forward(x)
	k := logits.Shape[1]
	e.dLogits = grow(e.dLogits, n*k)
	clear(e.dLogits)
	for i := 0; i < n; i++ {
		e.dLogits[i*k+class] = 1
	}
	e.grad.BackwardTo(ml.FromData(e.dLogits, n, k), stop)
	out := make([]float32, n)
	for i := range out {
		out[i] = logits.Data[i*k+class]
	}
	return out
}

// gradCAM writes Grad-CAM's map at block (1-based) into out.
func (e *Explainer) gradCAM(out, x []float32, class, block int) {
	e.batch = grow(e.batch, Pixels)
	copy(e.batch, x)
	e.backward(1, class, block-1)
	a, g := e.grad.Block(block-1), e.grad.BlockGrad(block-1)
	c, h, w := a.Shape[1], a.Shape[2], a.Shape[3]
	cam := make([]float64, h*w)
	for ch := 0; ch < c; ch++ {
		plane := g.Data[ch*h*w : (ch+1)*h*w]
		var mean float64
		for _, v := range plane {
			mean += float64(v)
		}
		mean /= float64(h * w)
		for i, v := range a.Data[ch*h*w : (ch+1)*h*w] {
			cam[i] += mean * float64(v)
		}
	}
	upsample(out, cam, h, w)
}

// upsample scales the h×w map src up to Side×Side into out, bilinearly with the pixel centres
// aligned (PyTorch's interpolate, mode "bilinear", align_corners=False).
func upsample(out []float32, src []float64, h, w int) {
	coord := func(dst, in int) (int, int, float64) {
		s := (float64(dst)+0.5)*float64(in)/Side - 0.5
		s = max(s, 0)
		i0 := min(int(s), in-1)
		return i0, min(i0+1, in-1), s - float64(i0)
	}
	for y := 0; y < Side; y++ {
		y0, y1, fy := coord(y, h)
		for x := 0; x < Side; x++ {
			x0, x1, fx := coord(x, w)
			top := src[y0*w+x0]*(1-fx) + src[y0*w+x1]*fx
			bottom := src[y1*w+x0]*(1-fx) + src[y1*w+x1]*fx
			out[y*Side+x] = float32(top*(1-fy) + bottom*fy)
		}
	}
}

// integratedGradients writes the attributions into out and returns the segments of the final
// partition of the path and its completeness error.
//
// Along the straight path the network (in evaluation: ReLU, max-pool and affine layers) is
// piecewise linear, with a kink wherever a unit switches; images cross thousands of them, and
// uniform sums need about a thousand steps for a 1 % completeness error. So the path is split
// where it is needed. Every node α of the partition has f(α·x) and ∇f(α·x) from one backward
// pass, and each segment [a, b] adds x·(∇f(a) + ∇f(b))/2·(b − a) to the attributions (the
// trapezoid rule, exact within a linear piece); its total, against f(b) − f(a), is that
// segment's own completeness error. The first MinSteps segments crowd towards the baseline
// (α = (i/16)²), where the logits change fastest; then, round by round, the splitsPerRound
// segments with the largest errors are halved, each at the cost of one more backward pass (at
// its midpoint, which both halves share), until the whole is within MaxCompletenessError of
// f(x) − f(0) or the segments reach MaxSteps. The baseline's point is the same for every input,
// so it is kept per class. On the first 2,000 test images this took a median of 28 segments
// (mean 35), each a backward pass; midpoint sums, whose halves need two new points each, took
// 40 backward passes and 17 forward ones for the same 28 segments, and their maps were no
// closer to the integral (a median 5.7 % from 4,096 uniform steps, against 5.3 %).
func (e *Explainer) integratedGradients(out, x []float32, class int) (int, float64) {
	type node struct {
		alpha, f float64
		grad     []float32 // ∇f at α·x
		dir      float64   // x·∇f: f's slope along the path
	}
	point := func(alpha, f float64, grad []float32) node {
		n := node{alpha: alpha, f: f, grad: grad}
		for p, v := range x {
			n.dir += float64(v) * float64(grad[p])
		}
		return n
	}
	at := func(alphas []float64) []node {
		fs, grads := e.gradientsAlong(x, class, alphas)
		nodes := make([]node, len(alphas))
		for i, a := range alphas {
			nodes[i] = point(a, fs[i], grads[i])
		}
		return nodes
	}
	// segErr is segment [n[i], n[i+1]]'s completeness error.
	segErr := func(n []node, i int) float64 {
		a, b := n[i], n[i+1]
		return (a.dir+b.dir)/2*(b.alpha-a.alpha) - (b.f - a.f)
	}
	alphas := make([]float64, MinSteps+1)
	for i := range alphas {
		t := float64(i) / MinSteps
		alphas[i] = t * t
	}
	base := e.baseline(class)
	nodes := append([]node{point(0, base.f, base.grad)}, at(alphas[1:])...)
	gap := nodes[MinSteps].f - nodes[0].f
	for {
		segs := len(nodes) - 1
		errs := make([]float64, segs)
		var total float64
		for i := range errs {
			errs[i] = segErr(nodes, i)
			total += errs[i]
		}
		relErr := math.Abs(total) / math.Max(math.Abs(gap), 1e-6)
		if relErr < MaxCompletenessError || segs >= MaxSteps {
			// Node i weighs half of each segment it ends.
			sum := make([]float64, Pixels)
			for i, n := range nodes {
				var w float64
				if i > 0 {
					w += (n.alpha - nodes[i-1].alpha) / 2
				}
				if i < segs {
					w += (nodes[i+1].alpha - n.alpha) / 2
				}
				for p, g := range n.grad {
					sum[p] += float64(g) * w
				}
			}
			for p, v := range x {
				out[p] = float32(float64(v) * sum[p])
			}
			return segs, relErr
		}
		// Halve the worst segments: a new node at each one's midpoint.
		worst := make([]int, segs)
		for i := range worst {
			worst[i] = i
		}
		slices.SortStableFunc(worst, func(i, j int) int { return cmp.Compare(math.Abs(errs[j]), math.Abs(errs[i])) })
		worst = worst[:min(splitsPerRound, MaxSteps-segs)]
		slices.Sort(worst)
		mids := make([]float64, len(worst))
		for k, i := range worst {
			mids[k] = (nodes[i].alpha + nodes[i+1].alpha) / 2
		}
		added := at(mids)
		next := make([]node, 0, len(nodes)+len(added))
		k := 0
		for i, n := range nodes {
			next = append(next, n)
			if k < len(worst) && worst[k] == i {
				next = append(next, added[k])
				k++
			}
		}
		nodes = next
	}
}

// baseline returns class's logit and gradient at the black baseline, computed once a class.
func (e *Explainer) baseline(class int) baselinePoint {
	if b, ok := e.atBaseline[class]; ok {
		return b
	}
	fs, grads := e.gradientsAlong(make([]float32, Pixels), class, []float64{0})
	b := baselinePoint{f: fs[0], grad: grads[0]}
	if e.atBaseline == nil {
		e.atBaseline = map[int]baselinePoint{}
	}
	e.atBaseline[class] = b
	return b
}

// gradientsAlong returns class's logit and its gradient at α·x for each α.
func (e *Explainer) gradientsAlong(x []float32, class int, alphas []float64) ([]float64, [][]float32) {
	logits := make([]float64, 0, len(alphas))
	grads := make([][]float32, 0, len(alphas))
	for k0 := 0; k0 < len(alphas); k0 += chunk {
		n := min(chunk, len(alphas)-k0)
		e.scaledBatch(x, alphas[k0:k0+n])
		out := e.backward(n, class, -1)
		g := e.grad.InputGrad().Data
		for i := 0; i < n; i++ {
			logits = append(logits, float64(out[i]))
			grads = append(grads, slices.Clone(g[i*Pixels:(i+1)*Pixels]))
		}
	}
	return logits, grads
}

// scaledBatch fills e.batch with α·x for each α.
func (e *Explainer) scaledBatch(x []float32, alphas []float64) {
	e.batch = grow(e.batch, len(alphas)*Pixels)
	for i, a := range alphas {
		img := e.batch[i*Pixels : (i+1)*Pixels]
		for p, v := range x {
			img[p] = float32(a) * v
		}
	}
}

// IntegratedGradientsSteps writes integrated gradients with exactly steps steps into out
// (what the golden test checks against PyTorch), after checking the request as Explain does.
func (e *Explainer) IntegratedGradientsSteps(out, x []float32, class, steps int) error {
	if err := e.check(x, Options{Method: IntegratedGradients, Class: class}); err != nil {
		return err
	}
	if steps < 1 || len(out) != Pixels {
		return fmt.Errorf("explain: %d steps into %d values, want at least 1 step into %d", steps, len(out), Pixels)
	}
	e.integrate(out, x, class, steps)
	return nil
}

// integrate writes x times the mean gradient of class's logit at the midpoints α = (k+½)/steps
// of the path from the black baseline to x (the uniform midpoint sum, Captum's riemann_middle).
func (e *Explainer) integrate(out, x []float32, class, steps int) {
	alphas := make([]float64, steps)
	for k := range alphas {
		alphas[k] = (float64(k) + 0.5) / float64(steps)
	}
	_, grads := e.gradientsAlong(x, class, alphas)
	sum := make([]float64, Pixels)
	for _, g := range grads {
		for p, v := range g {
			sum[p] += float64(v)
		}
	}
	for p, v := range x {
		out[p] = float32(float64(v) * sum[p] / float64(steps))
	}
}

// occlusion writes the occlusion map into out. A patch that covers only background pixels
// changes nothing, so it is not run: its drop is exactly 0.
func (e *Explainer) occlusion(out, x []float32, class int) {
	type patch struct{ x, y int }
	var todo []patch
	var count [Pixels]float32
	for y := 0; y+OcclusionPatch <= Side; y += OcclusionStride {
		for x0 := 0; x0+OcclusionPatch <= Side; x0 += OcclusionStride {
			blank := true
			for dy := 0; dy < OcclusionPatch; dy++ {
				for dx := 0; dx < OcclusionPatch; dx++ {
					p := (y+dy)*Side + x0 + dx
					count[p]++
					blank = blank && x[p] == 0
				}
			}
			if !blank {
				todo = append(todo, patch{x0, y})
			}
		}
	}
	sum := make([]float64, Pixels)
	e.batch = grow(e.batch, (chunk+1)*Pixels)
	var base float64
	for i0 := 0; i0 < len(todo); i0 += chunk {
		n := min(chunk, len(todo)-i0)
		copy(e.batch, x) // image 0: the input itself
		for i, pt := range todo[i0 : i0+n] {
			img := e.batch[(i+1)*Pixels : (i+2)*Pixels]
			copy(img, x)
			for dy := 0; dy < OcclusionPatch; dy++ {
				clear(img[(pt.y+dy)*Side+pt.x : (pt.y+dy)*Side+pt.x+OcclusionPatch])
			}
		}
		logits := e.eval.Forward(ml.FromData(e.batch[:(n+1)*Pixels], n+1, 1, Side, Side))
		k := logits.Shape[1]
		base = logProb(logits.Data[:k], class)
		for i, pt := range todo[i0 : i0+n] {
			drop := base - logProb(logits.Data[(i+1)*k:(i+2)*k], class)
			for dy := 0; dy < OcclusionPatch; dy++ {
				for dx := 0; dx < OcclusionPatch; dx++ {
					sum[(pt.y+dy)*Side+pt.x+dx] += drop
				}
			}
		}
	}
	for p := range out {
		if count[p] > 0 {
			out[p] = float32(sum[p] / float64(count[p]))
		}
	}
}

// stepwiseOcclusion writes stepwise occlusion's map into out. One round of occlusion asks what
// each patch does with the rest of the picture in place, and the model is sure of most answers:
// taking one patch away barely moves it, so beyond the few strongest the first round's ranking
// says little. So the StepwiseFirstShare of the garment's pixels (those above 0) that the first
// round ranks highest are set to the background, and a second round ranks the rest by what the
// model still uses without them. Those first pixels keep the first round's values; the second
// round's are scaled down, where needed, to stay below them, so that the map ranks the pixels
// in the order the rounds found them and every value keeps its sign. Where the first round finds
// no evidence for the class among the pixels it would take, it is the map.
func (e *Explainer) stepwiseOcclusion(out, x []float32, class int) {
	e.occlusion(out, x, class)
	var garment []int
	for p, v := range x {
		if v > 0 {
			garment = append(garment, p)
		}
	}
	// Highest first; ties in pixel order, as the deletion test breaks them.
	slices.SortStableFunc(garment, func(a, b int) int { return cmp.Compare(out[b], out[a]) })
	take := int(math.Round(StepwiseFirstShare * float64(len(garment))))
	if take == 0 || take == len(garment) {
		return
	}
	floor := out[garment[take-1]]
	if !(floor > 0) {
		return
	}
	rest := slices.Clone(x)
	for _, p := range garment[:take] {
		rest[p] = 0
	}
	var second [Pixels]float32
	e.occlusion(second[:], rest, class)
	top := second[garment[take]]
	for _, p := range garment[take:] {
		top = max(top, second[p])
	}
	scale := float32(1)
	if top >= floor {
		scale = floor / top * (1 - 1e-3) // strictly below: float32 keeps the order
	}
	for p := range out {
		if rest[p] == x[p] {
			out[p] = second[p] * scale
		}
	}
}

// logProb is log softmax(logits)[class], in float64.
func logProb(logits []float32, class int) float64 {
	top := float64(slices.Max(logits))
	var sum float64
	for _, v := range logits {
		sum += math.Exp(float64(v) - top)
	}
	return float64(logits[class]) - top - math.Log(sum)
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

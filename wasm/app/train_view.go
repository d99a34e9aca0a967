//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/vugu/vugu"

	"lookbook/ml/course"
	"lookbook/wasm/chart"
)

// TrainView is the Train view (train-view.vugu): the settings of the course's two experiments,
// the controls of a run, its live curves, and what to do with the model it trained.
type TrainView struct {
	App *App
}

// The choices the view offers (lookbook.train takes any value in course.Options' limits).
var (
	learningRates    = []float64{1e-4, 3e-4, 1e-3, 3e-3, 1e-2}
	batchSizes       = []int{32, 64, 128, 256}
	trainImageCounts = []int{10000, 30000, 60000}
	fashionEpochs    = []int{1, 2, 3, 5, 10}
	klWeights        = []float64{1e-5, 1e-4, 1e-3, 1e-2, 1e-1}
	vaeEpochs        = []int{10, 25, 50, 100, 200}
)

func fmtG(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func alphaText(i int) string { return strconv.FormatFloat(float64(i)/5, 'f', 1, 64) }

func (c *TrainView) on(model string) string { return strconv.FormatBool(c.App.Train.Model == model) }

func (c *TrainView) segClass(on bool) string {
	if on {
		return "lb-seg-on"
	}
	return ""
}

func (c *TrainView) SetModel(e vugu.DOMEvent, model string) {
	if !c.App.Train.Busy() {
		c.App.Train.Model = model
	}
}

func (c *TrainView) SetBatchNorm(e vugu.DOMEvent) {
	on := e.PropBool("target", "checked")
	c.App.Train.Fashion.BatchNorm = &on
}

// SetNumber takes a select's choice for the setting named by what.
func (c *TrainView) SetNumber(e vugu.DOMEvent, what string) {
	v, err := strconv.ParseFloat(e.PropString("target", "value"), 64)
	if err != nil {
		return
	}
	t := &c.App.Train
	switch what {
	case "lr":
		t.Fashion.LearningRate = v
	case "batch":
		t.Fashion.BatchSize = int(v)
	case "images":
		t.Fashion.TrainImages = int(v)
	case "kl":
		t.Faces.KLWeight = v
	case "epochs":
		t.options().Epochs = int(v)
	}
}

func (c *TrainView) SetSchedule(e vugu.DOMEvent) {
	c.App.Train.Fashion.Schedule = e.PropString("target", "value")
}

func (c *TrainView) SetLoss(e vugu.DOMEvent) {
	c.App.Train.Faces.Loss = e.PropString("target", "value")
}

// Start trains the experiment shown with its settings.
func (c *TrainView) Start(e vugu.DOMEvent) {
	o := *c.App.Train.options()
	go c.App.Train.start(o, defaultWorkers(), 0, nil)
}

func (c *TrainView) Control(e vugu.DOMEvent, kind string) { c.App.Train.control(kind) }

func (c *TrainView) Use(e vugu.DOMEvent) {
	t := &c.App.Train
	go func() {
		if err := t.use(); err != nil {
			a := t.app
			a.env.Lock()
			t.Error = err.Error()
			a.env.UnlockRender()
		}
	}()
}

func (c *TrainView) UseShipped(e vugu.DOMEvent) { c.App.Train.useShipped() }

// Download saves the trained model's weights, by the course's state_dict names.
func (c *TrainView) Download(e vugu.DOMEvent) {
	t := &c.App.Train
	model := t.Run.Options.Model
	go func() {
		data, err := t.trainedWeights()
		if err != nil {
			a := t.app
			a.env.Lock()
			t.Error = err.Error()
			a.env.UnlockRender()
			return
		}
		download("lookbook-"+model+"-trained.safetensors", "application/octet-stream", data)
	}()
}

func (c *TrainView) running() bool {
	r := c.App.Train.Run
	return r != nil && !r.Finished && r.Error == "" && c.App.Train.Downloading == ""
}

func (c *TrainView) finished() bool {
	r := c.App.Train.Run
	return r != nil && r.Finished && r.Error == ""
}

func (c *TrainView) fraction() string {
	t := &c.App.Train
	if t.Downloading != "" {
		return fmt.Sprintf("%.3f", t.Fraction)
	}
	if t.Run == nil {
		return "0"
	}
	return fmt.Sprintf("%.3f", float64(t.Run.StepsDone)/float64(t.Run.TotalSteps))
}

// about says what the experiment trains on and what to look for.
func (c *TrainView) about() string {
	if c.App.Train.Model == course.VAE {
		return "Faces 1–900 train, 901–1,000 validate. The app ships no photographs of people: these are the shipped VAE's decodings of each face's latent code. Raise the KL weight and watch the morph's faces become almost identical, as the course warned."
	}
	return fmt.Sprintf("Fashion-MNIST's training images (a 31 MB download, once), tested after every epoch on the first %s test images and at the end on all 10,000. Turn BatchNorm off and train again: the two runs share the charts.", thousands(course.TestSlice))
}

func (c *TrainView) progressText() string {
	t := &c.App.Train
	if t.Downloading != "" {
		return fmt.Sprintf("Downloading %s… %.0f%%", t.Downloading, 100*t.Fraction)
	}
	r := t.Run
	if r == nil || r.Error != "" {
		return ""
	}
	if r.Finished {
		text := fmt.Sprintf("Done: %d %s, %s steps in %s (%.0f ms a step).", r.Epoch, plural(r.Epoch, "epoch", "epochs"), thousands(r.StepsDone), clock(r.TrainMs), r.StepMs)
		if r.Confusion != nil {
			text += fmt.Sprintf(" Test accuracy %.2f%%.", 100*r.TestAccuracy)
		}
		return text
	}
	text := fmt.Sprintf("Epoch %d of %d · step %s of %s", min(r.Epoch+1, r.Options.Epochs), r.Options.Epochs, thousands(r.Step), thousands(max(r.Steps, 0)))
	if r.StepsDone > 0 && r.TrainMs > 0 {
		left := r.TrainMs / float64(r.StepsDone) * float64(r.TotalSteps-r.StepsDone)
		text += " · about " + clock(left) + " left"
	}
	if r.Paused {
		text += " · paused"
	}
	return text
}

// clock formats milliseconds as m:ss.
func clock(ms float64) string {
	d := time.Duration(ms) * time.Millisecond
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

func (c *TrainView) inUseText() string {
	if c.App.Train.InUse == course.VAE {
		return "Faces now morphs with the face model you trained."
	}
	return "Classify, the Map's placement of your drawing and the JS API now use the FashionNet you trained."
}

// runName labels a run in the charts' legends by the settings that tell runs apart.
func runName(r *trainRun) string {
	o := r.Options
	if o.Model == course.VAE {
		return fmt.Sprintf("KL %s, %s", fmtG(o.KLWeight), o.Loss)
	}
	bn := "BatchNorm on"
	if o.BatchNorm != nil && !*o.BatchNorm {
		bn = "BatchNorm off"
	}
	return fmt.Sprintf("%s, lr %s", bn, fmtG(o.LearningRate))
}

// legend names run i of n in a chart: the one before the current run is marked so.
func legend(r *trainRun, i, n int) string {
	if i == 0 && n == 2 {
		return runName(r) + " (before)"
	}
	return runName(r)
}

// runs are the runs the charts show: the one before (dashed), then the current one.
func (c *TrainView) runs() []*trainRun {
	t := &c.App.Train
	var out []*trainRun
	if t.Before != nil {
		out = append(out, t.Before)
	}
	if t.Run != nil && t.Run.Error == "" {
		out = append(out, t.Run)
	}
	return out
}

var runColours = []string{"#b794ff", "#7cc4ff"}

// lossChart is the training loss over the epochs (as fractions of epochs, so runs of other
// batch sizes line up). The charts are SVG in the page's own document: as images (data URLs)
// each new chart cost the browser a document of its own, 25–60 ms of a progress message's task
// on two cores.
func (c *TrainView) lossChart() vugu.HTML {
	return vugu.HTML(c.App.Train.lossChart.get(c.chartKey(), c.makeLossChart))
}

// chartKey identifies what the charts show: the runs drawn and how far each has come (their
// losses and epoch points only ever grow).
func (c *TrainView) chartKey() string {
	key := c.App.Train.Model
	for _, r := range c.runs() {
		key += fmt.Sprintf(" %d:%d:%d", r.ID, len(r.Losses), len(r.Curve))
	}
	return key
}

func (c *TrainView) makeLossChart() string {
	ch := chart.Chart{Width: 560, Height: 230, XLabel: "epoch", YLabel: "training loss", LogY: true}
	runs := c.runs()
	for i, r := range runs {
		s := chart.Series{Name: legend(r, i, len(runs)), Colour: runColours[(i+2-len(runs))%2], Dashed: i == 0 && len(runs) == 2}
		for _, p := range r.Losses {
			s.Points = append(s.Points, [2]float64{float64(p.Step) / float64(max(r.Steps, 1)), p.Loss})
		}
		s.Points = chart.Thin(s.Points, 300)
		ch.Series = append(ch.Series, s)
	}
	return ch.SVG()
}

func (c *TrainView) lossAlt() string {
	r := c.App.Train.Run
	if r == nil || len(r.Losses) == 0 {
		return "Training loss: no run yet"
	}
	return fmt.Sprintf("Training loss, from %.3f to %.3f", r.Losses[0].Loss, r.Losses[len(r.Losses)-1].Loss)
}

func (c *TrainView) lossCaption() string {
	if c.App.Train.Model == course.VAE {
		return "Training loss: the reconstruction term plus the KL weight times the KL divergence."
	}
	return "Training loss (cross-entropy), averaged over each stretch of steps."
}

// epochChart is each epoch's held-out figure: test accuracy or validation MSE.
func (c *TrainView) epochChart() vugu.HTML {
	return vugu.HTML(c.App.Train.epochChart.get(c.chartKey(), c.makeEpochChart))
}

func (c *TrainView) makeEpochChart() string {
	vae := c.App.Train.Run.Options.Model == course.VAE
	ch := chart.Chart{Width: 560, Height: 200, XLabel: "epoch", YLabel: "test accuracy (first 2,000)"}
	if vae {
		ch.YLabel = "validation MSE"
	}
	runs := c.runs()
	for i, r := range runs {
		s := chart.Series{Name: legend(r, i, len(runs)), Colour: runColours[(i+2-len(runs))%2], Dashed: i == 0 && len(runs) == 2}
		for _, p := range r.Curve {
			v := p.TestAccuracy
			if vae {
				v = p.ValidationMSE
			}
			s.Points = append(s.Points, [2]float64{float64(p.Epoch), v})
		}
		s.Dots = len(s.Points) <= 30
		s.Points = chart.Thin(s.Points, 300)
		ch.Series = append(ch.Series, s)
	}
	return ch.SVG()
}

func (c *TrainView) epochAlt() string {
	r := c.App.Train.Run
	last := r.Curve[len(r.Curve)-1]
	if r.Options.Model == course.VAE {
		return fmt.Sprintf("Validation MSE after epoch %d: %.4f", last.Epoch, last.ValidationMSE)
	}
	return fmt.Sprintf("Test accuracy after epoch %d: %.1f%%", last.Epoch, 100*last.TestAccuracy)
}

func (c *TrainView) epochCaption() string { return c.epochAlt() + "." }

func (c *TrainView) confusionCaption() string {
	return fmt.Sprintf("On all 10,000 test images: %.2f%% right. Rows are the true class, columns the answer.", 100*c.App.Train.Run.TestAccuracy)
}

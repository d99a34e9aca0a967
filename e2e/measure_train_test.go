package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// watchLongTasks records the tasks of over 50 ms on the page's main thread from now on.
func (a *app) watchLongTasks() {
	a.t.Helper()
	a.run(chromedp.Evaluate(`window.longTasks = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.longTasks.push([e.startTime, e.duration]); }).observe({entryTypes: ["longtask"]}); 0`, nil))
}

// now is the page's clock (performance.now(), ms), which long tasks' times are on.
func (a *app) now() float64 {
	a.t.Helper()
	var ms float64
	a.run(chromedp.Evaluate(`performance.now()`, &ms))
	return ms
}

// trainingWindow is a run's span on the page's clock.
type trainingWindow struct {
	name       string
	start, end float64
}

// longTaskReport says which long tasks came while the runs trained and which between them (the
// view's own rendering, a run's set-up by the test), the longest of each.
func (a *app) longTaskReport(runs []trainingWindow) string {
	a.t.Helper()
	var tasks [][2]float64
	a.evalJSON(`window.longTasks`, &tasks)
	var during, between float64
	var lines []string
	for _, task := range tasks {
		i := slices.IndexFunc(runs, func(r trainingWindow) bool { return task[0] >= r.start && task[0] < r.end })
		if i < 0 {
			between = max(between, task[1])
			lines = append(lines, fmt.Sprintf("  %.0f ms: between runs", task[1]))
			continue
		}
		during = max(during, task[1])
		lines = append(lines, fmt.Sprintf("  %.0f ms: %s, %.0f ms after it started", task[1], runs[i].name, task[0]-runs[i].start))
	}
	return fmt.Sprintf("longest main-thread task while a run trained: %.0f ms; between runs: %.0f ms; %d long tasks (over 50 ms) in all\n%s\n",
		during, between, len(tasks), strings.Join(lines, "\n"))
}

// TestMeasureTrainingSteps: the Train view's training step in headless Chromium (make
// bench-browser), with one worker and with two, and the longest main-thread task meanwhile.
func TestMeasureTrainingSteps(t *testing.T) {
	measuring(t)
	a := visit(t, "")
	a.click("nav-train")
	a.watchLongTasks()
	var b strings.Builder
	fmt.Fprintf(&b, "Training steps in the page, headless %s\n\n", chromiumVersion(t))
	var runs []trainingWindow
	// Steps: medians of three short runs each, after a first that downloads the data.
	for _, c := range []struct{ name, options string }{
		{"FashionNet, batch 64", `{model: "fashionnet", trainImages: 3200, epochs: 1, workers: %d}`},
		{"VAE, batch 32", `{model: "vae", epochs: 3, workers: %d}`},
	} {
		for _, workers := range []int{1, 2} {
			var ms []float64
			for i := 0; i < 4; i++ { // a warm-up (and the download), then three
				start := a.now()
				out, err := a.train(fmt.Sprintf(c.options, workers))
				if err != "" {
					t.Fatal(err)
				}
				runs = append(runs, trainingWindow{fmt.Sprintf("%s, %d worker(s), run %d", c.name, workers, i), start, a.now()})
				if i > 0 {
					ms = append(ms, out.StepMs)
				}
			}
			line := fmt.Sprintf("%-22s %d worker(s): %.1f ms a step (median of %v)\n", c.name, workers, median(ms), ms)
			t.Log(line)
			b.WriteString(line)
		}
	}
	b.WriteString(a.longTaskReport(runs))
	t.Log("\n" + b.String())
	writeArtifact(t, "train-steps-measurements.txt", b.String())
}

// TestMeasureTrainingRuns: the Train view's full runs in headless Chromium (make
// bench-browser), from a fresh page so that the data download counts: FashionNet with the
// view's defaults and the VAE with the course's recipe, and the longest main-thread task.
func TestMeasureTrainingRuns(t *testing.T) {
	measuring(t)
	c := visit(t, "")
	c.click("nav-train")
	c.watchLongTasks()
	var b strings.Builder
	fmt.Fprintf(&b, "Training runs in the page, headless %s\n\n", chromiumVersion(t))
	var runs []trainingWindow
	start := c.now()
	out, err := c.train(`{model: "fashionnet", epochs: 2}`)
	if err != "" {
		t.Fatal(err)
	}
	runs = append(runs, trainingWindow{"FashionNet", start, c.now()})
	fmt.Fprintf(&b, "FashionNet, the defaults (60,000 images, 2 epochs, batch 64, %d workers): test accuracy %.2f%% after %.1f s (download included), %.1f ms a step\n", out.Workers, 100**out.TestAccuracy, out.Ms/1000, out.StepMs)
	for _, p := range out.Curve {
		fmt.Fprintf(&b, "  epoch %d: training loss %.4f, accuracy on the first 2,000 test images %.2f%%\n", p.Epoch, p.Loss, 100*p.TestAccuracy)
	}
	t.Log(b.String())
	start = c.now()
	out, err = c.train(`{model: "vae", epochs: 100}`)
	if err != "" {
		t.Fatal(err)
	}
	runs = append(runs, trainingWindow{"the VAE", start, c.now()})
	fmt.Fprintf(&b, "VAE, the course's recipe (100 epochs, batch 32, KL weight 1e-5, MSE, %d workers): validation MSE %.5f after %.1f s, %.1f ms a step\n", out.Workers, *out.ValidationMSE, out.Ms/1000, out.StepMs)
	b.WriteString(c.longTaskReport(runs))
	t.Log("\n" + b.String())
	writeArtifact(t, "train-runs-measurements.txt", b.String())
}

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// watchLongTasks records the longest task on the page's main thread from now on.
func (a *app) watchLongTasks() {
	a.t.Helper()
	a.run(chromedp.Evaluate(`window.longest = 0; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.longest = Math.max(window.longest, e.duration); }).observe({entryTypes: ["longtask"]}); 0`, nil))
}

func (a *app) longestTask() float64 {
	a.t.Helper()
	var ms float64
	a.run(chromedp.Evaluate(`window.longest`, &ms))
	return ms
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
	// Steps: medians of three short runs each, after a first that downloads the data.
	for _, c := range []struct{ name, options string }{
		{"FashionNet, batch 64", `{model: "fashionnet", trainImages: 3200, epochs: 1, workers: %d}`},
		{"VAE, batch 32", `{model: "vae", epochs: 3, workers: %d}`},
	} {
		for _, workers := range []int{1, 2} {
			a.train(fmt.Sprintf(c.options, workers)) // warm-up (and the download)
			var ms []float64
			for i := 0; i < 3; i++ {
				out, err := a.train(fmt.Sprintf(c.options, workers))
				if err != "" {
					t.Fatal(err)
				}
				ms = append(ms, out.StepMs)
			}
			line := fmt.Sprintf("%-22s %d worker(s): %.1f ms a step (median of %v)\n", c.name, workers, median(ms), ms)
			t.Log(line)
			b.WriteString(line)
		}
	}
	fmt.Fprintf(&b, "longest main-thread task during these runs: %.0f ms\n", a.longestTask())
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
	out, err := c.train(`{model: "fashionnet", epochs: 2}`)
	if err != "" {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "FashionNet, the defaults (60,000 images, 2 epochs, batch 64, %d workers): test accuracy %.2f%% after %.1f s (download included), %.1f ms a step\n", out.Workers, 100**out.TestAccuracy, out.Ms/1000, out.StepMs)
	for _, p := range out.Curve {
		fmt.Fprintf(&b, "  epoch %d: training loss %.4f, accuracy on the first 2,000 test images %.2f%%\n", p.Epoch, p.Loss, 100*p.TestAccuracy)
	}
	t.Log(b.String())
	out, err = c.train(`{model: "vae", epochs: 100}`)
	if err != "" {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "VAE, the course's recipe (100 epochs, batch 32, KL weight 1e-5, MSE, %d workers): validation MSE %.5f after %.1f s, %.1f ms a step\n", out.Workers, *out.ValidationMSE, out.Ms/1000, out.StepMs)
	fmt.Fprintf(&b, "longest main-thread task during the full runs: %.0f ms\n", c.longestTask())
	t.Log("\n" + b.String())
	writeArtifact(t, "train-runs-measurements.txt", b.String())
}

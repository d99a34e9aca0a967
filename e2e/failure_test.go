package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDamagedWeightsShowAnError serves a truncated weight file in place of the real one: the page
// must say what went wrong and offer a retry, not go blank.
func TestDamagedWeightsShowAnError(t *testing.T) {
	a := start(t, 1280, 800)
	a.damage("fashionnet")
	var failure, shown string
	a.run(chromedp.Navigate(a.url), chromedp.Evaluate(`lookbook.failed`, &failure, awaitPromise),
		chromedp.WaitVisible(`#boot-retry`, chromedp.ByQuery), chromedp.Text(`#boot`, &shown, chromedp.ByQuery))
	if !strings.Contains(failure, "damaged") || !strings.Contains(shown, failure) || !strings.Contains(shown, "Try again") {
		t.Errorf("the page shows %q (failure %q); want the damaged-weights message and a retry button", shown, failure)
	}
	a.screenshot("08-damaged-weights")
}

// TestDamagedMapDataShowsAnError serves a cut-off maps file: the Map view says so and offers a
// retry; the rest of the app keeps working.
func TestDamagedMapDataShowsAnError(t *testing.T) {
	a := start(t, 1280, 800)
	a.damage("maps.")
	a.open("")
	a.run(chromedp.Click(`[data-testid="nav-map"]`, chromedp.ByQuery))
	var shown string
	a.run(chromedp.WaitVisible(`[data-testid="map-error"]`, chromedp.ByQuery), chromedp.Text(`[data-testid="map-error"]`, &shown, chromedp.ByQuery))
	if !strings.Contains(shown, "map data") || !strings.Contains(shown, "Try again") {
		t.Errorf("the Map view shows %q; want a message about the map data and a retry", shown)
	}
	a.click("nav-classify")
	a.drawTrousers()
	if s := a.waitChange(0); !s.HasInput {
		t.Error("the Classify view stopped working after the map data failed")
	}
}

// TestDamagedProgramShowsAnError serves a truncated program: the loader compiles the program as
// it streams in, and must still say plainly that the download was cut short.
func TestDamagedProgramShowsAnError(t *testing.T) {
	a := start(t, 1280, 800)
	a.damage("/app.")
	var failure string
	a.run(chromedp.Navigate(a.url), chromedp.Evaluate(`lookbook.failed`, &failure, awaitPromise),
		chromedp.WaitVisible(`#boot-retry`, chromedp.ByQuery))
	if !strings.Contains(failure, "cut short") {
		t.Errorf("a truncated program: the page says %q, want it to say the download was cut short", failure)
	}
}

// TestDamagedTrainingDataShowsAnError serves cut-off training images: the Train view says which
// data is damaged instead of training on it, and the next run can still be started.
func TestDamagedTrainingDataShowsAnError(t *testing.T) {
	a := start(t, 1280, 800)
	a.damage("fashion-train-images")
	a.open("")
	a.click("nav-train")
	if _, err := a.train(`{model: "fashionnet", trainImages: 640, epochs: 1}`); !strings.Contains(err, "the training images") {
		t.Errorf("training on damaged images: %q, want an error naming the training images", err)
	}
	var shown string
	a.run(chromedp.Text(`[data-testid="train-error"]`, &shown, chromedp.ByQuery))
	if !strings.Contains(shown, "the training images") {
		t.Errorf("the view shows %q", shown)
	}
	a.screenshot("train-03-damaged-data")
}

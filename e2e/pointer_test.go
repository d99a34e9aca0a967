package e2e

import (
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// press moves the mouse to the first of points (CSS pixels), presses the left button, moves
// through the others pausing step after each (the stage reads input once a frame), and releases.
func (a *app) press(step time.Duration, points ...[2]float64) {
	a.t.Helper()
	x, y := points[0][0], points[0][1]
	actions := []chromedp.Action{
		chromedp.MouseEvent(input.MouseMoved, x, y), chromedp.Sleep(50 * time.Millisecond),
		chromedp.MouseEvent(input.MousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)), chromedp.Sleep(50 * time.Millisecond),
	}
	for _, p := range points[1:] {
		x, y = p[0], p[1]
		actions = append(actions, chromedp.MouseEvent(input.MouseMoved, x, y, chromedp.ButtonLeft), chromedp.Sleep(step))
	}
	actions = append(actions, chromedp.MouseEvent(input.MouseReleased, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)), chromedp.Sleep(100*time.Millisecond))
	a.run(actions...)
}

// drag presses at (x, y), moves by (dx, dy) in five steps and releases.
func (a *app) drag(x, y, dx, dy float64) {
	a.t.Helper()
	points := make([][2]float64, 6)
	for k := range points {
		points[k] = [2]float64{x + dx*float64(k)/5, y + dy*float64(k)/5}
	}
	a.press(20*time.Millisecond, points...)
}

// stroke drags the mouse through points given in pad fractions, slowly enough for the stage,
// which reads input once a frame.
func (a *app) stroke(points ...[2]float64) {
	a.t.Helper()
	a.strokeIn("region-pad", points...)
}

// strokeIn draws on the pad marked testid (the Classify pad, or the Map view's).
func (a *app) strokeIn(testid string, points ...[2]float64) {
	a.t.Helper()
	a.strokeEvery(testid, 35*time.Millisecond, points...)
}

// strokeEvery is strokeIn with a pause of step after each point.
func (a *app) strokeEvery(testid string, step time.Duration, points ...[2]float64) {
	a.t.Helper()
	pad := a.rectOf(testid)
	page := make([][2]float64, len(points))
	for i, p := range points {
		page[i] = [2]float64{pad.X + p[0]*pad.W, pad.Y + p[1]*pad.H}
	}
	a.press(step, page...)
}

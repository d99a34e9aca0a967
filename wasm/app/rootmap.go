//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"strconv"
	"syscall/js"

	"github.com/vugu/vugu"

	"lookbook/ml"
	"lookbook/wasm/mapview"
)

// The Map view's DOM handlers and the text it shows.

var projectionLabels = [5]string{"PCA 2D", "PCA 3D", "t-SNE 2D", "t-SNE 3D", "Live t-SNE"}

func (c *Root) mapLoadingText() string {
	return fmt.Sprintf("Loading the map data… %.0f %%", 100*c.App.Maps.Progress)
}

func (c *Root) mapProgressStyle() string {
	return fmt.Sprintf("width:%.1f%%", 100*c.App.Maps.Progress)
}

// RetryMaps loads the map data again after a failure.
func (c *Root) RetryMaps(e vugu.DOMEvent) { c.App.loadMaps() }

func (c *Root) mapShownText() string {
	m := &c.App.Maps
	n := m.data.N
	if m.Projection == mapview.Live {
		n = liveCount
	}
	shown := m.Shown
	if m.Projection == mapview.Live {
		shown = 0
		for i := 0; i < liveCount; i++ {
			if m.Filter.Shows(m.data, i) {
				shown++
			}
		}
	}
	return fmt.Sprintf("Each of the %s test images sits where its 128 features put it: images the network finds alike sit together. Showing %s.", thousands(n), thousands(shown))
}

func thousands(n int) string {
	if n < 1000 {
		return strconv.Itoa(n)
	}
	return fmt.Sprintf("%d,%03d", n/1000, n%1000)
}

func (c *Root) projChecked(p int) string {
	return strconv.FormatBool(int(c.App.Maps.Projection) == p)
}

func (c *Root) projClass(p int) string {
	if int(c.App.Maps.Projection) == p {
		return "lb-seg-on"
	}
	return ""
}

// SetProjection switches maps.
func (c *Root) SetProjection(e vugu.DOMEvent, p int) {
	c.App.Maps.SetProjection(mapview.Projection(p))
}

func (c *Root) mapHelpText() string {
	if c.App.Maps.Projection.Dims() == 3 {
		return "Drag to turn · Shift-drag to pan · wheel or pinch to zoom · hover for the picture · click to pin."
	}
	return "Drag to pan · wheel or pinch to zoom · hover for the picture · click to pin."
}

// ResetCamera shows the whole map.
func (c *Root) ResetCamera(e vugu.DOMEvent) {
	m := &c.App.Maps
	m.Camera = mapview.DefaultCamera(m.Projection.Dims())
	m.changed()
}

// ExportPNG downloads the plot as the stage draws it, at the next frame.
func (c *Root) ExportPNG(e vugu.DOMEvent) { c.App.Maps.exportPNG = true }

// ExportCSV downloads the shown points' coordinates on the current map.
func (c *Root) ExportCSV(e vugu.DOMEvent) {
	a := c.App
	m := &a.Maps
	coords, dims := m.coords()
	var own []float64
	if m.OwnOK {
		own = m.Own[:dims]
	}
	var buf bytes.Buffer
	if err := mapview.WriteCSV(&buf, m.data, coords, dims, m.Filter, ml.FashionNetClasses[:], own, a.Pred); err != nil {
		m.Notice = "Could not write the CSV: " + err.Error()
		return
	}
	download("lookbook-"+m.Projection.String()+".csv", "text/csv", buf.Bytes())
}

func (c *Root) perplexityText() string {
	return fmt.Sprintf("Perplexity %.0f (about how many neighbours each image weighs)", c.App.Maps.Live.Perplexity)
}

func (c *Root) iterationsText() string {
	return fmt.Sprintf("Iterations %d", c.App.Maps.Live.Iterations)
}

// SetPerplexity changes the live t-SNE's perplexity and starts it over.
func (c *Root) SetPerplexity(e vugu.DOMEvent) {
	if v, err := strconv.ParseFloat(js.Value(e.JSEventTarget()).Get("value").String(), 64); err == nil && v >= 5 && v <= 50 {
		c.App.Maps.Live.Perplexity = v
		c.App.Maps.restartLive()
	}
}

// SetIterations changes how long the live t-SNE runs; a finished run continues to the new end.
func (c *Root) SetIterations(e vugu.DOMEvent) {
	v, err := strconv.Atoi(js.Value(e.JSEventTarget()).Get("value").String())
	if err != nil || v < 250 || v > 2000 {
		return
	}
	l := &c.App.Maps.Live
	l.Iterations = v
	if l.run != nil {
		if v <= l.run.Iter {
			v = l.run.Iter
		}
		l.run.Iterations = v
		if !l.run.Done() {
			l.Running, l.placer = true, nil
			c.App.Maps.startLive()
		}
	}
}

// ToggleLive pauses or resumes the live t-SNE (or starts it again once finished).
func (c *Root) ToggleLive(e vugu.DOMEvent) {
	l := &c.App.Maps.Live
	switch {
	case l.run == nil || l.run.Done():
		c.App.Maps.restartLive()
	default:
		l.Running = !l.Running
		c.App.Maps.startLive()
	}
}

// RestartLive starts the live t-SNE from scratch.
func (c *Root) RestartLive(e vugu.DOMEvent) { c.App.Maps.restartLive() }

func (c *Root) liveButtonText() string {
	l := &c.App.Maps.Live
	switch {
	case l.run == nil || l.run.Done():
		return "Run again"
	case l.Running:
		return "Pause"
	}
	return "Resume"
}

func (c *Root) liveText() string {
	l := &c.App.Maps.Live
	switch {
	case l.run == nil:
		return ""
	case l.run.P == nil:
		return "Finding each image's neighbours…"
	case l.run.Done():
		return fmt.Sprintf("Done: %d iterations on %s images, KL divergence %.3f, %.0f iterations a second.", l.Iter, thousands(liveCount), l.KL, l.ItPerSec)
	}
	state := "running"
	if !l.Running {
		state = "paused"
	}
	return fmt.Sprintf("Iteration %d of %d (%s, %.0f a second). The first %d exaggerate attraction to form clusters.", l.Iter, l.run.Iterations, state, l.ItPerSec, l.run.ExaggerationIters)
}

func (c *Root) classShown(i int) string {
	return strconv.FormatBool(c.App.Maps.Filter.Hidden&(1<<i) == 0)
}

func (c *Root) legendClass(i int) string {
	if c.App.Maps.Filter.Hidden&(1<<i) != 0 {
		return "lb-legend-item lb-off"
	}
	return "lb-legend-item"
}

func (c *Root) swatchStyle(i int) string {
	k := classColours[i]
	return fmt.Sprintf("background:rgb(%d,%d,%d)", k.R, k.G, k.B)
}

// ToggleClass shows or hides one class.
func (c *Root) ToggleClass(e vugu.DOMEvent, i int) {
	f := c.App.Maps.Filter
	f.Hidden ^= 1 << i
	c.App.Maps.SetFilter(f)
}

// OnlyClass isolates one class.
func (c *Root) OnlyClass(e vugu.DOMEvent, i int) {
	f := c.App.Maps.Filter
	f.Hidden = (1<<10 - 1) &^ (1 << i)
	c.App.Maps.SetFilter(f)
}

// ToggleMisclassified shows only the images the model gets wrong, or all again.
func (c *Root) ToggleMisclassified(e vugu.DOMEvent) {
	f := c.App.Maps.Filter
	f.Misclassified = !f.Misclassified
	c.App.Maps.SetFilter(f)
}

// ShowAll clears every filter.
func (c *Root) ShowAll(e vugu.DOMEvent) { c.App.Maps.SetFilter(mapview.AllVisible) }

func (c *Root) misclassifiedText() string {
	m := &c.App.Maps
	wrong := 0
	for i := 0; i < 10; i++ {
		for j := 0; j < 10; j++ {
			if i != j {
				wrong += m.Conf[i][j]
			}
		}
	}
	return fmt.Sprintf("Only misclassified (%s)", thousands(wrong))
}

// PickCell filters the map to one cell of the confusion matrix; picking it again clears it.
func (c *Root) PickCell(e vugu.DOMEvent, cell int) {
	f := c.App.Maps.Filter
	if f.Cell == cell {
		f.Cell = mapview.NoCell
	} else {
		f.Cell, f.Hidden, f.Misclassified = cell, 0, false
	}
	c.App.Maps.SetFilter(f)
}

func (c *Root) cellText(i, j int) string { return strconv.Itoa(c.App.Maps.Conf[i][j]) }

func (c *Root) cellTitle(i, j int) string {
	return fmt.Sprintf("%d images of %s classified as %s", c.App.Maps.Conf[i][j], ml.FashionNetClasses[i], ml.FashionNetClasses[j])
}

func (c *Root) cellClass(i, j int) string {
	cls := "lb-cell"
	if i == j {
		cls += " lb-diag"
	}
	if c.App.Maps.Filter.Cell == i*10+j {
		cls += " lb-cell-on"
	}
	return cls
}

// cellStyle shades a cell by its share of its row: the diagonal blue, errors red.
func (c *Root) cellStyle(i, j int) string {
	row := 0
	for k := 0; k < 10; k++ {
		row += c.App.Maps.Conf[i][k]
	}
	f := float64(c.App.Maps.Conf[i][j]) / float64(max(row, 1))
	if i == j {
		return fmt.Sprintf("background:rgba(124,196,255,%.2f)", 0.1+0.6*f)
	}
	return fmt.Sprintf("background:rgba(255,110,100,%.2f)", min(0.9, 4*f))
}

// Pin pins point i (−1 unpins).
func (c *Root) Pin(e vugu.DOMEvent, i int) { c.App.Maps.pin(i) }

func (c *Root) pointText(i int) string {
	m := &c.App.Maps
	l, p := m.data.Labels[i], m.data.Predictions[i]
	if l == p {
		return fmt.Sprintf("Test image %d: %s, classified correctly.", i, ml.FashionNetClasses[l])
	}
	return fmt.Sprintf("Test image %d: %s, classified as %s.", i, ml.FashionNetClasses[l], ml.FashionNetClasses[p])
}

func (c *Root) ownMapText() string {
	a := c.App
	m := &a.Maps
	if !m.OwnOK {
		if m.Projection == mapview.Live {
			return fmt.Sprintf("The classifier says %s. Your drawing joins the live map when it has finished.", classNames[a.Pred])
		}
		return fmt.Sprintf("The classifier says %s.", classNames[a.Pred])
	}
	same := m.ownSummary(a.Pred)
	return fmt.Sprintf("The classifier says %s. %d of its %d nearest neighbours among the test images are %s too.", classNames[a.Pred], same, len(m.OwnNeighbours), classNames[a.Pred])
}

func (c *Root) padToolsStyle() string {
	r := c.App.Layout.MapPad
	return fmt.Sprintf("left:%.0fpx;top:%.0fpx;width:%.0fpx", r.X, r.Y-30, r.W)
}

// tipStyle puts the hover card beside the point, on the side with room.
func (c *Root) tipStyle() string {
	m := &c.App.Maps
	area := c.App.Layout.MapArea
	x, y := m.HoverX+14, m.HoverY+14
	if x+230 > area.X+area.W {
		x = m.HoverX - 14 - 230
	}
	if y+90 > area.Y+area.H {
		y = m.HoverY - 14 - 90
	}
	return fmt.Sprintf("left:%.0fpx;top:%.0fpx", x, y)
}

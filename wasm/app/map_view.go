//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/vugu/vugu"

	"lookbook/ml"
	"lookbook/wasm/mapview"
)

// MapView is the Map view's DOM layer (map-view.vugu): the map's controls, legend, confusion
// matrix, pinned point and the visitor's drawing; the points themselves are drawn by the stage.
type MapView struct {
	App *App
}

var projectionLabels = [...]string{"PCA 2D", "PCA 3D", "t-SNE 2D", "t-SNE 3D", "UMAP 2D", "UMAP 3D", "Live 2D", "Live 3D"}

func (c *MapView) mapLoadingText() string {
	return fmt.Sprintf("Loading the map data… %.0f %%", 100*c.App.Maps.Progress)
}

func (c *MapView) mapProgressStyle() string {
	return fmt.Sprintf("width:%.1f%%", 100*c.App.Maps.Progress)
}

// RetryMaps loads the map data again after a failure.
func (c *MapView) RetryMaps(e vugu.DOMEvent) { c.App.Maps.load() }

func (c *MapView) mapShownText() string {
	m := &c.App.Maps
	return fmt.Sprintf("Each of the %s test images sits where its 128 features put it: images the network finds alike sit together. Showing %s.", thousands(m.data.N), thousands(m.Shown))
}

func (c *MapView) projChecked(p int) string {
	return strconv.FormatBool(int(c.App.Maps.Projection) == p)
}

func (c *MapView) projClass(p int) string {
	if int(c.App.Maps.Projection) == p {
		return "lb-seg-on"
	}
	return ""
}

// SetProjection switches maps.
func (c *MapView) SetProjection(e vugu.DOMEvent, p int) {
	c.App.Maps.SetProjection(mapview.Projection(p))
}

func (c *MapView) mapHelpText() string {
	if c.App.Maps.Projection.Dims() == 3 {
		return "Drag to turn · Shift-drag to pan · wheel or pinch to zoom · hover for the picture · click to pin. With the map focused: arrows turn, Shift-arrows pan, + and − zoom."
	}
	return "Drag to pan · wheel or pinch to zoom · hover for the picture · click to pin. With the map focused: arrows pan, + and − zoom."
}

// MapKey moves the map from the keyboard when it has the focus (see mapview.Camera.Key).
func (c *MapView) MapKey(e vugu.DOMEvent) {
	m := &c.App.Maps
	if m.Camera.Key(m.viewport(c.App.Layout), m.Projection.Dims(), e.PropString("key"), e.PropBool("shiftKey")) {
		e.PreventDefault() // the arrows would scroll the page
		m.changed()
	}
}

// ResetCamera shows the whole map.
func (c *MapView) ResetCamera(e vugu.DOMEvent) {
	m := &c.App.Maps
	m.Camera = mapview.DefaultCamera(m.Projection.Dims())
	m.changed()
}

// ExportPNG downloads the plot as the stage draws it, at the next frame.
func (c *MapView) ExportPNG(e vugu.DOMEvent) { c.App.Maps.exportPNG = true }

// ExportCSV downloads the shown points' coordinates on the current map.
func (c *MapView) ExportCSV(e vugu.DOMEvent) {
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

func (c *MapView) classShown(i int) string {
	return strconv.FormatBool(c.App.Maps.Filter.Hidden&(1<<i) == 0)
}

func (c *MapView) legendClass(i int) string {
	if c.App.Maps.Filter.Hidden&(1<<i) != 0 {
		return "lb-legend-item lb-off"
	}
	return "lb-legend-item"
}

func (c *MapView) swatchStyle(i int) string {
	k := mapview.ClassColours[i]
	return fmt.Sprintf("background:rgb(%d,%d,%d)", k.R, k.G, k.B)
}

// ToggleClass shows or hides one class.
func (c *MapView) ToggleClass(e vugu.DOMEvent, i int) {
	f := c.App.Maps.Filter
	f.Hidden ^= 1 << i
	c.App.Maps.SetFilter(f)
}

// OnlyClass isolates one class.
func (c *MapView) OnlyClass(e vugu.DOMEvent, i int) {
	f := c.App.Maps.Filter
	f.Hidden = (1<<10 - 1) &^ (1 << i)
	c.App.Maps.SetFilter(f)
}

// ToggleMisclassified shows only the images the model gets wrong, or all again.
func (c *MapView) ToggleMisclassified(e vugu.DOMEvent) {
	f := c.App.Maps.Filter
	f.Misclassified = !f.Misclassified
	c.App.Maps.SetFilter(f)
}

// ShowAll clears every filter.
func (c *MapView) ShowAll(e vugu.DOMEvent) { c.App.Maps.SetFilter(mapview.AllVisible) }

func (c *MapView) misclassifiedText() string {
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

// Pin pins point i (−1 unpins).
func (c *MapView) Pin(e vugu.DOMEvent, i int) { c.App.Maps.pin(i) }

func (c *MapView) pointText(i int) string {
	m := &c.App.Maps
	l, p := m.data.Labels[i], m.data.Predictions[i]
	if l == p {
		return fmt.Sprintf("Test image %d: %s, classified correctly.", i, ml.FashionNetClasses[l])
	}
	return fmt.Sprintf("Test image %d: %s, classified as %s.", i, ml.FashionNetClasses[l], ml.FashionNetClasses[p])
}

func (c *MapView) ownMapText() string {
	a := c.App
	m := &a.Maps
	if !m.OwnOK {
		if m.Projection.IsLive() {
			return fmt.Sprintf("The classifier says %s. Your drawing joins the live map when it has finished.", a.className(a.Pred))
		}
		return fmt.Sprintf("The classifier says %s.", a.className(a.Pred))
	}
	same := m.ownSummary(a.Pred)
	return fmt.Sprintf("The classifier says %s. %d of its %d nearest neighbours among the test images are %s too.", a.className(a.Pred), same, len(m.OwnNeighbours), a.className(a.Pred))
}

func (c *MapView) padToolsStyle() string {
	r := c.App.Layout.MapPad
	return fmt.Sprintf("left:%.0fpx;top:%.0fpx;width:%.0fpx", r.X, r.Y-30, r.W)
}

// tipStyle puts the hover card beside the point, on the side with room.
func (c *MapView) tipStyle() string {
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

func thousands(n int) string {
	if n < 1000 {
		return strconv.Itoa(n)
	}
	return fmt.Sprintf("%d,%03d", n/1000, n%1000)
}

// Clear clears the drawing from the map's corner pad (the one pad both views share).
func (c *MapView) Clear(e vugu.DOMEvent) { c.App.Clear() }

func (c *MapView) taughtStyle() string {
	k := mapview.ColourOf(c.App.Teach.Class)
	return fmt.Sprintf("background:rgb(%d,%d,%d)", k.R, k.G, k.B)
}

// taughtText says what the map shows of the class taught in the page.
func (c *MapView) taughtText() string {
	a := c.App
	n := len(a.Maps.Examples)
	switch {
	case n > 0:
		return fmt.Sprintf("%s, the class you taught: its %d %s are the diamonds.", a.Teach.Name, n, plural(n, "example", "examples"))
	case a.Maps.Projection.IsLive():
		return fmt.Sprintf("%s, the class you taught: its examples show on the shipped maps.", a.Teach.Name)
	}
	return fmt.Sprintf("%s, the class you taught: the classifier answers with it.", a.Teach.Name)
}

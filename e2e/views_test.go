package e2e

import (
	"cmp"
	"fmt"
	"time"

	"github.com/chromedp/chromedp"

	"lookbook/wasm/jsapi"
)

// read evaluates a lookbook.* call on the page and decodes its result into the API's own type.
func read[T any](a *app, expr string) T {
	a.t.Helper()
	var v T
	a.evalJSON(expr, &v)
	return v
}

func (a *app) state() jsapi.State  { a.t.Helper(); return read[jsapi.State](a, `lookbook.state()`) }
func (a *app) mapState() jsapi.Map { a.t.Helper(); return read[jsapi.Map](a, `lookbook.map()`) }
func (a *app) faces() jsapi.Faces  { a.t.Helper(); return read[jsapi.Faces](a, `lookbook.faces()`) }

// untilReady polls a view's status until it is "ready", failing at once on "error" with the
// view's own explanation, then lets the stage draw a frame or two.
func (a *app) untilReady(what string, limit time.Duration, status func() (status, problem string)) {
	a.t.Helper()
	a.until(limit, what, func() bool {
		s, problem := status()
		if s == "error" {
			a.t.Fatalf("%s: failed: %s\n%s", what, problem, a.consoleText())
		}
		return s == "ready"
	})
	time.Sleep(250 * time.Millisecond)
}

// openFaces switches to the Faces view and waits for its gallery.
func (a *app) openFaces() jsapi.Faces {
	a.t.Helper()
	a.click("nav-faces")
	a.untilReady("the faces load", 60*time.Second, func() (string, string) { f := a.faces(); return f.Status, f.Notice })
	return a.faces()
}

// openMap switches to the Map view and waits for its data.
func (a *app) openMap() jsapi.Map {
	a.t.Helper()
	a.click("nav-map")
	return a.waitMap()
}

func (a *app) waitMap() jsapi.Map {
	a.t.Helper()
	a.untilReady("the map loads", 90*time.Second, func() (string, string) { m := a.mapState(); return m.Status, m.Error })
	return a.mapState()
}

// untilMap polls the map state until ok accepts it (within limit; 20 s when limit is 0).
func (a *app) untilMap(what string, limit time.Duration, ok func(jsapi.Map) bool) jsapi.Map {
	a.t.Helper()
	var m jsapi.Map
	a.until(cmp.Or(limit, 20*time.Second), what, func() bool { m = a.mapState(); return ok(m) })
	return m
}

func (a *app) click(testid string) {
	a.t.Helper()
	a.run(chromedp.Click(fmt.Sprintf(`[data-testid=%q]`, testid), chromedp.ByQuery), chromedp.Sleep(150*time.Millisecond))
}

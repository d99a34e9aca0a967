package e2e

import (
	"testing"
	"time"
)

// TestWorksOfflineAfterOneVisit visits once (opening the Map too), then takes the server down
// and reloads: the service worker must start the app from this build's files, classify a
// drawing, and open the Map from the data it kept.
func TestWorksOfflineAfterOneVisit(t *testing.T) {
	a := visit(t, "")
	a.until(30*time.Second, "the service worker keeps this build", func() bool {
		var controlled bool
		a.evalJSON(`!!navigator.serviceWorker.controller`, &controlled)
		return controlled
	})
	a.openMap()
	a.click("nav-classify")

	a.stopServer()
	a.open("")
	a.classifiesAndMaps("offline")
	a.screenshot("22-offline")
}

// classifiesAndMaps checks that the started app classifies a drawing and opens the Map with all
// its points (where says in what situation, for the failure message).
func (a *app) classifiesAndMaps(where string) {
	a.t.Helper()
	a.drawTrousers()
	if s := a.waitChange(0); !s.HasInput {
		a.t.Fatalf("%s, the drawing was not classified: %+v", where, s)
	}
	if m := a.openMap(); m.Shown != 10000 {
		a.t.Errorf("%s, the map shows %d points", where, m.Shown)
	}
}

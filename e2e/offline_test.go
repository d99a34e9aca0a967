package e2e

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lookbook/server"
)

// TestOfflineAndANewBuild visits once (opening the Map too), then takes the server down and
// reloads: the service worker must start the app from this build's files, classify a drawing,
// and open the Map from the data it kept. Then a new build is deployed at the same address:
// the next visit runs the new build only (every file it loads is one of the new build's), the
// new worker removes the old build's files, and offline the new build then starts and
// classifies.
func TestOfflineAndANewBuild(t *testing.T) {
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

	// The deploy: the same address now serves a new build.
	build, oldStyle, newStyle := nextBuild(t, server.Bundle(), "B")
	u, err := url.Parse(a.url)
	if err != nil {
		t.Fatal(err)
	}
	newServer := serveAt(t, u.Host, build)
	a.stopServer = func() { newServer.Close(context.Background()) }

	a.open("")
	if m := a.buildMarker(); m != `"B"` {
		t.Fatalf("after the deploy the page runs with --build %q, want the new build's \"B\"", m)
	}
	var loaded []string
	a.run(chromedp.Evaluate(`performance.getEntriesByType("resource").map(e => new URL(e.name).pathname.slice(1))`, &loaded))
	for _, name := range loaded {
		if _, ok := build[name]; !ok {
			t.Errorf("the new build's page loaded %q, which is not one of its files", name)
		}
	}
	if !slices.Contains(loaded, newStyle) {
		t.Errorf("the page did not load the new stylesheet %s (loaded %v)", newStyle, loaded)
	}

	// The new worker takes over and keeps only the new build's files (the Map's data too, once
	// opened).
	a.openMap()
	a.click("nav-classify")
	var cached []string
	// The new worker caches the whole new build first: on a busy 2-core machine (make test runs
	// two browser tests at a time) that once took longer than 30 s.
	var workers string // what the registration holds, to say where an update stalled
	defer func() {
		if t.Failed() {
			t.Logf("the service workers at the end: %s", workers)
		}
	}()
	a.until(90*time.Second, "the new build's worker replaces the old one's files", func() bool {
		a.run(chromedp.Evaluate(`navigator.serviceWorker.getRegistration().then((r) => JSON.stringify(r &&
			{installing: r.installing?.state, waiting: r.waiting?.state, active: r.active?.state}))`, &workers, awaitPromise))
		a.run(chromedp.Evaluate(`(async () => { const out = [];
			for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys()) out.push(k + " " + new URL(r.url).pathname.slice(1));
			return out; })()`, &cached, awaitPromise))
		return slices.ContainsFunc(cached, func(e string) bool { return strings.HasSuffix(e, " "+newStyle) }) &&
			!slices.ContainsFunc(cached, func(e string) bool { return strings.HasSuffix(e, " "+oldStyle) })
	})
	caches := map[string]bool{}
	for _, entry := range cached {
		cache, name, _ := strings.Cut(entry, " ")
		caches[cache] = true
		if _, ok := build[name]; !ok && name != "" {
			t.Errorf("the cache %s still holds %q, which the new build does not have", cache, name)
		}
	}
	if len(caches) != 1 {
		t.Errorf("%d caches after the update, want only the new build's: %v", len(caches), caches)
	}

	// Offline, the new build starts.
	a.stopServer()
	a.open("")
	if m := a.buildMarker(); m != `"B"` {
		t.Errorf("offline after the update, the page runs with --build %q, want \"B\"", m)
	}
	a.drawTrousers()
	if s := a.waitChange(0); !s.HasInput {
		t.Errorf("offline after the update, the drawing was not classified: %+v", s)
	}
}

// buildMarker is the --build property nextBuild's stylesheet sets ("" for the real build).
func (a *app) buildMarker() string {
	a.t.Helper()
	var m string
	a.run(chromedp.Evaluate(`getComputedStyle(document.documentElement).getPropertyValue("--build").trim()`, &m))
	return m
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

// Package e2e drives the real app in headless Chromium against the real server, with the bundle
// `make web` embedded into it. Screenshots of each state go to e2e/artifacts/ (look at them).
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"lookbook/server"
)

// chromeFlags are the flags that make headless Chromium work on these machines (WebGL on
// SwiftShader, no network chatter).
var chromeFlags = []chromedp.ExecAllocatorOption{
	chromedp.Flag("headless", true),
	chromedp.Flag("no-sandbox", true),
	chromedp.Flag("disable-gpu", true),
	chromedp.Flag("enable-unsafe-swiftshader", true),
	chromedp.Flag("no-first-run", true),
	chromedp.Flag("disable-background-networking", true),
	chromedp.Flag("disable-component-update", true),
	chromedp.Flag("disable-sync", true),
	// A synthetic camera that needs no permission prompt, for the Faces view's camera.
	chromedp.Flag("use-fake-ui-for-media-stream", true),
	chromedp.Flag("use-fake-device-for-media-stream", true),
}

// app is one running server and browser tab.
type app struct {
	t       *testing.T
	url     string
	ctx     context.Context
	mu      sync.Mutex
	console []string
	close   func()
	// stopServer takes the server down while the tab stays open, as going offline would.
	stopServer func()
}

func chromePath() (string, error) {
	for _, p := range []string{os.Getenv("CHROME"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("headless Chromium is needed: run `sudo apt-get install chromium` (make test installs it)")
}

// browser is a Chromium the tests of a test binary share: started by the first test that needs
// it, closed by TestMain. Each test gets a browser context of its own (like a fresh profile: its
// own cache, storage and permissions), so tests cannot see each other's state.
type browser struct {
	// baselineOnly runs V8 with --liftoff-only (see start) unless the run measures.
	baselineOnly bool
	once         sync.Once
	ctx          context.Context // the browser's first tab, which keeps it alive
	err          error
	profile      string
	close        func()
}

// shared runs most tests; fullSpeed runs those that compute for long in the page (training),
// where V8's optimising tier pays for itself.
var (
	shared    = &browser{baselineOnly: true}
	fullSpeed = &browser{}
)

// fullSpeedTests run in fullSpeed.
var fullSpeedTests = map[string]bool{
	"TestTrainInThePage": true, // trains FashionNet for 50 steps and tests it on 12,000 images
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, b := range []*browser{shared, fullSpeed} {
		if b.close != nil {
			b.close()
		}
	}
	os.Exit(code)
}

func (b *browser) start() (context.Context, error) {
	b.once.Do(func() {
		path, err := chromePath()
		if err != nil {
			b.err = err
			return
		}
		// A fresh profile, removed after the browser has exited.
		if b.profile, err = os.MkdirTemp("", "lookbook-chrome-"); err != nil {
			b.err = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:0:0], chromeFlags...)
		opts = append(opts, chromedp.ExecPath(path), chromedp.UserDataDir(b.profile))
		if b.baselineOnly && os.Getenv("LOOKBOOK_MEASURE") == "" && os.Getenv("LOOKBOOK_BENCH_WEB") == "" {
			// Each test's fresh browser context compiles the 13 MB program again, and V8's
			// optimising tier would then spend a core on code these short tests barely run:
			// baseline code only takes the browser tests from about 270 s to 195 s. Measurements
			// keep Chromium's defaults, so their figures are what visitors get.
			opts = append(opts, chromedp.Flag("js-flags", "--liftoff-only"))
		}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		// chromedp's protocol tables predate this Chromium: it logs fields it does not know.
		quiet := func(string, ...any) {}
		ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithErrorf(quiet), chromedp.WithLogf(quiet))
		b.ctx = ctx
		b.close = func() {
			cancelCtx()
			cancelAlloc()
			os.RemoveAll(b.profile)
		}
		if err := chromedp.Run(ctx); err != nil {
			b.err = fmt.Errorf("start Chromium: %w", err)
		}
	})
	return b.ctx, b.err
}

// serve serves the embedded bundle on a free port until the test ends.
func serve(t *testing.T) *server.Server {
	t.Helper()
	return serveAt(t, "127.0.0.1:0", server.Bundle())
}

// serveAt serves a bundle at addr (host:port; port 0 for a free one) until the test ends.
func serveAt(t *testing.T, addr string, assets fs.FS) *server.Server {
	t.Helper()
	srv, err := server.New(server.Config{Addr: addr, Assets: assets, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Skipf("no bundle to test (%v); `make test` builds it", err)
	}
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	t.Cleanup(func() { srv.Close(context.Background()) })
	return srv
}

// serialTests run alone. The others run two at a time (go test's -parallel is the number of
// cores): a browser test spends most of its time on its page's one busy thread, so a second
// test's page keeps the other core busy. These time the page or take over its origin. They run
// in their turn among the others (not first, as go test runs tests that are not parallel,
// which would put them beside the other packages' tests), holding alone exclusively.
var serialTests = map[string]bool{
	"TestLiveMapsOffTheMainThread": true, // times frames while a live map starts
	"TestOfflineAndANewBuild":      true, // serves a new build on the same address
}

// alone is held exclusively by a serial test while it runs, and shared by the others.
var alone sync.RWMutex

// parallelTests remembers which tests start already made parallel (a test may open several tabs).
var parallelTests sync.Map

// runAlongside makes t one of the tests that run two at a time (or, for serialTests, one that
// runs alone in its turn), unless the run measures (LOOKBOOK_MEASURE, LOOKBOOK_BENCH_WEB: a
// measurement needs the machine to itself, so every test runs alone).
func runAlongside(t *testing.T) {
	if os.Getenv("LOOKBOOK_MEASURE") != "" || os.Getenv("LOOKBOOK_BENCH_WEB") != "" {
		return
	}
	if _, already := parallelTests.LoadOrStore(t, true); already {
		return
	}
	t.Parallel()
	if serialTests[t.Name()] {
		alone.Lock()
		t.Cleanup(alone.Unlock)
	} else {
		alone.RLock()
		t.Cleanup(alone.RUnlock)
	}
}

// start serves the embedded bundle and opens a tab of the given size, in a browser context of
// its own.
func start(t *testing.T, width, height int) *app {
	t.Helper()
	runAlongside(t)
	srv := serve(t)
	b := shared
	if fullSpeedTests[t.Name()] {
		b = fullSpeed
	}
	browserCtx, err := b.start()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancelCtx := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	limit := 3 * time.Minute
	if os.Getenv("LOOKBOOK_MEASURE") != "" {
		limit = 20 * time.Minute // training in the page takes minutes
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	var once sync.Once
	closeAll := func() {
		once.Do(func() {
			cancelTimeout()
			cancelCtx()
			srv.Close(context.Background())
		})
	}
	t.Cleanup(closeAll)
	a := &app{t: t, url: srv.URL(), ctx: ctx, close: closeAll, stopServer: func() { srv.Close(context.Background()) }}
	chromedp.ListenTarget(ctx, func(ev any) {
		a.mu.Lock()
		defer a.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, arg := range e.Args {
				parts = append(parts, string(arg.Value))
			}
			a.console = append(a.console, fmt.Sprintf("console.%s %s", e.Type, strings.Join(parts, " ")))
		case *runtime.EventExceptionThrown:
			a.console = append(a.console, "exception "+e.ExceptionDetails.Error())
		}
	})
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatal(err)
	}
	return a
}

// visit opens the app (with an optional fragment) in a desktop-sized tab of its own.
func visit(t *testing.T, fragment string) *app {
	t.Helper()
	a := start(t, 1280, 800)
	a.open(fragment)
	return a
}

// measuring skips a measurement unless LOOKBOOK_MEASURE is set (make bench-browser): a
// measurement asserts nothing, so it has no place in make test.
func measuring(t *testing.T) {
	t.Helper()
	if os.Getenv("LOOKBOOK_MEASURE") == "" {
		t.Skip("a measurement: make bench-browser runs it")
	}
	if level, _ := fs.ReadFile(server.Bundle(), ".compression"); string(level) != "best" {
		t.Fatalf("the embedded bundle was compressed at level %q, not the shipped one's: make web (or make bench-browser) makes it", level)
	}
}

// run runs chromedp actions, failing the test with the page's console on error.
func (a *app) run(actions ...chromedp.Action) {
	a.t.Helper()
	if err := chromedp.Run(a.ctx, actions...); err != nil {
		a.t.Fatalf("%v\nbrowser console:\n%s", err, a.consoleText())
	}
}

func (a *app) consoleText() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return strings.Join(a.console, "\n")
}

// open navigates to the app (with an optional fragment) and waits until lookbook.ready.
func (a *app) open(fragment string) {
	a.t.Helper()
	a.run(chromedp.Navigate(a.url + fragment))
	a.waitStarted()
}

// reopen loads the app again in the same tab with another fragment (navigating to a new
// fragment alone would not load the page again) and waits until lookbook.ready.
func (a *app) reopen(fragment string) {
	a.t.Helper()
	a.run(chromedp.Navigate(a.url+fragment), chromedp.Reload())
	a.waitStarted()
}

// waitStarted waits until the page's lookbook.ready resolves, and fails with the page's own
// message if it cannot start.
func (a *app) waitStarted() {
	a.t.Helper()
	var failure string
	a.run(chromedp.Evaluate(`Promise.race([lookbook.ready.then(() => ""), lookbook.failed])`, &failure, awaitPromise))
	if failure != "" {
		a.t.Fatalf("the app failed to start: %s\nbrowser console:\n%s", failure, a.consoleText())
	}
}

// evalJSON evaluates a JavaScript expression in the page and decodes its value (passed through
// JSON.stringify, which keeps large numeric arrays exact) into v.
func (a *app) evalJSON(expr string, v any) {
	a.t.Helper()
	var raw string
	a.run(chromedp.Evaluate(`JSON.stringify(`+expr+`)`, &raw))
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		a.t.Fatalf("%s: %v", expr, err)
	}
}

// until polls ok every 50 ms until it holds, and fails the test, naming what was awaited,
// when it has not within limit. Every wait of the browser tests goes through it.
func (a *app) until(limit time.Duration, what string, ok func() bool) {
	a.t.Helper()
	for deadline := time.Now().Add(limit); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			a.t.Fatalf("%s: not within %v\nbrowser console:\n%s", what, limit, a.consoleText())
		}
	}
}

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// writeArtifact saves a measurement's report under e2e/artifacts.
func writeArtifact(t *testing.T, name, report string) {
	t.Helper()
	if err := os.MkdirAll("artifacts", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("artifacts", name), []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
}

// damage answers every request whose URL contains match with 15 zero bytes, as a truncated
// download would arrive; everything else loads normally.
func (a *app) damage(match string) {
	a.t.Helper()
	chromedp.ListenTarget(a.ctx, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		go func() {
			exec := cdp.WithExecutor(a.ctx, chromedp.FromContext(a.ctx).Target)
			if strings.Contains(e.Request.URL, match) {
				fetch.FulfillRequest(e.RequestID, 200).WithBody("AAAAAAAAAAAAAAAAAAAA").Do(exec) // base64 of 15 zero bytes
				return
			}
			fetch.ContinueRequest(e.RequestID).Do(exec)
		}()
	})
	// The page's own requests are the ones intercepted, so they must not go through the
	// service worker (which a page that has started once has).
	a.run(network.Enable(), network.SetBypassServiceWorker(true), fetch.Enable().WithPatterns([]*fetch.RequestPattern{{URLPattern: "*"}}))
}

// screenshot saves a full-page PNG under e2e/artifacts.
func (a *app) screenshot(name string) {
	a.t.Helper()
	var png []byte
	a.run(chromedp.Sleep(200*time.Millisecond), chromedp.FullScreenshot(&png, 100))
	dir := filepath.Join("artifacts")
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		a.t.Fatal(err)
	}
}

func TestPageLoads(t *testing.T) {
	a := visit(t, "")
	var title string
	a.run(chromedp.Title(&title), chromedp.WaitVisible(`[data-testid="region-pad"]`))
	if !strings.Contains(title, "Lookbook") {
		t.Errorf("title %q", title)
	}
	// Every request the page made succeeded, its icon included (a missing favicon.ico was a 404).
	var failed []string
	a.until(5*time.Second, "the page's icon loads", func() bool {
		a.evalJSON(`performance.getEntriesByType("resource").filter(e => e.responseStatus !== 200).map(e => e.name + " " + e.responseStatus)`, &failed)
		var icon bool
		a.evalJSON(`performance.getEntriesByType("resource").some(e => /favicon\.[0-9a-f]+\.svg$/.test(e.name))`, &icon)
		return icon
	})
	if len(failed) > 0 {
		t.Errorf("requests that failed: %v", failed)
	}
	// The web app manifest parses, names an icon that loads, and nothing but this test's
	// private browser context keeps the browser from offering to install the app.
	var manifestErrors []*page.AppManifestError
	var installErrors []*page.InstallabilityError
	var manifest string
	a.run(chromedp.ActionFunc(func(ctx context.Context) (err error) {
		if _, manifestErrors, manifest, _, err = page.GetAppManifest().Do(ctx); err != nil {
			return err
		}
		installErrors, err = page.GetInstallabilityErrors().Do(ctx)
		return err
	}))
	for _, e := range manifestErrors {
		t.Errorf("manifest: %s (line %d)", e.Message, e.Line)
	}
	for _, e := range installErrors {
		if e.ErrorID != "in-incognito" { // every test's context is a fresh, private one
			t.Errorf("not installable: %s", e.ErrorID)
		}
	}
	var m struct {
		Name, Display string
		Icons         []struct{ Src string }
	}
	if err := json.Unmarshal([]byte(manifest), &m); err != nil || m.Name == "" || m.Display != "standalone" || len(m.Icons) == 0 {
		t.Fatalf("manifest %q (%v)", manifest, err)
	}
	var status int
	a.run(chromedp.Evaluate(fmt.Sprintf(`fetch(%q).then(r => r.status)`, m.Icons[0].Src), &status, awaitPromise))
	if status != 200 {
		t.Errorf("the manifest's icon %s: HTTP %d", m.Icons[0].Src, status)
	}
	a.screenshot("01-loaded")
}

// maxDiff is the largest |a[i] − b[i]| over the values both lists have.
func maxDiff[A, B float32 | float64](a []A, b []B) float64 {
	var d float64
	for i := range min(len(a), len(b)) {
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

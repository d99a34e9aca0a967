package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func testBundle() fstest.MapFS {
	return fstest.MapFS{
		"index.html":                          {Data: []byte("<!doctype html><title>Lookbook</title>")},
		"app.0123456789ab.wasm":               {Data: []byte("\x00asm wasm bytes")},
		"app.0123456789ab.wasm.br":            {Data: []byte("brotli bytes")},
		"app.0123456789ab.wasm.gz":            {Data: []byte("gzip bytes")},
		"style.0123456789ab.css":              {Data: []byte("body{}")},
		"loader.0123456789ab.js":              {Data: []byte("console.log(1)")},
		"fashionnet.0123456789ab.safetensors": {Data: []byte("weights")},
		"manifest.0123456789ab.webmanifest":   {Data: []byte(`{"name": "Lookbook"}`)},
		"favicon.0123456789ab.svg":            {Data: []byte("<svg/>")},
		".gitkeep":                            {Data: nil},
	}
}

func newTestServer(t *testing.T, assets fstest.MapFS) *Server {
	t.Helper()
	s, err := New(Config{Addr: "127.0.0.1:0", Assets: assets, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ReadHeaderTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// serving opens a test server on a free port and serves until the test ends.
func serving(t *testing.T, assets fstest.MapFS) *Server {
	t.Helper()
	srv := newTestServer(t, assets)
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	t.Cleanup(func() { srv.Close(context.Background()) })
	return srv
}

func get(t *testing.T, h http.Handler, path string, headers ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestTypesCachingAndHeaders(t *testing.T) {
	// index.html revalidates; content-hashed files are cached for good.
	const html, revalidate, forever = "text/html; charset=utf-8", "no-cache", "public, max-age=31536000, immutable"
	h := newTestServer(t, testBundle()).Handler()
	cases := []struct {
		path, contentType, cache string
	}{
		{"/", html, revalidate},
		{"/index.html", html, revalidate},
		{"/app.0123456789ab.wasm", "application/wasm", forever},
		{"/style.0123456789ab.css", "text/css; charset=utf-8", forever},
		{"/loader.0123456789ab.js", "text/javascript; charset=utf-8", forever},
		{"/fashionnet.0123456789ab.safetensors", "application/octet-stream", forever},
		{"/manifest.0123456789ab.webmanifest", "application/manifest+json", forever},
		{"/favicon.0123456789ab.svg", "image/svg+xml", forever},
	}
	for _, c := range cases {
		res := get(t, h, c.path)
		if res.StatusCode != 200 {
			t.Errorf("%s: status %d", c.path, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != c.contentType {
			t.Errorf("%s: Content-Type %q, want %q", c.path, got, c.contentType)
		}
		if got := res.Header.Get("Cache-Control"); got != c.cache {
			t.Errorf("%s: Cache-Control %q, want %q", c.path, got, c.cache)
		}
		for header, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Content-Security-Policy": "'wasm-unsafe-eval'"} {
			if got := res.Header.Get(header); !strings.Contains(got, want) {
				t.Errorf("%s: %s = %q, want it to contain %q", c.path, header, got, want)
			}
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "'unsafe-eval'") {
			t.Errorf("%s: CSP %q must forbid framing and plain eval", c.path, csp)
		}
	}
}

func TestEncodingNegotiation(t *testing.T) {
	h := newTestServer(t, testBundle()).Handler()
	cases := []struct {
		accept, encoding, body string
	}{
		{"gzip, deflate, br", "br", "brotli bytes"},
		{"gzip", "gzip", "gzip bytes"},
		{"br;q=0, gzip", "gzip", "gzip bytes"},
		{"*", "br", "brotli bytes"},
		{"*, br;q=0", "gzip", "gzip bytes"},
		{"", "", "\x00asm wasm bytes"},
		{"identity", "", "\x00asm wasm bytes"},
	}
	for _, c := range cases {
		res := get(t, h, "/app.0123456789ab.wasm", "Accept-Encoding", c.accept)
		body, _ := io.ReadAll(res.Body)
		if got := res.Header.Get("Content-Encoding"); got != c.encoding || string(body) != c.body {
			t.Errorf("Accept-Encoding %q: got encoding %q body %q, want %q %q", c.accept, got, body, c.encoding, c.body)
		}
		if res.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: no Vary header", c.accept)
		}
	}
	// Files without compressed variants are served as they are.
	res := get(t, h, "/style.0123456789ab.css", "Accept-Encoding", "br")
	if res.Header.Get("Content-Encoding") != "" {
		t.Error("style.css has no brotli variant but was served with Content-Encoding")
	}
}

func TestConditionalRequests(t *testing.T) {
	h := newTestServer(t, testBundle()).Handler()
	res := get(t, h, "/")
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on index.html")
	}
	if res := get(t, h, "/", "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: status %d, want 304", res.StatusCode)
	}
	br := get(t, h, "/app.0123456789ab.wasm", "Accept-Encoding", "br").Header.Get("ETag")
	plain := get(t, h, "/app.0123456789ab.wasm").Header.Get("ETag")
	if br == plain {
		t.Error("compressed and identity variants share an ETag")
	}
}

func TestTraversalAndUnknownPaths(t *testing.T) {
	srv := serving(t, testBundle())
	for _, p := range []string{"/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2fserver.go", "/%2e%2e%2fgo.mod", "/.gitkeep", "/dist/index.html", "/nope", "/index.html/..%2f..%2fgo.mod"} {
		conn, err := net.Dial("tcp", srv.listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		// Raw request line: a client library would clean the path before sending it.
		io.WriteString(conn, "GET "+p+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		body, _ := io.ReadAll(res.Body)
		conn.Close()
		if res.StatusCode == 200 {
			t.Errorf("%s: served %q", p, body)
		}
	}
	res := get(t, srv.Handler(), "/index.html", "X", "y")
	req := httptest.NewRequest("POST", "/index.html", nil)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if res.StatusCode != 200 || rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET status %d, POST status %d; want 200 and 405", res.StatusCode, rec.Code)
	}
}

func TestHealthz(t *testing.T) {
	res := get(t, newTestServer(t, testBundle()).Handler(), "/healthz")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || strings.TrimSpace(string(body)) != "ok" {
		t.Errorf("healthz: %d %q", res.StatusCode, body)
	}
}

func TestSlowHeadersAreCutOff(t *testing.T) {
	srv := serving(t, testBundle())
	conn, err := net.Dial("tcp", srv.listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n") // and never the blank line
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	io.ReadAll(conn) // returns when the server hangs up
	if waited := time.Since(start); waited > 3*time.Second {
		t.Fatalf("server kept a client that never finished its headers for %v", waited)
	}
}

func TestShutdownFinishesInFlightRequests(t *testing.T) {
	bundle := testBundle()
	big := bytes.Repeat([]byte("0123456789abcdef"), 2<<20) // 32 MiB: more than socket buffers hold
	bundle["big.0123456789ab.bin"] = &fstest.MapFile{Data: big}
	srv := newTestServer(t, bundle)
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	res, err := http.Get(srv.URL() + "big.0123456789ab.bin")
	if err != nil {
		t.Fatal(err)
	}
	first := make([]byte, 1024)
	if _, err := io.ReadFull(res.Body, first); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- srv.Close(context.Background()) }()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-closed:
		t.Fatalf("shutdown returned (%v) while a response was still being written", err)
	default:
	}
	rest, err := io.ReadAll(res.Body)
	if err != nil || len(first)+len(rest) != len(big) {
		t.Fatalf("in-flight download cut short: %d of %d bytes, %v", len(first)+len(rest), len(big), err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve after shutdown: %v", err)
	}
	if _, err := http.Get(srv.URL()); err == nil {
		t.Error("server still accepts connections after shutdown")
	}
}

func TestNewRejectsBundleWithoutIndex(t *testing.T) {
	_, err := New(Config{Assets: fstest.MapFS{"a.js": {Data: []byte("x")}}})
	if err == nil || !strings.Contains(err.Error(), "make web") {
		t.Fatalf("err = %v, want a hint to run make web", err)
	}
}

func TestOpenReportsBadAddress(t *testing.T) {
	s := newTestServer(t, testBundle())
	s.cfg.Addr = "256.0.0.1:99999"
	if err := s.Open(); err == nil {
		t.Fatal("Open accepted an impossible address")
	}
}

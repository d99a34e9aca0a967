// Package server is Lookbook's static file server. It serves a built bundle (see cmd/bundle):
// content-hashed files cached as immutable, index.html revalidated, precompressed brotli and
// gzip variants chosen by Accept-Encoding, strict security headers, timeouts against slow
// clients, /healthz, structured request logs and graceful shutdown. It stores nothing.
package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config configures a Server. Assets is the bundle's root.
type Config struct {
	Addr   string
	Assets fs.FS
	Logger *slog.Logger
	// ReadHeaderTimeout bounds how long a client may take to send its request headers.
	ReadHeaderTimeout time.Duration
}

// asset is one servable file with its precompressed variants.
type asset struct {
	contentType string
	immutable   bool
	variants    map[string]variant // "" (identity), "br", "gzip"
}

type variant struct {
	data []byte
	etag string
}

// Server serves the bundle.
type Server struct {
	cfg      Config
	assets   map[string]*asset
	http     *http.Server
	listener net.Listener
}

// Caching: content-hashed names never change content; everything else is revalidated.
const cacheForever, revalidate = "public, max-age=31536000, immutable", "no-cache"

// hashedName matches bundle names such as app.3f2a9c1b0d4e.wasm.
var hashedName = regexp.MustCompile(`\.[0-9a-f]{12}\.[a-z0-9]+$`)

// New indexes the bundle. It fails if there is no index.html.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ReadHeaderTimeout == 0 {
		cfg.ReadHeaderTimeout = 5 * time.Second
	}
	s := &Server{cfg: cfg, assets: map[string]*asset{}}
	err := fs.WalkDir(cfg.Assets, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(path.Base(p), ".") {
			return nil
		}
		name, enc := p, ""
		switch {
		case strings.HasSuffix(p, ".br"):
			name, enc = strings.TrimSuffix(p, ".br"), "br"
		case strings.HasSuffix(p, ".gz"):
			name, enc = strings.TrimSuffix(p, ".gz"), "gzip"
		}
		data, err := fs.ReadFile(cfg.Assets, p)
		if err != nil {
			return err
		}
		a := s.assets["/"+name]
		if a == nil {
			ct := mime.TypeByExtension(path.Ext(name))
			if ct == "" {
				ct = "application/octet-stream"
			}
			a = &asset{contentType: ct, immutable: hashedName.MatchString(name), variants: map[string]variant{}}
			s.assets["/"+name] = a
		}
		sum := sha256.Sum256(data)
		a.variants[enc] = variant{data: data, etag: `"` + hex.EncodeToString(sum[:8]) + encTag(enc) + `"`}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("server: index assets: %w", err)
	}
	for name, a := range s.assets {
		if _, ok := a.variants[""]; !ok {
			return nil, fmt.Errorf("server: %s has compressed variants but no original", name)
		}
	}
	if _, ok := s.assets["/index.html"]; !ok {
		return nil, errors.New("server: the bundle has no index.html (run `make web` first)")
	}
	return s, nil
}

func encTag(enc string) string {
	if enc == "" {
		return ""
	}
	return "-" + enc
}

func init() {
	// Go's table lacks some of these on minimal systems; the browser needs exact types
	// (application/wasm in particular, for streaming compilation).
	for ext, ct := range map[string]string{".wasm": "application/wasm", ".js": "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8", ".html": "text/html; charset=utf-8", ".json": "application/json", ".webmanifest": "application/manifest+json",
		".safetensors": "application/octet-stream", ".png": "image/png", ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8"} {
		mime.AddExtensionType(ext, ct)
	}
}

// ContentSecurityPolicy allows the page's own scripts, WebAssembly compilation
// ('wasm-unsafe-eval', not the broader 'unsafe-eval'), inline styles (vugu sets style
// attributes), images from data: and blob: URLs (uploads, exports) and the camera; nothing from
// other origins, and no framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler returns the HTTP handler: assets, /healthz and request logging.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/", s.serveAsset)
	return s.logRequests(securityHeaders(mux))
}

// SecurityHeaders are sent with every response (and written into a static deploy's _headers).
var SecurityHeaders = [][2]string{
	{"Content-Security-Policy", ContentSecurityPolicy},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "no-referrer"},
	{"X-Frame-Options", "DENY"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Permissions-Policy", "camera=(self), microphone=(), geolocation=()"},
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, kv := range SecurityHeaders {
			w.Header().Set(kv[0], kv[1])
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if p == "/" {
		p = "/index.html"
	}
	// Only exact names from the bundle are served: no path is ever joined onto a directory,
	// so "..", encoded or not, can reach nothing else.
	a, ok := s.assets[p]
	if !ok {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	enc := negotiate(r.Header.Get("Accept-Encoding"), a)
	v := a.variants[enc]
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Vary", "Accept-Encoding")
	h.Set("ETag", v.etag)
	if enc != "" {
		h.Set("Content-Encoding", enc)
	}
	if a.immutable {
		h.Set("Cache-Control", cacheForever)
	} else {
		h.Set("Cache-Control", revalidate)
	}
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, v.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(v.data)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(v.data)
	}
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "W/"))
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// negotiate picks brotli, then gzip, then identity, among the variants the client accepts.
// An encoding is accepted when listed with q > 0, or covered by "*" with q > 0 and not listed.
func negotiate(accept string, a *asset) string {
	qs := map[string]float64{}
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		name := strings.ToLower(strings.TrimSpace(fields[0]))
		if name == "" {
			continue
		}
		q := 1.0
		for _, f := range fields[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(f), "q="); ok {
				if parsed, err := strconv.ParseFloat(v, 64); err == nil {
					q = parsed
				}
			}
		}
		qs[name] = q
	}
	accepts := func(enc string) bool {
		if q, listed := qs[enc]; listed {
			return q > 0
		}
		q, star := qs["*"]
		return star && q > 0
	}
	for _, enc := range []string{"br", "gzip"} {
		if _, ok := a.variants[enc]; ok && accepts(enc) {
			return enc
		}
	}
	return ""
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		s.cfg.Logger.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"bytes", rec.bytes, "encoding", w.Header().Get("Content-Encoding"), "duration_ms", float64(time.Since(start).Microseconds())/1000)
	})
}

// Open listens on the configured address, so that a bad address fails here, synchronously.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: listen: %w", err)
	}
	s.listener = ln
	s.http = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // the largest asset over a slow link
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
	}
	return nil
}

// URL is the address the server listens on, as a URL.
func (s *Server) URL() string { return "http://" + s.listener.Addr().String() + "/" }

// Serve serves until Close; it returns nil after a clean shutdown.
func (s *Server) Serve() error {
	if err := s.http.Serve(s.listener); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close stops accepting connections and waits for in-flight requests until ctx ends.
func (s *Server) Close(ctx context.Context) error {
	return s.http.Shutdown(ctx)
}

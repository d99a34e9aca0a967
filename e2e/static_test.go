package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lookbook/server"
)

// TestStaticDeployServedByAPlainFileServer writes the static deploy (make dist) and serves it
// with nothing but Go's file server: the app starts, classifies a drawing and opens the Map.
func TestStaticDeployServedByAPlainFileServer(t *testing.T) {
	dir := t.TempDir()
	if err := server.WriteStatic(server.Bundle(), dir); err != nil {
		t.Skipf("no bundle to deploy (%v); `make test` builds it", err)
	}
	headers, err := os.ReadFile(filepath.Join(dir, "_headers"))
	if err != nil || !strings.Contains(string(headers), "Content-Security-Policy: "+server.ContentSecurityPolicy) || !strings.Contains(string(headers), "immutable") {
		t.Fatalf("_headers: %q (%v)", headers, err)
	}
	static := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(static.Close)

	a := start(t, 1280, 800)
	a.url = static.URL + "/"
	a.open("")
	a.classifiesAndMaps("served as static files")
}

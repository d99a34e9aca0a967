package server

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// WriteStatic writes the bundle to dir as a static deploy: every asset and its precompressed
// variants as they are, and _headers (the format Netlify and Cloudflare Pages read) carrying
// the security headers and caching rules this server sends. Any static host can serve the
// folder; share links work from it, since they live in the URL's fragment.
func WriteStatic(assets fs.FS, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var hashed []string
	err := fs.WalkDir(assets, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(path.Base(p), ".") {
			return err
		}
		data, err := fs.ReadFile(assets, p)
		if err != nil {
			return err
		}
		if hashedName.MatchString(p) {
			hashed = append(hashed, p)
		}
		return os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), data, 0o644)
	})
	if err != nil {
		return fmt.Errorf("static deploy: %w", err)
	}
	sort.Strings(hashed)
	var h strings.Builder
	h.WriteString("# Written by `make dist` (server.WriteStatic): what the Go server sends, for static hosts.\n/*\n")
	for _, kv := range SecurityHeaders {
		fmt.Fprintf(&h, "  %s: %s\n", kv[0], kv[1])
	}
	for _, page := range []string{"/", "/index.html", "/sw.js"} {
		fmt.Fprintf(&h, "%s\n  Cache-Control: %s\n", page, revalidate)
	}
	for _, name := range hashed {
		fmt.Fprintf(&h, "/%s\n  Cache-Control: %s\n", name, cacheForever)
	}
	return os.WriteFile(filepath.Join(dir, "_headers"), []byte(h.String()), 0o644)
}

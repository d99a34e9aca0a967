package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// nextBuild makes a new build out of a bundle, as a deploy with one changed file would: the
// stylesheet gets a rule that marks the build (--build on :root), so a new content hash and
// name; index.html and the service worker (a new build id, the new name in its list) follow.
// It returns the build and the old and new stylesheet names.
func nextBuild(t *testing.T, bundle fs.FS, marker string) (build fstest.MapFS, oldStyle, newStyle string) {
	t.Helper()
	build = fstest.MapFS{}
	err := fs.WalkDir(bundle, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(bundle, p)
		if strings.HasPrefix(p, "style.") && strings.HasSuffix(p, ".css") {
			oldStyle = p
		}
		build[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil || oldStyle == "" {
		t.Fatalf("the bundle has no stylesheet (%v)", err)
	}
	css := string(build[oldStyle].Data) + "\n:root { --build: \"" + marker + "\"; }\n"
	sum := sha256.Sum256([]byte(css))
	newStyle = "style." + hex.EncodeToString(sum[:6]) + ".css"
	build[newStyle] = &fstest.MapFile{Data: []byte(css)}
	buildID := regexp.MustCompile(`const BUILD = "[0-9a-f]+"`)
	sum = sha256.Sum256([]byte(marker))
	for _, name := range []string{"index.html", "sw.js"} {
		text := strings.ReplaceAll(string(build[name].Data), oldStyle, newStyle)
		text = buildID.ReplaceAllString(text, `const BUILD = "`+hex.EncodeToString(sum[:6])+`"`)
		build[name] = &fstest.MapFile{Data: []byte(text)}
	}
	// Gone: the old stylesheet, and the compressed variants of every file that changed.
	delete(build, oldStyle)
	for _, name := range []string{oldStyle, "index.html", "sw.js"} {
		delete(build, name+".br")
		delete(build, name+".gz")
	}
	return build, oldStyle, newStyle
}

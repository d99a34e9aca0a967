// Command bundle turns the built web assets into what the server embeds: every file but
// index.html renamed with a content hash (name.<12 hex>.ext, cached forever), index.html
// rewritten to point at those names and to record the program's size (for the loader's
// progress bar), and brotli and gzip variants of everything compressible.
//
//	go run ./server/cmd/bundle -in build/web -out server/dist [-quick]
//
// -quick compresses every file at brotli's quick level (5) and gzip's default: make test uses
// it, since the tests need what the server sends, not its smallest bytes, and brotli's best
// level on the 14 MB program was about 50 s of a fresh clone's make test.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

func main() {
	in := flag.String("in", "build/web", "folder of built assets, with index.html")
	out := flag.String("out", "server/dist", "bundle folder to (re)write")
	quick := flag.Bool("quick", false, "compress quickly (for tests), not as small as possible")
	flag.Parse()
	level := levelBest
	if *quick {
		level = levelQuick
	}
	if err := bundle(*in, *out, level); err != nil {
		fmt.Fprintln(os.Stderr, "bundle:", err)
		os.Exit(1)
	}
}

// The compression levels a bundle is made at, as its marker file records them.
const (
	levelBest  = "best"
	levelQuick = "quick"
	// levelMarker names the file in the output folder that records the level of its variants
	// (a dot file: the server's embed leaves it out).
	levelMarker = ".compression"
)

func bundle(in, out, level string) error {
	entries, err := os.ReadDir(in)
	if err != nil {
		return err
	}
	index, err := os.ReadFile(filepath.Join(in, "index.html"))
	if err != nil {
		return fmt.Errorf("no index.html in %s: %w", in, err)
	}
	// Empty the output, keeping .gitkeep. Compressed variants of content-hashed files are kept
	// in memory first: the same name means the same content, so they need no recompressing
	// (brotli at its best level takes most of a rebuild), if they were made at this level.
	old, _ := os.ReadDir(out)
	reuse := map[string][]byte{}
	was, _ := os.ReadFile(filepath.Join(out, levelMarker))
	for _, e := range old {
		name := e.Name()
		if string(was) == level && (strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz")) && strings.Count(name, ".") >= 3 {
			if data, err := os.ReadFile(filepath.Join(out, name)); err == nil {
				reuse[name] = data
			}
		}
		if !strings.HasPrefix(name, ".") {
			os.RemoveAll(filepath.Join(out, name))
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	files := map[string][]byte{}
	var names []string
	html := string(index)
	// The web app manifest names the icon, so it is hashed after the files it refers to, with
	// their hashed names written into it.
	sort.SliceStable(entries, func(i, j int) bool { return !refersToAssets(entries[i].Name()) && refersToAssets(entries[j].Name()) })
	renamed := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || e.Name() == "index.html" || e.Name() == serviceWorker {
			continue
		}
		data, err := os.ReadFile(filepath.Join(in, e.Name()))
		if err != nil {
			return err
		}
		if refersToAssets(e.Name()) {
			text := string(data)
			for name, hashed := range renamed {
				text = strings.ReplaceAll(text, `"`+name+`"`, `"`+hashed+`"`)
			}
			data = []byte(text)
		}
		sum := sha256.Sum256(data)
		ext := filepath.Ext(e.Name())
		hashed := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:6]) + ext
		files[hashed] = data
		names = append(names, hashed)
		renamed[e.Name()] = hashed
		if !strings.Contains(html, `"`+e.Name()+`"`) {
			fmt.Fprintf(os.Stderr, "bundle: note: index.html does not mention %s\n", e.Name())
		}
		html = strings.ReplaceAll(html, `"`+e.Name()+`"`, `"`+hashed+`"`)
		// The loader and the app show download progress against these sizes.
		size := strings.TrimSuffix(e.Name(), ext)
		if e.Name() == "app.wasm" {
			size = "wasm"
		}
		html = strings.Replace(html, `data-`+size+`-size="0"`, `data-`+size+`-size="`+strconv.Itoa(len(data))+`"`, 1)
	}
	files["index.html"] = []byte(html)
	names = append(names, "index.html")
	if sw, err := os.ReadFile(filepath.Join(in, serviceWorker)); err == nil {
		files[serviceWorker] = serviceWorkerFor(sw, names)
		names = append(names, serviceWorker)
	} else if !os.IsNotExist(err) {
		return err
	}
	sort.Strings(names)

	var wg sync.WaitGroup
	errs := make([]error, len(names))
	var total, totalBr int
	var mu sync.Mutex
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := files[name]
			if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
				errs[i] = err
				return
			}
			if !compressible(name) {
				return
			}
			br, gz := reuse[name+".br"], reuse[name+".gz"]
			if br == nil || gz == nil || name == "index.html" {
				br, gz = compress(data, isLazy(name), level)
			}
			// Keep a variant only where it saves something worth the bytes.
			if len(br) < len(data)*95/100 {
				errs[i] = os.WriteFile(filepath.Join(out, name+".br"), br, 0o644)
			}
			if len(gz) < len(data)*95/100 && errs[i] == nil {
				errs[i] = os.WriteFile(filepath.Join(out, name+".gz"), gz, 0o644)
			}
			mu.Lock()
			total += len(data)
			totalBr += min(len(br), len(data))
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(out, levelMarker), []byte(level), 0o644); err != nil {
		return err
	}
	fmt.Printf("bundle: %d files in %s, %.1f MB (%.1f MB with brotli, %s compression)\n", len(names), out, float64(total)/1e6, float64(totalBr)/1e6, level)
	return nil
}

func compressible(name string) bool {
	switch filepath.Ext(name) {
	case ".png", ".jpg", ".gif", ".webp", ".br", ".gz", ".gzip":
		return false
	}
	return true
}

// compress returns brotli and gzip variants of data. Brotli's best level (11) takes about 3 s
// of CPU a megabyte here, most of a fresh build (and of a fresh make test), so it is spent
// where it pays. Floating-point weights, which a quick pass (level 5) shrinks by under a tenth,
// gain about 1 % more from it (vae.safetensors: 4.29 MB at level 5 in 0.1 s, 4.24 MB at 11 in
// 10 s): they keep the quick pass. Files only some views load (lazy) get level 9: the maps are
// 6.01 MB at 9 in 3.4 s against 5.59 MB at 11 in 38 s. What a first visit downloads gets 11
// (the program: 2.36 MB against 2.69 MB at 9). At levelQuick everything keeps the quick pass.
func compress(data []byte, lazy bool, level string) (br, gz []byte) {
	br = brotliAt(data, 5)
	gzLevel := gzip.BestCompression
	switch {
	case level == levelQuick:
		gzLevel = gzip.DefaultCompression
	case len(br) >= len(data)*9/10:
	case lazy:
		br = brotliAt(data, 9)
	default:
		br = brotliAt(data, brotli.BestCompression)
	}
	var g bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&g, gzLevel)
	zw.Write(data)
	zw.Close()
	return br, g.Bytes()
}

// brotliAt compresses data at level with brotli's largest standard window (16 MB, which every
// browser decodes): the program is 14 MB, and the default 4 MB window left 22 KB on the table
// of a first visit's 3.5 MB.
func brotliAt(data []byte, level int) []byte {
	var b bytes.Buffer
	w := brotli.NewWriterOptions(&b, brotli.WriterOptions{Quality: level, LGWin: 24})
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// refersToAssets reports whether a file names other assets (which the bundle renames).
func refersToAssets(name string) bool { return strings.HasSuffix(name, ".webmanifest") }

// serviceWorker keeps its name (browsers look for a worker at a fixed address) and is written
// for each build: its build hash and the files to precache.
const serviceWorker = "sw.js"

// lazyAssets are the files only some views load (the maps, the workers and their programs, the
// face models, the replay sample lookbook.teach learns with, the Train view's data): the
// service worker keeps them once they have been used rather than on every first visit.
var lazyAssets = []string{"maps.", "mapworker.", "worker.", "vae.", "faces.", "replay.", "trainworker.", "trainfaces.", "fashion-"}

func isLazy(name string) bool {
	return slices.ContainsFunc(lazyAssets, func(prefix string) bool { return strings.HasPrefix(name, prefix) })
}

// serviceWorkerFor fills the worker's template with this build's hash and precache list.
func serviceWorkerFor(template []byte, names []string) []byte {
	precache := []string{"./"} // index.html, as the page is addressed
	sum := sha256.New()
	for _, name := range names {
		sum.Write([]byte(name + "\n"))
		if name != "index.html" && !isLazy(name) {
			precache = append(precache, name)
		}
	}
	list, _ := json.Marshal(precache)
	out := strings.Replace(string(template), `"__BUILD__"`, `"`+hex.EncodeToString(sum.Sum(nil)[:6])+`"`, 1)
	return []byte(strings.Replace(out, "__PRECACHE__", string(list), 1))
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestForkIsUpToDate keeps wasm/domrender equal to what vuguhelper makes from the vugu in
// go.mod: after a vugu upgrade, regenerate it (see the command's doc).
func TestForkIsUpToDate(t *testing.T) {
	vugu, err := vuguDir()
	if err != nil {
		t.Fatal(err)
	}
	want, err := fork(vugu)
	if err != nil {
		t.Fatal(err)
	}
	const dir = "../../domrender"
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("%s has %d files, want %d", dir, len(entries), len(want))
	}
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s/%s differs from vugu's (err %v): run go run ./wasm/cmd/vuguhelper -fork wasm/domrender", dir, name, err)
		}
	}
	all := bytes.Join(func() (b [][]byte) {
		for _, d := range want {
			b = append(b, d)
		}
		return
	}(), nil)
	if bytes.Contains(all, []byte(evalCall)) || !bytes.Contains(all, []byte(`Get("vuguRender")`)) {
		t.Error("the fork still calls eval, or does not check for the helper")
	}
}

func TestHelperScriptIsVugus(t *testing.T) {
	vugu, err := vuguDir()
	if err != nil {
		t.Fatal(err)
	}
	script, err := helperScript(filepath.Join(vugu, "domrender", "renderer-js-script.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range []string{"window.vuguRender", "window.vuguGetRenderArray", "window.vuguSetEventHandler"} {
		if !strings.Contains(script, fn) {
			t.Errorf("the helper does not define %s", fn)
		}
	}
}

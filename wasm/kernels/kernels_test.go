package kernels

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestModuleIsAssembledFromSource: the committed kernels.wasm is what wabt makes of the
// committed kernels.wat, and the .wat is what gen_wat.py writes (where the tools exist).
func TestModuleIsAssembledFromSource(t *testing.T) {
	dir := t.TempDir()
	if py, err := exec.LookPath("python3"); err == nil {
		cmd := exec.Command(py, filepath.Join(mustAbs(t, "."), "gen_wat.py"))
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gen_wat.py: %v\n%s", err, out)
		}
		gen, _ := os.ReadFile(filepath.Join(dir, "kernels.wat"))
		committed, _ := os.ReadFile("kernels.wat")
		if !bytes.Equal(gen, committed) {
			t.Error("kernels.wat differs from what gen_wat.py writes: run `make kernels`")
		}
	}
	wat2wasm, err := exec.LookPath("wat2wasm")
	if err != nil {
		t.Skip("wat2wasm (Debian package wabt) is not installed")
	}
	out := filepath.Join(dir, "k.wasm")
	if b, err := exec.Command(wat2wasm, "kernels.wat", "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm: %v\n%s", err, b)
	}
	built, _ := os.ReadFile(out)
	if !bytes.Equal(built, Module) {
		t.Error("kernels.wasm is not kernels.wat assembled: run `make kernels`")
	}
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// nodeDir holds the npm packages some browser tests run under Node.js: Playwright and
// axe-core, pinned by its package-lock.json.
const nodeDir = "node"

// installNodePackages runs npm ci in nodeDir unless the pinned versions are installed already:
// once per test binary.
var installNodePackages = sync.OnceValue(func() error {
	if _, err := exec.LookPath("npm"); err != nil {
		return errors.New("npm is needed for the Playwright and accessibility tests: run `sudo apt-get install npm` (make test installs it)")
	}
	if nodePackagesInstalled() {
		return nil
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--silent")
	cmd.Dir = nodeDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci in e2e/node: %w\n%s", err, out)
	}
	return nil
})

// nodePackagesInstalled reports whether every dependency of nodeDir's package.json is
// installed at its pinned version.
func nodePackagesInstalled() bool {
	var want struct{ Dependencies map[string]string }
	if data, err := os.ReadFile(filepath.Join(nodeDir, "package.json")); err != nil || json.Unmarshal(data, &want) != nil {
		return false
	}
	for name, version := range want.Dependencies {
		var got struct{ Version string }
		data, err := os.ReadFile(filepath.Join(nodeDir, "node_modules", name, "package.json"))
		if err != nil || json.Unmarshal(data, &got) != nil || got.Version != version {
			return false
		}
	}
	return true
}

// runNode runs a script of nodeDir with Node.js and decodes the JSON it prints into v.
func runNode(t *testing.T, v any, script string, args ...string) {
	t.Helper()
	if err := installNodePackages(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", append([]string{script}, args...)...)
	cmd.Dir = nodeDir
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("node %s: %v\n%s", script, err, exit.Stderr)
		}
		t.Fatalf("node %s: %v (make test installs Node.js)", script, err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("node %s printed %q: %v", script, out, err)
	}
}

// Command vuguhelper prints the JavaScript helper that vugu's DOM renderer installs with eval()
// (the jsHelperScript constant of github.com/vugu/vugu/domrender), so that the page can load it
// as a script file and keep a Content-Security-Policy without 'unsafe-eval'.
//
//	go run ./wasm/cmd/vuguhelper > build/web/vugu.js
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "vuguhelper:", err)
		os.Exit(1)
	}
}

func run() error {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/vugu/vugu").Output()
	if err != nil {
		return fmt.Errorf("locate vugu: %w", err)
	}
	path := filepath.Join(strings.TrimSpace(string(out)), "domrender", "renderer-js-script.go")
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return err
	}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if name.Name != "jsHelperScript" {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					return fmt.Errorf("%s: jsHelperScript is not a string literal", path)
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return err
				}
				_, err = fmt.Println(s)
				return err
			}
		}
	}
	return fmt.Errorf("%s: no jsHelperScript constant", path)
}

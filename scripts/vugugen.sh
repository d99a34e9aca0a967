#!/usr/bin/env bash
# Regenerates the vugu components of wasm/app and marks the result js/wasm-only, like the rest
# of that package, so that native builds and vet skip it.
set -euo pipefail
cd "$(dirname "$0")/.."
go tool vugugen -s -skip-go-mod -skip-main wasm/app
f=wasm/app/0_components_gen.go
{ printf '//go:build js && wasm\n\n'; cat "$f"; } > "$f.tmp" && mv "$f.tmp" "$f"
gofmt -w "$f"

package server

import (
	"embed"
	"io/fs"
)

// dist is the bundle `make web` writes into server/dist (kept out of git but for .gitkeep).
//
//go:embed all:dist
var dist embed.FS

// Bundle returns the embedded bundle.
func Bundle() fs.FS {
	sub, _ := fs.Sub(dist, "dist")
	return sub
}

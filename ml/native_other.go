//go:build !amd64

package ml

// adamRange is one Adam step on w, g, m and v (of equal length).
func adamRange(c *adamConsts, w, g, m, v []float32) { adamGo(c, w, g, m, v) }

// nativeKernels are empty off amd64: the browser installs its own (wasm/kernels).
var nativeKernels Kernels

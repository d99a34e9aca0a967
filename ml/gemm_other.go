//go:build !amd64

package ml

// haveFMA is false: only amd64 has an assembly micro-kernel (tests switch it off there).
var haveFMA = false

func microKernel(kc int, a, b, tile []float32) { microKernelGo(kc, a, b, tile) }

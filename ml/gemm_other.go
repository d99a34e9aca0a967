//go:build !amd64

package ml

func microKernel(kc int, a, b, tile []float32) { microKernelGo(kc, a, b, tile) }

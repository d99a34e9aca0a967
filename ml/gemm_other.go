//go:build !amd64

package ml

// haveFMA is false: only amd64 has an assembly micro-kernel (tests switch it off there).
var (
	haveFMA    = false
	haveAVX512 = false
)

func microKernel(kc int, a, b, tile []float32) { microKernelGo(kc, a, b, tile) }

func microKernelInto(kc int, a, b, c []float32, ldc, i0, j0 int, add bool) bool { return false }

func microKernelInto2(kc int, a, b, c []float32, ldc, i0, j0 int, add bool) bool { return false }

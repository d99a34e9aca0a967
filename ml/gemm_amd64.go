package ml

import "golang.org/x/sys/cpu"

var (
	haveFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	// haveAVX512 adds the two-tile AVX-512 micro-kernel (the same numbers, twice the width).
	haveAVX512 = haveFMA && cpu.X86.HasAVX512F
)

// microKernelAVX2 is microKernelGo in AVX2/FMA assembly (gemm_amd64.s): twelve 8-wide
// accumulators hold the 6×16 tile. kc must be at least 1.
//
//go:noescape
func microKernelAVX2(kc int, a, b, tile *float32)

func microKernel(kc int, a, b, tile []float32) {
	if haveFMA {
		_ = a[kc*microRows-1]
		_ = b[kc*microCols-1]
		_ = tile[microRows*microCols-1]
		microKernelAVX2(kc, &a[0], &b[0], &tile[0])
		return
	}
	microKernelGo(kc, a, b, tile)
}

//go:noescape
func microKernelAVX2C(kc int, a, b, c *float32, ldc int, add bool)

// microKernelInto computes a whole 6×16 tile straight into C at row i0, column j0 (or adds it),
// and reports false, doing nothing, where there is no assembly kernel.
func microKernelInto(kc int, a, b, c []float32, ldc, i0, j0 int, add bool) bool {
	if !haveFMA {
		return false
	}
	_ = a[kc*microRows-1]
	_ = b[kc*microCols-1]
	_ = c[(i0+microRows-1)*ldc+j0+microCols-1]
	microKernelAVX2C(kc, &a[0], &b[0], &c[i0*ldc+j0], ldc, add)
	return true
}

//go:noescape
func microKernel512C(kc int, a, b, c *float32, ldc int, add bool)

// microKernelInto2 is microKernelInto for two row panels at once (12 rows of C from the A panels
// at a and a[kc·6:]), where the processor has AVX-512; it reports false, doing nothing, elsewhere.
func microKernelInto2(kc int, a, b, c []float32, ldc, i0, j0 int, add bool) bool {
	if !haveAVX512 || !haveFMA {
		return false
	}
	_ = a[2*kc*microRows-1]
	_ = b[kc*microCols-1]
	_ = c[(i0+2*microRows-1)*ldc+j0+microCols-1]
	microKernel512C(kc, &a[0], &b[0], &c[i0*ldc+j0], ldc, add)
	return true
}

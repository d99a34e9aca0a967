#include "textflag.h"

// func dot4AVX2(k int, x, b *float32, ldb int, y *float32)
//
// y[r] = Σ_{p<k} x[p]·b[r·ldb + p] for the four rows r < 4, k a positive multiple of 8. Two sets
// of four accumulators (even and odd 8-blocks) keep eight FMA chains in flight.
TEXT ·dot4AVX2(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), R8
	MOVQ y+32(FP), DX
	SHLQ $2, R8
	LEAQ (DI)(R8*1), R9
	LEAQ (R9)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	XORQ AX, AX
	SHRQ $3, CX

pairs:
	CMPQ CX, $2
	JLT  single
	VMOVUPS (SI)(AX*1), Y4
	VMOVUPS 32(SI)(AX*1), Y9
	VFMADD231PS (DI)(AX*1), Y4, Y0
	VFMADD231PS (R9)(AX*1), Y4, Y1
	VFMADD231PS (R10)(AX*1), Y4, Y2
	VFMADD231PS (R11)(AX*1), Y4, Y3
	VFMADD231PS 32(DI)(AX*1), Y9, Y5
	VFMADD231PS 32(R9)(AX*1), Y9, Y6
	VFMADD231PS 32(R10)(AX*1), Y9, Y7
	VFMADD231PS 32(R11)(AX*1), Y9, Y8
	ADDQ $64, AX
	SUBQ $2, CX
	JMP  pairs

single:
	CMPQ CX, $0
	JEQ  reduce
	VMOVUPS (SI)(AX*1), Y4
	VFMADD231PS (DI)(AX*1), Y4, Y0
	VFMADD231PS (R9)(AX*1), Y4, Y1
	VFMADD231PS (R10)(AX*1), Y4, Y2
	VFMADD231PS (R11)(AX*1), Y4, Y3

reduce:
	VADDPS Y5, Y0, Y0
	VADDPS Y6, Y1, Y1
	VADDPS Y7, Y2, Y2
	VADDPS Y8, Y3, Y3
	VHADDPS Y1, Y0, Y0
	VHADDPS Y3, Y2, Y2
	VHADDPS Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VMOVUPS X0, (DX)
	VZEROUPPER
	RET

// func dot1AVX2(k int, x, b *float32) float32
//
// Σ_{p<k} x[p]·b[p] for k a positive multiple of 8.
TEXT ·dot1AVX2(SB), NOSPLIT, $0-28
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ b+16(FP), DI
	VXORPS Y0, Y0, Y0
	XORQ AX, AX
	SHRQ $3, CX

loop1:
	VMOVUPS (SI)(AX*1), Y4
	VFMADD231PS (DI)(AX*1), Y4, Y0
	ADDQ $32, AX
	DECQ CX
	JNZ  loop1
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	MOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

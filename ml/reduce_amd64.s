#include "textflag.h"

// Float64 reductions of four planes at once, each plane's four lanes exactly sum64's,
// sumSquaredDev64's or dot64's four accumulators (element i goes to lane i mod 4, in order, no
// FMA), so the sums are theirs bit for bit; four independent chains instead of one hide the
// latency of the additions. The caller adds each plane's tail and combines its lanes.

// func sumLanes4AVX2(n int, x *float32, stride int, out *[16]float64)
TEXT ·sumLanes4AVX2(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ stride+16(FP), R8
	SHLQ $2, R8
	LEAQ (SI)(R8*2), R10
	LEAQ (SI)(R8*1), R9
	LEAQ (R10)(R8*1), R11
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ AX, AX
	SHRQ $2, CX
	JZ donesumLanes4AVX2

loopsumLanes4AVX2:
	VCVTPS2PD (SI)(AX*1), Y4
	VADDPD Y4, Y0, Y0
	VCVTPS2PD (R9)(AX*1), Y5
	VADDPD Y5, Y1, Y1
	VCVTPS2PD (R10)(AX*1), Y6
	VADDPD Y6, Y2, Y2
	VCVTPS2PD (R11)(AX*1), Y7
	VADDPD Y7, Y3, Y3
	ADDQ $16, AX
	DECQ CX
	JNZ loopsumLanes4AVX2

donesumLanes4AVX2:
	MOVQ out+24(FP), DI
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VZEROUPPER
	RET

// func sqDevLanes4AVX2(n int, x *float32, stride int, mean float64, out *[16]float64)
TEXT ·sqDevLanes4AVX2(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ stride+16(FP), R8
	VBROADCASTSD mean+24(FP), Y15
	SHLQ $2, R8
	LEAQ (SI)(R8*2), R10
	LEAQ (SI)(R8*1), R9
	LEAQ (R10)(R8*1), R11
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ AX, AX
	SHRQ $2, CX
	JZ donesqDevLanes4AVX2

loopsqDevLanes4AVX2:
	VCVTPS2PD (SI)(AX*1), Y4
	VSUBPD Y15, Y4, Y4
	VMULPD Y4, Y4, Y4
	VADDPD Y4, Y0, Y0
	VCVTPS2PD (R9)(AX*1), Y5
	VSUBPD Y15, Y5, Y5
	VMULPD Y5, Y5, Y5
	VADDPD Y5, Y1, Y1
	VCVTPS2PD (R10)(AX*1), Y6
	VSUBPD Y15, Y6, Y6
	VMULPD Y6, Y6, Y6
	VADDPD Y6, Y2, Y2
	VCVTPS2PD (R11)(AX*1), Y7
	VSUBPD Y15, Y7, Y7
	VMULPD Y7, Y7, Y7
	VADDPD Y7, Y3, Y3
	ADDQ $16, AX
	DECQ CX
	JNZ loopsqDevLanes4AVX2

donesqDevLanes4AVX2:
	MOVQ out+32(FP), DI
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VZEROUPPER
	RET

// func dotLanes4AVX2(n int, x *float32, stride int, y *float32, out *[16]float64)
TEXT ·dotLanes4AVX2(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ stride+16(FP), R8
	MOVQ y+24(FP), DX
	SHLQ $2, R8
	LEAQ (SI)(R8*2), R10
	LEAQ (SI)(R8*1), R9
	LEAQ (R10)(R8*1), R11
	LEAQ (DX)(R8*1), R12
	LEAQ (DX)(R8*2), R13
	LEAQ (R13)(R8*1), R14
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ AX, AX
	SHRQ $2, CX
	JZ donedotLanes4AVX2

loopdotLanes4AVX2:
	VCVTPS2PD (SI)(AX*1), Y4
	VCVTPS2PD (DX)(AX*1), Y8
	VMULPD Y8, Y4, Y4
	VADDPD Y4, Y0, Y0
	VCVTPS2PD (R9)(AX*1), Y5
	VCVTPS2PD (R12)(AX*1), Y9
	VMULPD Y9, Y5, Y5
	VADDPD Y5, Y1, Y1
	VCVTPS2PD (R10)(AX*1), Y6
	VCVTPS2PD (R13)(AX*1), Y10
	VMULPD Y10, Y6, Y6
	VADDPD Y6, Y2, Y2
	VCVTPS2PD (R11)(AX*1), Y7
	VCVTPS2PD (R14)(AX*1), Y11
	VMULPD Y11, Y7, Y7
	VADDPD Y7, Y3, Y3
	ADDQ $16, AX
	DECQ CX
	JNZ loopdotLanes4AVX2

donedotLanes4AVX2:
	MOVQ out+32(FP), DI
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VZEROUPPER
	RET


#include "textflag.h"

// Float64 reductions of four planes at once, each plane's four lanes exactly sum64's,
// sumSquaredDev64's or dot64's four accumulators (element i goes to lane i mod 4, in order, no
// FMA), so the sums are theirs bit for bit; four independent chains instead of one hide the
// latency of the additions. The caller adds each plane's tail and combines its lanes.
//
// Each call runs groups of four planes (x, x+stride, x+2·stride, x+3·stride, then the next four),
// writing each group's sixteen lanes to out in turn: one call covers a whole channel of a batch.

// LANES_ARGS loads the arguments the three kernels share: BX the vectors of four per plane,
// R15 the groups, SI the first plane, R8 the stride in bytes.
#define LANES_ARGS \
	MOVQ n+0(FP), BX; \
	SHRQ $2, BX; \
	MOVQ groups+8(FP), R15; \
	MOVQ x+16(FP), SI; \
	MOVQ stride+24(FP), R8; \
	SHLQ $2, R8

// LANES_GROUP starts a group: SI, R9, R10 and R11 point at its four planes, the accumulators
// Y0–Y3 are zero, AX is the offset and CX counts the vectors.
#define LANES_GROUP \
	LEAQ (SI)(R8*2), R10; \
	LEAQ (SI)(R8*1), R9; \
	LEAQ (R10)(R8*1), R11; \
	VXORPD Y0, Y0, Y0; \
	VXORPD Y1, Y1, Y1; \
	VXORPD Y2, Y2, Y2; \
	VXORPD Y3, Y3, Y3; \
	XORQ AX, AX; \
	MOVQ BX, CX

// LANES_STORE writes a group's sixteen lanes to DI and moves DI and SI on to the next group.
#define LANES_STORE \
	VMOVUPD Y0, (DI); \
	VMOVUPD Y1, 32(DI); \
	VMOVUPD Y2, 64(DI); \
	VMOVUPD Y3, 96(DI); \
	ADDQ $128, DI; \
	LEAQ (SI)(R8*4), SI

// func sumLanes4AVX2(n, groups int, x *float32, stride int, out *float64)
TEXT ·sumLanes4AVX2(SB), NOSPLIT, $0-40
	LANES_ARGS
	MOVQ out+32(FP), DI

groupsumLanes4AVX2:
	LANES_GROUP

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

	LANES_STORE
	DECQ R15
	JNZ groupsumLanes4AVX2
	VZEROUPPER
	RET

// func sqDevLanes4AVX2(n, groups int, x *float32, stride int, means *float64, meanStep int, out *float64)
//
// Plane q's deviations are from *(means + q·meanStep bytes): one mean for all (meanStep 0), or
// one per plane (8).
TEXT ·sqDevLanes4AVX2(SB), NOSPLIT, $0-56
	LANES_ARGS
	MOVQ means+32(FP), R12
	MOVQ meanStep+40(FP), R13
	MOVQ out+48(FP), DI

groupsqDevLanes4AVX2:
	VBROADCASTSD (R12), Y12
	ADDQ R13, R12
	VBROADCASTSD (R12), Y13
	ADDQ R13, R12
	VBROADCASTSD (R12), Y14
	ADDQ R13, R12
	VBROADCASTSD (R12), Y15
	ADDQ R13, R12
	LANES_GROUP

loopsqDevLanes4AVX2:
	VCVTPS2PD (SI)(AX*1), Y4
	VSUBPD Y12, Y4, Y4
	VMULPD Y4, Y4, Y4
	VADDPD Y4, Y0, Y0
	VCVTPS2PD (R9)(AX*1), Y5
	VSUBPD Y13, Y5, Y5
	VMULPD Y5, Y5, Y5
	VADDPD Y5, Y1, Y1
	VCVTPS2PD (R10)(AX*1), Y6
	VSUBPD Y14, Y6, Y6
	VMULPD Y6, Y6, Y6
	VADDPD Y6, Y2, Y2
	VCVTPS2PD (R11)(AX*1), Y7
	VSUBPD Y15, Y7, Y7
	VMULPD Y7, Y7, Y7
	VADDPD Y7, Y3, Y3
	ADDQ $16, AX
	DECQ CX
	JNZ loopsqDevLanes4AVX2

	LANES_STORE
	DECQ R15
	JNZ groupsqDevLanes4AVX2
	VZEROUPPER
	RET

// func dotLanes4AVX2(n, groups int, x *float32, stride int, y *float32, out *float64)
TEXT ·dotLanes4AVX2(SB), NOSPLIT, $0-48
	LANES_ARGS
	MOVQ y+32(FP), DX
	MOVQ out+40(FP), DI

groupdotLanes4AVX2:
	LEAQ (DX)(R8*1), R12
	LEAQ (DX)(R8*2), R13
	LEAQ (R13)(R8*1), R14
	LANES_GROUP

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

	LANES_STORE
	LEAQ (DX)(R8*4), DX
	DECQ R15
	JNZ groupdotLanes4AVX2
	VZEROUPPER
	RET

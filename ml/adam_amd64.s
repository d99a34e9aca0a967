#include "textflag.h"

// func adamAVX2(n int, w, grad, mom, vel *float32, c *AdamConsts)
//
// One Adam step on n elements (a positive multiple of 8), eight at a time, with exactly the
// float32 and float64 operations of adamGo in the same order (no FMA), so the results are bit
// for bit the same:
//   w *= shrink; m = b1·m + c1·g; v = b2·v + (c2·g)·g, each moment flushed to +0 below
//   float32's normal range (flushSubnormal);
//   w -= float32(step·float64(m) / (√float64(v) / sqrtBC2 + eps))
TEXT ·adamAVX2(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ w+8(FP), DI
	MOVQ grad+16(FP), SI
	MOVQ mom+24(FP), R9
	MOVQ vel+32(FP), R10
	MOVQ c+40(FP), R8
	VBROADCASTSS 0(R8), Y10  // b1
	VBROADCASTSS 4(R8), Y11  // c1
	VBROADCASTSS 8(R8), Y12  // b2
	VBROADCASTSS 12(R8), Y13 // c2
	VBROADCASTSS 16(R8), Y14 // shrink
	XORQ AX, AX
	SHRQ $3, CX

loop:
	VMOVUPS (SI)(AX*1), Y1
	VMULPS (R9)(AX*1), Y10, Y2
	VMULPS Y1, Y11, Y4
	VADDPS Y4, Y2, Y2
	VMULPS (R10)(AX*1), Y12, Y3
	VMULPS Y1, Y13, Y5
	VMULPS Y1, Y5, Y5
	VADDPS Y5, Y3, Y3

	// Flush both moments below 2⁻¹²⁶ to +0: keep a lane where its bits, sign cleared, exceed
	// 0x007fffff (signed compare: cleared, they are non-negative).
	VPCMPEQD Y4, Y4, Y4
	VPSRLD $1, Y4, Y5  // 0x7fffffff
	VPSRLD $9, Y4, Y4  // 0x007fffff
	VANDPS Y2, Y5, Y6
	VPCMPGTD Y4, Y6, Y6
	VANDPS Y6, Y2, Y2
	VANDPS Y3, Y5, Y6
	VPCMPGTD Y4, Y6, Y6
	VANDPS Y6, Y3, Y3
	VMOVUPS Y2, (R9)(AX*1)
	VMOVUPS Y3, (R10)(AX*1)

	// Low four: denominators and steps in float64.
	VBROADCASTSD 24(R8), Y15 // sqrtBC2
	VCVTPS2PD X3, Y6
	VSQRTPD Y6, Y6
	VDIVPD Y15, Y6, Y6
	VBROADCASTSD 32(R8), Y15 // eps
	VADDPD Y15, Y6, Y6
	VBROADCASTSD 40(R8), Y15 // step
	VCVTPS2PD X2, Y7
	VMULPD Y15, Y7, Y7
	VDIVPD Y6, Y7, Y7
	VCVTPD2PSY Y7, X7

	// High four.
	VEXTRACTF128 $1, Y3, X8
	VEXTRACTF128 $1, Y2, X9
	VBROADCASTSD 24(R8), Y15
	VCVTPS2PD X8, Y8
	VSQRTPD Y8, Y8
	VDIVPD Y15, Y8, Y8
	VBROADCASTSD 32(R8), Y15
	VADDPD Y15, Y8, Y8
	VBROADCASTSD 40(R8), Y15
	VCVTPS2PD X9, Y9
	VMULPD Y15, Y9, Y9
	VDIVPD Y8, Y9, Y9
	VCVTPD2PSY Y9, X9
	VINSERTF128 $1, X9, Y7, Y7

	VMULPS (DI)(AX*1), Y14, Y0
	VSUBPS Y7, Y0, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	DECQ CX
	JNZ  loop
	VZEROUPPER
	RET

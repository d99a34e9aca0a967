#include "textflag.h"

// POOL_WINDOWS takes eight 2×2 windows, their top-left, top-right, bottom-left and bottom-right
// values in Y2, Y3, Y4 and Y5 and the top-left indices in Y12, to the maxima in Y2 and their
// indices in Y6, with MaxPool2d's rule: a later value wins when it is greater or NaN
// (Y13 holds 1, Y14 the row width; Y7–Y9 are scratch).
#define POOL_WINDOWS \
	VMOVDQA Y12, Y6; \
	VCMPPS $0x1E, Y2, Y3, Y7; \
	VCMPPS $3, Y3, Y3, Y8; \
	VORPS Y8, Y7, Y7; \
	VBLENDVPS Y7, Y3, Y2, Y2; \
	VPADDD Y13, Y12, Y9; \
	VBLENDVPS Y7, Y9, Y6, Y6; \
	VCMPPS $0x1E, Y2, Y4, Y7; \
	VCMPPS $3, Y4, Y4, Y8; \
	VORPS Y8, Y7, Y7; \
	VBLENDVPS Y7, Y4, Y2, Y2; \
	VPADDD Y14, Y12, Y9; \
	VBLENDVPS Y7, Y9, Y6, Y6; \
	VCMPPS $0x1E, Y2, Y5, Y7; \
	VCMPPS $3, Y5, Y5, Y8; \
	VORPS Y8, Y7, Y7; \
	VBLENDVPS Y7, Y5, Y2, Y2; \
	VPADDD Y13, Y9, Y9; \
	VBLENDVPS Y7, Y9, Y6, Y6

// POOL_STORE stores the eight maxima (Y2) and their indices (Y6) at DI and R8, offset R10,
// in window order (undoing the shuffles' order), and moves the top-left indices (Y12) on by
// Y15.
#define POOL_STORE \
	VPERMPD $0xD8, Y2, Y2; \
	VPERMQ $0xD8, Y6, Y6; \
	VMOVUPS Y2, (DI)(R10*1); \
	VMOVDQU Y6, (R8)(R10*1); \
	VPADDD Y15, Y12, Y12

// NARROW_POOL_SETUP sets up the narrow poolings' constants: Y12 the top-left index of each of
// eight windows (offsets plus at, in AX), Y13 1, Y14 the row width, Y15 32 (the indices eight
// windows span).
#define NARROW_POOL_SETUP(offsets, width) \
	MOVQ $offsets(SB), R9; \
	VMOVDQU (R9), Y12; \
	VMOVD AX, X13; \
	VPBROADCASTD X13, Y13; \
	VPADDD Y13, Y12, Y12; \
	MOVL $1, AX; \
	VMOVD AX, X13; \
	VPBROADCASTD X13, Y13; \
	MOVL width, AX; \
	VMOVD AX, X14; \
	VPBROADCASTD X14, Y14; \
	MOVL $32, AX; \
	VMOVD AX, X15; \
	VPBROADCASTD X15, Y15

// func reluAVX2(n int, x, out *float32)
//
// out = x where x > 0 or x is NaN, else +0 (ReLU.Forward's `if v <= 0 { v = 0 }`), for n a
// positive multiple of 8.
TEXT ·reluAVX2(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ out+16(FP), DI
	VXORPS Y15, Y15, Y15
	XORQ AX, AX
	SHRQ $3, CX

reluLoop:
	VMOVUPS (SI)(AX*1), Y0
	VCMPPS $2, Y15, Y0, Y1 // x <= 0 (false for NaN)
	VANDNPS Y0, Y1, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	DECQ CX
	JNZ  reluLoop
	VZEROUPPER
	RET

// func reluBackAVX2(n int, out, dy, dx *float32)
//
// dx = dy where out's bits are not zero, else +0 (ReLU.Backward), for n a positive multiple of 8.
TEXT ·reluBackAVX2(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ out+8(FP), SI
	MOVQ dy+16(FP), DX
	MOVQ dx+24(FP), DI
	VPXOR Y15, Y15, Y15
	XORQ AX, AX
	SHRQ $3, CX

backLoop:
	VMOVDQU (SI)(AX*1), Y0
	VPCMPEQD Y15, Y0, Y1 // out == +0 as bits
	VANDNPS (DX)(AX*1), Y1, Y2
	VMOVUPS Y2, (DI)(AX*1)
	ADDQ $32, AX
	DECQ CX
	JNZ  backLoop
	VZEROUPPER
	RET

// func maxPool2AVX2(windows int, top, bottom, out *float32, arg *int32, at int32, w int)
//
// Eight 2×2 windows at a time (windows a positive multiple of 8) from two input rows top and
// bottom of width w: out[k] is the maximum of top[2k], top[2k+1], bottom[2k], bottom[2k+1],
// taken in that order with MaxPool2d's rule (a later value wins if it is greater or NaN), and
// arg[k] its input index, where top[0] is index at and bottom[0] is index at+w.
TEXT ·maxPool2AVX2(SB), NOSPLIT, $0-56
	MOVQ windows+0(FP), CX
	MOVQ top+8(FP), SI
	MOVQ bottom+16(FP), DX
	MOVQ out+24(FP), DI
	MOVQ arg+32(FP), R8
	MOVL at+40(FP), AX
	MOVQ w+48(FP), BX
	// Y12: the top-left index of each of eight windows, at + 2k (in the order the shuffles
	// below produce, fixed by the final permute); Y13: 1; Y14: w; Y15: 16.
	MOVQ $·poolOffsets(SB), R9
	VMOVDQU (R9), Y12
	VMOVD AX, X13
	VPBROADCASTD X13, Y13
	VPADDD Y13, Y12, Y12
	MOVL $1, AX
	VMOVD AX, X13
	VPBROADCASTD X13, Y13
	VMOVD BX, X14
	VPBROADCASTD X14, Y14
	MOVL $16, AX
	VMOVD AX, X15
	VPBROADCASTD X15, Y15
	XORQ AX, AX
	XORQ R10, R10
	SHRQ $3, CX

poolLoop:
	VMOVUPS (SI)(AX*1), Y0
	VMOVUPS 32(SI)(AX*1), Y1
	VSHUFPS $0x88, Y1, Y0, Y2 // top, even columns
	VSHUFPS $0xDD, Y1, Y0, Y3 // top, odd columns
	VMOVUPS (DX)(AX*1), Y0
	VMOVUPS 32(DX)(AX*1), Y1
	VSHUFPS $0x88, Y1, Y0, Y4 // bottom, even
	VSHUFPS $0xDD, Y1, Y0, Y5 // bottom, odd

	POOL_WINDOWS

	POOL_STORE
	ADDQ $64, AX
	ADDQ $32, R10
	DECQ CX
	JNZ  poolLoop
	VZEROUPPER
	RET

// The shuffles leave windows in the order 0 1 4 5 2 3 6 7, and so do these offsets (2k for
// window k); the final permutes restore the order of both.
DATA ·poolOffsets+0(SB)/4, $0
DATA ·poolOffsets+4(SB)/4, $2
DATA ·poolOffsets+8(SB)/4, $8
DATA ·poolOffsets+12(SB)/4, $10
DATA ·poolOffsets+16(SB)/4, $4
DATA ·poolOffsets+20(SB)/4, $6
DATA ·poolOffsets+24(SB)/4, $12
DATA ·poolOffsets+28(SB)/4, $14
GLOBL ·poolOffsets(SB), RODATA, $32

// func maxPool2W8AVX2(groups int, x, out *float32, arg *int32, at int32)
//
// maxPool2AVX2 for planes 8 wide: eight 2×2 windows at a time from 2 consecutive pairs of
// input rows (x points at the first top row, whose first value is input index at).
TEXT ·maxPool2W8AVX2(SB), NOSPLIT, $0-36
	MOVQ groups+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ out+16(FP), DI
	MOVQ arg+24(FP), R8
	MOVL at+32(FP), AX
	NARROW_POOL_SETUP(·maxPool2W8AVX2Offsets, $8)
	XORQ R10, R10

loopmaxPool2W8AVX2:
	VMOVUPS (SI), Y0
	VMOVUPS 64(SI), Y1
	VSHUFPS $0x88, Y1, Y0, Y2
	VSHUFPS $0xDD, Y1, Y0, Y3
	VMOVUPS 32(SI), Y0
	VMOVUPS 96(SI), Y1
	VSHUFPS $0x88, Y1, Y0, Y4
	VSHUFPS $0xDD, Y1, Y0, Y5

	POOL_WINDOWS

	POOL_STORE
	ADDQ $128, SI
	ADDQ $32, R10
	DECQ CX
	JNZ  loopmaxPool2W8AVX2
	VZEROUPPER
	RET

DATA ·maxPool2W8AVX2Offsets+0(SB)/4, $0
DATA ·maxPool2W8AVX2Offsets+4(SB)/4, $2
DATA ·maxPool2W8AVX2Offsets+8(SB)/4, $16
DATA ·maxPool2W8AVX2Offsets+12(SB)/4, $18
DATA ·maxPool2W8AVX2Offsets+16(SB)/4, $4
DATA ·maxPool2W8AVX2Offsets+20(SB)/4, $6
DATA ·maxPool2W8AVX2Offsets+24(SB)/4, $20
DATA ·maxPool2W8AVX2Offsets+28(SB)/4, $22
GLOBL ·maxPool2W8AVX2Offsets(SB), RODATA, $32

// func maxPool2W4AVX2(groups int, x, out *float32, arg *int32, at int32)
//
// maxPool2AVX2 for planes 4 wide: eight 2×2 windows at a time from 4 consecutive pairs of
// input rows (x points at the first top row, whose first value is input index at).
TEXT ·maxPool2W4AVX2(SB), NOSPLIT, $0-36
	MOVQ groups+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ out+16(FP), DI
	MOVQ arg+24(FP), R8
	MOVL at+32(FP), AX
	NARROW_POOL_SETUP(·maxPool2W4AVX2Offsets, $4)
	XORQ R10, R10

loopmaxPool2W4AVX2:
	VMOVUPS (SI), X0
	VINSERTF128 $1, 32(SI), Y0, Y0
	VMOVUPS 64(SI), X1
	VINSERTF128 $1, 96(SI), Y1, Y1
	VSHUFPS $0x88, Y1, Y0, Y2
	VSHUFPS $0xDD, Y1, Y0, Y3
	VMOVUPS 16(SI), X0
	VINSERTF128 $1, 48(SI), Y0, Y0
	VMOVUPS 80(SI), X1
	VINSERTF128 $1, 112(SI), Y1, Y1
	VSHUFPS $0x88, Y1, Y0, Y4
	VSHUFPS $0xDD, Y1, Y0, Y5

	POOL_WINDOWS

	POOL_STORE
	ADDQ $128, SI
	ADDQ $32, R10
	DECQ CX
	JNZ  loopmaxPool2W4AVX2
	VZEROUPPER
	RET

DATA ·maxPool2W4AVX2Offsets+0(SB)/4, $0
DATA ·maxPool2W4AVX2Offsets+4(SB)/4, $2
DATA ·maxPool2W4AVX2Offsets+8(SB)/4, $16
DATA ·maxPool2W4AVX2Offsets+12(SB)/4, $18
DATA ·maxPool2W4AVX2Offsets+16(SB)/4, $8
DATA ·maxPool2W4AVX2Offsets+20(SB)/4, $10
DATA ·maxPool2W4AVX2Offsets+24(SB)/4, $24
DATA ·maxPool2W4AVX2Offsets+28(SB)/4, $26
GLOBL ·maxPool2W4AVX2Offsets(SB), RODATA, $32

#include "textflag.h"

// TRANSPOSE_8X8 transposes the 8×8 block in rows Y0–Y7 into Y8–Y15 (row q of the result is
// column q of the block), through Y0–Y7 as scratch: unpack pairs, shuffle quads, swap halves.
#define TRANSPOSE_8X8 \
	VUNPCKLPS Y1, Y0, Y8; \
	VUNPCKHPS Y1, Y0, Y9; \
	VUNPCKLPS Y3, Y2, Y10; \
	VUNPCKHPS Y3, Y2, Y11; \
	VUNPCKLPS Y5, Y4, Y12; \
	VUNPCKHPS Y5, Y4, Y13; \
	VUNPCKLPS Y7, Y6, Y14; \
	VUNPCKHPS Y7, Y6, Y15; \
	VSHUFPS $0x44, Y10, Y8, Y0; \
	VSHUFPS $0xEE, Y10, Y8, Y1; \
	VSHUFPS $0x44, Y11, Y9, Y2; \
	VSHUFPS $0xEE, Y11, Y9, Y3; \
	VSHUFPS $0x44, Y14, Y12, Y4; \
	VSHUFPS $0xEE, Y14, Y12, Y5; \
	VSHUFPS $0x44, Y15, Y13, Y6; \
	VSHUFPS $0xEE, Y15, Y13, Y7; \
	VPERM2F128 $0x20, Y4, Y0, Y8; \
	VPERM2F128 $0x31, Y4, Y0, Y12; \
	VPERM2F128 $0x20, Y5, Y1, Y9; \
	VPERM2F128 $0x31, Y5, Y1, Y13; \
	VPERM2F128 $0x20, Y6, Y2, Y10; \
	VPERM2F128 $0x31, Y6, Y2, Y14; \
	VPERM2F128 $0x20, Y7, Y3, Y11; \
	VPERM2F128 $0x31, Y7, Y3, Y15

// Row kernels for im2col and col2im, BatchNorm's per-element passes, and the transposing pack of
// the matrix products' right operand. Each does exactly the Go reference's float32 operations.

// PACK_ARGS loads the packs' arguments: CX the blocks of eight, SI the source, R8 its leading
// dimension in bytes and R9 three times that, DI the destination.
#define PACK_ARGS \
	MOVQ blocks+0(FP), CX; \
	MOVQ src+8(FP), SI; \
	MOVQ ld+16(FP), R8; \
	SHLQ $2, R8; \
	MOVQ dst+24(FP), DI; \
	LEAQ (R8)(R8*2), R9

// LOAD_6_ROWS loads eight values of each of the six rows from SI into Y0–Y5 (R10: row four).
#define LOAD_6_ROWS \
	LEAQ (SI)(R8*4), R10; \
	VMOVUPS (SI), Y0; \
	VMOVUPS (SI)(R8*1), Y1; \
	VMOVUPS (SI)(R8*2), Y2; \
	VMOVUPS (SI)(R9*1), Y3; \
	VMOVUPS (R10), Y4; \
	VMOVUPS (R10)(R8*1), Y5

// ROWS_ARGS loads addRowsAVX2's and copyRowsAVX2's arguments: BX the rows, CX the whole
// vectors of a row, R12 the values after them (n mod 8) and Y15 the mask of those lanes; DI
// and SI the rows of dst and src, R8 and R9 their strides in bytes.
#define ROWS_ARGS \
	MOVQ rows+0(FP), BX; \
	MOVQ n+8(FP), CX; \
	MOVQ dst+16(FP), DI; \
	MOVQ dstStride+24(FP), R8; \
	SHLQ $2, R8; \
	MOVQ src+32(FP), SI; \
	MOVQ srcStride+40(FP), R9; \
	SHLQ $2, R9; \
	MOVQ CX, R12; \
	ANDQ $7, R12; \
	MOVQ $8, R11; \
	SUBQ R12, R11; \
	MOVQ $·tailMasks(SB), R10; \
	VMOVDQU (R10)(R11*4), Y15; \
	SHRQ $3, CX

// func addRowsAVX2(rows, n int, dst *float32, dstStride int, src *float32, srcStride int)
//
// dst[r·dstStride + i] += src[r·srcStride + i] for r < rows, i < n (n ≥ 1): whole vectors,
// then a masked one for the last n mod 8.
TEXT ·addRowsAVX2(SB), NOSPLIT, $0-48
	ROWS_ARGS

addRow:
	MOVQ CX, DX
	XORQ AX, AX
	TESTQ DX, DX
	JZ    addTail

addVec:
	VMOVUPS (DI)(AX*1), Y0
	VADDPS (SI)(AX*1), Y0, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	DECQ DX
	JNZ  addVec

addTail:
	TESTQ R12, R12
	JZ    addNext
	VMASKMOVPS (SI)(AX*1), Y15, Y1
	VMASKMOVPS (DI)(AX*1), Y15, Y0
	VADDPS Y1, Y0, Y0
	VMASKMOVPS Y0, Y15, (DI)(AX*1)

addNext:
	ADDQ R8, DI
	ADDQ R9, SI
	DECQ BX
	JNZ  addRow
	VZEROUPPER
	RET

// func copyRowsAVX2(rows, n int, dst *float32, dstStride int, src *float32, srcStride int)
//
// dst[r·dstStride + i] = src[r·srcStride + i] for r < rows, i < n (n ≥ 1).
TEXT ·copyRowsAVX2(SB), NOSPLIT, $0-48
	ROWS_ARGS

copyRow:
	MOVQ CX, DX
	XORQ AX, AX
	TESTQ DX, DX
	JZ    copyTail

copyVec:
	VMOVUPS (SI)(AX*1), Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	DECQ DX
	JNZ  copyVec

copyTail:
	TESTQ R12, R12
	JZ    copyNext
	VMASKMOVPS (SI)(AX*1), Y15, Y1
	VMASKMOVPS Y1, Y15, (DI)(AX*1)

copyNext:
	ADDQ R8, DI
	ADDQ R9, SI
	DECQ BX
	JNZ  copyRow
	VZEROUPPER
	RET

// Eight lanes on, then eight off: the eight ints from index 8 − r have the first r lanes on.
DATA ·tailMasks+0(SB)/4, $-1
DATA ·tailMasks+4(SB)/4, $-1
DATA ·tailMasks+8(SB)/4, $-1
DATA ·tailMasks+12(SB)/4, $-1
DATA ·tailMasks+16(SB)/4, $-1
DATA ·tailMasks+20(SB)/4, $-1
DATA ·tailMasks+24(SB)/4, $-1
DATA ·tailMasks+28(SB)/4, $-1
DATA ·tailMasks+32(SB)/4, $0
DATA ·tailMasks+36(SB)/4, $0
DATA ·tailMasks+40(SB)/4, $0
DATA ·tailMasks+44(SB)/4, $0
DATA ·tailMasks+48(SB)/4, $0
DATA ·tailMasks+52(SB)/4, $0
DATA ·tailMasks+56(SB)/4, $0
DATA ·tailMasks+60(SB)/4, $0
GLOBL ·tailMasks(SB), RODATA, $64

// func bnApplyAVX2(n, planes, stride int, x, xhat, out *float32, c *float32, cStep int)
//
// With c = mean, inv, γ, β: xhat = (x − mean)·inv and out = γ·xhat + β, on the first n values
// (a positive multiple of 8) of planes planes, stride apart: a channel of a batch, or an image's
// channels, in one call (BatchNorm's loops, no FMA). Each plane takes its c cStep bytes after
// the last one's (0: the same for all).
TEXT ·bnApplyAVX2(SB), NOSPLIT, $0-64
	MOVQ n+0(FP), BX
	SHRQ $3, BX
	MOVQ planes+8(FP), R9
	MOVQ stride+16(FP), R10
	SHLQ $2, R10
	MOVQ x+24(FP), SI
	MOVQ xhat+32(FP), DX
	MOVQ out+40(FP), DI
	MOVQ c+48(FP), R8
	MOVQ cStep+56(FP), R11

bnPlane:
	VBROADCASTSS 0(R8), Y12
	VBROADCASTSS 4(R8), Y13
	VBROADCASTSS 8(R8), Y14
	VBROADCASTSS 12(R8), Y15
	ADDQ R11, R8
	XORQ AX, AX
	MOVQ BX, CX

bnLoop:
	VMOVUPS (SI)(AX*1), Y0
	VSUBPS Y12, Y0, Y0
	VMULPS Y13, Y0, Y0
	VMOVUPS Y0, (DX)(AX*1)
	VMULPS Y14, Y0, Y0
	VADDPS Y15, Y0, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	DECQ CX
	JNZ  bnLoop
	ADDQ R10, SI
	ADDQ R10, DX
	ADDQ R10, DI
	DECQ R9
	JNZ  bnPlane
	VZEROUPPER
	RET

// BN_BACK_8 computes eight values of BatchNorm's input gradient into Y0 from dy at SI and x̂
// at DX, offset AX: (a·dy − mDy) − x̂·mXh with a, mDy, mXh broadcast in Y13–Y15 (no FMA, as
// bnBackGo). Y1 is scratch.
#define BN_BACK_8 \
	VMULPS (SI)(AX*1), Y13, Y0; \
	VSUBPS Y14, Y0, Y0; \
	VMULPS (DX)(AX*1), Y15, Y1; \
	VSUBPS Y1, Y0, Y0

// func bnBackAVX2(n, planes, stride int, dy, xhat, dx *float32, c *float32, cStep int, out *float32)
//
// With c = a, mDy, mXh: dx = (a·dy − mDy) − xhat·mXh, on the first n values (a positive
// multiple of 8) of planes planes, stride apart (BatchNorm's loops); c steps as in bnApplyAVX2.
// Where out is not nil (the output of the ReLU before, laid out as dy), dx goes on through
// that ReLU's gradient: +0 wherever out's bits are zero (reluBackAVX2's rule).
TEXT ·bnBackAVX2(SB), NOSPLIT, $0-72
	MOVQ n+0(FP), BX
	SHRQ $3, BX
	MOVQ planes+8(FP), R9
	MOVQ stride+16(FP), R10
	SHLQ $2, R10
	MOVQ dy+24(FP), SI
	MOVQ xhat+32(FP), DX
	MOVQ dx+40(FP), DI
	MOVQ c+48(FP), R8
	MOVQ cStep+56(FP), R11
	MOVQ out+64(FP), R12
	VPXOR Y12, Y12, Y12

bnBackPlane:
	VBROADCASTSS 0(R8), Y13
	VBROADCASTSS 4(R8), Y14
	VBROADCASTSS 8(R8), Y15
	ADDQ R11, R8
	XORQ AX, AX
	MOVQ BX, CX
	TESTQ R12, R12
	JNZ  bnBackReLULoop

bnBackLoop:
	BN_BACK_8
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	DECQ CX
	JNZ  bnBackLoop
	JMP  bnBackNext

bnBackReLULoop:
	BN_BACK_8
	VMOVDQU (R12)(AX*1), Y2
	VPCMPEQD Y12, Y2, Y2 // out == +0 as bits
	VANDNPS Y0, Y2, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	DECQ CX
	JNZ  bnBackReLULoop
	ADDQ R10, R12

bnBackNext:
	ADDQ R10, SI
	ADDQ R10, DX
	ADDQ R10, DI
	DECQ R9
	JNZ  bnBackPlane
	VZEROUPPER
	RET

// func packBTransAVX2(blocks int, src *float32, ld int, dst *float32)
//
// The transposing pack of 16 columns of op(B): dst[p·16 + j] = src[j·ld + p] for j < 16 and
// p < 8·blocks, as two 8×8 transposes per block of eight p.
TEXT ·packBTransAVX2(SB), NOSPLIT, $0-32
	PACK_ARGS

transBlock:
	LOAD_6_ROWS
	VMOVUPS (R10)(R8*2), Y6
	VMOVUPS (R10)(R9*1), Y7
	TRANSPOSE_8X8
	VMOVUPS Y8, 0(DI)
	VMOVUPS Y9, 64(DI)
	VMOVUPS Y10, 128(DI)
	VMOVUPS Y11, 192(DI)
	VMOVUPS Y12, 256(DI)
	VMOVUPS Y13, 320(DI)
	VMOVUPS Y14, 384(DI)
	VMOVUPS Y15, 448(DI)
	LEAQ (SI)(R8*8), R11
	LEAQ (R11)(R8*4), R10
	VMOVUPS (R11), Y0
	VMOVUPS (R11)(R8*1), Y1
	VMOVUPS (R11)(R8*2), Y2
	VMOVUPS (R11)(R9*1), Y3
	VMOVUPS (R10), Y4
	VMOVUPS (R10)(R8*1), Y5
	VMOVUPS (R10)(R8*2), Y6
	VMOVUPS (R10)(R9*1), Y7
	TRANSPOSE_8X8
	VMOVUPS Y8, 32(DI)
	VMOVUPS Y9, 96(DI)
	VMOVUPS Y10, 160(DI)
	VMOVUPS Y11, 224(DI)
	VMOVUPS Y12, 288(DI)
	VMOVUPS Y13, 352(DI)
	VMOVUPS Y14, 416(DI)
	VMOVUPS Y15, 480(DI)
	ADDQ $32, SI
	ADDQ $512, DI
	DECQ CX
	JNZ  transBlock
	VZEROUPPER
	RET

// func packBCopyAVX2(kc int, src *float32, ld int, dst *float32)
//
// The plain pack of 16 columns of op(B): dst[p·16 + j] = src[p·ld + j] for j < 16, p < kc (≥ 1).
TEXT ·packBCopyAVX2(SB), NOSPLIT, $0-32
	MOVQ kc+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $2, R8
	MOVQ dst+24(FP), DI

copyPanel:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ R8, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  copyPanel
	VZEROUPPER
	RET

// func copyBiasAVX2(n int, dst, src *float32, bias float32)
//
// dst = src + bias for n a positive multiple of 8.
TEXT ·copyBiasAVX2(SB), NOSPLIT, $0-28
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	VBROADCASTSS bias+24(FP), Y15
	XORQ AX, AX
	SHRQ $3, CX

biasLoop:
	VMOVUPS (SI)(AX*1), Y0
	VADDPS Y15, Y0, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	DECQ CX
	JNZ  biasLoop
	VZEROUPPER
	RET

// func packA6AVX2(blocks int, src *float32, ld int, dst *float32)
//
// The pack of six whole rows of a plain op(A): dst[p·6 + i] = src[i·ld + p] for i < 6 and
// p < 8·blocks, one 8×8 transpose (two rows of zeros) per eight p; each group of six is stored
// as eight floats, the two extra overwritten by the next group (the caller packs the last
// eight p itself, so nothing is written past them).
TEXT ·packA6AVX2(SB), NOSPLIT, $0-32
	PACK_ARGS

packA6Block:
	LOAD_6_ROWS
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	TRANSPOSE_8X8
	VMOVUPS Y8, 0(DI)
	VMOVUPS Y9, 24(DI)
	VMOVUPS Y10, 48(DI)
	VMOVUPS Y11, 72(DI)
	VMOVUPS Y12, 96(DI)
	VMOVUPS Y13, 120(DI)
	VMOVUPS Y14, 144(DI)
	VMOVUPS Y15, 168(DI)
	ADDQ $32, SI
	ADDQ $192, DI
	DECQ CX
	JNZ  packA6Block
	VZEROUPPER
	RET

// func copyBiasReLUAVX2(n int, dst, src *float32, bias float32)
//
// dst = ReLU(src + bias) for n a positive multiple of 8 (copyBiasAVX2, then reluAVX2's rule).
TEXT ·copyBiasReLUAVX2(SB), NOSPLIT, $0-28
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	VBROADCASTSS bias+24(FP), Y15
	VXORPS Y14, Y14, Y14
	XORQ AX, AX
	SHRQ $3, CX

biasReLULoop:
	VMOVUPS (SI)(AX*1), Y0
	VADDPS Y15, Y0, Y0
	VCMPPS $2, Y14, Y0, Y1
	VANDNPS Y0, Y1, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	DECQ CX
	JNZ  biasReLULoop
	VZEROUPPER
	RET

//go:build js && wasm

package kernels

import (
	"runtime"
	"unsafe"

	"lookbook/ml"
	"lookbook/ml/tsne"
	"lookbook/ml/umap"
)

// The kernels are called as WebAssembly imports of the program (module "lookbook_kernels"):
// the page's loader, and scripts/wasmexec for tests, provide each as a small function that
// forwards to the kernel instance Install puts at lookbook._kernels. A call then costs about
// 0.04 µs and allocates nothing, against about 1 µs and a few allocations through syscall/js.
// Arguments are byte addresses in the program's memory, and counts.

//go:wasmimport lookbook_kernels tiles
func wasmTiles(kc, a, rowPanels, b, panels, out uint32)

//go:wasmimport lookbook_kernels dots
func wasmDots(n, k, x, b, ldb, y, accumulate uint32)

//go:wasmimport lookbook_kernels gather
func wasmGather(dst, x, table, channels, plane, taps, panels uint32)

//go:wasmimport lookbook_kernels ftiles
func wasmFTiles(mode, k, a, rowPanels, b, panels, out, ldo, m, bias, mean, inv, gamma, beta uint32)

//go:wasmimport lookbook_kernels scatter
func wasmScatter(out, col, table, channels, plane, taps, pixels uint32)

//go:wasmimport lookbook_kernels bias_act
func wasmBiasAct(x, bias, channels, plane, act uint32)

//go:wasmimport lookbook_kernels bn_back
func wasmBNBack(dy, xhat, out, dx, planes, n, stride, c, cstep uint32)

//go:wasmimport lookbook_kernels bn_apply
func wasmBNApply(x, xhat, out, planes, n, stride, c, cstep uint32)

//go:wasmimport lookbook_kernels add_rows
func wasmAddRows(rows, n, dst, dstStride, src, srcStride uint32)

//go:wasmimport lookbook_kernels max_pool2
func wasmMaxPool2(x, out, arg, base, h, w uint32)

//go:wasmimport lookbook_kernels pack_bt
func wasmPackBTrans(dst, src, ld, kc uint32)

//go:wasmimport lookbook_kernels pack_b
func wasmPackBCopy(dst, src, ld, kc uint32)

//go:wasmimport lookbook_kernels copy_rows
func wasmCopyRows(rows, n, dst, dstStride, src, srcStride uint32)

//go:wasmimport lookbook_kernels im2col
func wasmIm2col(x, col, ld, c, h, w, kernel, stride, pad, ho, wo uint32)

//go:wasmimport lookbook_kernels col2im
func wasmCol2im(dx, col, ld, c, h, w, kernel, stride, pad, ho, wo uint32)

//go:wasmimport lookbook_kernels adam
func wasmAdam(c, w, g, m, v, n uint32)

//go:wasmimport lookbook_kernels relu
func wasmReLU(out, x, n uint32)

//go:wasmimport lookbook_kernels relu_back
func wasmReLUBack(dx, out, dy, n uint32)

//go:wasmimport lookbook_kernels half_sum
func wasmHalfSum(g, peer, n uint32)

//go:wasmimport lookbook_kernels lanes_sum
func wasmSumLanes(x, y, planes, n4, stride, means, meanStep, out uint32)

//go:wasmimport lookbook_kernels lanes_sqdev
func wasmSqDevLanes(x, y, planes, n4, stride, means, meanStep, out uint32)

//go:wasmimport lookbook_kernels lanes_dot
func wasmDotLanes(x, y, planes, n4, stride, means, meanStep, out uint32)

//go:wasmimport lookbook_kernels tsne_rep2
func wasmTSNERep2(flat, nflat, order, n, y, rep, zPart uint32, theta2 float64)

//go:wasmimport lookbook_kernels knn_scan
func wasmKNNScan(dots, norms, n, self uint32, ni, bound float64, out uint32) uint32

//go:wasmimport lookbook_kernels umap_epoch
func wasmUMAPEpoch(args uint32)

//go:wasmimport lookbook_kernels tsne_attr2
func wasmTSNEAttr2(n, rowStart, col, val, y, grad uint32, exaggeration float64)

// address is where a slice's first element sits in the program's linear memory (0 for an
// empty one, which the kernels then do not read). Go's heap does not move, and the slice stays
// alive on the caller's stack during the call.
func address[T float32 | float64 | int32 | uint32 | int | tsne.FlatNode](s []T) uint32 {
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(s))))
}

func tileKernel(kc int, a []float32, rowPanels int, b []float32, panels int, out []float32) {
	wasmTiles(uint32(kc), address(a), uint32(rowPanels), address(b), uint32(panels), address(out))
}

func dotKernel(n, k int, x, b []float32, ldb int, y []float32, accumulate bool) {
	acc := uint32(0)
	if accumulate {
		acc = 1
	}
	wasmDots(uint32(n), uint32(k), address(x), address(b), uint32(ldb), address(y), acc)
}

// moduleKernels are the module's kernels, every one of ml.Kernels, called through the
// program's imports.
func moduleKernels() *ml.Kernels {
	return &ml.Kernels{
		Tile: tileKernel,
		Dot:  dotKernel,
		Gather: func(dst, x []float32, table []int32, channels, plane, taps, panels int) {
			wasmGather(address(dst), address(x), address(table), uint32(channels), uint32(plane), uint32(taps), uint32(panels))
		},
		Tiles: func(ep *ml.Epilogue, k int, a []float32, rowPanels int, b []float32, panels int, out []float32, ldo, m int) {
			wasmFTiles(uint32(ep.Mode), uint32(k), address(a), uint32(rowPanels), address(b), uint32(panels), address(out), uint32(ldo), uint32(m),
				address(ep.Bias), address(ep.Mean), address(ep.Inv), address(ep.Gamma), address(ep.Beta))
		},
		Scatter: func(out, col []float32, table []int32, channels, plane, taps, pixels int) {
			wasmScatter(address(out), address(col), address(table), uint32(channels), uint32(plane), uint32(taps), uint32(pixels))
		},
		BiasAct: func(x, bias []float32, plane int, act ml.Activation) {
			wasmBiasAct(address(x), address(bias), uint32(len(bias)), uint32(plane), uint32(act))
		},
		BNBack: func(dy, xhat, dx, out []float32, planes, n, stride int, c []float32) {
			wasmBNBack(address(dy), address(xhat), address(out), address(dx), uint32(planes), uint32(n), uint32(stride), address(c), constStep(c, 3, planes))
		},
		BNApply: func(x, xhat, out []float32, planes, n, stride int, c []float32) {
			wasmBNApply(address(x), address(xhat), address(out), uint32(planes), uint32(n), uint32(stride), address(c), constStep(c, 4, planes))
		},
		AddRows: func(rows, n int, dst []float32, dstStride int, src []float32, srcStride int) {
			wasmAddRows(uint32(rows), uint32(n), address(dst), uint32(dstStride), address(src), uint32(srcStride))
		},
		MaxPool2: func(x, out []float32, arg []int32, base, h, w int) {
			wasmMaxPool2(address(x), address(out), address(arg), uint32(base), uint32(h), uint32(w))
		},
		PackBTrans: func(dst, src []float32, ld, kc int) {
			wasmPackBTrans(address(dst), address(src), uint32(ld), uint32(kc))
		},
		PackBCopy: func(dst, src []float32, ld, kc int) {
			wasmPackBCopy(address(dst), address(src), uint32(ld), uint32(kc))
		},
		CopyRows: func(rows, n int, dst []float32, dstStride int, src []float32, srcStride int) {
			wasmCopyRows(uint32(rows), uint32(n), address(dst), uint32(dstStride), address(src), uint32(srcStride))
		},
		Im2col: func(col []float32, ld int, x []float32, c, h, w, kernel, stride, pad, ho, wo int) {
			wasmIm2col(address(x), address(col), uint32(ld), uint32(c), uint32(h), uint32(w), uint32(kernel), uint32(stride), uint32(pad), uint32(ho), uint32(wo))
		},
		Col2im: func(dx, col []float32, ld int, c, h, w, kernel, stride, pad, ho, wo int) {
			wasmCol2im(address(dx), address(col), uint32(ld), uint32(c), uint32(h), uint32(w), uint32(kernel), uint32(stride), uint32(pad), uint32(ho), uint32(wo))
		},
		Adam: func(c *ml.AdamConsts, w, g, m, v []float32) {
			wasmAdam(uint32(uintptr(unsafe.Pointer(c))), address(w), address(g), address(m), address(v), uint32(len(w)))
		},
		ReLU: func(out, x []float32) { wasmReLU(address(out), address(x), uint32(len(x))) },
		ReLUBack: func(dx, out, dy []float32) {
			wasmReLUBack(address(dx), address(out), address(dy), uint32(len(dy)))
		},
		HalfSum: func(g, peer []float32) { wasmHalfSum(address(g), address(peer), uint32(len(g))) },
		SumLanes: func(out []float64, x []float32, planes, n4, stride int) {
			wasmSumLanes(address(x), 0, uint32(planes), uint32(n4), uint32(stride), 0, 0, address(out))
		},
		SqDevLanes: func(out []float64, x []float32, planes, n4, stride int, means []float64, meanStep int) {
			wasmSqDevLanes(address(x), 0, uint32(planes), uint32(n4), uint32(stride), address(means), uint32(meanStep), address(out))
		},
		DotLanes: func(out []float64, x, y []float32, planes, n4, stride int) {
			wasmDotLanes(address(x), address(y), uint32(planes), uint32(n4), uint32(stride), 0, 0, address(out))
		},
	}
}

// constStep is how many floats apart consecutive planes' constants lie: 0 for one set of k.
func constStep(c []float32, k, planes int) uint32 {
	if len(c) == k {
		return 0
	}
	return uint32(k)
}

// knnScan is the module's knn.ScanKernel. self may lie outside the chunk (then no column is
// skipped): as a uint32 it then matches no column.
func knnScan(dots []float32, norms []float64, self int, ni, bound float64, out []int32) int {
	return int(wasmKNNScan(address(dots), address(norms), uint32(len(dots)), uint32(self), ni, bound, address(out)))
}

// epochArgs is umap.Epoch as umap_epoch reads it (gen_wat.py gives the offsets): the floats,
// the counts, then byte addresses.
type epochArgs struct {
	a, b, alpha, epoch                                       float64
	edges, points, dims, negativeRate                        uint32
	head, tail, epochsPerSample, nextSample, nextNegative, y uint32
	rng, pow, powLen                                         uint32
}

// umapEpoch is the module's umap.EpochKernel.
func umapEpoch(e *umap.Epoch) {
	args := []epochArgs{{a: e.A, b: e.B, alpha: e.Alpha, epoch: e.Epoch,
		edges: uint32(len(e.EpochsPerSample)), points: uint32(e.Points), dims: uint32(e.Dims), negativeRate: uint32(e.NegativeRate),
		head: address(e.Head), tail: address(e.Tail), epochsPerSample: address(e.EpochsPerSample), nextSample: address(e.NextSample),
		nextNegative: address(e.NextNegative), y: address(e.Y), rng: address(e.RNG[:]), pow: address(e.Pow), powLen: uint32(len(e.Pow))}}
	wasmUMAPEpoch(uint32(uintptr(unsafe.Pointer(&args[0]))))
	runtime.KeepAlive(args)
}

// tsneKernels are the module's t-SNE kernels, called through the program's imports.
func tsneKernels() *tsne.Kernels {
	return &tsne.Kernels{
		Repulsion2: func(flat []tsne.FlatNode, order []int32, y, rep, zPart []float64, theta2 float64) {
			wasmTSNERep2(address(flat), uint32(len(flat)), address(order), uint32(len(order)), address(y), address(rep), address(zPart), theta2)
		},
		Attraction2: func(rowStart []int, col []int32, val, y, grad []float64, exaggeration float64) {
			wasmTSNEAttr2(uint32(len(rowStart)-1), address(rowStart), address(col), address(val), address(y), address(grad), exaggeration)
		},
	}
}

//go:build js && wasm

package kernels

import (
	"unsafe"

	"lookbook/ml"
	"lookbook/ml/tsne"
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

//go:wasmimport lookbook_kernels tsne_rep2
func wasmTSNERep2(flat, nflat, order, n, y, rep, zPart uint32, theta2 float64)

//go:wasmimport lookbook_kernels tsne_attr2
func wasmTSNEAttr2(n, rowStart, col, val, y, grad uint32, exaggeration float64)

// address is where a slice's first element sits in the program's linear memory (0 for an
// empty one, which the kernels then do not read). Go's heap does not move, and the slice stays
// alive on the caller's stack during the call.
func address[T float32 | float64 | int32 | int | tsne.FlatNode](s []T) uint32 {
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
	}
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

package ml

import (
	"runtime"
	"sync"
)

// A packed matrix product in the style of BLIS/GotoBLAS: op(A) and op(B) are copied block by
// block into contiguous panels (6 rows of A, 16 columns of B) sized to stay in cache, and a
// register-blocked micro-kernel computes each 6×16 tile of C from one A panel and one B panel.
// The micro-kernel is AVX2/FMA assembly on amd64 and plain Go elsewhere (the browser's wasm).
// Because packing reads either layout, transposed operands cost nothing extra, so layers never
// transpose weights or activations to call it.
//
// Block sizes: a kc×16 B panel (16 KiB) stays in L1 while an mc×kc block of A (72 KiB) stays in
// L2 and the kc×nc block of B (1 MiB) in L2/L3.
const (
	microRows = 6
	microCols = 16
	blockK    = 256
	blockM    = 72 // a multiple of microRows
	blockN    = 1024
)

// matrix is a row-major operand: element (i, j) of op(M) is data[i*ld+j], or data[j*ld+i] when
// trans is set.
type matrix struct {
	data  []float32
	ld    int
	trans bool
	// img, when set (and trans is not), makes the matrix an NCHW batch seen as C×B·P, as a
	// weight gradient reads the output gradient: column j lies in image j/ld, whose rows start
	// img floats apart (element (i, j) is data[(j/ld)·img + i·ld + j%ld]).
	img int
}

func (m matrix) at(i, j int) float32 {
	if m.trans {
		return m.data[j*m.ld+i]
	}
	if m.img > 0 {
		return m.data[j/m.ld*m.img+i*m.ld+j%m.ld]
	}
	return m.data[i*m.ld+j]
}

// gemm sets C (m×n, leading dimension ldc) to op(A)·op(B), or adds the product to C when
// accumulate is set. op(A) is m×k and op(B) is k×n.
func gemm(m, n, k int, a, b matrix, c []float32, ldc int, accumulate bool) {
	gemmPacked(m, n, k, a, nil, b, c, ldc, accumulate)
}

// gemmPacked is gemm with op(A) already packed in pa (from packWhole(a, m, k)), or packed
// block by block as it goes when pa is nil.
func gemmPacked(m, n, k int, a matrix, pa *packedA, b matrix, c []float32, ldc int, accumulate bool) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if !accumulate {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	if m == 1 && b.trans && !a.trans {
		// One row times a transposed matrix (a linear layer on one input): with a dot kernel,
		// the weights' rows are read where they lie instead of being packed on every call.
		if dot := kernels().Dot; dot != nil {
			dot(n, k, a.data[:k], b.data, b.ld, c[:n], accumulate)
			return
		}
	}
	work := m * n * k
	ws := workspaces.Get().(*gemmWorkspace)
	defer workspaces.Put(ws)
	g := &ws.call
	*g = gemmCall{m: m, n: n, k: k, a: a, pa: pa, b: b, c: c, ldc: ldc, accumulate: accumulate}
	panels, rowPanels := (n+microCols-1)/microCols, (m+microRows-1)/microRows
	if blocks := (k + blockK - 1) / blockK; pa == nil && panels*rowPanels <= maxThinTiles && blocks >= minDeepBlocks && kernels().Tile == nil {
		gemmDeep(ws, blocks, panels, rowPanels)
		*g = gemmCall{}
		return
	}
	if pa == nil && m*k <= 1<<21 {
		// Pack A once, on every core, for all of them to share.
		ws.a.m, ws.a.k = m, k
		ws.a.panels = grow(ws.a.panels, (m+microRows-1)/microRows*microRows*k)
		g.pa = &ws.a
		parallelFor((k+blockK-1)/blockK, m*k, ws.packAJob)
	}
	// Each core takes a share of C and runs the whole depth for it, packing its own panels of
	// B, so the cores meet once per product however deep it is (a weight gradient's depth is
	// the batch's every pixel: 256 blocks). Every element of C still sums the same tiles in
	// the same order.
	if panels >= 2*runtime.GOMAXPROCS(0) || panels >= rowPanels || n > blockN || panels*microCols*k > 1<<21 {
		parallelFor(panels, work, ws.colJob)
	} else {
		// Few columns (conv1's weight gradient has 9): the cores share the rows, and B,
		// which every row needs, is packed once for all of them, also on all cores.
		ws.b = grow(ws.b, panels*microCols*k)
		g.pb, g.panels = ws.b, panels
		parallelFor((k+blockK-1)/blockK, panels*microCols*k, ws.packBJob)
		parallelFor(rowPanels, work, ws.rowJob)
	}
	*g = gemmCall{} // drop the references to the operands
}

// A deep and thin product (conv1's weight gradient: 16×9 from a depth of 65,536) has too few
// tiles of C to share among the cores, and packing its operands whole took twice as long as
// multiplying them. It is cut along the depth instead: each block of blockK is packed while it
// is in the core's cache and multiplied into tiles of its own, from zero, as gemmBlock makes
// them; then the blocks' tiles are added into C in depth order, as gemmBlock adds them. The
// sums are the same, in the same order, bit for bit.
const (
	maxThinTiles  = 4  // at most this many 6×16 tiles of C
	minDeepBlocks = 16 // at least this many blocks of depth
)

func gemmDeep(ws *gemmWorkspace, blocks, panels, rowPanels int) {
	g := &ws.call
	tileLen := panels * rowPanels * microRows * microCols
	ws.tiles = grow(ws.tiles, blocks*tileLen)
	parallelFor(blocks, g.m*g.n*g.k, ws.deepJob)
	for blk := 0; blk < blocks; blk++ {
		tiles := ws.tiles[blk*tileLen:]
		for p := 0; p < panels; p++ {
			placeColumn(g.c, g.ldc, tiles[p*rowPanels*microRows*microCols:], 0, g.m, p*microCols, g.n, g.accumulate || blk > 0)
		}
	}
}

// deepBlocks computes the tiles of depth blocks [lo, hi) of a deep product (gemmDeep).
func (ws *gemmWorkspace) deepBlocks(lo, hi int) {
	g := &ws.call
	panels, rowPanels := (g.n+microCols-1)/microCols, (g.m+microRows-1)/microRows
	tileLen := panels * rowPanels * microRows * microCols
	bBuf := bBlocks.Get().(*[]float32)
	defer bBlocks.Put(bBuf)
	aBuf := aBlocks.Get().(*[]float32)
	defer aBlocks.Put(aBuf)
	for blk := lo; blk < hi; blk++ {
		pc := blk * blockK
		kc := min(blockK, g.k-pc)
		*bBuf = grow(*bBuf, panels*kc*microCols)
		*aBuf = grow(*aBuf, rowPanels*kc*microRows)
		bp, ap := *bBuf, *aBuf
		for p := 0; p < panels; p++ {
			packB(bp[p*kc*microCols:(p+1)*kc*microCols], g.b, pc, kc, p*microCols, min(microCols, g.n-p*microCols))
		}
		for r := 0; r < rowPanels; r++ {
			packA(ap[r*kc*microRows:(r+1)*kc*microRows], g.a, r*microRows, min(microRows, g.m-r*microRows), pc, kc)
		}
		tiles := ws.tiles[blk*tileLen : (blk+1)*tileLen]
		for p := 0; p < panels; p++ {
			for r := 0; r < rowPanels; r++ {
				t := (p*rowPanels + r) * microRows * microCols
				microKernel(kc, ap[r*kc*microRows:], bp[p*kc*microCols:], tiles[t:t+microRows*microCols])
			}
		}
	}
}

// gemmCall is the product the workspace's jobs work on.
type gemmCall struct {
	m, n, k    int
	a          matrix
	pa         *packedA
	b          matrix
	c          []float32
	ldc        int
	accumulate bool
	pb         []float32 // B packed whole (panels of it), when the cores share the rows
	panels     int
}

// newGemmWorkspace makes a workspace with its jobs, closures made once here so that a product
// allocates nothing (jobs.go): packing A's column blocks, and C by column panels or by row
// panels.
func newGemmWorkspace() *gemmWorkspace {
	ws := &gemmWorkspace{}
	g := &ws.call
	ws.packAJob = func(lo, hi int) {
		rp := (g.m + microRows - 1) / microRows
		for blk := lo; blk < hi; blk++ {
			pc := blk * blockK
			kc := min(blockK, g.k-pc)
			for r := 0; r < rp; r++ {
				off := pc*rp*microRows + r*kc*microRows
				packA(g.pa.panels[off:off+kc*microRows], g.a, r*microRows, min(microRows, g.m-r*microRows), pc, kc)
			}
		}
	}
	ws.packBJob = func(lo, hi int) {
		for blk := lo; blk < hi; blk++ {
			pc := blk * blockK
			kc := min(blockK, g.k-pc)
			for p := 0; p < g.panels; p++ {
				off := pc*g.panels*microCols + p*kc*microCols
				packB(g.pb[off:off+kc*microCols], g.b, pc, kc, p*microCols, min(microCols, g.n-p*microCols))
			}
		}
	}
	ws.colJob = func(lo, hi int) { gemmBlock(g, 0, g.m, lo*microCols, min(hi*microCols, g.n)) }
	ws.rowJob = func(lo, hi int) { gemmBlock(g, lo*microRows, min(hi*microRows, g.m), 0, g.n) }
	ws.deepJob = ws.deepBlocks
	return ws
}

// gemmBlock computes rows [i0, i1) × columns [j0, j1) of the product (i0 a multiple of
// microRows, j0 of microCols) through the whole depth: for each block of blockK, pack this
// share's panels of B, then multiply every row block by them.
func gemmBlock(g *gemmCall, i0, i1, j0, j1 int) {
	bBuf := bBlocks.Get().(*[]float32)
	defer bBlocks.Put(bBuf)
	aBuf := aBlocks.Get().(*[]float32)
	defer aBlocks.Put(aBuf)
	for pc := 0; pc < g.k; pc += blockK {
		kc := min(blockK, g.k-pc)
		add := g.accumulate || pc > 0
		for jc := j0; jc < j1; jc += blockN {
			nc := min(blockN, j1-jc)
			panels := (nc + microCols - 1) / microCols
			var bp []float32
			if g.pb != nil { // packed already, whole (all columns: one block of them)
				bp = g.pb[pc*g.panels*microCols : (pc+kc)*g.panels*microCols]
			} else {
				*bBuf = grow(*bBuf, panels*kc*microCols)
				bp = *bBuf
				for p := 0; p < panels; p++ {
					packB(bp[p*kc*microCols:(p+1)*kc*microCols], g.b, pc, kc, jc+p*microCols, min(microCols, nc-p*microCols))
				}
			}
			for ic := i0; ic < i1; ic += blockM {
				macroKernel(*aBuf, g.pa, bp, g.a, g.c, g.ldc, ic, min(blockM, i1-ic), pc, kc, jc, nc, 0, panels, add)
			}
		}
	}
}

// macroKernel multiplies rows [ic, ic+mc) of op(A) (columns [pc, pc+kc)) by B panels [p0, p1)
// of the packed block, writing or adding into C. It packs that block of A into aBuf, unless pa
// holds it packed already.
func macroKernel(aBuf []float32, pa *packedA, bPacked []float32, a matrix, c []float32, ldc, ic, mc, pc, kc, jc, nc, p0, p1 int, add bool) {
	rowPanels := (mc + microRows - 1) / microRows
	var aPacked []float32
	if pa != nil {
		aPacked = pa.block(pc, kc, ic, mc)
	} else {
		aPacked = aBuf[:rowPanels*kc*microRows]
		for r := 0; r < rowPanels; r++ {
			packA(aPacked[r*kc*microRows:(r+1)*kc*microRows], a, ic+r*microRows, min(microRows, mc-r*microRows), pc, kc)
		}
	}
	if tile := kernels().Tile; tile != nil && p1 > p0 {
		// One call for the whole block: the kernel computes every tile, then they are placed.
		tBuf := tileBlocks.Get().(*[]float32)
		defer tileBlocks.Put(tBuf)
		*tBuf = grow(*tBuf, (p1-p0)*rowPanels*microRows*microCols)
		tiles := *tBuf
		tile(kc, aPacked, rowPanels, bPacked[p0*kc*microCols:p1*kc*microCols], p1-p0, tiles)
		// A panel's tiles lie one under the other, a column of mc rows of 16 values: placed
		// with one call of the row kernels (SIMD where installed) instead of one loop a tile.
		for p := p0; p < p1; p++ {
			placeColumn(c, ldc, tiles[(p-p0)*rowPanels*microRows*microCols:], ic, ic+mc, jc+p*microCols, jc+nc, add)
		}
		return
	}
	var tile [microRows * microCols]float32
	for p := p0; p < p1; p++ {
		bp := bPacked[p*kc*microCols : (p+1)*kc*microCols]
		for r := 0; r < rowPanels; r++ {
			i0, j0 := ic+r*microRows, jc+p*microCols
			if r+1 < rowPanels && i0+2*microRows <= ic+mc && j0+microCols <= jc+nc &&
				microKernelInto2(kc, aPacked[r*kc*microRows:], bp, c, ldc, i0, j0, add) {
				r++ // both row panels done
				continue
			}
			if i0+microRows <= ic+mc && j0+microCols <= jc+nc && microKernelInto(kc, aPacked[r*kc*microRows:], bp, c, ldc, i0, j0, add) {
				continue
			}
			microKernel(kc, aPacked[r*kc*microRows:], bp, tile[:])
			placeTile(c, ldc, tile[:], ic+r*microRows, ic+mc, jc+p*microCols, jc+nc, add)
		}
	}
}

// placeColumn writes (or adds) a column of tiles, one under the other (as TileKernel lays out
// a B panel's), into C from row i0, column j0, clipped to rows below iEnd and columns below
// jEnd: one call of the row kernels (SIMD where installed) instead of a loop a tile.
func placeColumn(c []float32, ldc int, tiles []float32, i0, iEnd, j0, jEnd int, add bool) {
	rows, cols := iEnd-i0, min(microCols, jEnd-j0)
	if add {
		addRows(rows, cols, c[i0*ldc+j0:], ldc, tiles, microCols)
	} else {
		copyRows(rows, cols, c[i0*ldc+j0:], ldc, tiles, microCols)
	}
}

// placeTile writes (or adds) a 6×16 tile into C at row i0, column j0, clipped to rows below
// iEnd and columns below jEnd.
func placeTile(c []float32, ldc int, tile []float32, i0, iEnd, j0, jEnd int, add bool) {
	rows, cols := min(microRows, iEnd-i0), min(microCols, jEnd-j0)
	for i := 0; i < rows; i++ {
		dst := c[(i0+i)*ldc+j0 : (i0+i)*ldc+j0+cols]
		src := tile[i*microCols : i*microCols+cols]
		if add {
			for j, v := range src {
				dst[j] += v
			}
		} else {
			copy(dst, src)
		}
	}
}

// packedA is a whole left operand packed once, in the order gemm visits it: for each block of
// blockK columns, every panel of microRows rows. Layers keep their weights so when the weights
// are frozen (inference), which saves re-packing them on every call.
type packedA struct {
	m, k   int
	panels []float32
}

// packWhole packs all of op(A) (m×k).
func packWhole(a matrix, m, k int) *packedA {
	return &packedA{m: m, k: k, panels: packWholeInto(nil, a, m, k)}
}

// packWholeInto packs all of op(A) (m×k) into dst, grown as needed.
func packWholeInto(dst []float32, a matrix, m, k int) []float32 {
	rp := (m + microRows - 1) / microRows
	dst = grow(dst, rp*microRows*k)
	off := 0
	for pc := 0; pc < k; pc += blockK {
		kc := min(blockK, k-pc)
		for r := 0; r < rp; r++ {
			packA(dst[off:off+kc*microRows], a, r*microRows, min(microRows, m-r*microRows), pc, kc)
			off += kc * microRows
		}
	}
	return dst
}

// block returns the packed panels of rows [ic, ic+mc) (ic a multiple of microRows) in the
// column block that starts at pc and is kc wide. The blocks before it are blockK wide.
func (pa *packedA) block(pc, kc, ic, mc int) []float32 {
	rp := (pa.m + microRows - 1) / microRows
	start := pc*rp*microRows + ic/microRows*kc*microRows
	return pa.panels[start : start+(mc+microRows-1)/microRows*kc*microRows]
}

// packA copies rows [i0, i0+rows) × columns [p0, p0+kc) of op(A) as kc groups of microRows
// values, zero-filling missing rows.
func packA(dst []float32, a matrix, i0, rows, p0, kc int) {
	if a.img > 0 && !a.trans {
		packAImages(dst, a, i0, rows, p0, kc)
		return
	}
	if rows < microRows {
		clear(dst[:kc*microRows])
	}
	if rows == microRows && !a.trans {
		packA6(dst, a.data[i0*a.ld+p0:], a.ld, kc)
		return
	}
	if a.trans {
		// Each group of a transposed A lies in one row of its data: a copy of microRows values
		// (column by column this took 2 ns a value: conv4's Wᵀ, 73,728 values, every step).
		if rows == microRows {
			for p := 0; p < kc; p++ {
				*(*[microRows]float32)(dst[p*microRows:]) = *(*[microRows]float32)(a.data[(p0+p)*a.ld+i0:])
			}
			return
		}
		for p := 0; p < kc; p++ {
			copy(dst[p*microRows:p*microRows+rows], a.data[(p0+p)*a.ld+i0:(p0+p)*a.ld+i0+rows])
		}
		return
	}
	for i := 0; i < rows; i++ {
		src := a.data[(i0+i)*a.ld+p0 : (i0+i)*a.ld+p0+kc]
		for p, v := range src {
			dst[p*microRows+i] = v
		}
	}
}

// packAImages is packA for a batch seen as C×B·P (a.img set): the columns run image by image,
// each image's run packed like a plain matrix's.
func packAImages(dst []float32, a matrix, i0, rows, p0, kc int) {
	if rows < microRows {
		clear(dst[:kc*microRows])
	}
	for j := p0; j < p0+kc; {
		n, q := j/a.ld, j%a.ld
		run := min(a.ld-q, p0+kc-j)
		src, d := a.data[n*a.img+i0*a.ld+q:], dst[(j-p0)*microRows:]
		if rows == microRows {
			packA6(d, src, a.ld, run)
		} else {
			for i := 0; i < rows; i++ {
				for p, v := range src[i*a.ld : i*a.ld+run] {
					d[p*microRows+i] = v
				}
			}
		}
		j += run
	}
}

// packB copies rows [p0, p0+kc) × columns [j0, j0+cols) of op(B) as kc groups of microCols
// values, zero-filling missing columns.
func packB(dst []float32, b matrix, p0, kc, j0, cols int) {
	if cols < microCols {
		clear(dst[:kc*microCols])
	}
	if b.trans {
		if cols == microCols {
			packBTrans(dst, b.data[j0*b.ld+p0:], b.ld, kc)
			return
		}
		for j := 0; j < cols; j++ {
			src := b.data[(j0+j)*b.ld+p0 : (j0+j)*b.ld+p0+kc]
			for p, v := range src {
				dst[p*microCols+j] = v
			}
		}
		return
	}
	if cols == microCols {
		packBCopy(dst, b.data[p0*b.ld+j0:], b.ld, kc)
		return
	}
	for p := 0; p < kc; p++ {
		copy(dst[p*microCols:p*microCols+cols], b.data[(p0+p)*b.ld+j0:(p0+p)*b.ld+j0+cols])
	}
}

// microKernelGo computes the 6×16 tile (row-major, stride 16) of a packed A panel (kc×6) times a
// packed B panel (kc×16). It is the portable micro-kernel and the assembly's reference.
func microKernelGo(kc int, a, b, tile []float32) {
	var acc [microRows * microCols]float32
	for p := 0; p < kc; p++ {
		bRow := b[p*microCols : p*microCols+microCols]
		aCol := a[p*microRows : p*microRows+microRows]
		for i, av := range aCol {
			row := acc[i*microCols : i*microCols+microCols]
			for j, bv := range bRow {
				row[j] += av * bv
			}
		}
	}
	copy(tile, acc[:])
}

// gemmWorkspace holds A packed whole and the product's jobs, reused across calls through a
// sync.Pool so that training steps do not allocate.
type gemmWorkspace struct {
	a    packedA   // op(A) packed whole, shared by the cores
	b    []float32 // op(B) packed whole, when the cores share the rows
	call gemmCall
	// packAJob, packBJob, colJob, rowJob and deepJob work on call (see newGemmWorkspace).
	packAJob, packBJob, colJob, rowJob, deepJob func(lo, hi int)
	tiles                                       []float32 // a deep product's tiles, block by block
}

var (
	workspaces = sync.Pool{New: func() any { return newGemmWorkspace() }}
	// bBlocks are per-worker buffers for the packed panels of B of one block.
	bBlocks = sync.Pool{New: func() any { var b []float32; return &b }}
	// aBlocks are per-worker buffers for one packed mc×kc block of A.
	aBlocks = sync.Pool{New: func() any { b := make([]float32, blockM*blockK); return &b }}
	// tileBlocks are per-worker buffers for the tiles of one block (with a TileKernel).
	tileBlocks = sync.Pool{New: func() any { var b []float32; return &b }}
)

// Mat is a row-major matrix operand for MatMul: element (i, j) is Data[i*Stride+j], or
// Data[j*Stride+i] when Trans is set.
type Mat struct {
	Data   []float32
	Stride int
	Trans  bool
}

// MatMul sets C (m×n, row stride ldc) to A·B, where A is m×k and B is k×n as described by
// their Mat, or adds A·B to C when accumulate is set. It uses every core natively and the
// AVX2/FMA kernel where the processor has one.
func MatMul(m, n, k int, a, b Mat, c []float32, ldc int, accumulate bool) {
	gemm(m, n, k, matrix{data: a.Data, ld: a.Stride, trans: a.Trans}, matrix{data: b.Data, ld: b.Stride, trans: b.Trans}, c, ldc, accumulate)
}

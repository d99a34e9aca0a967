package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
)

// naiveGemm is the definition, in float64.
func naiveGemm(m, n, k int, a, b matrix) []float64 {
	c := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += float64(a.at(i, p)) * float64(b.at(p, j))
			}
			c[i*n+j] = s
		}
	}
	return c
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = 2*rng.Float32() - 1
	}
	return s
}

func TestGemm(t *testing.T) { checkMatMul(t) }

// TestGemmThroughTileKernel runs the same checks with a TileKernel installed (here one made
// of the Go micro-kernel), so the block path that the browser's SIMD kernel takes is covered.
func TestGemmThroughTileKernel(t *testing.T) {
	var calls atomic.Int64 // the kernel runs on several cores
	SetKernels(&Kernels{Tile: func(kc int, a []float32, rowPanels int, b []float32, panels int, out []float32) {
		calls.Add(1)
		tileGo(kc, a, rowPanels, b, panels, out)
	}})
	t.Cleanup(func() { SetKernels(nil) })
	checkMatMul(t)
	if calls.Load() == 0 {
		t.Fatal("the tile kernel was never called")
	}
}

// TestGemmThroughDotKernel checks one-row products with a transposed B through a DotKernel
// (here a plain Go one), the path the browser takes for one input's linear layers.
func TestGemmThroughDotKernel(t *testing.T) {
	var calls atomic.Int64
	SetKernels(&Kernels{Dot: func(n, k int, x, b []float32, ldb int, y []float32, accumulate bool) {
		calls.Add(1)
		dotGo(n, k, x, b, ldb, y, accumulate)
	}})
	t.Cleanup(func() { SetKernels(nil) })
	checkMatMul(t)
	if calls.Load() == 0 {
		t.Fatal("the dot kernel was never called")
	}
}

// checkMatMul checks MatMul against the float64 definition on sizes that straddle the
// micro-tile (6×16) and block (72, 256, 1024) edges, with and without transposes and
// accumulation.
func checkMatMul(t *testing.T) {
	t.Helper()
	rng := rand.New(rand.NewPCG(9, 9))
	// Sizes straddle the micro-tile (6×16) and block (72, 256, 1024) edges; the last is deep.
	sizes := [][3]int{{1, 1, 1}, {5, 15, 3}, {6, 16, 1}, {7, 17, 300}, {73, 33, 257}, {150, 1030, 20}, {13, 2, 600}, {2, 2049, 9}, {1, 2048, 256}, {1, 10, 7}, {16, 9, 4500}}
	for _, s := range sizes {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, acc := range []bool{false, true} {
					m, n, k := s[0], s[1], s[2]
					name := fmt.Sprintf("%dx%dx%d ta=%v tb=%v acc=%v", m, n, k, ta, tb, acc)
					a := matrix{data: randSlice(rng, m*k), ld: k, trans: ta}
					if ta {
						a.ld = m
					}
					b := matrix{data: randSlice(rng, k*n), ld: n, trans: tb}
					if tb {
						b.ld = k
					}
					c := randSlice(rng, m*n)
					want := naiveGemm(m, n, k, a, b)
					if acc {
						for i := range want {
							want[i] += float64(c[i])
						}
					}
					MatMul(m, n, k, Mat{a.data, a.ld, a.trans}, Mat{b.data, b.ld, b.trans}, c, n, acc)
					for i, w := range want {
						if math.Abs(float64(c[i])-w) > 1e-4*math.Sqrt(float64(k)) {
							t.Fatalf("%s: c[%d] = %v, want %v", name, i, c[i], w)
						}
					}
				}
			}
		}
	}
}

func TestMicroKernelMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	for _, kc := range []int{1, 2, 7, 256} {
		a, b := randSlice(rng, kc*microRows), randSlice(rng, kc*microCols)
		got, want := make([]float32, 96), make([]float32, 96)
		microKernel(kc, a, b, got)
		microKernelGo(kc, a, b, want)
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-5*float64(kc) {
				t.Fatalf("kc=%d: tile[%d] = %v, want %v", kc, i, got[i], want[i])
			}
		}
	}
}

func BenchmarkGemm(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, s := range [][3]int{{16384, 32, 144}, {32, 144, 16384}, {1024, 128, 576}, {128, 576, 1024}, {64, 256, 512}} {
		m, n, k := s[0], s[1], s[2]
		a := matrix{data: randSlice(rng, m*k), ld: k}
		bm := matrix{data: randSlice(rng, k*n), ld: n}
		c := make([]float32, m*n)
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			for b.Loop() {
				gemm(m, n, k, a, bm, c, n, false)
			}
			b.ReportMetric(float64(2*m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// TestGemmPackedA: a left operand packed once (frozen weights) gives exactly the product of
// packing it block by block.
func TestGemmPackedA(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, s := range [][3]int{{1, 5, 3}, {16, 1024, 9}, {128, 16, 576}, {73, 40, 600}, {256, 64, 32}, {48, 256, 16}} {
		for _, ta := range []bool{false, true} {
			m, n, k := s[0], s[1], s[2]
			a := matrix{data: randSlice(rng, m*k), ld: k, trans: ta}
			if ta {
				a.ld = m
			}
			b := matrix{data: randSlice(rng, k*n), ld: n}
			want, got := make([]float32, m*n), make([]float32, m*n)
			gemm(m, n, k, a, b, want, n, false)
			gemmPacked(m, n, k, a, packWhole(a, m, k), b, got, n, false)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%v trans=%v: c[%d] = %v packed once, %v packed per block", s, ta, i, got[i], want[i])
				}
			}
		}
	}
}

// TestFrozenWeightsFollowTraining: out of training the convolutions reuse their packed
// weights, and going back to training and changing the weights is seen at the next evaluation.
func TestFrozenWeightsFollowTraining(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	m := NewFashionNet(rng)
	x := FromData(randSlice(rng, 2*1024), 2, 1, 32, 32)
	m.SetTraining(false)
	before := append([]float32(nil), m.Forward(x).Data...)
	if again := m.Forward(x).Data; !slices.Equal(again, before) {
		t.Fatal("a second frozen forward pass differs from the first")
	}
	m.SetTraining(true)
	for i := range m.Conv[2].Weight.Value.Data {
		m.Conv[2].Weight.Value.Data[i] *= 1.5
	}
	m.SetTraining(false)
	after := m.Forward(x).Data
	fresh := NewFashionNet(rand.New(rand.NewPCG(8, 8)))
	for i, p := range fresh.Params() {
		copy(p.Value.Data, m.Params()[i].Value.Data)
	}
	fresh.SetTraining(false)
	for _, c := range fresh.Conv {
		c.SetFrozen(false) // the reference packs as it goes
	}
	if want := fresh.Forward(x).Data; !slices.Equal(after, want) || slices.Equal(after, before) {
		t.Error("after changing the weights in training, the frozen forward pass used stale weights")
	}
}

// TestDeepProductSameBits: a deep, thin product (gemmDeep: cut along the depth, the blocks'
// tiles added in order) gives the bits of the same product taken whole by one core, as
// gemmBlock takes it, accumulating or not, with either operand transposed.
func TestDeepProductSameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	for _, s := range [][3]int{{16, 9, 65536}, {16, 9, 5000}, {7, 20, 4100}, {24, 16, 4096}} {
		m, n, k := s[0], s[1], s[2]
		if (k+blockK-1)/blockK < minDeepBlocks || (m+microRows-1)/microRows*((n+microCols-1)/microCols) > maxThinTiles {
			t.Fatalf("%v is not a deep product", s)
		}
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				a, b := matrix{data: randSlice(rng, m*k), ld: k, trans: ta}, matrix{data: randSlice(rng, k*n), ld: n, trans: tb}
				if ta {
					a.ld = m
				}
				if tb {
					b.ld = k
				}
				for _, acc := range []bool{false, true} {
					start := randSlice(rng, m*n)
					got, want := slices.Clone(start), slices.Clone(start)
					gemm(m, n, k, a, b, got, n, acc)
					ref := gemmCall{m: m, n: n, k: k, a: a, b: b, c: want, ldc: n, accumulate: acc}
					gemmBlock(&ref, 0, m, 0, n)
					sameBits(t, fmt.Sprintf("%v ta=%v tb=%v acc=%v", s, ta, tb, acc), got, want)
				}
			}
		}
	}
}

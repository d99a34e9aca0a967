// Package umap is Uniform Manifold Approximation and Projection (McInnes, Healy & Melville
// 2018), in 2 or 3 dimensions, following umap-learn's choices so that the two can be compared:
// exact nearest neighbours (the point itself counted among n_neighbors), each point's
// distances calibrated by binary search so that its memberships sum to log2(n_neighbors), the
// fuzzy union W + Wᵀ − W∘Wᵀ, edges weaker than max/epochs dropped, the curve 1/(1 + a·d^2b)
// fitted to min_dist and spread, and stochastic gradient descent with edges sampled in
// proportion to their weight, negative sampling and a learning rate that falls linearly to 0.
//
// Like t-SNE here, the optimisation is step-able (see UMAP.Step) so that a browser can animate
// it, and it is deterministic for a seed (one goroutine, its own random source).
package umap

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"lookbook/ml/knn"
)

// Config holds UMAP's parameters; DefaultConfig gives umap-learn's defaults.
type Config struct {
	Neighbours   int     // n_neighbors: the size of each point's neighbourhood, itself included
	MinDist      float64 // how tightly points may pack
	Spread       float64 // the scale of the embedded points
	Epochs       int     // 0: umap-learn's rule, 500 up to 10,000 points and 200 above
	NegativeRate int     // negative samples per positive one
	LearningRate float64 // the initial learning rate
	Dims         int     // 2 or 3
	Seed         uint64
	// Init, if set, is the starting layout (n×Dims, e.g. PCA), rescaled to [0, 10] on each
	// axis as umap-learn does; otherwise the start is uniform in [−10, 10].
	Init []float64
	// BlockRows is how many rows of the neighbour search one unit of Step does (0 means 512):
	// small blocks keep each step short where it must share a thread.
	BlockRows int
}

// DefaultConfig is umap-learn's defaults in dims dimensions.
func DefaultConfig(dims int) Config {
	return Config{Neighbours: 15, MinDist: 0.1, Spread: 1, NegativeRate: 5, LearningRate: 1, Dims: dims}
}

// Graph is the fuzzy simplicial set: a symmetric weighted graph as a list of directed edges
// (each undirected edge appears both ways).
type Graph struct {
	N          int
	Head, Tail []int
	Weight     []float64
}

// UMAP is one optimisation in progress. Create it with New, then call Step until it is Done
// (or Run): the neighbour search comes first, in blocks of rows, then the graph and the start,
// then the epochs.
type UMAP struct {
	Config
	N     int
	Y     []float64 // the layout, n×Dims; nil until the graph is built
	Graph *Graph
	A, B  float64 // the fitted curve
	Epoch int
	// NeighbourRows counts the points whose neighbours have been found.
	NeighbourRows int

	x     []float32 // the data, n×d, until the graph is built
	d     int
	nb    *knn.Graph
	norms []float64

	rng                      *rand.Rand
	negatives                tauRand // picks the negative samples
	epochsPerSample          []float64
	nextSample, nextNegative []float64
	power                    powTable
}

// New prepares UMAP of x (n×d); nothing heavy happens until Step or Run.
func New(x []float32, n, d int, cfg Config) (*UMAP, error) {
	if cfg.Dims != 2 && cfg.Dims != 3 {
		return nil, fmt.Errorf("umap: %d dimensions, want 2 or 3", cfg.Dims)
	}
	if cfg.Neighbours < 2 || cfg.Neighbours > n {
		return nil, fmt.Errorf("umap: %d neighbours for %d points", cfg.Neighbours, n)
	}
	if cfg.Init != nil && len(cfg.Init) != n*cfg.Dims {
		return nil, fmt.Errorf("umap: the start has %d values, want %d", len(cfg.Init), n*cfg.Dims)
	}
	if cfg.Epochs == 0 {
		cfg.Epochs = 500
		if n > 10000 {
			cfg.Epochs = 200
		}
	}
	a, b, err := FitAB(cfg.Spread, cfg.MinDist)
	if err != nil {
		return nil, err
	}
	if len(x) != n*d {
		return nil, fmt.Errorf("umap: %d values for %d points of %d", len(x), n, d)
	}
	u := &UMAP{Config: cfg, N: n, A: a, B: b, rng: rand.New(rand.NewPCG(cfg.Seed, 0x5eed)),
		x: x, d: d, nb: knn.NewGraph(n, cfg.Neighbours-1), power: newPowTable(b)}
	u.negatives = newTauRand(u.rng)
	return u, nil
}

// Finished wraps a layout made earlier with cfg (y, n×cfg.Dims, such as a shipped map) as a
// finished UMAP, so that NewPlacer can place new points on it.
func Finished(y []float64, n int, cfg Config) (*UMAP, error) {
	if cfg.Dims != 2 && cfg.Dims != 3 || len(y) != n*cfg.Dims || n < cfg.Neighbours || cfg.Neighbours < 2 {
		return nil, fmt.Errorf("umap: a layout of %d values for %d points in %dD with %d neighbours", len(y), n, cfg.Dims, cfg.Neighbours)
	}
	a, b, err := FitAB(cfg.Spread, cfg.MinDist)
	if err != nil {
		return nil, err
	}
	cfg.Epochs = max(cfg.Epochs, 1)
	return &UMAP{Config: cfg, N: n, Y: y, A: a, B: b, Epoch: cfg.Epochs, NeighbourRows: n, power: newPowTable(b)}, nil
}

// Done reports whether every epoch has run.
func (u *UMAP) Done() bool { return u.Y != nil && u.Epoch >= u.Epochs }

// Run finishes the layout.
func (u *UMAP) Run() {
	for !u.Done() {
		u.unit()
	}
}

// Step does units of work (a block of neighbour rows, the graph, or an epoch) until budget has
// passed (at least one) and reports whether any remain. The result does not depend on how the
// work is split into steps.
func (u *UMAP) Step(budget time.Duration) bool {
	for start := time.Now(); !u.Done(); {
		u.unit()
		if time.Since(start) >= budget {
			break
		}
	}
	return !u.Done()
}

func (u *UMAP) unit() {
	switch {
	case u.NeighbourRows < u.N:
		if u.norms == nil {
			u.norms = knn.SquaredNorms(u.x, u.N, u.d)
		}
		block := u.BlockRows
		if block <= 0 {
			block = 512
		}
		hi := min(u.NeighbourRows+block, u.N)
		u.nb.Rows(u.x, u.norms, u.N, u.d, u.NeighbourRows, hi)
		u.NeighbourRows = hi
	case u.Y == nil:
		u.Graph = FuzzyGraph(u.nb, u.N, u.Neighbours)
		u.nb, u.norms, u.x = nil, nil, nil
		u.prune()
		u.Y = u.start()
	default:
		u.epoch()
	}
}

// FuzzyGraph turns each point's nearest others (g, found with neighbours−1 per point) into
// memberships calibrated as umap-learn's smooth_knn_dist does, then takes their fuzzy union.
func FuzzyGraph(g *knn.Graph, n, neighbours int) *Graph {
	k := g.K
	w := make([]float64, n*k)
	rho, sigma := calibrateAll(g, n, neighbours)
	for i := 0; i < n; i++ {
		for t := 0; t < k; t++ {
			if d := math.Sqrt(g.Dist2[i*k+t]); d-rho[i] <= 0 || sigma[i] == 0 {
				w[i*k+t] = 1
			} else {
				w[i*k+t] = math.Exp(-(d - rho[i]) / sigma[i])
			}
		}
	}
	// The fuzzy union: every pair once (in the order first met, for determinism), with its two
	// directed memberships p and q, becomes an edge of weight p + q − pq, listed both ways.
	type pair struct{ lo, hi int }
	at := make(map[pair]int, n*k)
	var pairs []pair
	var forward, backward []float64 // the memberships lo→hi and hi→lo
	for i := 0; i < n; i++ {
		for t := 0; t < k; t++ {
			j := g.Index[i*k+t]
			p := pair{min(i, j), max(i, j)}
			e, seen := at[p]
			if !seen {
				e = len(pairs)
				at[p] = e
				pairs, forward, backward = append(pairs, p), append(forward, 0), append(backward, 0)
			}
			if i < j {
				forward[e] = w[i*k+t]
			} else {
				backward[e] = w[i*k+t]
			}
		}
	}
	out := &Graph{N: n}
	for e, p := range pairs {
		union := forward[e] + backward[e] - forward[e]*backward[e]
		out.Head = append(out.Head, p.lo, p.hi)
		out.Tail = append(out.Tail, p.hi, p.lo)
		out.Weight = append(out.Weight, union, union)
	}
	return out
}

// calibrateAll calibrates every point of g (see calibrate) to memberships summing to
// log2(neighbours).
func calibrateAll(g *knn.Graph, n, neighbours int) (rho, sigma []float64) {
	var meanAll float64
	for _, d2 := range g.Dist2 {
		meanAll += math.Sqrt(d2)
	}
	meanAll /= float64(len(g.Dist2))
	rho, sigma = make([]float64, n), make([]float64, n)
	dist := make([]float64, g.K)
	for i := range rho {
		for t := range dist {
			dist[t] = math.Sqrt(g.Dist2[i*g.K+t])
		}
		rho[i], sigma[i] = calibrate(dist, math.Log2(float64(neighbours)), meanAll)
	}
	return rho, sigma
}

// calibrate finds ρ (the distance to the nearest neighbour) and σ such that
// Σ exp(−max(0, d − ρ)/σ) = target, by umap-learn's binary search, with its floor on σ.
func calibrate(dist []float64, target, meanAll float64) (rho, sigma float64) {
	const tolerance, minScale = 1e-5, 1e-3
	for _, d := range dist {
		if d > 0 {
			rho = d
			break
		}
	}
	lo, hi, mid := 0.0, math.Inf(1), 1.0
	for it := 0; it < 64; it++ {
		var sum float64
		for _, d := range dist {
			if d-rho > 0 {
				sum += math.Exp(-(d - rho) / mid)
			} else {
				sum++
			}
		}
		if math.Abs(sum-target) < tolerance {
			break
		}
		if sum > target {
			hi = mid
			mid = (lo + hi) / 2
		} else {
			lo = mid
			if math.IsInf(hi, 1) {
				mid *= 2
			} else {
				mid = (lo + hi) / 2
			}
		}
	}
	var mean float64
	for _, d := range dist {
		mean += d
	}
	mean /= float64(len(dist))
	if rho > 0 {
		return rho, max(mid, minScale*mean)
	}
	return rho, max(mid, minScale*meanAll)
}

// prune drops edges weaker than the strongest over the number of epochs (they would never be
// sampled) and sets up the sampling schedule.
func (u *UMAP) prune() {
	g := u.Graph
	var strongest float64
	for _, w := range g.Weight {
		strongest = max(strongest, w)
	}
	kept := &Graph{N: g.N}
	for e, w := range g.Weight {
		if w >= strongest/float64(u.Epochs) {
			kept.Head, kept.Tail, kept.Weight = append(kept.Head, g.Head[e]), append(kept.Tail, g.Tail[e]), append(kept.Weight, w)
		}
	}
	u.Graph = kept
	m := len(kept.Weight)
	u.epochsPerSample = make([]float64, m)
	u.nextSample = make([]float64, m)
	u.nextNegative = make([]float64, m)
	for e, w := range kept.Weight {
		u.epochsPerSample[e] = strongest / w
		u.nextSample[e] = u.epochsPerSample[e]
		u.nextNegative[e] = u.epochsPerSample[e] / float64(u.NegativeRate)
	}
}

// start is the initial layout: the given one rescaled to [0, 10] on each axis, or uniform noise.
func (u *UMAP) start() []float64 {
	dims := u.Dims
	y := make([]float64, u.N*dims)
	if u.Init == nil {
		for i := range y {
			y[i] = u.rng.Float64()*20 - 10
		}
		return y
	}
	for a := 0; a < dims; a++ {
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := 0; i < u.N; i++ {
			lo, hi = min(lo, u.Init[i*dims+a]), max(hi, u.Init[i*dims+a])
		}
		for i := 0; i < u.N; i++ {
			y[i*dims+a] = 10 * (u.Init[i*dims+a] - lo) / max(hi-lo, 1e-12)
		}
	}
	return y
}

// clip bounds a gradient component, as umap-learn does.
func clip(v float64) float64 { return min(max(v, -4), 4) }

// epoch runs one epoch of umap-learn's optimize_layout_euclidean (move_other on).
func (u *UMAP) epoch() {
	s := &Epoch{Head: u.Graph.Head, Tail: u.Graph.Tail, EpochsPerSample: u.epochsPerSample,
		NextSample: u.nextSample, NextNegative: u.nextNegative, Y: u.Y, Points: u.N, Dims: u.Dims,
		NegativeRate: u.NegativeRate, A: u.A, B: u.B, Alpha: u.LearningRate * (1 - float64(u.Epoch)/float64(u.Epochs)),
		Epoch: float64(u.Epoch), RNG: (*[3]uint32)(&u.negatives), Pow: u.power.v}
	epochKernel()(s)
	u.Epoch++
}

// Epoch is everything one epoch reads and writes, laid out for a kernel (see EpochKernel).
type Epoch struct {
	Head, Tail                                []int     // the graph's edges
	EpochsPerSample, NextSample, NextNegative []float64 // per edge; the last two are updated
	Y                                         []float64 // the layout, Points×Dims, updated
	Points, Dims, NegativeRate                int
	A, B                                      float64    // the curve
	Alpha                                     float64    // this epoch's learning rate
	Epoch                                     float64    // its number
	RNG                                       *[3]uint32 // the negative samples' taus88 state
	// Pow is the table of x^B (powTable.v): 256 points per octave from 2^−powOctaves/2.
	Pow []float64
}

// EpochKernel runs one epoch on e, as epochGo does, bit for bit.
type EpochKernel func(e *Epoch)

var installedEpoch atomic.Pointer[EpochKernel]

// SetEpochKernel installs a faster EpochKernel (the browser's wasm one), process-wide like
// ml.SetKernels; nil restores Go's.
func SetEpochKernel(k EpochKernel) {
	if k == nil {
		installedEpoch.Store(nil)
		return
	}
	installedEpoch.Store(&k)
}

// GoEpochKernel returns EpochKernel's reference, in Go.
func GoEpochKernel() EpochKernel { return epochGo }

func epochKernel() EpochKernel {
	if k := installedEpoch.Load(); k != nil {
		return *k
	}
	return epochGo
}

// epochGo is one epoch of umap-learn's optimize_layout_euclidean (move_other on): every edge
// due this epoch pulls its two ends together, then pushes its head away from random points.
func epochGo(s *Epoch) {
	dims, a, b, alpha, n := s.Dims, s.A, s.B, s.Alpha, s.Epoch
	power, rng := powTable{b: b, v: s.Pow}, (*tauRand)(s.RNG)
	for e, eps := range s.EpochsPerSample {
		if s.NextSample[e] > n {
			continue
		}
		j, k := s.Head[e], s.Tail[e]
		cur, other := s.Y[j*dims:(j+1)*dims], s.Y[k*dims:(k+1)*dims]
		d2 := dist2(cur, other)
		if d2 > 0 {
			pb := power.at(d2) // d^(b−1) is pb/d: one power, not two
			coeff := -2 * a * b * (pb / d2) / (a*pb + 1)
			for c := range cur {
				grad := clip(coeff * (cur[c] - other[c]))
				cur[c] += grad * alpha
				other[c] -= grad * alpha
			}
		}
		s.NextSample[e] += eps
		perNegative := eps / float64(s.NegativeRate)
		negatives := int((n - s.NextNegative[e]) / perNegative)
		for p := 0; p < negatives; p++ {
			k := rng.intN(s.Points)
			if k == j {
				continue
			}
			other := s.Y[k*dims : (k+1)*dims]
			d2 := dist2(cur, other)
			coeff := 0.0
			if d2 > 0 {
				coeff = 2 * b / ((0.001 + d2) * (a*power.at(d2) + 1))
			}
			for c := range cur {
				grad := 4.0
				if coeff > 0 {
					grad = clip(coeff * (cur[c] - other[c]))
				}
				cur[c] += grad * alpha
			}
		}
		s.NextNegative[e] += float64(negatives) * perNegative
	}
}

// powTable is x ↦ x^b for one b, the epochs' hot spot: math.Pow, or math.Exp and math.Log
// (plain Go under js/wasm), took two thirds of their time. It interpolates linearly between
// 256 points per octave of x, picked by the float's own exponent and top mantissa bits, to a
// relative error under 2e-6 (TestPowTable), far below what stochastic gradient descent
// notices.
type powTable struct {
	b float64
	v []float64
}

const (
	powOctaves = 120 // 2^−60 … 2^60
	powSteps   = 256 // points per octave: the top 8 mantissa bits
	powShift   = 52 - 8
	// powFirst is the table's first index in x's bits shifted by powShift: exponent −60.
	powFirst = (1023 - powOctaves/2) << 8
	powBelow = 1 << (powOctaves / 2)         // 1 / the table's first x
	powAbove = 1.0 / (1 << (powOctaves / 2)) // 1 / its last
)

func newPowTable(b float64) powTable {
	v := make([]float64, powOctaves*powSteps+1)
	for i := range v {
		v[i] = math.Pow(math.Float64frombits(uint64(powFirst+i)<<powShift), b)
	}
	return powTable{b: b, v: v}
}

// at is x^b for x > 0. Beyond the table (x under 2^−60 or over 2^60, distances a layout does
// not reach but for duplicates) it is linear in x from the table's end, so that a kernel can
// follow it without math.Pow.
func (p powTable) at(x float64) float64 {
	bits := math.Float64bits(x)
	i := int(bits>>powShift) - powFirst
	switch {
	case i < 0:
		return p.v[0] * (x * powBelow)
	case i >= len(p.v)-1:
		return p.v[len(p.v)-1] * (x * powAbove)
	}
	frac := float64(bits&(1<<powShift-1)) * (1.0 / (1 << powShift))
	return p.v[i] + frac*(p.v[i+1]-p.v[i])
}

// tauRand is umap-learn's tau_rand_int, with which it picks negative samples: L'Ecuyer's
// three-component Tausworthe generator (taus88). Its few shifts and xors on 32 bits cost far
// less in wasm than math/rand's PCG, whose 64×64-bit products the wasm port does in software,
// and a kernel can follow it: the negative samples are most of an epoch's random numbers.
type tauRand [3]uint32

// newTauRand seeds the generator from rng, within taus88's bounds (above 1, 7 and 15).
func newTauRand(rng *rand.Rand) tauRand {
	return tauRand{rng.Uint32() | 2, rng.Uint32() | 8, rng.Uint32() | 16}
}

func (t *tauRand) next() uint32 {
	t[0] = (t[0]&0xfffffffe)<<12 ^ (t[0]<<13^t[0])>>19
	t[1] = (t[1]&0xfffffff8)<<4 ^ (t[1]<<2^t[1])>>25
	t[2] = (t[2]&0xfffffff0)<<17 ^ (t[2]<<3^t[2])>>11
	return t[0] ^ t[1] ^ t[2]
}

// intN is a number in [0, n), as umap-learn takes it (the remainder; n is far below 2^32).
func (t *tauRand) intN(n int) int { return int(t.next() % uint32(n)) }

func dist2(p, q []float64) float64 {
	var s float64
	for c := range p {
		d := p[c] - q[c]
		s += d * d
	}
	return s
}

// FitAB fits 1/(1 + a·x^2b) to umap-learn's target curve for spread and minDist (1 up to
// minDist, then exp(−(x − minDist)/spread), on 300 points over [0, 3·spread]) by least squares
// (Gauss-Newton with a damped step), as its find_ab_params does with scipy's curve_fit.
func FitAB(spread, minDist float64) (a, b float64, err error) {
	if spread <= 0 || minDist < 0 || minDist >= spread {
		return 0, 0, fmt.Errorf("umap: min_dist %g and spread %g: want 0 ≤ min_dist < spread", minDist, spread)
	}
	const points = 300
	xs, ys := make([]float64, points), make([]float64, points)
	for i := range xs {
		xs[i] = 3 * spread * float64(i) / (points - 1)
		ys[i] = 1
		if xs[i] >= minDist {
			ys[i] = math.Exp(-(xs[i] - minDist) / spread)
		}
	}
	residual := func(a, b float64) float64 {
		var s float64
		for i, x := range xs {
			r := 1/(1+a*math.Pow(x, 2*b)) - ys[i]
			s += r * r
		}
		return s
	}
	a, b = 1, 1
	lambda := 1e-3
	for it := 0; it < 200; it++ {
		// J^T J and J^T r for the two parameters.
		var jaa, jab, jbb, ga, gb float64
		for i, x := range xs {
			if x == 0 {
				continue
			}
			p := math.Pow(x, 2*b)
			f := 1 / (1 + a*p)
			r := f - ys[i]
			da := -p * f * f
			db := -a * p * 2 * math.Log(x) * f * f
			jaa, jab, jbb = jaa+da*da, jab+da*db, jbb+db*db
			ga, gb = ga+da*r, gb+db*r
		}
		before := residual(a, b)
		for {
			m00, m11 := jaa*(1+lambda), jbb*(1+lambda)
			det := m00*m11 - jab*jab
			if det == 0 {
				return 0, 0, errors.New("umap: the curve fit is singular")
			}
			sa, sb := -(m11*ga-jab*gb)/det, -(m00*gb-jab*ga)/det
			if na, nb := a+sa, b+sb; na > 0 && nb > 0 && residual(na, nb) < before {
				a, b = na, nb
				lambda /= 10
				break
			}
			if lambda *= 10; lambda > 1e12 {
				return a, b, nil // converged: no step improves it
			}
		}
	}
	return a, b, nil
}

// Placer puts new points on a finished layout, as umap-learn's transform does: a new point
// starts at the membership-weighted mean of its nearest data points' positions, then moves
// for a few epochs under their attraction and negative samples' repulsion, the layout fixed.
type Placer struct {
	u     *UMAP
	x     []float32 // the data the layout was made from, n×d
	d     int
	norms []float64
}

// placeEpochs is how long a new point moves: umap-learn's transform runs a third of its 100.
const placeEpochs = 30

// NewPlacer places points on u's layout of x (n×d).
func NewPlacer(u *UMAP, x []float32, d int) *Placer {
	return &Placer{u: u, x: x, d: d, norms: knn.SquaredNorms(x, u.N, d)}
}

// Place returns the position of p (d values) on the layout, and its nearest data points.
func (pl *Placer) Place(p []float32) (pos []float64, neighbours []int) {
	u, d, k := pl.u, pl.d, pl.u.Neighbours-1
	best := knn.NewBest(k)
	var pp float64
	for _, v := range p {
		pp += float64(v) * float64(v)
	}
	for j := 0; j < u.N; j++ {
		var dot float64
		for a, v := range pl.x[j*d : (j+1)*d] {
			dot += float64(v) * float64(p[a])
		}
		best.Offer(j, max(pp+pl.norms[j]-2*dot, 0))
	}
	neighbours, squared := make([]int, k), make([]float64, k)
	best.Sorted(neighbours, squared)
	dist := make([]float64, k)
	var mean float64
	for t := range dist {
		dist[t] = math.Sqrt(squared[t])
		mean += dist[t]
	}
	rho, sigma := calibrate(dist, math.Log2(float64(u.Neighbours)), mean/float64(k))
	w := make([]float64, k)
	var total float64
	for t, dd := range dist {
		w[t] = 1
		if dd-rho > 0 && sigma > 0 {
			w[t] = math.Exp(-(dd - rho) / sigma)
		}
		total += w[t]
	}
	dims := u.Dims
	pos = make([]float64, dims)
	for t, j := range neighbours {
		for c := range pos {
			pos[c] += w[t] / total * u.Y[j*dims+c]
		}
	}
	rng := rand.New(rand.NewPCG(u.Seed, uint64(neighbours[0])))
	a, b := u.A, u.B
	for e := 0; e < placeEpochs; e++ {
		alpha := 0.1 * (1 - float64(e)/placeEpochs) // umap-learn's transform starts at a tenth
		for t, j := range neighbours {
			other := u.Y[j*dims : (j+1)*dims]
			if d2 := dist2(pos, other); d2 > 0 {
				pb := u.power.at(d2)
				coeff := -2 * a * b * (pb / d2) / (a*pb + 1) * w[t]
				for c := range pos {
					pos[c] += clip(coeff*(pos[c]-other[c])) * alpha
				}
			}
			for s := 0; s < u.NegativeRate; s++ {
				other := u.Y[rng.IntN(u.N)*dims:][:dims]
				if d2 := dist2(pos, other); d2 > 0 {
					coeff := 2 * b / ((0.001 + d2) * (a*u.power.at(d2) + 1))
					for c := range pos {
						pos[c] += clip(coeff*(pos[c]-other[c])) * alpha
					}
				}
			}
		}
	}
	return pos, neighbours
}

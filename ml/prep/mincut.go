package prep

import "math"

// minCut labels the pixels of a w×h grid as garment (true) or background by the least total
// cost: unary[i] is what labelling pixel i garment costs more than labelling it background,
// pairs of 4-neighbours with different labels cost weight(i, j), and fixed[i] pixels are
// background whatever it costs. It is the exact minimum of that energy (the graph cut of
// Boykov and Jolly, as GrabCut uses), found as a maximum flow: the garment is what the source
// still reaches, the smallest of the minimum cuts' garment sides.
func minCut(unary []float32, weight func(i, j int) float32, fixed []bool, w, h int) []bool {
	n := w * h
	g := newFlowGraph(n, 4*n)
	for i, u := range unary {
		// From the source where garment is cheaper (u < 0), to the sink where background is:
		// the cut pays |u| for the dearer label.
		g.terminal[i] = -u
		if fixed[i] {
			g.terminal[i] = float32(math.Inf(-1))
		}
		x, y := i%w, i/w
		if x+1 < w {
			c := weight(i, i+1)
			g.add(i, i+1, c, c)
		}
		if y+1 < h {
			c := weight(i, i+w)
			g.add(i, i+w, c, c)
		}
	}
	g.maxFlow()
	return g.sourceSide()
}

// flowGraph is the residual graph of a cut: arcs between nodes come in pairs (k, k^1), each
// the other's reverse, and each node has one terminal arc, from the source (terminal > 0) or
// to the sink (terminal < 0), of capacity |terminal|.
//
// maxFlow is the algorithm of Boykov and Kolmogorov (2004, "An experimental comparison of
// min-cut/max-flow algorithms for energy minimization in vision"), which GrabCut's own
// implementations use: a search tree grows from the source and one from the sink, a path is
// found where they touch, and the trees are repaired after each augmentation instead of
// being built again, which makes it several times faster than Dinic's algorithm on a
// picture's grid.
type flowGraph struct {
	head     []int32 // first arc out of each node, or −1
	next     []int32 // the next arc out of the same node
	to       []int32
	cap      []float32 // residual capacity
	terminal []float32

	parent []int32 // the arc to a node's parent in its tree, or one of the marks below
	sink   []bool  // which tree a node is in (where parent is not free)
	stamp  []int32 // when dist was last known right (the origin check's cache)
	dist   []int32 // steps to the terminal, as of stamp
	queued []bool  // in active
	active []int32 // nodes that may still grow their tree, first in first out
	orphan []int32
	time   int32
}

// Marks in parent: free (in no tree), a root (its parent is the terminal), an orphan (its
// path to the terminal was cut).
const (
	free     = -1
	root     = -2
	orphaned = -3
)

func newFlowGraph(nodes, arcs int) *flowGraph {
	g := &flowGraph{
		head: make([]int32, nodes), terminal: make([]float32, nodes), parent: make([]int32, nodes),
		sink: make([]bool, nodes), stamp: make([]int32, nodes), dist: make([]int32, nodes),
		queued: make([]bool, nodes),
	}
	for i := range g.head {
		g.head[i] = -1
	}
	g.next, g.to, g.cap = make([]int32, 0, arcs), make([]int32, 0, arcs), make([]float32, 0, arcs)
	return g
}

// add adds an arc a→b of capacity c and its reverse of capacity back.
func (g *flowGraph) add(a, b int, c, back float32) {
	g.to, g.cap, g.next = append(g.to, int32(b)), append(g.cap, c), append(g.next, g.head[a])
	g.head[a] = int32(len(g.to) - 1)
	g.to, g.cap, g.next = append(g.to, int32(a)), append(g.cap, back), append(g.next, g.head[b])
	g.head[b] = int32(len(g.to) - 1)
}

func (g *flowGraph) activate(i int32) {
	if !g.queued[i] {
		g.queued[i] = true
		g.active = append(g.active, i)
	}
}

// maxFlow saturates every path from the source to the sink.
func (g *flowGraph) maxFlow() {
	for i, t := range g.terminal {
		g.parent[i] = free
		if t != 0 {
			g.parent[i], g.sink[i], g.dist[i] = root, t < 0, 1
			g.activate(int32(i))
		}
	}
	current := int32(-1) // a node that found a path keeps growing until it finds none
	for q := 0; ; {
		i := current
		if i < 0 || g.parent[i] == free {
			i = -1
			for q < len(g.active) {
				v := g.active[q]
				q++
				g.queued[v] = false
				if g.parent[v] != free {
					i = v
					break
				}
			}
			if i < 0 {
				return
			}
			if q > len(g.active)/2 && q > 1024 { // reuse the queue's space
				g.active, q = append(g.active[:0], g.active[q:]...), 0
			}
		}
		bridge := g.grow(i)
		g.time++
		if bridge < 0 {
			current = -1
			continue
		}
		current = i
		g.augment(bridge)
		g.adoptOrphans()
	}
}

// grow extends node i's tree over its unsaturated arcs and returns an arc from the source's
// tree to the sink's where the trees touch, or −1.
func (g *flowGraph) grow(i int32) int32 {
	for k := g.head[i]; k >= 0; k = g.next[k] {
		// The arc that would carry flow towards the sink: i→j from the source's tree, j→i
		// from the sink's.
		along := k
		if g.sink[i] {
			along = k ^ 1
		}
		if g.cap[along] <= 0 {
			continue
		}
		j := g.to[k]
		switch {
		case g.parent[j] == free:
			g.parent[j], g.sink[j] = k^1, g.sink[i]
			g.stamp[j], g.dist[j] = g.stamp[i], g.dist[i]+1
			g.activate(j)
		case g.sink[j] != g.sink[i]:
			return along
		case g.stamp[j] <= g.stamp[i] && g.dist[j] > g.dist[i]:
			// A shorter way to the terminal: shorter paths augment faster.
			g.parent[j], g.stamp[j], g.dist[j] = k^1, g.stamp[i], g.dist[i]+1
		}
	}
	return -1
}

// augment pushes the bottleneck along the path through bridge (an arc from the source's tree
// to the sink's) and orphans the nodes whose arc to their parent it saturates.
func (g *flowGraph) augment(bridge int32) {
	s, t := g.to[bridge^1], g.to[bridge]
	flow := g.cap[bridge]
	for i := s; g.parent[i] != root; i = g.to[g.parent[i]] {
		flow = min(flow, g.cap[g.parent[i]^1])
	}
	flow = min(flow, g.terminal[g.root(s)])
	for i := t; g.parent[i] != root; i = g.to[g.parent[i]] {
		flow = min(flow, g.cap[g.parent[i]])
	}
	flow = min(flow, -g.terminal[g.root(t)])

	g.cap[bridge] -= flow
	g.cap[bridge^1] += flow
	i := s
	for ; g.parent[i] != root; i = g.to[g.parent[i]] {
		up := g.parent[i]
		g.cap[up] += flow
		if g.cap[up^1] -= flow; g.cap[up^1] <= 0 {
			g.orphan = append(g.orphan, i)
		}
	}
	if g.terminal[i] -= flow; g.terminal[i] <= 0 {
		g.orphan = append(g.orphan, i)
	}
	i = t
	for ; g.parent[i] != root; i = g.to[g.parent[i]] {
		up := g.parent[i]
		g.cap[up^1] += flow
		if g.cap[up] -= flow; g.cap[up] <= 0 {
			g.orphan = append(g.orphan, i)
		}
	}
	if g.terminal[i] += flow; g.terminal[i] >= 0 {
		g.orphan = append(g.orphan, i)
	}
	for _, o := range g.orphan {
		g.parent[o] = orphaned
	}
}

// root follows parents from i to its tree's root.
func (g *flowGraph) root(i int32) int32 {
	for g.parent[i] != root {
		i = g.to[g.parent[i]]
	}
	return i
}

// adoptOrphans finds each orphan a new parent in its tree, one whose own path reaches the
// terminal (the shortest such), or frees it, orphaning its children and reactivating the
// neighbours that could adopt its place.
func (g *flowGraph) adoptOrphans() {
	for len(g.orphan) > 0 {
		i := g.orphan[0]
		g.orphan = g.orphan[1:]
		best, bestDist := int32(-1), int32(math.MaxInt32)
		for k := g.head[i]; k >= 0; k = g.next[k] {
			j := g.to[k]
			// j can be i's parent where flow can still go j→i (source's tree) or i→j (sink's).
			toParent := k ^ 1
			if g.sink[i] {
				toParent = k
			}
			if g.cap[toParent] <= 0 || g.parent[j] == free || g.sink[j] != g.sink[i] {
				continue
			}
			if d, ok := g.originDist(j); ok && d < bestDist {
				best, bestDist = k, d
			}
		}
		if best >= 0 {
			g.parent[i], g.stamp[i], g.dist[i] = best, g.time, bestDist+1
			continue
		}
		for k := g.head[i]; k >= 0; k = g.next[k] {
			j := g.to[k]
			if g.parent[j] == free || g.sink[j] != g.sink[i] {
				continue
			}
			along := k ^ 1 // j→i, for the source's tree
			if g.sink[i] {
				along = k
			}
			if g.cap[along] > 0 {
				g.activate(j)
			}
			if p := g.parent[j]; p >= 0 && g.to[p] == i {
				g.parent[j] = orphaned
				g.orphan = append(g.orphan, j)
			}
		}
		g.parent[i] = free
	}
	g.orphan = g.orphan[:0]
}

// originDist returns how many steps j is from its terminal, if its path still reaches it,
// marking the path's distances as known now.
func (g *flowGraph) originDist(j int32) (int32, bool) {
	d := int32(0)
	for i := j; ; {
		if g.stamp[i] == g.time {
			d += g.dist[i]
			break
		}
		p := g.parent[i]
		d++
		if p == root {
			g.stamp[i], g.dist[i] = g.time, 1
			break
		}
		if p == orphaned {
			return 0, false
		}
		i = g.to[p]
	}
	for i, k := j, d; g.stamp[i] != g.time; i = g.to[g.parent[i]] {
		g.stamp[i], g.dist[i] = g.time, k
		k--
	}
	return d, true
}

// sourceSide marks the nodes in the source's tree: those the source still reaches.
func (g *flowGraph) sourceSide() []bool {
	out := make([]bool, len(g.parent))
	for i, p := range g.parent {
		out[i] = p != free && !g.sink[i]
	}
	return out
}

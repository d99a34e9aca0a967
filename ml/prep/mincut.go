package prep

import "math"

// minCut labels the pixels of a w×h grid as garment (true) or background by the least total
// cost: unary[i] is what labelling pixel i garment costs more than labelling it background,
// pairs of 4-neighbours with different labels cost weight(i, j), and fixed[i] pixels are
// background whatever it costs. It is the exact minimum of that energy (the graph cut of
// Boykov and Jolly, as GrabCut uses), found as a maximum flow with Dinic's algorithm: the
// garment is what the source still reaches.
func minCut(unary []float32, weight func(i, j int) float32, fixed []bool, w, h int) []bool {
	n := w * h
	g := newFlowGraph(n+2, 6*n)
	src, sink := n, n+1
	for i, u := range unary {
		switch {
		case fixed[i]:
			g.add(i, sink, float32(math.Inf(1)), 0)
		case u > 0: // background is cheaper: keeping i with the garment cuts i→sink
			g.add(i, sink, u, 0)
		case u < 0:
			g.add(src, i, -u, 0)
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
	g.maxFlow(src, sink)
	reach := g.reachable(src)
	return reach[:n]
}

// flowGraph is a residual graph: arcs come in pairs (k, k^1), each the other's reverse.
type flowGraph struct {
	head  []int32 // first arc out of each node, or −1
	next  []int32 // the next arc out of the same node
	to    []int32
	cap   []float32 // residual capacity
	level []int32
	iter  []int32
}

func newFlowGraph(nodes, arcs int) *flowGraph {
	g := &flowGraph{head: make([]int32, nodes), level: make([]int32, nodes), iter: make([]int32, nodes)}
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

// flowEpsilon is the residual capacity below which an arc counts as saturated.
const flowEpsilon = 1e-6

func (g *flowGraph) maxFlow(s, t int) {
	queue := make([]int32, 0, len(g.head))
	for {
		// Levels by breadth-first search over unsaturated arcs.
		for i := range g.level {
			g.level[i] = -1
		}
		g.level[s] = 0
		queue = append(queue[:0], int32(s))
		for q := 0; q < len(queue); q++ {
			v := queue[q]
			for k := g.head[v]; k >= 0; k = g.next[k] {
				if u := g.to[k]; g.cap[k] > flowEpsilon && g.level[u] < 0 {
					g.level[u] = g.level[v] + 1
					queue = append(queue, u)
				}
			}
		}
		if g.level[t] < 0 {
			return
		}
		copy(g.iter, g.head)
		for g.push(s, t, float32(math.Inf(1))) > flowEpsilon {
		}
	}
}

// push sends up to limit along one path of increasing levels from v to t (a blocking flow is
// pushed path by path), returning what it sent.
func (g *flowGraph) push(v, t int, limit float32) float32 {
	if v == t {
		return limit
	}
	for ; g.iter[v] >= 0; g.iter[v] = g.next[g.iter[v]] {
		k := g.iter[v]
		u := int(g.to[k])
		if g.cap[k] <= flowEpsilon || g.level[u] != g.level[v]+1 {
			continue
		}
		if d := g.push(u, t, min(limit, g.cap[k])); d > flowEpsilon {
			g.cap[k] -= d
			g.cap[k^1] += d
			return d
		}
	}
	return 0
}

// reachable marks the nodes s reaches through unsaturated arcs.
func (g *flowGraph) reachable(s int) []bool {
	seen := make([]bool, len(g.head))
	seen[s] = true
	stack := []int32{int32(s)}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for k := g.head[v]; k >= 0; k = g.next[k] {
			if u := g.to[k]; g.cap[k] > flowEpsilon && !seen[u] {
				seen[u] = true
				stack = append(stack, u)
			}
		}
	}
	return seen
}

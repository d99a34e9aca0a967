package tsne

import "math"

// tree is a Barnes-Hut space-partitioning tree over points in 2 or 3 dimensions: a quadtree or
// an octree. Nodes live in one slice; a node's children are consecutive.
type tree struct {
	dims  int
	nodes []node
	// flat is the tree for traversal, rebuilt by build: the non-empty nodes in depth-first
	// order, each with the index just past its subtree, so that the forces walk one array
	// forward (opening a cell steps to its first child, accepting one skips its subtree)
	// instead of pushing and popping a stack.
	flat []FlatNode
	// order lists the points as the flat tree holds them (nearby points together).
	order []int32
	seen  []bool
}

// FlatNode is a node as the traversal reads it. The browser's wasm kernel (Kernels.Repulsion2)
// reads it by byte offset: com at 0, width2 at 24, count at 32, skip at 40, point at 44, 48 bytes
// in all; keep the fields in this order.
type FlatNode struct {
	com    [3]float64
	width2 float64 // the cell's width squared; −1 for a leaf, which is always accepted
	count  float64
	skip   int32 // the index just past this node's subtree
	point  int32 // a leaf's resident point; −2 for a cell
}

// maxDepth stops subdivision: points closer than the cell size there share a leaf (this also
// keeps identical points from recursing forever).
const maxDepth = 48

type node struct {
	center [3]float64 // of the cell
	half   float64    // half the cell's width
	sum    [3]float64 // of the points inside: the centre of mass times count
	count  int
	first  int // index of the first child; 0 for a leaf
	point  int // for a leaf holding points: one of them; −1 when empty
}

// build makes the tree over y (n×dims).
func (t *tree) build(y []float64, n, dims int) {
	t.dims = dims
	t.nodes = t.nodes[:0]
	var lo, hi [3]float64
	for a := 0; a < dims; a++ {
		lo[a], hi[a] = math.Inf(1), math.Inf(-1)
	}
	for i := 0; i < n; i++ {
		for a := 0; a < dims; a++ {
			lo[a] = min(lo[a], y[i*dims+a])
			hi[a] = max(hi[a], y[i*dims+a])
		}
	}
	root := node{point: -1}
	for a := 0; a < dims; a++ {
		root.center[a] = (lo[a] + hi[a]) / 2
		root.half = max(root.half, (hi[a]-lo[a])/2*(1+1e-5)+1e-5)
	}
	t.nodes = append(t.nodes, root)
	if len(t.order) == n {
		// In the last tree's order: points move little between builds, so consecutive points
		// walk down much the same path (in cache, branches predicted). The tree is the same
		// in any order, but for the residents of leaves at maxDepth.
		for _, i := range t.order {
			t.insert(y, int(i))
		}
	} else {
		for i := 0; i < n; i++ {
			t.insert(y, i)
		}
	}
	t.flat, t.order = t.flat[:0], t.order[:0]
	t.flatten(0)
	// Points sharing a leaf at maxDepth with another are not its resident: they go last.
	if len(t.order) < n {
		t.seen = append(t.seen[:0], make([]bool, n)...)
		for _, i := range t.order {
			t.seen[i] = true
		}
		for i := range n {
			if !t.seen[i] {
				t.order = append(t.order, int32(i))
			}
		}
	}
}

// flatten appends node at and its subtree to t.flat. Children go last first: the order in
// which a stack would pop them, so the forces add up in the same order as a stack walk would.
func (t *tree) flatten(at int) {
	nd := &t.nodes[at]
	if nd.count == 0 {
		return
	}
	f := FlatNode{width2: 4 * nd.half * nd.half, count: float64(nd.count), point: -2}
	for a := 0; a < t.dims; a++ {
		f.com[a] = nd.sum[a] / f.count
	}
	if nd.first == 0 {
		f.width2, f.point = -1, int32(nd.point)
		t.order = append(t.order, int32(nd.point))
	}
	me := len(t.flat)
	t.flat = append(t.flat, f)
	if nd.first != 0 {
		for c := 1<<t.dims - 1; c >= 0; c-- {
			t.flatten(nd.first + c)
		}
	}
	t.flat[me].skip = int32(len(t.flat))
}

func (t *tree) insert(y []float64, i int) {
	d := t.dims
	p := y[i*d : i*d+d]
	at, depth := 0, 0
	for {
		nd := &t.nodes[at]
		// Update the centre of mass on the way down (as a sum: flatten divides).
		for a := 0; a < d; a++ {
			nd.sum[a] += p[a]
		}
		nd.count++
		if nd.first == 0 {
			if nd.count == 1 {
				nd.point = i
				return
			}
			if depth >= maxDepth {
				return // shares the leaf
			}
			// Split: push the resident point down, then continue with i.
			old := nd.point
			nd.point = -1
			t.split(at)
			nd = &t.nodes[at]
			child := t.childFor(at, y[old*d:old*d+d])
			c := &t.nodes[child]
			c.count, c.point = 1, old
			copy(c.sum[:d], y[old*d:old*d+d])
		}
		at = t.childFor(at, p)
		depth++
	}
}

func (t *tree) split(at int) {
	d := t.dims
	parent := t.nodes[at]
	first := len(t.nodes)
	for c := 0; c < 1<<d; c++ {
		child := node{half: parent.half / 2, point: -1}
		for a := 0; a < d; a++ {
			off := -child.half
			if c&(1<<a) != 0 {
				off = child.half
			}
			child.center[a] = parent.center[a] + off
		}
		t.nodes = append(t.nodes, child)
	}
	t.nodes[at].first = first
}

func (t *tree) childFor(at int, p []float64) int {
	nd := &t.nodes[at]
	c := 0
	for a := 0; a < t.dims; a++ {
		if p[a] > nd.center[a] {
			c |= 1 << a
		}
	}
	return nd.first + c
}

// repulsion accumulates, for the point at p (index self, or −1 for a point not in the tree),
// Σ_j w_j and Σ_j w_j²·(p − y_j) over the tree's points j ≠ self, with w = 1/(1+|p−y_j|²),
// approximating a cell by its centre of mass when its width over its distance is below theta.
func (t *tree) repulsion(p []float64, self int, theta float64, force []float64) (z float64) {
	if t.dims == 2 {
		return repulsion2(t.flat, p, self, theta*theta, force)
	}
	d, theta2 := t.dims, theta*theta
	flat := t.flat
	for at := 0; at < len(flat); {
		nd := &flat[at]
		count := nd.count
		if nd.point == int32(self) {
			count-- // a leaf holding self (and perhaps duplicates of it)
			if count == 0 {
				at = int(nd.skip)
				continue
			}
		}
		var dist2 float64
		var diff [3]float64
		for a := 0; a < d; a++ {
			diff[a] = p[a] - nd.com[a]
			dist2 += diff[a] * diff[a]
		}
		if nd.width2 < theta2*dist2 { // a leaf, or a cell far enough away
			w := 1 / (1 + dist2)
			q := count * w
			z += q
			for a := 0; a < d; a++ {
				force[a] += q * w * diff[a]
			}
			at = int(nd.skip)
			continue
		}
		at++
	}
	return z
}

// repulsion2 is repulsion in 2D over the flat tree, written out: the hot loop of a t-SNE
// iteration.
func repulsion2(flat []FlatNode, p []float64, self int, theta2 float64, force []float64) (z float64) {
	px, py := p[0], p[1]
	var fx, fy float64
	for at := 0; at < len(flat); {
		nd := &flat[at]
		count := nd.count
		if nd.point == int32(self) {
			count--
			if count == 0 {
				at = int(nd.skip)
				continue
			}
		}
		dx, dy := px-nd.com[0], py-nd.com[1]
		dist2 := dx*dx + dy*dy
		if nd.width2 < theta2*dist2 {
			w := 1 / (1 + dist2)
			q := count * w
			z += q
			fx += q * w * dx
			fy += q * w * dy
			at = int(nd.skip)
			continue
		}
		at++
	}
	force[0] += fx
	force[1] += fy
	return z
}

package tsne

import "math"

// tree is a Barnes-Hut space-partitioning tree over points in 2 or 3 dimensions: a quadtree or
// an octree. Nodes live in one slice; a node's children are consecutive.
type tree struct {
	dims  int
	nodes []node
}

// maxDepth stops subdivision: points closer than the cell size there share a leaf (this also
// keeps identical points from recursing forever).
const maxDepth = 48

type node struct {
	center [3]float64 // of the cell
	half   float64    // half the cell's width
	com    [3]float64 // centre of mass of the points inside
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
	for i := 0; i < n; i++ {
		t.insert(y, i)
	}
}

func (t *tree) insert(y []float64, i int) {
	d := t.dims
	p := y[i*d : i*d+d]
	at, depth := 0, 0
	for {
		nd := &t.nodes[at]
		// Update the centre of mass on the way down.
		for a := 0; a < d; a++ {
			nd.com[a] = (nd.com[a]*float64(nd.count) + p[a]) / float64(nd.count+1)
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
			copy(c.com[:d], y[old*d:old*d+d])
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
func (t *tree) repulsion(p []float64, self int, theta float64, force []float64, stack []int) (z float64, _ []int) {
	d := t.dims
	stack = append(stack[:0], 0)
	for len(stack) > 0 {
		at := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		nd := &t.nodes[at]
		count := nd.count
		if count == 0 {
			continue
		}
		leaf := nd.first == 0
		if leaf && nd.point == self {
			count-- // a leaf holding self (and perhaps duplicates of it)
			if count == 0 {
				continue
			}
		}
		var dist2 float64
		var diff [3]float64
		for a := 0; a < d; a++ {
			diff[a] = p[a] - nd.com[a]
			dist2 += diff[a] * diff[a]
		}
		if leaf || 2*nd.half < theta*math.Sqrt(dist2) {
			w := 1 / (1 + dist2)
			q := float64(count) * w
			z += q
			for a := 0; a < d; a++ {
				force[a] += q * w * diff[a]
			}
			continue
		}
		for c := 0; c < 1<<d; c++ {
			stack = append(stack, nd.first+c)
		}
	}
	return z, stack
}

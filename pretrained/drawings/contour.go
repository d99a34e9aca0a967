package drawings

import (
	"math"
	"slices"
)

// Vec is a point in image coordinates: pixels, (0, 0) the top-left corner of the image.
type Vec struct{ X, Y float64 }

// Contours returns the boundaries of the region where the w×h image img is above level, as
// closed polylines (the first point is not repeated at the end), found by marching squares
// over the pixel centres with a zero border around the image, so every boundary closes. Outer
// boundaries and the boundaries of holes are both returned. Saddle cells are resolved by the
// cell's mean, so touching diagonal pixels join when their mean is above level.
func Contours(img []byte, w, h int, level float64) [][]Vec {
	// Samples on a (w+2)×(h+2) grid: the image with a one-pixel zero border.
	gw, gh := w+2, h+2
	at := func(x, y int) float64 {
		if x < 1 || y < 1 || x > w || y > h {
			return 0
		}
		return float64(img[(y-1)*w+x-1])
	}
	// An edge between two neighbouring samples is named by its first sample and direction:
	// horizontal edges (x,y)–(x+1,y) get ids 2·(y·gw+x), vertical ones (x,y)–(x,y+1) the odd ids.
	hEdge := func(x, y int) int { return 2 * (y*gw + x) }
	vEdge := func(x, y int) int { return 2*(y*gw+x) + 1 }
	cross := func(id int) Vec {
		s := id / 2
		x, y := s%gw, s/gw
		x2, y2 := x+1, y
		if id%2 == 1 {
			x2, y2 = x, y+1
		}
		a, b := at(x, y), at(x2, y2)
		t := 0.5
		if a != b {
			t = (level - a) / (b - a)
		}
		// Sample (x, y) of the grid is the centre of image pixel (x-1, y-1).
		return Vec{float64(x) - 0.5 + t*float64(x2-x), float64(y) - 0.5 + t*float64(y2-y)}
	}
	// next links each crossing to the following one, walking with the region on one side.
	next := map[int]int{}
	for y := 0; y < gh-1; y++ {
		for x := 0; x < gw-1; x++ {
			tl, tr := at(x, y) > level, at(x+1, y) > level
			br, bl := at(x+1, y+1) > level, at(x, y+1) > level
			top, right, bottom, left := hEdge(x, y), vEdge(x+1, y), hEdge(x, y+1), vEdge(x, y)
			idx := 0
			for i, in := range []bool{tl, tr, br, bl} {
				if in {
					idx |= 1 << i
				}
			}
			link := func(a, b int) { next[a] = b }
			switch idx {
			case 0, 15:
			case 1:
				link(left, top)
			case 2:
				link(top, right)
			case 3:
				link(left, right)
			case 4:
				link(right, bottom)
			case 6:
				link(top, bottom)
			case 7:
				link(left, bottom)
			case 8:
				link(bottom, left)
			case 9:
				link(bottom, top)
			case 11:
				link(bottom, right)
			case 12:
				link(right, left)
			case 13:
				link(right, top)
			case 14:
				link(top, left)
			case 5, 10: // saddles
				mean := (at(x, y) + at(x+1, y) + at(x+1, y+1) + at(x, y+1)) / 4
				joined := mean > level
				switch {
				case idx == 5 && joined:
					link(left, bottom)
					link(right, top)
				case idx == 5:
					link(left, top)
					link(right, bottom)
				case idx == 10 && joined:
					link(top, left)
					link(bottom, right)
				default:
					link(top, right)
					link(bottom, left)
				}
			}
		}
	}
	// Walk each cycle once, in a fixed order so the result is deterministic.
	var starts []int
	for id := range next {
		starts = append(starts, id)
	}
	slices.Sort(starts)
	seen := map[int]bool{}
	var out [][]Vec
	for _, s := range starts {
		if seen[s] {
			continue
		}
		var line []Vec
		for id, ok := s, true; ok && !seen[id]; id, ok = next[id] {
			seen[id] = true
			line = append(line, cross(id))
		}
		out = append(out, line)
	}
	return out
}

// Length is a closed polyline's perimeter.
func Length(line []Vec) float64 {
	var l float64
	for i := range line {
		a, b := line[i], line[(i+1)%len(line)]
		l += math.Hypot(b.X-a.X, b.Y-a.Y)
	}
	return l
}

// Simplify reduces an open polyline with the Douglas–Peucker algorithm: the points it keeps
// are within tol of every point it drops. It is what turns a traced staircase into the few
// straight strokes a person draws.
func Simplify(line []Vec, tol float64) []Vec {
	if len(line) < 3 {
		return append([]Vec(nil), line...)
	}
	keep := make([]bool, len(line))
	keep[0], keep[len(line)-1] = true, true
	var rec func(i, j int)
	rec = func(i, j int) {
		a, b := line[i], line[j]
		dx, dy := b.X-a.X, b.Y-a.Y
		norm := math.Hypot(dx, dy)
		far, at := 0.0, -1
		for k := i + 1; k < j; k++ {
			p := line[k]
			var d float64
			if norm == 0 {
				d = math.Hypot(p.X-a.X, p.Y-a.Y)
			} else {
				d = math.Abs(dy*(p.X-a.X)-dx*(p.Y-a.Y)) / norm
			}
			if d > far {
				far, at = d, k
			}
		}
		if at >= 0 && far > tol {
			keep[at] = true
			rec(i, at)
			rec(at, j)
		}
	}
	rec(0, len(line)-1)
	var out []Vec
	for i, k := range keep {
		if k {
			out = append(out, line[i])
		}
	}
	return out
}

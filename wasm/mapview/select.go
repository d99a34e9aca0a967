package mapview

import (
	"fmt"
	"io"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// Filter decides which test images a map shows.
type Filter struct {
	Hidden        uint16 // bit c hides true class c
	Misclassified bool   // only images the model gets wrong
	// Cell, when not NoCell, keeps only the confusion-matrix cell true*10+predicted.
	Cell int
}

// NoCell is Filter.Cell when no confusion-matrix cell is chosen.
const NoCell = -1

// AllVisible shows everything.
var AllVisible = Filter{Cell: NoCell}

// Shows reports whether the filter keeps image i.
func (f Filter) Shows(d *Data, i int) bool {
	l, p := int(d.Labels[i]), int(d.Predictions[i])
	switch {
	case f.Hidden&(1<<l) != 0:
		return false
	case f.Misclassified && l == p:
		return false
	case f.Cell != NoCell && (l != f.Cell/10 || p != f.Cell%10):
		return false
	}
	return true
}

// Count returns how many images the filter keeps.
func (f Filter) Count(d *Data) int {
	n := 0
	for i := 0; i < d.N; i++ {
		if f.Shows(d, i) {
			n++
		}
	}
	return n
}

// Nearest returns the k points whose features are nearest x (squared Euclidean distance),
// nearest first, leaving out the point skip (−1 for none). Ties go to the lower index.
func (d *Data) Nearest(x []float32, k, skip int) []int {
	type hit struct {
		i int
		d float32
	}
	best := make([]hit, 0, k+1)
	for i := 0; i < d.N; i++ {
		if i == skip {
			continue
		}
		row := d.Features[i*Latent : (i+1)*Latent]
		var s float32
		for j, v := range x[:Latent] {
			diff := v - row[j]
			s += diff * diff
		}
		if len(best) == k && s >= best[k-1].d {
			continue
		}
		at := len(best)
		for at > 0 && best[at-1].d > s {
			at--
		}
		best = append(best, hit{})
		copy(best[at+1:], best[at:])
		best[at] = hit{i, s}
		if len(best) > k {
			best = best[:k]
		}
	}
	out := make([]int, len(best))
	for t, h := range best {
		out[t] = h.i
	}
	return out
}

// Screen holds the screen positions of the points drawn this frame, for picking.
type Screen struct {
	Index []int32
	X, Y  []float32
	Depth []float32
}

// Pick returns the drawn point nearest (sx, sy) within radius pixels, preferring the nearer
// one in 3D when two overlap, and its position in s; or −1, −1.
func (s *Screen) Pick(sx, sy, radius float64) (index, at int) {
	best, at, bestD, bestDepth := -1, -1, radius*radius, math.Inf(-1)
	for t := range s.Index {
		dx, dy := float64(s.X[t])-sx, float64(s.Y[t])-sy
		d2 := dx*dx + dy*dy
		if d2 > radius*radius {
			continue
		}
		depth := float64(s.Depth[t])
		// Within a pixel of each other, the nearer one (as drawn on top) wins.
		if best < 0 || d2 < bestD-1 || (math.Abs(d2-bestD) <= 1 && depth > bestDepth) {
			best, at, bestD, bestDepth = int(s.Index[t]), t, d2, depth
		}
	}
	return best, at
}

// WriteCSV writes the coordinates of the points the filter shows on the map coords (N×dims,
// in the normalised frame) with their true and predicted classes; own, if not nil, is the
// visitor's drawing, written last with index "drawing".
func WriteCSV(w io.Writer, d *Data, coords []float32, dims int, f Filter, classes []string, own []float64, ownPred int) error {
	var b strings.Builder
	b.WriteString("index,label,predicted,x,y")
	if dims == 3 {
		b.WriteString(",z")
	}
	b.WriteString("\n")
	n := len(coords) / dims
	for i := 0; i < n; i++ {
		if !f.Shows(d, i) {
			continue
		}
		fmt.Fprintf(&b, "%d,%s,%s", i, classes[d.Labels[i]], classes[d.Predictions[i]])
		for a := 0; a < dims; a++ {
			b.WriteString(",")
			b.WriteString(strconv.FormatFloat(float64(coords[i*dims+a]), 'f', 5, 32))
		}
		b.WriteString("\n")
	}
	if own != nil {
		fmt.Fprintf(&b, "drawing,,%s", classes[ownPred])
		for a := 0; a < dims; a++ {
			b.WriteString(",")
			b.WriteString(strconv.FormatFloat(own[a], 'f', 5, 64))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// View is the part of the Map view a share link carries.
type View struct {
	Projection Projection
	Camera     Camera
	Filter     Filter
	Pinned     int // −1 for none
}

// DefaultView is what the Map view opens with.
func DefaultView() View {
	return View{Projection: TSNE2, Camera: DefaultCamera(2), Filter: AllVisible, Pinned: -1}
}

// Encode adds the view to a share link's options (keys prefixed "m").
func (v View) Encode(o url.Values) {
	o.Set("mp", v.Projection.String())
	c := v.Camera
	o.Set("mcam", strings.Join([]string{ftoa(c.X), ftoa(c.Y), ftoa(c.Zoom), ftoa(c.Yaw), ftoa(c.Pitch)}, ","))
	if v.Filter.Hidden != 0 {
		o.Set("mhide", strconv.Itoa(int(v.Filter.Hidden)))
	}
	if v.Filter.Misclassified {
		o.Set("mmis", "1")
	}
	if v.Filter.Cell != NoCell {
		o.Set("mcell", strconv.Itoa(v.Filter.Cell))
	}
	if v.Pinned >= 0 {
		o.Set("mpin", strconv.Itoa(v.Pinned))
	}
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }

// DecodeView reads a view from a share link's options, checking every value; n is the number
// of map points. A link without a map view gives the default one.
func DecodeView(o url.Values, n int) (View, error) {
	v := DefaultView()
	if !o.Has("mp") {
		return v, nil
	}
	bad := func(what string) (View, error) {
		return DefaultView(), fmt.Errorf("the map view in this link is damaged (%s)", what)
	}
	p, ok := ParseProjection(o.Get("mp"))
	if !ok {
		return bad("projection")
	}
	v.Projection, v.Camera = p, DefaultCamera(p.Dims())
	if s := o.Get("mcam"); s != "" {
		parts := strings.Split(s, ",")
		if len(parts) != 5 {
			return bad("camera")
		}
		var c [5]float64
		for i, part := range parts {
			x, err := strconv.ParseFloat(part, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return bad("camera")
			}
			c[i] = x
		}
		if c[2] < MinZoom || c[2] > MaxZoom || math.Abs(c[0]) > 3 || math.Abs(c[1]) > 3 || math.Abs(c[3]) > 2*math.Pi || math.Abs(c[4]) > 1.5 {
			return bad("camera out of range")
		}
		v.Camera = Camera{X: c[0], Y: c[1], Zoom: c[2], Yaw: c[3], Pitch: c[4]}
	}
	if s := o.Get("mhide"); s != "" {
		h, err := strconv.Atoi(s)
		if err != nil || h < 0 || h >= 1<<10 {
			return bad("class filter")
		}
		v.Filter.Hidden = uint16(h)
	}
	v.Filter.Misclassified = o.Get("mmis") == "1"
	if s := o.Get("mcell"); s != "" {
		c, err := strconv.Atoi(s)
		if err != nil || c < 0 || c > 99 {
			return bad("confusion cell")
		}
		v.Filter.Cell = c
	}
	if s := o.Get("mpin"); s != "" {
		i, err := strconv.Atoi(s)
		if err != nil || i < 0 || i >= n {
			return bad("pinned point")
		}
		v.Pinned = i
	}
	return v, nil
}

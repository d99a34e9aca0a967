//go:build js && wasm

package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"sort"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"lookbook/wasm/layout"
	"lookbook/wasm/mapview"
)

// discSide is the point sprite's size: a white anti-aliased disc that each point tints.
const discSide = 32

// pointsPerBatch keeps each DrawTriangles call within 16-bit indices (4 vertices a point).
const pointsPerBatch = 10000

// mapImages is the Map view's drawing state, rebuilt in Update when the map changes.
type mapImages struct {
	disc    *ebiten.Image
	verts   []ebiten.Vertex
	indices []uint16
	order   []int
	built   int
	layout  layout.Layout
	white   *ebiten.Image
}

func newDisc() *ebiten.Image {
	img := ebiten.NewImage(discSide, discSide)
	pix := make([]byte, 4*discSide*discSide)
	r := float64(discSide)/2 - 1
	for y := 0; y < discSide; y++ {
		for x := 0; x < discSide; x++ {
			d := math.Hypot(float64(x)+0.5-discSide/2, float64(y)+0.5-discSide/2)
			a := byte(min(max(r-d+0.5, 0), 1) * 255)
			o := 4 * (y*discSide + x)
			pix[o], pix[o+1], pix[o+2], pix[o+3] = a, a, a, a // premultiplied white
		}
	}
	img.WritePixels(pix)
	return img
}

// pointRadius grows a little with the zoom, so that zooming in separates points without
// leaving them as dust.
func pointRadius(zoom float64) float64 { return min(2.2+0.6*math.Sqrt(zoom), 6) }

func (m *Maps) viewport(l layout.Layout) mapview.Viewport {
	r := l.MapArea
	return mapview.Viewport{X: r.X, Y: r.Y, W: r.W, H: r.H}
}

// mapStage draws the Map view: every point as a tinted sprite, the hover, pin and drawing
// markers, the cube in 3D, and the corner pad.
type mapStage struct {
	s      *stage
	im     mapImages
	export bool // a PNG export of the map, taken over from Maps by update
}

// update takes drawing and drops on the corner pad, places the drawing on the map, rebuilds
// the sprites when the map, camera or layout changed, and takes over an export request.
func (v *mapStage) update(a *App) bool {
	if a.model == nil || a.Maps.Status != Ready {
		return false
	}
	changed := v.s.padInput(a)
	before, beforeEx := a.Maps.ownFor, a.Maps.examplesFor
	a.Maps.placeOwn()
	a.Maps.placeExamples()
	changed = changed || before != a.Maps.ownFor || beforeEx != a.Maps.examplesFor
	v.build(a)
	if a.Maps.exportPNG { // the next draw (a change: there will be one) captures the map
		v.export, a.Maps.exportPNG, changed = true, false, true
	}
	return changed
}

// build projects the visible points and lays out their sprites (far ones first in 3D).
// It runs in Update, with the app locked, only when the map, camera or layout changed.
func (v *mapStage) build(a *App) {
	m := &a.Maps
	im := &v.im
	if im.built == m.geometry && im.layout == a.Layout {
		return
	}
	start := time.Now()
	im.built, im.layout = m.geometry, a.Layout
	coords, dims := m.coords()
	n := len(coords) / max(dims, 1)
	tr := m.Camera.Transform(m.viewport(a.Layout), dims)
	area := a.Layout.MapArea
	scr := &m.picks
	scr.Index, scr.X, scr.Y, scr.Depth = scr.Index[:0], scr.X[:0], scr.Y[:0], scr.Depth[:0]
	var p [3]float64
	for i := 0; i < n; i++ {
		if !m.Filter.Shows(m.data, i) {
			continue
		}
		for d := 0; d < dims; d++ {
			p[d] = float64(coords[i*dims+d])
		}
		x, y, depth := tr.Apply(p[0], p[1], p[2])
		if x < area.X-8 || y < area.Y-8 || x > area.X+area.W+8 || y > area.Y+area.H+8 {
			continue
		}
		scr.Index = append(scr.Index, int32(i))
		scr.X, scr.Y, scr.Depth = append(scr.X, float32(x)), append(scr.Y, float32(y)), append(scr.Depth, float32(depth))
	}
	k := len(scr.Index)
	im.order = im.order[:0]
	for t := 0; t < k; t++ {
		im.order = append(im.order, t)
	}
	if dims == 3 {
		sort.Slice(im.order, func(x, y int) bool { return scr.Depth[im.order[x]] < scr.Depth[im.order[y]] })
	}
	if cap(im.verts) < 4*k {
		im.verts = make([]ebiten.Vertex, 4*k)
	}
	im.verts = im.verts[:4*k]
	sc := v.s.scale
	r := pointRadius(m.Camera.Zoom)
	for q, t := range im.order {
		c := mapview.ClassColours[m.data.Labels[scr.Index[t]]]
		cr, cg, cb := float32(c.R)/255, float32(c.G)/255, float32(c.B)/255
		rr := r
		if dims == 3 { // nearer points a little larger: depth reads at a glance
			rr *= 0.8 + 0.15*(float64(scr.Depth[t])+1.7)/1.7
		}
		x, y := float64(scr.X[t]), float64(scr.Y[t])
		x0, y0, x1, y1 := float32((x-rr)*sc), float32((y-rr)*sc), float32((x+rr)*sc), float32((y+rr)*sc)
		v := im.verts[4*q : 4*q+4]
		v[0] = ebiten.Vertex{DstX: x0, DstY: y0, SrcX: 0, SrcY: 0, ColorR: cr, ColorG: cg, ColorB: cb, ColorA: 0.9}
		v[1] = ebiten.Vertex{DstX: x1, DstY: y0, SrcX: discSide, SrcY: 0, ColorR: cr, ColorG: cg, ColorB: cb, ColorA: 0.9}
		v[2] = ebiten.Vertex{DstX: x0, DstY: y1, SrcX: 0, SrcY: discSide, ColorR: cr, ColorG: cg, ColorB: cb, ColorA: 0.9}
		v[3] = ebiten.Vertex{DstX: x1, DstY: y1, SrcX: discSide, SrcY: discSide, ColorR: cr, ColorG: cg, ColorB: cb, ColorA: 0.9}
	}
	if im.indices == nil {
		im.indices = make([]uint16, 6*pointsPerBatch)
		for q := 0; q < pointsPerBatch; q++ {
			b := uint16(4 * q)
			copy(im.indices[6*q:], []uint16{b, b + 1, b + 2, b + 1, b + 3, b + 2})
		}
	}
	m.FrameMs = float64(time.Since(start).Microseconds()) / 1000
	m.MaxFrameMs = max(m.MaxFrameMs, m.FrameMs)
}

var (
	mapBackground = color.RGBA{0x13, 0x16, 0x1e, 0xff}
	white         = color.RGBA{0xff, 0xff, 0xff, 0xff}
	cubeColour    = color.RGBA{0x3a, 0x40, 0x4d, 0xff}
)

// draw draws the plot: frame, points, and the markers for hover, pin and drawing.
func (v *mapStage) draw(screen *ebiten.Image, a *App) {
	m := &a.Maps
	if m.Status != Ready || a.Layout.MapArea.W == 0 {
		return
	}
	v.s.refreshPad(a)
	sc := v.s.scale
	im := &v.im
	if im.disc == nil {
		im.disc = newDisc()
		im.white = ebiten.NewImage(3, 3)
		im.white.Fill(white)
	}
	area := a.Layout.MapArea
	vector.DrawFilledRect(screen, float32(area.X*sc), float32(area.Y*sc), float32(area.W*sc), float32(area.H*sc), mapBackground, false)
	coords, dims := m.coords()
	tr := m.Camera.Transform(m.viewport(a.Layout), dims)
	clip := screen.SubImage(image.Rect(int(area.X*sc), int(area.Y*sc), int((area.X+area.W)*sc), int((area.Y+area.H)*sc))).(*ebiten.Image)
	if dims == 3 {
		v.drawCube(clip, tr)
	}
	op := &ebiten.DrawTrianglesOptions{Filter: ebiten.FilterLinear}
	k := len(im.verts) / 4
	for b := 0; b < k; b += pointsPerBatch {
		e := min(k, b+pointsPerBatch)
		clip.DrawTriangles(im.verts[4*b:4*e], im.indices[:6*(e-b)], im.disc, op)
	}
	at := func(i int) (float32, float32, bool) {
		if i < 0 || (i+1)*dims > len(coords) {
			return 0, 0, false
		}
		var p [3]float64
		for d := 0; d < dims; d++ {
			p[d] = float64(coords[i*dims+d])
		}
		x, y, _ := tr.Apply(p[0], p[1], p[2])
		return float32(x * sc), float32(y * sc), area.Contains(x, y)
	}
	ring := func(i int, r float64, w float32, c color.RGBA) {
		if i < 0 || i >= m.data.N || !m.Filter.Shows(m.data, i) {
			return // a filtered-out point keeps its place in lists, not on the map
		}
		if x, y, ok := at(i); ok {
			vector.StrokeCircle(clip, x, y, float32(r*sc), w*float32(sc), c, true)
		}
	}
	pr := pointRadius(m.Camera.Zoom)
	if m.Pinned >= 0 && m.Filter.Shows(m.data, m.Pinned) {
		for _, j := range m.Neighbours {
			ring(j, pr+3, 1.5, colourB)
		}
		ring(m.Pinned, pr+5, 2.5, accent)
	}
	if m.OwnOK {
		for _, j := range m.OwnNeighbours {
			ring(j, pr+3, 1.5, white)
		}
		x, y, _ := tr.Apply(m.Own[0], m.Own[1], m.Own[2])
		if area.Contains(x, y) {
			drawStar(clip, im.white, float32(x*sc), float32(y*sc), float32(9*sc), mapview.ColourOf(a.Pred))
		}
	}
	// The examples a class was taught from: small diamonds in its colour.
	for _, e := range m.Examples {
		x, y, _ := tr.Apply(e[0], e[1], e[2])
		if area.Contains(x, y) {
			drawDiamond(clip, im.white, float32(x*sc), float32(y*sc), float32(6*sc), mapview.ColourOf(a.Teach.Class))
		}
	}
	if m.Hover >= 0 {
		ring(m.Hover, pr+4, 2, white)
	}
	vector.StrokeRect(screen, float32(area.X*sc), float32(area.Y*sc), float32(area.W*sc), float32(area.H*sc), 1, padBorder, false)
	if pad := a.Layout.MapPad; pad.W > 0 {
		v.s.drawPad(screen, pad)
	}
	if v.export {
		v.export = false
		v.exportPNG(screen, area)
	}
}

// drawDiamond marks an example of a taught class: a diamond in its colour, outlined dark so a
// white one shows on light points too.
func drawDiamond(dst, src *ebiten.Image, cx, cy, r float32, c color.RGBA) {
	var path vector.Path
	path.MoveTo(cx, cy-r)
	path.LineTo(cx+r, cy)
	path.LineTo(cx, cy+r)
	path.LineTo(cx-r, cy)
	path.Close()
	drawPath(dst, src, &path, &vector.StrokeOptions{Width: r * 0.35, LineJoin: vector.LineJoinMiter}, padBackground)
	drawPath(dst, src, &path, nil, c)
}

// drawStar marks the visitor's drawing: a five-pointed star in its predicted class's colour
// with a white outline, larger than any point.
func drawStar(dst, src *ebiten.Image, cx, cy, r float32, c color.RGBA) {
	var path vector.Path
	for k := 0; k < 10; k++ {
		rad := r
		if k%2 == 1 {
			rad = r * 0.45
		}
		ang := -math.Pi/2 + float64(k)*math.Pi/5
		x, y := cx+rad*float32(math.Cos(ang)), cy+rad*float32(math.Sin(ang))
		if k == 0 {
			path.MoveTo(x, y)
		} else {
			path.LineTo(x, y)
		}
	}
	path.Close()
	stroke := &vector.StrokeOptions{Width: r * 0.22, LineJoin: vector.LineJoinRound}
	drawPath(dst, src, &path, stroke, white)
	drawPath(dst, src, &path, nil, c)
}

// drawPath fills or strokes a path in one colour (src is a white image).
func drawPath(dst, src *ebiten.Image, p *vector.Path, stroke *vector.StrokeOptions, c color.RGBA) {
	var vs []ebiten.Vertex
	var is []uint16
	if stroke != nil {
		vs, is = p.AppendVerticesAndIndicesForStroke(nil, nil, stroke)
	} else {
		vs, is = p.AppendVerticesAndIndicesForFilling(nil, nil)
	}
	for i := range vs {
		vs[i].SrcX, vs[i].SrcY = 1, 1
		vs[i].ColorR, vs[i].ColorG, vs[i].ColorB, vs[i].ColorA = float32(c.R)/255, float32(c.G)/255, float32(c.B)/255, 1
	}
	dst.DrawTriangles(vs, is, src, &ebiten.DrawTrianglesOptions{AntiAlias: true})
}

// drawCube outlines the 3D maps' bounding cube, so that turning them reads as turning.
func (v *mapStage) drawCube(screen *ebiten.Image, tr mapview.Transform) {
	sc := float32(v.s.scale)
	corner := func(c int) (float32, float32) {
		x, y, _ := tr.Apply(float64(c&1*2-1), float64(c>>1&1*2-1), float64(c>>2&1*2-1))
		return float32(x) * sc, float32(y) * sc
	}
	for c := 0; c < 8; c++ {
		for _, bit := range []int{1, 2, 4} {
			if c&bit == 0 {
				x0, y0 := corner(c)
				x1, y1 := corner(c | bit)
				vector.StrokeLine(screen, x0, y0, x1, y1, sc, cubeColour, true)
			}
		}
	}
}

// exportPNG reads the plot's pixels back and downloads them as a PNG.
func (v *mapStage) exportPNG(screen *ebiten.Image, area layout.Rect) {
	sc := v.s.scale
	r := image.Rect(int(area.X*sc), int(area.Y*sc), int((area.X+area.W)*sc), int((area.Y+area.H)*sc)).Intersect(screen.Bounds())
	sub := screen.SubImage(r).(*ebiten.Image)
	img := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	sub.ReadPixels(img.Pix)
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 0xff // the page behind a transparent stage is opaque too
	}
	go func() {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err == nil {
			download("lookbook-map.png", "image/png", buf.Bytes())
		}
	}()
}

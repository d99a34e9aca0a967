//go:build js && wasm

package main

import (
	"math"
	"syscall/js"

	"lookbook/wasm/share"
)

// mapPointers follows the pointers on the map: one drags (pans a 2D map, turns a 3D one;
// with Shift or the right button it pans), two pinch to zoom; a press and release that barely
// moved is a click, which pins the point under it. These are DOM pointer events on the
// stage's canvas rather than ebiten's polled input, so no click is missed between frames.
type mapPointers struct {
	down     map[int][2]float64 // pointer id → position
	travel   float64            // how far the pointer moved since it went down
	pinch    float64            // distance between two pointers at the last move
	panning  bool
	listener []js.Func
}

// installMapInput listens to pointer and wheel events on ebiten's canvas for the Map view.
func installMapInput(a *App) {
	canvas := js.Global().Get("document").Call("querySelector", "canvas")
	if !canvas.Truthy() {
		return
	}
	p := &mapPointers{down: map[int][2]float64{}}
	on := func(name string, fn func(e js.Value) bool) {
		f := js.FuncOf(func(this js.Value, args []js.Value) any {
			a.env.Lock()
			if fn(args[0]) {
				a.env.UnlockRender()
			} else {
				a.env.UnlockOnly()
			}
			return nil
		})
		p.listener = append(p.listener, f)
		canvas.Call("addEventListener", name, f)
	}
	active := func(x, y float64) bool {
		m := &a.Maps
		l := a.Layout
		return a.View == share.Map && m.Status == Ready && l.MapArea.Contains(x, y) && !l.MapPad.Contains(x, y)
	}
	on("pointerdown", func(e js.Value) bool {
		x, y := e.Get("clientX").Float(), e.Get("clientY").Float()
		if !active(x, y) {
			return false
		}
		if len(p.down) == 0 {
			p.travel = 0
		}
		p.down[e.Get("pointerId").Int()] = [2]float64{x, y}
		p.panning = e.Get("shiftKey").Bool() || e.Get("button").Int() == 2 || a.Maps.Projection.Dims() == 2
		canvas.Call("setPointerCapture", e.Get("pointerId"))
		p.pinch = p.spread()
		return false
	})
	on("pointermove", func(e js.Value) bool {
		m := &a.Maps
		x, y := e.Get("clientX").Float(), e.Get("clientY").Float()
		id := e.Get("pointerId").Int()
		last, pressed := p.down[id]
		if !pressed {
			return a.Maps.hoverAt(x, y)
		}
		p.down[id] = [2]float64{x, y}
		dx, dy := x-last[0], y-last[1]
		p.travel += math.Hypot(dx, dy)
		vp := m.viewport(a.Layout)
		switch {
		case len(p.down) >= 2:
			s := p.spread()
			if p.pinch > 0 && s > 0 {
				cx, cy := p.centre()
				m.Camera.ZoomAt(vp, cx, cy, s/p.pinch)
			}
			p.pinch = s
		case p.panning:
			m.Camera.Pan(vp, dx, dy)
		default:
			m.Camera.Turn(dx, dy)
		}
		m.changed()
		return m.Hover >= 0 && a.Maps.clearHover()
	})
	up := func(e js.Value) bool {
		id := e.Get("pointerId").Int()
		pos, pressed := p.down[id]
		if !pressed {
			return false
		}
		delete(p.down, id)
		p.pinch = p.spread()
		if len(p.down) == 0 && p.travel < 5 && e.Get("type").String() == "pointerup" {
			a.Maps.pinAt(a, pos[0], pos[1])
			return true
		}
		return false
	}
	on("pointerup", up)
	on("pointercancel", up)
	on("pointerleave", func(e js.Value) bool { return a.Maps.clearHover() })
	on("wheel", func(e js.Value) bool {
		x, y := e.Get("clientX").Float(), e.Get("clientY").Float()
		if !active(x, y) {
			return false
		}
		d := e.Get("deltaY").Float()
		if e.Get("deltaMode").Int() == 1 { // lines, not pixels (Firefox)
			d *= 16
		}
		a.Maps.Camera.ZoomAt(a.Maps.viewport(a.Layout), x, y, math.Exp(-d*0.0015))
		a.Maps.changed()
		return a.Maps.clearHover()
	})
}

func (p *mapPointers) spread() float64 {
	if len(p.down) < 2 {
		return 0
	}
	var pts [][2]float64
	for _, q := range p.down {
		pts = append(pts, q)
	}
	return math.Hypot(pts[0][0]-pts[1][0], pts[0][1]-pts[1][1])
}

func (p *mapPointers) centre() (float64, float64) {
	var x, y float64
	for _, q := range p.down {
		x, y = x+q[0], y+q[1]
	}
	return x / float64(len(p.down)), y / float64(len(p.down))
}

// hoverPixels is how near (CSS pixels) the pointer must be to a point to pick it.
const hoverPixels = 7

// hoverAt updates the point under the pointer; it reports whether the DOM must follow.
func (m *Maps) hoverAt(x, y float64) bool {
	a := m.app
	if a.View != share.Map || m.Status != Ready || !a.Layout.MapArea.Contains(x, y) || a.Layout.MapPad.Contains(x, y) {
		return m.clearHover()
	}
	i, t := m.picks.Pick(x, y, hoverPixels)
	if i == m.Hover {
		return false
	}
	m.Hover = i
	if i >= 0 { // the tooltip sits by the point, so it moves only when the point changes
		m.HoverX, m.HoverY = float64(m.picks.X[t]), float64(m.picks.Y[t])
	}
	m.changed()
	return true
}

func (m *Maps) clearHover() bool {
	if m.Hover < 0 {
		return false
	}
	m.Hover = -1
	m.changed()
	return true
}

// pinAt pins the point under a click, or unpins on empty space.
func (m *Maps) pinAt(a *App, x, y float64) {
	i, _ := m.picks.Pick(x, y, hoverPixels)
	if i == m.Pinned {
		i = -1
	}
	m.pin(i)
}

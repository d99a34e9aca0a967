package layout

import (
	"fmt"
	"testing"

	"lookbook/wasm/share"
)

func (r Rect) inside(o Rect) bool {
	return r.X >= o.X-1e-9 && r.Y >= o.Y-1e-9 && r.X+r.W <= o.X+o.W+1e-9 && r.Y+r.H <= o.Y+o.H+1e-9
}

func (r Rect) overlaps(o Rect) bool {
	return r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H
}

// TestLayout checks, for desktop and phone windows, that each view's regions lie below the
// header and inside the window, that regions of a view never cover each other (except the
// insets meant to: the model's view in the phone's pad, the map's pad in the map), and that
// the drawing pads are square.
func TestLayout(t *testing.T) {
	for _, size := range [][2]float64{{1280, 800}, {1920, 1080}, {1000, 700}, {390, 844}, {360, 640}} {
		l := Compute(size[0], size[1])
		t.Run(fmt.Sprintf("%gx%g", size[0], size[1]), func(t *testing.T) {
			if l.Wide != (size[0] >= 860) {
				t.Errorf("Wide = %v for a %g-pixel-wide window", l.Wide, size[0])
			}
			page := Rect{0, TopBar, size[0], size[1] - TopBar}
			views := map[string]map[string]Rect{
				"classify": {"pad": l.Pad, "panel": l.Panel},
				"map":      {"area": l.MapArea, "panel": l.MapPanel},
				"faces":    {"gallery": l.Gallery, "preview": l.Preview, "strip": l.Strip, "samples": l.Samples, "own": l.Own},
			}
			for view, regions := range views {
				for name, r := range regions {
					if r.W <= 0 || r.H <= 0 {
						t.Errorf("%s %s is empty: %+v", view, name, r)
					}
					if name != "panel" && !r.inside(page) { // panels scroll inside themselves
						t.Errorf("%s %s %+v leaves the page %+v", view, name, r, page)
					}
					for other, o := range regions {
						if name < other && r.overlaps(o) {
							t.Errorf("%s: %s %+v and %s %+v overlap", view, name, r, other, o)
						}
					}
				}
			}
			if !l.MapPad.inside(l.MapArea) || !l.ModelView.inside(page) || !l.Cutout.inside(l.Pad) {
				t.Errorf("insets misplaced: map pad %+v in %+v, model view %+v, cut-out %+v in %+v", l.MapPad, l.MapArea, l.ModelView, l.Cutout, l.Pad)
			}
			for _, p := range []Rect{l.Pad, l.MapPad} {
				if p.W != p.H {
					t.Errorf("pad %+v is not square", p)
				}
			}
			if l.PadFor(share.Map) != l.MapPad || l.PadFor(share.Classify) != l.Pad {
				t.Error("PadFor picks the wrong pad")
			}
		})
	}
}

func TestRect(t *testing.T) {
	r := Rect{10, 20, 30, 40}
	for _, c := range []struct {
		x, y float64
		in   bool
	}{{10, 20, true}, {39.9, 59.9, true}, {40, 30, false}, {9.9, 30, false}, {20, 60, false}} {
		if got := r.Contains(c.x, c.y); got != c.in {
			t.Errorf("Contains(%g, %g) = %v, want %v", c.x, c.y, got, c.in)
		}
	}
	if got, want := r.CSS(), "left:10px;top:20px;width:30px;height:40px"; got != want {
		t.Errorf("CSS() = %q, want %q", got, want)
	}
}

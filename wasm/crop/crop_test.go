package crop

import (
	"image"
	"testing"
)

func TestCentre(t *testing.T) {
	for _, c := range []struct {
		photo image.Point
		want  image.Rectangle
	}{
		{image.Pt(300, 150), image.Rect(75, 0, 225, 150)},
		{image.Pt(150, 301), image.Rect(0, 75, 150, 225)},
		{image.Pt(64, 64), image.Rect(0, 0, 64, 64)},
		{image.Pt(20, 10), image.Rect(5, 0, 15, 10)},
	} {
		if got := Centre(c.photo); got != c.want {
			t.Errorf("Centre(%v) = %v, want %v", c.photo, got, c.want)
		}
	}
}

func TestMove(t *testing.T) {
	photo := image.Pt(300, 200)
	box := image.Rect(100, 50, 200, 150)
	for _, c := range []struct {
		name       string
		dx, dy, ds int
		want       image.Rectangle
	}{
		{"move", 10, -20, 0, image.Rect(110, 30, 210, 130)},
		{"against the left edge", -500, 0, 0, image.Rect(0, 50, 100, 150)},
		{"against the bottom-right corner", 500, 500, 0, image.Rect(200, 100, 300, 200)},
		{"grow", 0, 0, 30, image.Rect(100, 50, 230, 180)},
		{"grow past the photo: the shorter side, moved inside", 0, 0, 1000, image.Rect(100, 0, 300, 200)},
		{"shrink to the minimum", 0, 0, -1000, image.Rect(100, 50, 100+MinSide, 50+MinSide)},
	} {
		if got := Move(box, photo, c.dx, c.dy, c.ds); got != c.want {
			t.Errorf("%s: Move = %v, want %v", c.name, got, c.want)
		}
	}
	// A photo smaller than the minimum keeps the box inside it.
	if got, want := Move(image.Rect(0, 0, 20, 20), image.Pt(20, 30), 0, 5, 0), image.Rect(0, 5, 20, 25); got != want {
		t.Errorf("small photo: Move = %v, want %v", got, want)
	}
}

func TestDragCarriesFractions(t *testing.T) {
	var d Drag
	if dx, dy, ds := d.Follow(50, 50, 2); dx != 0 || dy != 0 || ds != 0 {
		t.Fatal("an inactive drag moved the box")
	}
	d.Start(10, 10, false)
	// At 4 CSS pixels a photo pixel, five moves of 1 CSS pixel make one photo pixel.
	var total int
	for k := 1; k <= 5; k++ {
		dx, dy, _ := d.Follow(10+float64(k), 10, 4)
		total += dx
		if dy != 0 {
			t.Fatalf("dy = %d for a horizontal drag", dy)
		}
	}
	if total != 1 {
		t.Errorf("five quarter-pixel moves gave %d photo pixels, want 1", total)
	}
	d.Start(0, 0, true)
	if _, _, ds := d.Follow(8, 20, 2); ds != 10 {
		t.Errorf("resize grew by %d, want the larger of 4 and 10", ds)
	}
	d.End()
	if dx, _, ds := d.Follow(100, 100, 1); dx != 0 || ds != 0 {
		t.Error("an ended drag moved the box")
	}
}

func TestKey(t *testing.T) {
	box := image.Rect(100, 50, 200, 150) // side 100: steps of 10
	for _, c := range []struct {
		key        string
		dx, dy, ds int
		ok         bool
	}{
		{"ArrowLeft", -10, 0, 0, true},
		{"ArrowRight", 10, 0, 0, true},
		{"ArrowUp", 0, -10, 0, true},
		{"ArrowDown", 0, 10, 0, true},
		{"+", 0, 0, 10, true},
		{"=", 0, 0, 10, true},
		{"-", 0, 0, -10, true},
		{"Tab", 0, 0, 0, false},
		{"a", 0, 0, 0, false},
	} {
		dx, dy, ds, ok := Key(c.key, box)
		if dx != c.dx || dy != c.dy || ds != c.ds || ok != c.ok {
			t.Errorf("Key(%q) = %d, %d, %d, %v; want %d, %d, %d, %v", c.key, dx, dy, ds, ok, c.dx, c.dy, c.ds, c.ok)
		}
	}
	if dx, _, _, _ := Key("ArrowRight", image.Rect(0, 0, 5, 5)); dx != 1 {
		t.Errorf("a small box moves by %d, want at least 1 pixel", dx)
	}
}

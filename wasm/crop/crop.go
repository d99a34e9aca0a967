// Package crop is the Faces view's crop box without the browser: a square inside a photo,
// placed in its centre at first, then moved and resized by a pointer whose movement arrives in
// CSS pixels while the box lives in photo pixels.
package crop

import "image"

// MinSide is the smallest box, in photo pixels: below 32 the face would be upscaled.
const MinSide = 32

// Centre is the largest square in the middle of a photo of the given size.
func Centre(photo image.Point) image.Rectangle {
	side := min(photo.X, photo.Y)
	x, y := (photo.X-side)/2, (photo.Y-side)/2
	return image.Rect(x, y, x+side, y+side)
}

// Move returns box moved by (dx, dy) and grown by ds photo pixels, kept a square of at least
// MinSide (or the photo's shorter side, if smaller) inside a photo of the given size.
func Move(box image.Rectangle, photo image.Point, dx, dy, ds int) image.Rectangle {
	side := min(max(box.Dx()+ds, MinSide), photo.X, photo.Y)
	x := min(max(box.Min.X+dx, 0), photo.X-side)
	y := min(max(box.Min.Y+dy, 0), photo.Y-side)
	return image.Rect(x, y, x+side, y+side)
}

// Drag follows a pointer that holds the box: it turns pointer movement in CSS pixels into
// whole photo pixels, carrying the fractions over so that slow drags still move the box.
type Drag struct {
	Active, Resize bool
	x, y           float64 // the last pointer position, CSS pixels
	carryX, carryY float64 // movement not applied yet, photo pixels
}

// Start begins a drag at (x, y); resize says the corner handle was taken.
func (d *Drag) Start(x, y float64, resize bool) {
	*d = Drag{Active: true, Resize: resize, x: x, y: y}
}

// Follow takes the pointer at (x, y), scale CSS pixels to a photo pixel, and returns what to
// apply with Move: a move (dx, dy), or when resizing a growth ds. It returns zeros when no
// drag is active.
func (d *Drag) Follow(x, y, scale float64) (dx, dy, ds int) {
	if !d.Active || scale <= 0 {
		return 0, 0, 0
	}
	d.carryX += (x - d.x) / scale
	d.carryY += (y - d.y) / scale
	d.x, d.y = x, y
	dx, dy = int(d.carryX), int(d.carryY)
	d.carryX -= float64(dx)
	d.carryY -= float64(dy)
	if d.Resize {
		return 0, 0, max(dx, dy)
	}
	return dx, dy, 0
}

// End stops the drag.
func (d *Drag) End() { d.Active = false }

// Key turns a key pressed on the crop box into a move for Move, so that the box works without a
// pointer: the arrows move it by a tenth of its side, + and − grow or shrink it by as much.
func Key(key string, box image.Rectangle) (dx, dy, ds int, ok bool) {
	step := max(1, box.Dx()/10)
	switch key {
	case "ArrowLeft":
		return -step, 0, 0, true
	case "ArrowRight":
		return step, 0, 0, true
	case "ArrowUp":
		return 0, -step, 0, true
	case "ArrowDown":
		return 0, step, 0, true
	case "+", "=":
		return 0, 0, step, true
	case "-", "_":
		return 0, 0, -step, true
	}
	return 0, 0, 0, false
}

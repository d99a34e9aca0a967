package prep

import (
	"errors"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// floorPhoto draws garments (filled by inside) over a grainy wooden floor, with a darker wall
// along the top, the way a phone photo of a garment on the floor looks.
func floorPhoto(w, h int, inside func(x, y int) bool, garment color.RGBA, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			grain := uint8(rng.IntN(24)) + uint8(8*((x/7)%2)) // noise and planks
			c := color.RGBA{170 + grain, 125 + grain, 80 + grain/2, 255}
			if y < h/8 {
				c = color.RGBA{90 + grain, 90 + grain, 100 + grain, 255}
			}
			if inside(x, y) {
				c = garment
				c.R += uint8(rng.IntN(10))
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// tShirt is a T on its side: a body and two sleeves, centred in w×h.
func tShirt(w, h int) func(x, y int) bool {
	return func(x, y int) bool {
		body := x > w*35/100 && x < w*65/100 && y > h*30/100 && y < h*85/100
		sleeves := x > w*20/100 && x < w*80/100 && y > h*30/100 && y < h*45/100
		return body || sleeves
	}
}

// twoShoes is a pair seen from above: two separate ovals.
func twoShoes(w, h int) func(x, y int) bool {
	oval := func(x, y, cx, cy int) bool {
		dx, dy := float64(x-cx)/float64(w/10), float64(y-cy)/float64(h/4)
		return dx*dx+dy*dy < 1
	}
	return func(x, y int) bool { return oval(x, y, w*35/100, h/2) || oval(x, y, w*65/100, h/2) }
}

// maskAgreement is the intersection over union of the cut-out and the truth.
func maskAgreement(c *Cutout, inside func(x, y int) bool, w, h int) float64 {
	cw, ch := c.Image.Rect.Dx(), c.Image.Rect.Dy()
	var both, either int
	for y := range ch {
		for x := range cw {
			truth := inside(x*w/cw, y*h/ch)
			got := c.Mask[y*cw+x]
			if truth && got {
				both++
			}
			if truth || got {
				either++
			}
		}
	}
	return float64(both) / float64(max(either, 1))
}

func TestPreparePhotoCutsTheGarmentOut(t *testing.T) {
	const w, h = 400, 300
	for _, tc := range []struct {
		name    string
		inside  func(x, y int) bool
		garment color.RGBA
		parts   int
	}{
		{"a red t-shirt", tShirt(w, h), color.RGBA{200, 30, 40, 255}, 1},
		{"a white t-shirt", tShirt(w, h), color.RGBA{240, 240, 235, 255}, 1},
		{"a pair of dark shoes", twoShoes(w, h), color.RGBA{30, 30, 35, 255}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, c, err := PreparePhoto(floorPhoto(w, h, tc.inside, tc.garment, 7))
			if err != nil {
				t.Fatal(err)
			}
			if !c.Found {
				t.Fatal("no garment found")
			}
			if iou := maskAgreement(c, tc.inside, w, h); iou < 0.85 {
				t.Errorf("cut-out agrees with the garment at IoU %.2f, want ≥ 0.85", iou)
			}
			cw := c.Image.Rect.Dx()
			if parts := len(componentAreas(c.Mask, cw, c.Image.Rect.Dy())); parts != tc.parts {
				t.Errorf("%d parts kept, want %d", parts, tc.parts)
			}
			// The floor is gone: the view's top and bottom rows are black, the garment light.
			var edge, lit int
			for i := range Side {
				edge = max(edge, int(r.View[i]), int(r.View[(Side-1)*Side+i]))
			}
			for _, v := range r.View {
				if v >= 60 {
					lit++
				}
			}
			if edge > 0 || lit < Side*Side/5 {
				t.Errorf("view: brightest top or bottom pixel %d (want 0), %d pixels lit (want a fifth of the view)", edge, lit)
			}
		})
	}
}

// TestCutPhotoFromARectangleToo: a garment that fills the frame, reaching three sides, has
// its colour along the border, so the first cut (from the border's colours) takes it for
// background; the second, GrabCut's from a rectangle, finds it. The first cut is always
// PreparePhoto's.
func TestCutPhotoFromARectangleToo(t *testing.T) {
	const w, h = 400, 300
	fills := func(x, y int) bool { return x > w*2/100 && x < w*98/100 && y > h*20/100 }
	img := floorPhoto(w, h, fills, color.RGBA{200, 30, 40, 255}, 7)
	cuts, err := CutPhoto(img)
	if err != nil {
		t.Fatal(err)
	}
	if len(cuts) != 2 {
		t.Fatalf("%d cuts, want 2", len(cuts))
	}
	r, c, err := PreparePhoto(img)
	if err != nil || r != cuts[0].Result || !slices.Equal(c.Mask, cuts[0].Cutout.Mask) {
		t.Errorf("the first cut is not PreparePhoto's (error %v)", err)
	}
	first, second := maskAgreement(cuts[0].Cutout, fills, w, h), maskAgreement(cuts[1].Cutout, fills, w, h)
	if first > 0.5 || second < 0.85 || !cuts[1].Cutout.Found {
		t.Errorf("the garment filling the frame: IoU %.2f from the border (want < 0.5), %.2f from the rectangle (want ≥ 0.85)", first, second)
	}
	// A product shot on white has nothing to cut away: one cut, the whole picture.
	shot := image.NewRGBA(image.Rect(0, 0, 80, 80))
	for i := range shot.Pix {
		shot.Pix[i] = 255
	}
	for y := 20; y < 60; y++ {
		for x := 25; x < 55; x++ {
			shot.SetRGBA(x, y, color.RGBA{40, 60, 120, 255})
		}
	}
	if cuts, err := CutPhoto(shot); err != nil || len(cuts) != 1 || cuts[0].Cutout.Found {
		t.Errorf("a product shot: %d cuts (want 1, the whole picture), error %v", len(cuts), err)
	}
}

// TestChooseTakesTheSurestCut: Choose keeps the cut the classifier is surest of, each cut
// out of a photo as it is or mirrored, the first of equally sure ones; a picture with nothing
// cut out of it is taken as it is, without asking.
func TestChooseTakesTheSurestCut(t *testing.T) {
	cuts := make([]Cut, 3)
	for k := range cuts {
		cuts[k].Input[0] = float32(k + 1) // the mirror image has it at the other end of the row
		cuts[k].View[0] = byte(k + 1)
		cuts[k].Cutout = &Cutout{Found: true}
	}
	// conf[2k] rates cut k, conf[2k+1] its mirror image.
	sureOf := func(conf ...float64) func([]float32) float64 {
		return func(x []float32) float64 {
			if x[0] != 0 {
				return conf[2*int(x[0]-1)]
			}
			return conf[2*int(x[Padded-1]-1)+1]
		}
	}
	for _, tc := range []struct {
		conf     []float64
		cut      int
		mirrored bool
	}{
		{[]float64{0.9, 0.5, 0.5, 0.2, 0.2, 0.1}, 0, false},
		{[]float64{0.3, 0.3, 0.8, 0.5, 0.5, 0.4}, 1, false},
		{[]float64{0.3, 0.3, 0.3, 0.3, 0.4, 0.1}, 2, false},
		{[]float64{0.6, 0.6, 0.6, 0.1, 0.1, 0.1}, 0, false},
		{[]float64{0.3, 0.9, 0.5, 0.5, 0.2, 0.2}, 0, true},
		{[]float64{0.3, 0.3, 0.3, 0.3, 0.4, 0.7}, 2, true},
	} {
		got := Choose(cuts, sureOf(tc.conf...))
		cut, mirrored := int(got.Input[0])-1, got.Input[0] == 0
		if mirrored {
			cut = int(got.Input[Padded-1]) - 1
		}
		if cut != tc.cut || mirrored != tc.mirrored || got.Mirrored != mirrored || got.Cutout != cuts[tc.cut].Cutout {
			t.Errorf("confidences %v: chose cut %d (mirrored %v), want %d (mirrored %v)", tc.conf, cut, mirrored, tc.cut, tc.mirrored)
		}
		if want := byte(tc.cut + 1); mirrored && got.View[Side-1] != want || !mirrored && got.View[0] != want {
			t.Errorf("confidences %v: the view does not match the model's input", tc.conf)
		}
	}
	asked := false
	whole := []Cut{{Result: cuts[0].Result, Cutout: &Cutout{}}}
	if got := Choose(whole, func([]float32) float64 { asked = true; return 0 }); asked || got.Input != cuts[0].Input {
		t.Error("Choose asked about a picture with nothing cut out, or changed it")
	}
	uncut := []Cut{whole[0], {Result: cuts[1].Result, Cutout: &Cutout{Found: true}}}
	for _, tc := range []struct {
		conf []float64 // the uncut picture, the cut, its mirror image
		want float32   // Input[0] of the answer: 1 the uncut picture, 2 the cut, 0 its mirror image
	}{{[]float64{0.9, 0.5, 0.5}, 1}, {[]float64{0.5, 0.9, 0.5}, 2}, {[]float64{0.5, 0.6, 0.7}, 0}} {
		i := 0
		got := Choose(uncut, func([]float32) float64 { i++; return tc.conf[i-1] })
		if i != 3 || got.Input[0] != tc.want {
			t.Errorf("confidences %v: asked %d times, chose %v, want 3 and %v (the uncut picture is not mirrored)", tc.conf, i, got.Input[0], tc.want)
		}
	}
}

// TestMirroredSwapsLeftAndRight: a mirrored result is the view and input reversed row by
// row, framed so that each view column still maps to the picture column it came from, and
// mirroring twice gives the result back.
func TestMirroredSwapsLeftAndRight(t *testing.T) {
	r := Result{Frame: Frame{W: 100, H: 80, X0: 10, Y0: 5, StepX: 3, StepY: 3, OX: 2, OY: 1}}
	for i := range r.View {
		r.View[i] = byte(i * 7)
	}
	for i := range r.Input {
		r.Input[i] = float32(i)
	}
	m := r.Mirrored()
	if m.View[5*Side+3] != r.View[5*Side+Side-1-3] || m.Input[7*Padded+4] != r.Input[7*Padded+Padded-1-4] {
		t.Error("the view or the input is not reversed row by row")
	}
	for x := 0; x < Side; x++ {
		// The centre of view column x in the picture, both ways.
		px := r.Frame.X0 + (float64(Side-1-x)+0.5-float64(r.Frame.OX))*r.Frame.StepX
		if vx, _ := m.Frame.ToView(px, 20); math.Abs(vx-(float64(x)+0.5)) > 1e-9 {
			t.Errorf("mirrored column %d maps back to %g", x, vx)
		}
	}
	if twice := m.Mirrored(); twice != r {
		t.Error("mirroring twice changed the result")
	}
}

// componentAreas lists the areas of mask's 8-connected parts.
func componentAreas(mask []bool, w, h int) []int {
	kept := keepLargeParts(mask, w, h) // keeps every part of a mask whose parts are alike
	seen := make([]bool, len(kept))
	var areas []int
	for start, in := range kept {
		if !in || seen[start] {
			continue
		}
		n, stack := 0, []int{start}
		seen[start] = true
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n++
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					x, y := i%w+dx, i/w+dy
					if j := y*w + x; x >= 0 && y >= 0 && x < w && y < h && kept[j] && !seen[j] {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		areas = append(areas, n)
	}
	return areas
}

// TestPreparePhotoKeepsDrawingsAndProductShots: a picture without a background to cut away
// (a drawing on white) still gives the garment, and a blank one is refused as before.
func TestPreparePhotoKeepsDrawingsAndProductShots(t *testing.T) {
	drawing := image.NewRGBA(image.Rect(0, 0, 100, 100))
	for i := range drawing.Pix {
		drawing.Pix[i] = 255
	}
	for y := 20; y < 80; y++ { // trousers: two dark legs
		for x := 30; x < 70; x++ {
			if x < 47 || x > 53 || y < 35 {
				drawing.SetRGBA(x, y, color.RGBA{20, 20, 20, 255})
			}
		}
	}
	r, _, err := PreparePhoto(drawing)
	if err != nil {
		t.Fatal(err)
	}
	var lit int
	for _, v := range r.View {
		if v > 128 {
			lit++
		}
	}
	if lit < 100 {
		t.Errorf("the drawing left %d bright pixels in the view, want the trousers", lit)
	}
	// A Fashion-MNIST image (a light garment on black, reaching the top and bottom edges) is
	// prepared exactly as Prepare prepares it: no cut-out, no negation.
	fmnist := image.NewGray(image.Rect(0, 0, 28, 28))
	for y := range 28 {
		for x := 9; x < 19; x++ {
			if x < 13 || x > 15 || y < 8 {
				fmnist.SetGray(x, y, color.Gray{uint8(150 + 3*y)})
			}
		}
	}
	got, cut, err := PreparePhoto(fmnist)
	want, wantErr := Prepare(FromImage(fmnist))
	if err != nil || wantErr != nil || cut.Found || got != want {
		t.Errorf("a Fashion-MNIST image: cut out %v, same as Prepare %v (errors %v, %v)", cut.Found, got == want, err, wantErr)
	}
	blank := image.NewRGBA(image.Rect(0, 0, 50, 50))
	for i := range blank.Pix {
		blank.Pix[i] = 200
	}
	if _, _, err := PreparePhoto(blank); !errors.Is(err, ErrBlank) {
		t.Errorf("blank picture: got %v, want ErrBlank", err)
	}
	if _, _, err := PrepareFile([]byte("GIF89a not really")); err == nil {
		t.Error("a damaged file was accepted")
	}
}

// BenchmarkPreparePhoto: a 256×192 photo (the size the page hands Go) cut out and prepared.
func BenchmarkPreparePhoto(b *testing.B) {
	img := floorPhoto(256, 192, tShirt(256, 192), color.RGBA{200, 30, 40, 255}, 7)
	for b.Loop() {
		if _, _, err := PreparePhoto(img); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCutPhoto: the same photo cut both ways, as the page cuts an upload.
func BenchmarkCutPhoto(b *testing.B) {
	img := floorPhoto(256, 192, tShirt(256, 192), color.RGBA{200, 30, 40, 255}, 7)
	for b.Loop() {
		if _, err := CutPhoto(img); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCutPhotoOddPictures: pictures of odd shapes and contents give cuts with inputs in
// [0, 1], or ErrBlank, and never fail otherwise.
func TestCutPhotoOddPictures(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	filled := func(w, h int, colour func(x, y int) color.RGBA) *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				img.SetRGBA(x, y, colour(x, y))
			}
		}
		return img
	}
	noise := func(x, y int) color.RGBA {
		return color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
	}
	checks := func(x, y int) color.RGBA {
		if (x/3+y/3)%2 == 0 {
			return color.RGBA{20, 20, 20, 255}
		}
		return color.RGBA{230, 230, 230, 255}
	}
	black := func(x, y int) color.RGBA { return color.RGBA{0, 0, 0, 255} }
	for _, tc := range []struct {
		name string
		img  image.Image
	}{
		{"1×1", filled(1, 1, noise)},
		{"a row of 900", filled(900, 1, noise)},
		{"a column of 900", filled(1, 900, noise)},
		{"2×2 noise", filled(2, 2, noise)},
		{"3×700 noise", filled(3, 700, noise)},
		{"noise", filled(200, 150, noise)},
		{"a checkerboard", filled(120, 90, checks)},
		{"black", filled(64, 64, black)},
		{"a garment filling it all", filled(80, 60, func(x, y int) color.RGBA { return color.RGBA{200, 30, 40, 255} })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cuts, err := CutPhoto(tc.img)
			if errors.Is(err, ErrBlank) {
				return
			}
			if err != nil || len(cuts) == 0 || len(cuts) > 2 {
				t.Fatalf("%d cuts, error %v", len(cuts), err)
			}
			for k, c := range cuts {
				for _, v := range c.Input {
					if !(v >= 0 && v <= 1) {
						t.Fatalf("cut %d: an input of %v", k, v)
					}
				}
			}
		})
	}
}

package drawings

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"lookbook/ml/dataset"
	"lookbook/ml/pad"
	"lookbook/ml/prep"
)

// rect returns a 28×28 image with a filled w×h rectangle at (x0, y0).
func rect(x0, y0, w, h int) []byte {
	img := make([]byte, side*side)
	for y := y0; y < y0+h; y++ {
		for x := x0; x < x0+w; x++ {
			img[y*side+x] = 200
		}
	}
	return img
}

func TestContours(t *testing.T) {
	ring := rect(4, 4, 20, 20)
	for y := 10; y < 18; y++ {
		for x := 10; x < 18; x++ {
			ring[y*side+x] = 0
		}
	}
	two := rect(2, 2, 5, 5)
	copy(two[15*side:], rect(15, 0, 6, 6)[:6*side]) // a second square, rows 15–20
	for _, tc := range []struct {
		name      string
		img       []byte
		perimeter []float64 // of each contour, in order of length
	}{
		{"empty", make([]byte, side*side), nil},
		{"square", rect(4, 6, 10, 10), []float64{40}},
		{"pixel", rect(9, 9, 1, 1), []float64{2 * math.Sqrt2}},
		{"ring", ring, []float64{32, 80}},
		{"two squares", two, []float64{20, 24}},
		{"touching the border", rect(0, 0, side, 5), []float64{2*side + 10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := Contours(tc.img, side, side, 100)
			if len(lines) != len(tc.perimeter) {
				t.Fatalf("got %d contours, want %d", len(lines), len(tc.perimeter))
			}
			var got []float64
			for _, l := range lines {
				got = append(got, Length(l))
			}
			slices.Sort(got)
			for i, want := range tc.perimeter {
				// Marching squares cuts each corner by half a pixel: (2-√2)/2 per corner.
				corners := 4.0
				if tc.name == "pixel" {
					corners = 0
				}
				want -= corners * (2 - math.Sqrt2) / 2
				if math.Abs(got[i]-want) > 1e-9 {
					t.Errorf("contour %d: perimeter %.4f, want %.4f", i, got[i], want)
				}
			}
		})
	}
}

func TestSimplify(t *testing.T) {
	// A staircase along the diagonal becomes its two ends; a right angle keeps its corner.
	var stairs []Vec
	for i := 0; i < 10; i++ {
		stairs = append(stairs, Vec{float64(i), float64(i)}, Vec{float64(i + 1), float64(i)})
	}
	if got := Simplify(stairs, 1); len(got) != 2 {
		t.Errorf("staircase: kept %d points, want 2: %v", len(got), got)
	}
	corner := []Vec{{0, 0}, {5, 0}, {10, 0}, {10, 5}, {10, 10}}
	got := Simplify(corner, 0.5)
	want := []Vec{{0, 0}, {10, 0}, {10, 10}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("corner: got %v, want %v", got, want)
	}
}

// TestBenchmarkDeterministic builds the sets twice from a small generated data set and
// expects the same bytes, every drawing non-blank, and labels carried through.
func TestBenchmarkDeterministic(t *testing.T) {
	data := &dataset.Fashion{}
	for i := 0; i < 6; i++ {
		data.Pixels = append(data.Pixels, rect(3+i, 2, 12+i, 20-i)...)
		data.Labels = append(data.Labels, byte(i))
	}
	a, err := Benchmark(data, 6)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Benchmark(data, 6)
	for k := range a {
		if string(a[k].Data.Pixels) != string(b[k].Data.Pixels) {
			t.Errorf("%s: two builds differ", a[k].Name)
		}
	}
	outlines := a[0].Data
	if outlines.Len() != 6*len(BenchBrushes) {
		t.Fatalf("outlines: %d drawings, want %d", outlines.Len(), 6*len(BenchBrushes))
	}
	for i := 0; i < outlines.Len(); i++ {
		if want := byte(i / len(BenchBrushes)); outlines.Labels[i] != want {
			t.Errorf("outline %d: label %d, want %d", i, outlines.Labels[i], want)
		}
		var peak byte
		for _, v := range outlines.Pixels[i*784 : (i+1)*784] {
			peak = max(peak, v)
		}
		if peak != 255 {
			t.Errorf("outline %d: peak %d, want 255 (prep normalises drawings)", i, peak)
		}
	}
}

// TestOutlineIsHollow checks that an outline of a filled square is drawn as its boundary:
// the middle of the prepared drawing stays dark, and the silhouette's is lit.
func TestOutlineIsHollow(t *testing.T) {
	img := rect(4, 4, 20, 20)
	strokes := Outline(img, BenchStyle(1), rand.New(rand.NewPCG(1, 2)))
	r, err := prep.Prepare(pad.Render(nil, strokes))
	if err != nil {
		t.Fatal(err)
	}
	if v := r.View[14*side+14]; v != 0 {
		t.Errorf("outline: middle pixel %d, want 0", v)
	}
	s, err := prep.Prepare(Silhouette(img, 0.8, 0))
	if err != nil {
		t.Fatal(err)
	}
	if v := s.View[14*side+14]; v != 255 {
		t.Errorf("silhouette: middle pixel %d, want 255", v)
	}
}

func TestFillSmallHoles(t *testing.T) {
	img := rect(2, 2, 20, 20)
	img[10*side+10] = 0       // a speck of print: filled
	for y := 5; y < 15; y++ { // a real opening of 10×3 pixels: kept
		for x := 5; x < 8; x++ {
			img[y*side+x] = 0
		}
	}
	mask := fillSmallHoles(img, 100, 6)
	if !mask[10*side+10] {
		t.Error("a one-pixel hole was not filled")
	}
	if mask[6*side+6] {
		t.Error("a 30-pixel opening was filled")
	}
}

func TestAugmentIsDeterministic(t *testing.T) {
	img := rect(6, 3, 14, 22)
	for seed := uint64(0); seed < 20; seed++ {
		a, okA := Augment(img, rand.New(rand.NewPCG(seed, 0)))
		b, okB := Augment(img, rand.New(rand.NewPCG(seed, 0)))
		if !okA || !okB || a != b {
			t.Fatalf("seed %d: two augmentations differ or failed (%v, %v)", seed, okA, okB)
		}
	}
}

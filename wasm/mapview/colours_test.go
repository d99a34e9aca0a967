package mapview

import (
	"image/color"
	"testing"

	"github.com/lucasb-eyer/go-colorful"
)

// colourVision simulates full dichromacy in linear RGB with the matrices of Machado, Oliveira
// and Fernandes, "A Physiologically-based Model for Simulation of Color Vision Deficiency"
// (IEEE TVCG 2009), severity 1.0: the model Chromium's DevTools and most simulators use.
var colourVision = []struct {
	name string
	m    [3][3]float64
}{
	{"normal vision", [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}},
	{"protanopia", [3][3]float64{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}},
	{"deuteranopia", [3][3]float64{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}},
	{"tritanopia", [3][3]float64{{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}}},
}

func simulate(c color.RGBA, m [3][3]float64) colorful.Color {
	r, g, b := colorful.Color{R: float64(c.R) / 255, G: float64(c.G) / 255, B: float64(c.B) / 255}.LinearRgb()
	in := [3]float64{r, g, b}
	var out [3]float64
	for i := range out {
		out[i] = min(1, max(0, m[i][0]*in[0]+m[i][1]*in[1]+m[i][2]*in[2]))
	}
	return colorful.LinearRgb(out[0], out[1], out[2])
}

func TestClassColoursStayApartUnderColourBlindness(t *testing.T) {
	const minDeltaE = 12 // CIEDE2000; about 2.3 is a just noticeable difference
	for _, v := range colourVision {
		worst, wi, wj := 1e9, 0, 0
		for i := range ClassColours {
			for j := i + 1; j < len(ClassColours); j++ {
				d := simulate(ClassColours[i], v.m).DistanceCIEDE2000(simulate(ClassColours[j], v.m)) * 100
				if d < worst {
					worst, wi, wj = d, i, j
				}
			}
		}
		t.Logf("%s: closest pair %d and %d, ΔE2000 %.1f", v.name, wi, wj, worst)
		if worst < minDeltaE {
			t.Errorf("%s: classes %d and %d are only ΔE2000 %.1f apart, want ≥ %d", v.name, wi, wj, worst, minDeltaE)
		}
	}
}

// TestClassColoursStandOutFromTheBackground asks WCAG's 3:1 contrast for graphics against the
// page's background (#0f1117).
func TestClassColoursStandOutFromTheBackground(t *testing.T) {
	luminance := func(c color.RGBA) float64 {
		r, g, b := colorful.Color{R: float64(c.R) / 255, G: float64(c.G) / 255, B: float64(c.B) / 255}.LinearRgb()
		return 0.2126*r + 0.7152*g + 0.0722*b
	}
	bg := luminance(color.RGBA{0x0f, 0x11, 0x17, 0xff})
	for i, c := range ClassColours {
		if ratio := (luminance(c) + 0.05) / (bg + 0.05); ratio < 3 {
			t.Errorf("class %d: contrast %.1f:1 against the background, want ≥ 3:1", i, ratio)
		}
	}
}

package chart

import (
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
)

// TestSVGIsWellFormed: charts with data, without, with odd values and with names that need
// escaping are all valid XML with one polyline per drawable series.
func TestSVGIsWellFormed(t *testing.T) {
	for name, c := range map[string]Chart{
		"empty":     {Width: 300, Height: 160},
		"one point": {Width: 300, Height: 160, Series: []Series{{Name: "a", Colour: "#fff", Points: [][2]float64{{1, 2}}}}},
		"two series, log": {Width: 400, Height: 200, LogY: true, XLabel: "step", YLabel: "loss", Series: []Series{
			{Name: "BatchNorm <on>", Colour: "#7cc4ff", Points: [][2]float64{{1, 2.3}, {2, 1.1}, {3, 0.4}}},
			{Name: "off & slow", Colour: "#b794ff", Dashed: true, Points: [][2]float64{{1, 2.3}, {2, math.NaN()}, {3, 2}}}}},
		"fixed range": {Width: 300, Height: 160, YMin: 0, YMax: 1, Series: []Series{{Name: "acc", Colour: "#fff", Dots: true, Points: [][2]float64{{1, 0.8}, {2, 0.9}}}}},
	} {
		svg := c.SVG()
		d := xml.NewDecoder(strings.NewReader(svg))
		lines := 0
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not well-formed: %v\n%s", name, err, svg)
			}
			if s, ok := tok.(xml.StartElement); ok && s.Name.Local == "polyline" {
				lines++
			}
		}
		want := 0
		for _, s := range c.Series {
			if len(s.Points) > 1 {
				want++
			}
		}
		if lines != want {
			t.Errorf("%s: %d lines, want %d", name, lines, want)
		}
	}
}

func TestTicksAreRound(t *testing.T) {
	got := ticks(0.05, 0.93, 5)
	if len(got) < 3 || len(got) > 6 || math.Abs(got[0]-0.2) > 1e-9 {
		t.Errorf("ticks(0.05, 0.93) = %v", got)
	}
}

func TestThinAverages(t *testing.T) {
	var pts [][2]float64
	for i := 0; i < 1000; i++ {
		pts = append(pts, [2]float64{float64(i), float64(i % 2)})
	}
	got := Thin(pts, 100)
	if len(got) != 100 || got[0] != [2]float64{4.5, 0.5} || got[99][0] != 994.5 {
		t.Errorf("Thin: %d points, first %v, last %v", len(got), got[0], got[len(got)-1])
	}
	if short := pts[:50]; len(Thin(short, 100)) != 50 {
		t.Error("Thin changed a short series")
	}
}

func TestLogTicksAreRound(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   []float64
	}{
		{math.Log10(0.03), math.Log10(2.3), []float64{0.05, 0.1, 0.2, 0.5, 1, 2}},
		{math.Log10(0.6), math.Log10(1.9), []float64{0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8}},
	} {
		got := logTicks(c.lo, c.hi)
		var vals []float64
		for _, v := range got {
			vals = append(vals, math.Round(math.Pow(10, v)*1000)/1000)
		}
		if len(vals) != len(c.want) {
			t.Errorf("logTicks(%.3f, %.3f) = %v, want %v", c.lo, c.hi, vals, c.want)
			continue
		}
		for i := range vals {
			if vals[i] != c.want[i] {
				t.Errorf("logTicks(%.3f, %.3f) = %v, want %v", c.lo, c.hi, vals, c.want)
				break
			}
		}
	}
}

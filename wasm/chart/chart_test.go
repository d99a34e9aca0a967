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

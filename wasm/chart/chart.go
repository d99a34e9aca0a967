// Package chart draws the Train view's line charts as SVG documents (shown as images, so the
// DOM layer needs no SVG support): a few series over shared axes, with ticks and a legend.
package chart

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Series is one line: its points (x, y) in order, its legend name and its colour (CSS).
type Series struct {
	Name   string
	Colour string
	Points [][2]float64
	Dashed bool
	Dots   bool // mark each point (few points: epochs)
}

// Chart is a chart's content and size in CSS pixels.
type Chart struct {
	Width, Height int
	XLabel        string
	YLabel        string
	// YMin and YMax fix the y range when YMax > YMin; otherwise it fits the data.
	YMin, YMax float64
	LogY       bool // a logarithmic y axis (losses)
	Series     []Series
}

const (
	left, right, top, bottom = 52.0, 12.0, 26.0, 34.0
)

// SVG renders the chart. With no points it draws the empty axes.
func (c Chart) SVG() string {
	w, h := float64(c.Width), float64(c.Height)
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	ty := func(y float64) float64 {
		if c.LogY {
			return math.Log10(math.Max(y, 1e-12))
		}
		return y
	}
	for _, s := range c.Series {
		for _, p := range s.Points {
			if math.IsNaN(p[1]) || math.IsInf(p[1], 0) {
				continue
			}
			xmin, xmax = math.Min(xmin, p[0]), math.Max(xmax, p[0])
			ymin, ymax = math.Min(ymin, ty(p[1])), math.Max(ymax, ty(p[1]))
		}
	}
	if c.YMax > c.YMin {
		ymin, ymax = ty(c.YMin), ty(c.YMax)
	}
	if math.IsInf(xmin, 0) {
		xmin, xmax, ymin, ymax = 0, 1, 0, 1
	}
	if xmax == xmin { // one point: centred
		xmin, xmax = xmin-1, xmax+1
	}
	if ymax == ymin {
		ymin, ymax = ymin-0.5, ymax+0.5
	}
	pad := (ymax - ymin) * 0.05
	if c.YMax <= c.YMin {
		ymin, ymax = ymin-pad, ymax+pad
	}
	px := func(x float64) float64 { return left + (x-xmin)/(xmax-xmin)*(w-left-right) }
	py := func(y float64) float64 { return h - bottom - (ty(y)-ymin)/(ymax-ymin)*(h-top-bottom) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="system-ui, sans-serif" font-size="11">`, c.Width, c.Height, c.Width, c.Height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#171a22"/>`)
	// Grid and y ticks.
	yticks := ticks(ymin, ymax, 5)
	if c.LogY {
		yticks = logTicks(ymin, ymax)
	}
	for _, v := range yticks {
		y := h - bottom - (v-ymin)/(ymax-ymin)*(h-top-bottom)
		label := v
		if c.LogY {
			label = math.Pow(10, v)
		}
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#2a2f3b"/>`, left, w-right, y, y)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#9aa3b5" text-anchor="end">%s</text>`, left-5, y+4, short(label))
	}
	for _, v := range ticks(xmin, xmax, 6) {
		x := px(v)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#9aa3b5" text-anchor="middle">%s</text>`, x, h-bottom+15, short(v))
	}
	fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#9aa3b5"/>`, left, w-right, h-bottom, h-bottom)
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#9aa3b5" text-anchor="middle">%s</text>`, (left+w-right)/2, h-4, html.EscapeString(c.XLabel))
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#9aa3b5">%s</text>`, 4.0, 14.0, html.EscapeString(c.YLabel))
	// Lines, and the legend along the top right.
	lx := w - right
	for i := len(c.Series) - 1; i >= 0; i-- {
		s := c.Series[i]
		var pts []string
		for _, p := range s.Points {
			if math.IsNaN(p[1]) || math.IsInf(p[1], 0) {
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(p[0]), math.Min(math.Max(py(p[1]), top-4), h-bottom)))
		}
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="5 4"`
		}
		if len(pts) > 1 {
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`, s.Colour, dash, strings.Join(pts, " "))
		}
		if s.Dots || len(pts) == 1 {
			for _, p := range pts {
				xy := strings.Split(p, ",")
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`, xy[0], xy[1], s.Colour)
			}
		}
		name := html.EscapeString(s.Name)
		lx -= float64(7*len([]rune(s.Name)) + 26)
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="12" y2="12" stroke="%s" stroke-width="2"%s/><text x="%.1f" y="16" fill="#e8ebf2">%s</text>`, lx, lx+14, s.Colour, dash, lx+18, name)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// ticks returns about n round values between lo and hi.
func ticks(lo, hi float64, n int) []float64 {
	span := hi - lo
	step := math.Pow(10, math.Floor(math.Log10(span/float64(n))))
	for _, m := range []float64{1, 2, 5, 10} {
		if span/(step*m) <= float64(n) {
			step *= m
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, v)
	}
	return out
}

// logTicks are round values (1, 2 and 5 times a power of ten, or plain round values when the
// range spans less than that offers) between 10^lo and 10^hi, as their logarithms.
func logTicks(lo, hi float64) []float64 {
	var out []float64
	for k := math.Floor(lo); k <= math.Ceil(hi); k++ {
		for _, m := range []float64{1, 2, 5} {
			if v := math.Log10(m) + k; v >= lo && v <= hi {
				out = append(out, v)
			}
		}
	}
	if len(out) >= 3 {
		return out
	}
	out = out[:0]
	for _, v := range ticks(math.Pow(10, lo), math.Pow(10, hi), 7) {
		if v > 0 {
			out = append(out, math.Log10(v))
		}
	}
	return out
}

// short formats a tick value compactly.
func short(v float64) string {
	switch a := math.Abs(v); {
	case a == 0:
		return "0"
	case a >= 10000:
		return fmt.Sprintf("%.0fk", v/1000)
	case a < 0.01:
		return fmt.Sprintf("%.0e", v)
	default:
		return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")
	}
}

// Thin averages points in consecutive groups down to at most n (a long run's loss curve has
// thousands; the chart is a few hundred pixels wide, and redrawing it is the page's work).
func Thin(points [][2]float64, n int) [][2]float64 {
	if len(points) <= n || n < 1 {
		return points
	}
	out := make([][2]float64, 0, n)
	for g := 0; g < n; g++ {
		lo, hi := g*len(points)/n, (g+1)*len(points)/n
		var x, y float64
		for _, p := range points[lo:hi] {
			x, y = x+p[0], y+p[1]
		}
		k := float64(hi - lo)
		out = append(out, [2]float64{x / k, y / k})
	}
	return out
}

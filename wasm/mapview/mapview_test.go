package mapview

import (
	"bytes"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"

	"lookbook/ml/format"
)

// synthetic writes a small maps file: n points in two classes, features drawn around two
// centres, maps equal to the first feature coordinates.
func synthetic(t testing.TB, n int) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	m := &format.Maps{Labels: make([]byte, n), Predictions: make([]byte, n), Images: make([]byte, n*Side*Side),
		Features: make([]float32, n*Latent), PCAMean: make([]float32, Latent), PCAComponents: make([]float32, 3*Latent), Perplexity: 5}
	for i := 0; i < n; i++ {
		m.Labels[i] = byte(i % 2)
		m.Predictions[i] = m.Labels[i]
		if i%7 == 0 {
			m.Predictions[i] = 1 - m.Labels[i]
		}
		for j := 0; j < Latent; j++ {
			m.Features[i*Latent+j] = float32(rng.NormFloat64()*0.1) + 2*float32(m.Labels[i])
		}
	}
	m.PCAComponents[0], m.PCAComponents[Latent+1], m.PCAComponents[2*Latent+2] = 1, 1, 1
	for k := range format.MapNames {
		dims := format.MapDims(k)
		m.Coords[k] = make([]float32, n*dims)
		for i := 0; i < n; i++ {
			copy(m.Coords[k][i*dims:(i+1)*dims], m.Features[i*Latent:])
		}
	}
	var buf bytes.Buffer
	if err := format.EncodeMaps(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecode(t *testing.T) {
	d, err := Decode(synthetic(t, 40))
	if err != nil {
		t.Fatal(err)
	}
	if d.N != 40 || d.Perplexity != 5 {
		t.Fatalf("N %d, perplexity %g", d.N, d.Perplexity)
	}
	for p := PCA2; p < Live; p++ {
		lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
		for _, v := range d.Coords[p] {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo < -1.0001 || hi > 1.0001 || (lo > -0.999 && hi < 0.999) {
			t.Errorf("%v: normalised range [%g, %g], want to fill [−1, 1]", p, lo, hi)
		}
	}
	// A point's own features placed by PCA land where the shipped point is.
	for _, i := range []int{0, 17, 39} {
		for _, p := range []Projection{PCA2, PCA3} {
			at := d.ToFrame(p, d.ProjectPCA(d.Feature(i), p.Dims()))
			for a := 0; a < p.Dims(); a++ {
				if diff := math.Abs(at[a] - float64(d.Coords[p][i*p.Dims()+a])); diff > 0.01 {
					t.Errorf("%v point %d axis %d: placed %.4f, shipped %.4f", p, i, a, at[a], d.Coords[p][i*p.Dims()+a])
				}
			}
		}
	}
	conf := d.Confusion()
	if conf[0][0]+conf[0][1]+conf[1][0]+conf[1][1] != 40 || conf[0][1] == 0 {
		t.Errorf("confusion %v", conf[:2])
	}
}

// TestDecodeRefusesDamage checks that a damaged file's error is worded for the page (the
// format package tests the damage itself, case by case).
func TestDecodeRefusesDamage(t *testing.T) {
	good := synthetic(t, 40)
	for _, cut := range []int{0, 100, len(good) - 1} {
		d, err := Decode(good[:cut])
		if err == nil || d != nil || !strings.HasPrefix(err.Error(), "the map data is damaged (maps: ") {
			t.Errorf("cut to %d bytes: got %v", cut, err)
		}
	}
}

func TestTransformEqualsProject(t *testing.T) {
	v := Viewport{X: 10, Y: 20, W: 640, H: 480}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, dims := range []int{2, 3} {
		for trial := 0; trial < 20; trial++ {
			c := Camera{X: rng.Float64() - 0.5, Y: rng.Float64() - 0.5, Zoom: 0.5 + 3*rng.Float64(), Yaw: 6 * rng.Float64(), Pitch: 3*rng.Float64() - 1.5}
			tr := c.Transform(v, dims)
			p := [3]float64{2*rng.Float64() - 1, 2*rng.Float64() - 1, 2*rng.Float64() - 1}
			x1, y1, d1 := c.Project(v, dims, p)
			x2, y2, d2 := tr.Apply(p[0], p[1], p[2])
			if math.Abs(x1-x2) > 1e-9 || math.Abs(y1-y2) > 1e-9 || math.Abs(d1-d2) > 1e-12 {
				t.Fatalf("dims %d: Project (%g, %g, %g), Transform (%g, %g, %g)", dims, x1, y1, d1, x2, y2, d2)
			}
		}
	}
}

func TestCamera(t *testing.T) {
	v := Viewport{W: 800, H: 600}
	c := DefaultCamera(2)
	if x, y, _ := c.Project(v, 2, [3]float64{}); x != 400 || y != 300 {
		t.Errorf("the centre is drawn at (%g, %g)", x, y)
	}
	if x, _, _ := c.Project(v, 2, [3]float64{1, 0, 0}); x <= 400 || x > 700 {
		t.Errorf("the map's right edge at x = %g, want inside the viewport", x)
	}
	// Zooming at a point keeps the map point under it in place.
	p := [3]float64{0.3, -0.2, 0}
	sx, sy, _ := c.Project(v, 2, p)
	c.ZoomAt(v, sx, sy, 2.5)
	if x, y, _ := c.Project(v, 2, p); math.Abs(x-sx) > 1e-9 || math.Abs(y-sy) > 1e-9 {
		t.Errorf("zoom moved the point under the cursor from (%g, %g) to (%g, %g)", sx, sy, x, y)
	}
	c.ZoomAt(v, 0, 0, 1e6)
	if c.Zoom != MaxZoom {
		t.Errorf("zoom %g, want clamped to %g", c.Zoom, MaxZoom)
	}
	// Panning moves everything by the drag.
	c = DefaultCamera(2)
	x0, y0, _ := c.Project(v, 2, p)
	c.Pan(v, 30, -12)
	if x, y, _ := c.Project(v, 2, p); math.Abs(x-x0-30) > 1e-9 || math.Abs(y-y0+12) > 1e-9 {
		t.Errorf("pan by (30, −12) moved the point by (%g, %g)", x-x0, y-y0)
	}
	// In 3D, nearer points are larger-scaled (perspective) and turning changes depth.
	c = Camera{Zoom: 1}
	xn, _, dn := c.Project(v, 3, [3]float64{1, 0, 1})
	xf, _, df := c.Project(v, 3, [3]float64{1, 0, -1})
	if dn <= df || xn <= xf {
		t.Errorf("near (x %g, depth %g) should be right of and in front of far (x %g, depth %g)", xn, dn, xf, df)
	}
	c.Turn(1000, 1000)
	if c.Pitch > 1.5 || math.Abs(c.Yaw) > math.Pi {
		t.Errorf("turn left yaw %g, pitch %g out of range", c.Yaw, c.Pitch)
	}
}

func TestFilterAndNearest(t *testing.T) {
	d, err := Decode(synthetic(t, 40))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    Filter
		want int
	}{
		{"all", AllVisible, 40},
		{"hide class 1", Filter{Hidden: 2, Cell: NoCell}, 20},
		{"misclassified", Filter{Misclassified: true, Cell: NoCell}, 6}, // i%7==0: 0,7,…,35
		{"cell 0→1", Filter{Cell: 1}, 3},                                // 0, 14, 28
		{"cell 1→1", Filter{Cell: 11}, 17},
		{"hidden and cell", Filter{Hidden: 1, Cell: 1}, 0},
	}
	for _, tc := range tests {
		if got := tc.f.Count(d); got != tc.want {
			t.Errorf("%s: %d shown, want %d", tc.name, got, tc.want)
		}
	}
	nb := d.Nearest(d.Feature(4), 5, -1)
	if nb[0] != 4 || len(nb) != 5 {
		t.Fatalf("nearest to point 4: %v, want itself first", nb)
	}
	for _, j := range d.Nearest(d.Feature(4), 10, 4) {
		if j == 4 || d.Labels[j] != d.Labels[4] {
			t.Errorf("neighbour %d of point 4 (class %d) has class %d", j, d.Labels[4], d.Labels[j])
		}
	}
}

func TestPick(t *testing.T) {
	s := Screen{Index: []int32{5, 6, 7}, X: []float32{10, 10.5, 100}, Y: []float32{10, 10, 100}, Depth: []float32{0, 1, 0}}
	tests := []struct {
		x, y     float64
		want, at int
	}{
		{10.2, 10, 6, 1}, // overlapping: the nearer one
		{98, 99, 7, 2},
		{50, 50, -1, -1}, // empty space
	}
	for _, tc := range tests {
		if got, at := s.Pick(tc.x, tc.y, 6); got != tc.want || at != tc.at {
			t.Errorf("Pick(%g, %g) = %d at %d, want %d at %d", tc.x, tc.y, got, at, tc.want, tc.at)
		}
	}
}

func TestViewRoundTrip(t *testing.T) {
	v := View{Projection: TSNE3, Camera: Camera{X: 0.25, Y: -0.5, Zoom: 3.5, Yaw: 1.25, Pitch: -0.5}, Filter: Filter{Hidden: 0b1000000101, Misclassified: true, Cell: 46}, Pinned: 1234}
	o := url.Values{}
	v.Encode(o)
	got, err := DecodeView(o, 10000)
	if err != nil || got != v {
		t.Fatalf("round trip: %+v, %v; want %+v", got, err, v)
	}
	if got, err := DecodeView(url.Values{}, 10); err != nil || got != DefaultView() {
		t.Errorf("no map options: %+v, %v", got, err)
	}
	bad := []url.Values{
		{"mp": {"umap"}},
		{"mp": {"pca2"}, "mcam": {"1,2,3"}},
		{"mp": {"pca2"}, "mcam": {"0,0,NaN,0,0"}},
		{"mp": {"pca2"}, "mcam": {"0,0,1000,0,0"}},
		{"mp": {"pca2"}, "mhide": {"4096"}},
		{"mp": {"pca2"}, "mcell": {"100"}},
		{"mp": {"pca2"}, "mpin": {"10"}},
		{"mp": {"pca2"}, "mpin": {"-1"}},
	}
	for _, o := range bad {
		if got, err := DecodeView(o, 10); err == nil || got != DefaultView() {
			t.Errorf("%v: decoded as %+v, %v", o, got, err)
		}
	}
}

func TestCSV(t *testing.T) {
	d, err := Decode(synthetic(t, 4))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	classes := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	if err := WriteCSV(&b, d, d.Coords[PCA3], 3, Filter{Hidden: 2, Cell: NoCell}, classes, []float64{0.5, 0.25, 0}, 1); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if lines[0] != "index,label,predicted,x,y,z" || len(lines) != 4 || !strings.HasPrefix(lines[1], "0,a,b,") || lines[3] != "drawing,,b,0.50000,0.25000,0.00000" {
		t.Errorf("CSV:\n%s", b.String())
	}
}

// TestShippedMaps checks the real maps file: it decodes, and placing a test image's own
// features by PCA lands on its shipped point.
func TestShippedMaps(t *testing.T) {
	raw, err := os.ReadFile("../../pretrained/maps.safetensors")
	if err != nil {
		t.Skip("no shipped maps:", err)
	}
	d, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 5000, 9999} {
		at := d.ToFrame(PCA2, d.ProjectPCA(d.Feature(i), 2))
		for a := 0; a < 2; a++ {
			if diff := math.Abs(at[a] - float64(d.Coords[PCA2][2*i+a])); diff > 0.005 {
				t.Errorf("point %d: placed %.4f, shipped %.4f", i, at[a], d.Coords[PCA2][2*i+a])
			}
		}
	}
}

func BenchmarkNearest(b *testing.B) {
	raw, err := os.ReadFile("../../pretrained/maps.safetensors")
	if err != nil {
		b.Skip(err)
	}
	d, err := Decode(raw)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		d.Nearest(d.Feature(123), 10, -1)
	}
}

func TestCameraKeys(t *testing.T) {
	v := Viewport{W: 800, H: 600}
	for _, c := range []struct {
		key   string
		shift bool
		dims  int
		moved func(before, after Camera) bool
	}{
		{"ArrowLeft", false, 2, func(b, a Camera) bool { return a.X < b.X && a.Y == b.Y }},
		{"ArrowRight", false, 2, func(b, a Camera) bool { return a.X > b.X }},
		{"ArrowUp", false, 2, func(b, a Camera) bool { return a.Y > b.Y && a.X == b.X }},
		{"ArrowDown", false, 2, func(b, a Camera) bool { return a.Y < b.Y }},
		{"+", false, 2, func(b, a Camera) bool { return a.Zoom > b.Zoom && a.X == b.X && a.Y == b.Y }},
		{"-", false, 2, func(b, a Camera) bool { return a.Zoom < b.Zoom }},
		{"0", false, 2, func(b, a Camera) bool { return a == DefaultCamera(2) }},
		{"ArrowLeft", false, 3, func(b, a Camera) bool { return a.Yaw != b.Yaw && a.X == b.X }},
		{"ArrowUp", false, 3, func(b, a Camera) bool { return a.Pitch != b.Pitch && a.Y == b.Y }},
		{"ArrowLeft", true, 3, func(b, a Camera) bool { return a.X < b.X && a.Yaw == b.Yaw }},
	} {
		before := DefaultCamera(c.dims)
		before.Zoom, before.X, before.Y = 2, 0.1, 0.2
		after := before
		if !after.Key(v, c.dims, c.key, c.shift) || !c.moved(before, after) {
			t.Errorf("%dD, key %q (shift %v): camera %+v → %+v", c.dims, c.key, c.shift, before, after)
		}
	}
	cam := DefaultCamera(2)
	if cam.Key(v, 2, "a", false) || cam != DefaultCamera(2) {
		t.Error("a key the map does not use moved the camera")
	}
}

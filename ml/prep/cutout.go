package prep

import (
	"image"
	"math"
	"slices"
)

// WorkSide is the longer side of the working copy a photo is cut out on: the garment ends up
// 28 pixels long, so more detail would only cost time.
const WorkSide = 128

// Cutout is where PreparePhoto found the garment in a photo.
type Cutout struct {
	Image *image.RGBA // the photo shrunk to at most WorkSide pixels a side
	Mask  []bool      // over Image, row-major: true on the garment
	// Found is false when nothing stood apart from the background (a plain drawing, a product
	// shot on a flat colour, a blank picture): the picture was then prepared as a whole.
	Found bool
}

// PreparePhoto prepares a colour picture the way Fashion-MNIST's images were made from
// product photos, after cutting the garment out of its surroundings (a floor, a bed, a
// hanger): the background is modelled in colour from the picture's border, pixels that stand
// apart from it and are not reachable from the border through background form the garment
// (several pieces, such as two shoes, stay), and the garment is put on white, made grayscale
// and negated, so that it is light on black, then cropped, scaled and centred as Prepare does.
// Where no garment stands apart, it returns Prepare's answer for the whole picture. It is
// CutPhoto's first cut, made alone.
func PreparePhoto(img image.Image) (Result, *Cutout, error) {
	cuts, err := cutPhoto(img, 1)
	if err != nil {
		return Result{}, nil, err
	}
	return cuts[0].Result, cuts[0].Cutout, nil
}

// A Cut is one way of cutting a photo's garment out, prepared.
type Cut struct {
	Result
	Cutout *Cutout
	// Mirrored is true where Choose took the cut's mirror image (Result is then mirrored; the
	// Cutout, the photo, is not).
	Mirrored bool
}

// CutPhoto prepares a photo each way its garment may be cut out: first PreparePhoto's way,
// from the border's colours; then as GrabCut starts, from a rectangle inside the border (the
// middle of the frame, where people put a garment), which finds a garment that fills the
// frame or is coloured like part of the floor, where the first finds only a piece of it. A
// picture with a flat border has one cut, the whole picture. Choose picks among them.
func CutPhoto(img image.Image) ([]Cut, error) { return cutPhoto(img, 2) }

// cutPhoto makes CutPhoto's first n cuts.
func cutPhoto(img image.Image, n int) ([]Cut, error) {
	work := Shrink(img, WorkSide)
	w, h := work.Rect.Dx(), work.Rect.Dy()
	// A flat border (a product shot or a drawing on white, an emoji, a picture that is
	// already a light garment on black) has nothing to cut away: Prepare handles it as
	// Fashion-MNIST's product shots were handled, inverting only a light background.
	if flatBorder(work) {
		r, err := Prepare(FromImage(img))
		return []Cut{{Result: r, Cutout: &Cutout{Image: work, Mask: make([]bool, w*h)}}}, err
	}
	s := newScene(work)
	masks := [][]bool{s.fromBorder()}
	if n > 1 {
		masks = append(masks, s.fromRectangle())
	}
	var cuts []Cut
	for k, mask := range masks {
		c := &Cutout{Image: work, Mask: mask}
		if !plausibleArea(mask) {
			if k > 0 { // the whole picture is the first cut's fallback, not another cut
				continue
			}
			clear(c.Mask)
			r, err := Prepare(FromImage(img))
			if err != nil {
				return nil, err
			}
			cuts = append(cuts, Cut{Result: r, Cutout: c})
			continue
		}
		if k > 0 && slices.Equal(mask, masks[0]) {
			continue
		}
		c.Found = true
		cuts = append(cuts, Cut{Result: garmentOnBlack(work, mask), Cutout: c})
	}
	return cuts, nil
}

// plausibleArea reports whether a mask covers some of the picture but not all of it, as a
// garment does; anything else is no cut-out.
func plausibleArea(mask []bool) bool {
	area := 0
	for _, in := range mask {
		if in {
			area++
		}
	}
	n := len(mask)
	return area > 0 && area >= n/200 && area <= n*97/100 // area > 0: n/200 is 0 in a tiny picture
}

// garmentOnBlack prepares the masked garment of a picture: grayscale, negated (so it is light
// on black), scaled so its darkest pixel is white, framed as Prepare frames.
func garmentOnBlack(work *image.RGBA, mask []bool) Result {
	w, h := work.Rect.Dx(), work.Rect.Dy()
	fg := make([]float32, w*h)
	var peak float32
	for i, in := range mask {
		if !in {
			continue
		}
		p := work.Pix[4*i : 4*i+3]
		luma := (0.299*float32(p[0]) + 0.587*float32(p[1]) + 0.114*float32(p[2])) / 255
		// Negated, as Fashion-MNIST's; a white garment keeps a faint body so its shape shows.
		fg[i] = max(1-luma, garmentFloor)
		peak = max(peak, fg[i])
	}
	for i := range fg {
		fg[i] /= peak
	}
	return frame(fg, w, h)
}

// Choose returns the cut a classifier is surest of: confidence rates a prepared model input
// (the highest probability the classifier gives it). Where the garment was cut out wrongly (a
// piece of it, or floor with it) the classifier sees an unfamiliar shape and is unsure, so the
// surest cut is the likeliest to be the garment. A garment cut out of a photo is tried both
// ways round (as it is and its mirror image, Mirrored): it is the same garment, and where the
// classifier is unsure of one side it is often sure of the other. A picture with nothing cut
// out of it (a drawing, an emoji, a product shot: one cut, not Found) is taken as it is, as
// Fashion-MNIST's images were. On the clothing photos' validation split the shipped weights
// answer 227 of 290 photos rightly from the first cut alone, 228 from the second, 236 choosing
// between the two and 240 choosing among both ways round of both. Of equally sure inputs the
// first wins, a cut as it is before its mirror image.
func Choose(cuts []Cut, confidence func(input []float32) float64) Cut {
	if len(cuts) == 1 && !cuts[0].found() {
		return cuts[0]
	}
	best, bestConf := cuts[0], math.Inf(-1)
	try := func(c Cut) {
		if conf := confidence(c.Input[:]); conf > bestConf {
			best, bestConf = c, conf
		}
	}
	for _, c := range cuts {
		try(c)
		if c.found() {
			try(Cut{Result: c.Result.Mirrored(), Cutout: c.Cutout, Mirrored: true})
		}
	}
	return best
}

// found reports whether the cut is a garment cut out of a photo, not a whole picture.
func (c Cut) found() bool { return c.Cutout != nil && c.Cutout.Found }

// flatBorder reports whether the picture's border is mostly one flat colour: at least
// flatShare of its pixels lie within flatNear of the border's median colour, and they spread
// less than flatSpread (root mean square). A garment may reach the border (trousers in a
// Fashion-MNIST image, a sleeve in a product shot); a floor's grain or a bed's creases spread
// more.
func flatBorder(img *image.RGBA) bool {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	band := borderBand(w, h)
	var border [][3]float32
	for y := range h {
		for x := range w {
			if borderSide(x, y, w, h, band) < 0 {
				continue
			}
			p := img.Pix[img.PixOffset(x, y):]
			border = append(border, [3]float32{float32(p[0]) / 255, float32(p[1]) / 255, float32(p[2]) / 255})
		}
	}
	var median [3]float32
	channel := make([]float32, len(border))
	for ch := range 3 {
		for i, c := range border {
			channel[i] = c[ch]
		}
		slices.Sort(channel)
		median[ch] = channel[len(channel)/2]
	}
	var near int
	var spread float64
	for _, c := range border {
		if d := dist2(c, median); d < flatNear*flatNear {
			near++
			spread += float64(d)
		}
	}
	return near*100 >= len(border)*flatShare && spread/float64(max(near, 1)) < flatSpread*flatSpread
}

// The flat border's limits, in colour distance (each channel in [0, 1]): JPEG noise on white
// spreads about 0.01.
const (
	flatShare  = 70 // per cent
	flatNear   = 0.06
	flatSpread = 0.02
)

// borderBand is how wide a w×h picture's border is taken to be: a 40th of its longer side.
func borderBand(w, h int) int { return max(2, max(w, h)/40) }

// borderSide says which side's band pixel (x, y) lies in: 0 top, 1 bottom, 2 left, 3 right,
// or −1 inside the band.
func borderSide(x, y, w, h, band int) int8 {
	switch {
	case y < band:
		return 0
	case y >= h-band:
		return 1
	case x < band:
		return 2
	case x >= w-band:
		return 3
	}
	return -1
}

// garmentFloor is the least a garment's pixel weighs after negation (white is 0).
const garmentFloor = 0.2

// scene is a small RGBA picture ready to be cut: its colours smoothed, and the cost of
// separating each pair of neighbours.
type scene struct {
	col        [][3]float32
	weight     func(i, j int) float32
	w, h, band int
}

func newScene(img *image.RGBA) *scene {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	n := w * h
	// Colours, smoothed over 3×3 so that the grain of wood, carpet or cloth counts less than
	// the step from background to garment.
	col := make([][3]float32, n)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var sum [3]float32
			var k float32
			for yy := max(y-1, 0); yy <= min(y+1, h-1); yy++ {
				for xx := max(x-1, 0); xx <= min(x+1, w-1); xx++ {
					p := img.Pix[4*(yy*w+xx):]
					sum[0], sum[1], sum[2] = sum[0]+float32(p[0]), sum[1]+float32(p[1]), sum[2]+float32(p[2])
					k++
				}
			}
			col[y*w+x] = [3]float32{sum[0] / k / 255, sum[1] / k / 255, sum[2] / k / 255}
		}
	}
	return &scene{col: col, weight: edgeWeights(col, w, h), w: w, h: h, band: borderBand(w, h)}
}

// fromBorder separates the garment from a background known by the border's colours.
func (s *scene) fromBorder() []bool {
	col, w, h, band := s.col, s.w, s.h, s.band
	n := w * h
	// The background's colours: clusters of the border's pixels. A garment often reaches the
	// border too (trouser legs, a dress on its hanger), but seldom along three sides: a colour
	// counts as background where it lines at least three sides, or much of the whole border.
	var border [][3]float32
	var side []int8 // which side each border pixel is on
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if s := borderSide(x, y, w, h, band); s >= 0 {
				border, side = append(border, col[y*w+x]), append(side, s)
			}
		}
	}
	centres, spreads := backgroundColours(border, side)
	// How far each pixel stands from the nearest background colour, in that colour's spreads.
	dist := make([]float32, n)
	for i, c := range col {
		best := float32(math.Inf(1))
		for k, m := range centres {
			d := float32(math.Sqrt(float64(sq(c[0]-m[0])+sq(c[1]-m[1])+sq(c[2]-m[2])))) / spreads[k]
			best = min(best, d)
		}
		dist[i] = best
	}
	threshold := min(max(otsu(dist), minThreshold), maxThreshold)
	// The background is what the border reaches through pixels near its colours; everything
	// else, holes in the garment included, is garment.
	background := reachFromBorder(w, h, func(i int) bool { return dist[i] <= threshold })
	mask := make([]bool, n)
	for i, bg := range background {
		mask[i] = !bg
	}
	// Opening removes specks and threads one pixel wide (creases, grain).
	mask = dilate(erode(mask, w, h), w, h)
	mask = keepLargeParts(mask, w, h)
	// That first guess knows the background only by the border, so a garment coloured like
	// part of it (navy trousers on a dark floor) is lost. People photograph a garment in the
	// middle of the frame: where the guess found little, add the middle, as GrabCut starts
	// from a rectangle (added to a good guess, it would bring in floor), then refine as
	// GrabCut does.
	guessed := 0
	for _, in := range mask {
		if in {
			guessed++
		}
	}
	if guessed < n*minGuess/100 { // too little stood apart: the garment must be coloured like the floor
		s.fillMiddle(mask, centreInset)
	}
	return s.refined(mask)
}

// fromRectangle cuts as GrabCut does from its rectangle: all of the picture but a margin of
// rectInset per cent of each side taken for garment, then refined.
func (s *scene) fromRectangle() []bool {
	mask := make([]bool, s.w*s.h)
	s.fillMiddle(mask, rectInset)
	return s.refined(mask)
}

// fillMiddle marks the picture's middle, inset per cent of each side from its edges.
func (s *scene) fillMiddle(mask []bool, inset int) {
	insetX, insetY := s.w*inset/100, s.h*inset/100
	for y := insetY; y < s.h-insetY; y++ {
		for x := insetX; x < s.w-insetX; x++ {
			mask[y*s.w+x] = true
		}
	}
}

// refined refines a first guess as GrabCut does: model the garment's colours and the
// background's from the guess, relabel each pixel by which model explains it better,
// neighbours of like colour pulled together; several rounds.
func (s *scene) refined(mask []bool) []bool {
	for range refinements {
		mask = refine(s.col, mask, s.weight, s.w, s.h, s.band)
	}
	return mask
}

// refinements is how many GrabCut-style rounds follow the first guess; centreInset is how far
// (per cent of each side) the middle lies from the edges, added to a guess of less than
// minGuess per cent of the picture; rectInset is the margin of fromRectangle's rectangle.
const (
	refinements = 4
	centreInset = 20
	minGuess    = 8 // per cent of the picture
	rectInset   = 8
)

// refine relabels every pixel by colour models of the mask's garment and background, with
// neighbours of like colour pulled to one label (the exact minimum of a contrast-sensitive
// Potts energy, by a graph cut), keeps the border band background unless a pixel is surely
// garment, fills holes and keeps the large parts.
func refine(col [][3]float32, mask []bool, weight func(i, j int) float32, w, h, band int) []bool {
	unary, ok := garmentCosts(col, mask)
	if !ok {
		return mask
	}
	fixed := make([]bool, len(mask)) // the border band is background
	for i := range fixed {
		x, y := i%w, i/w
		fixed[i] = borderSide(x, y, w, h, band) >= 0 && unary[i] > -borderDoubt
	}
	labels := minCut(unary, weight, fixed, w, h)
	return keepLargeParts(fillHoles(labels, w, h), w, h)
}

// garmentCosts fits colour models to the mask's garment and to the rest, and returns each
// pixel's cost of "garment" less that of "background"; not ok where either side has too few
// pixels to model.
func garmentCosts(col [][3]float32, mask []bool) (unary []float32, ok bool) {
	var fgPts, bgPts [][3]float32
	// A sample of each side is enough for the models (every pixel of a 128×96 photo would do,
	// at four times the cost).
	for i := 0; i < len(mask); i += 2 {
		if mask[i] {
			fgPts = append(fgPts, col[i])
		} else {
			bgPts = append(bgPts, col[i])
		}
	}
	if len(fgPts) < 20 || len(bgPts) < 20 {
		return nil, false
	}
	fg, bg := newColourModel(fgPts, 5), newColourModel(bgPts, 5)
	unary = make([]float32, len(col))
	for i, c := range col {
		unary[i] = fg.cost(c) - bg.cost(c)
	}
	return unary, true
}

// smoothness weighs a pair of alike neighbours against one pixel's colour evidence, and
// borderDoubt is how sure a pixel of the border band must be to count as garment.
const (
	smoothness  = 2
	borderDoubt = 4
)

// edgeWeights returns the cost of giving 4-neighbours i and j different labels: high between
// pixels of like colour, low across an edge (contrast-sensitive, with GrabCut's β from the
// picture's mean contrast). Made once: the colours do not change between rounds.
func edgeWeights(col [][3]float32, w, h int) func(i, j int) float32 {
	n := len(col)
	var meanD float64
	for i := range n {
		if x := i % w; x+1 < w {
			meanD += float64(dist2(col[i], col[i+1]))
		}
		if i+w < n {
			meanD += float64(dist2(col[i], col[i+w]))
		}
	}
	beta := 1 / (2 * max(meanD/float64(2*n), 1e-6))
	right, down := make([]float32, n), make([]float32, n)
	for i := range n {
		if x := i % w; x+1 < w {
			right[i] = smoothness * float32(exactExp(-beta*float64(dist2(col[i], col[i+1]))))
		}
		if i+w < n {
			down[i] = smoothness * float32(exactExp(-beta*float64(dist2(col[i], col[i+w]))))
		}
	}
	return func(i, j int) float32 {
		if j == i+1 {
			return right[i]
		}
		return down[i]
	}
}

func dist2(a, b [3]float32) float32 { return sq(a[0]-b[0]) + sq(a[1]-b[1]) + sq(a[2]-b[2]) }

// colourModel is a mixture of isotropic Gaussians over colours.
type colourModel struct {
	centres [][3]float32
	scale   []float32 // 1/(2σ²) of each component
	offset  []float32 // 3·log σ − log(share) of each component
}

func newColourModel(points [][3]float32, k int) colourModel {
	// A few thousand points describe a photo's colours well enough.
	if step := len(points)/modelSample + 1; step > 1 {
		var sample [][3]float32
		for i := 0; i < len(points); i += step {
			sample = append(sample, points[i])
		}
		points = sample
	}
	centres, spreads, assign := kMeans(points, k)
	counts := make([]int, len(centres))
	for _, a := range assign {
		counts[a]++
	}
	m := colourModel{centres: centres, scale: make([]float32, len(centres)), offset: make([]float32, len(centres))}
	for j, c := range counts {
		s := float64(spreads[j])
		m.scale[j] = float32(1 / (2 * s * s))
		m.offset[j] = float32(3*exactLog(s) - exactLog(float64(max(c, 1))/float64(len(points))))
	}
	return m
}

// modelSample bounds the colours a model is fitted to.
const modelSample = 1500

// cost is the negative log-likelihood of colour c (up to a constant), its best component's.
func (m colourModel) cost(c [3]float32) float32 {
	best := float32(math.Inf(1))
	for j, centre := range m.centres {
		best = min(best, dist2(c, centre)*m.scale[j]+m.offset[j])
	}
	return best
}

// fillHoles sets every pixel the border cannot reach through unset pixels.
func fillHoles(m []bool, w, h int) []bool {
	outside := reachFromBorder(w, h, func(i int) bool { return !m[i] })
	out := make([]bool, len(m))
	for i := range m {
		out[i] = !outside[i]
	}
	return out
}

// reachFromBorder marks the pixels of a w×h grid that the border reaches through pixels that
// pass (4-neighbours), starting from the border pixels that pass.
func reachFromBorder(w, h int, pass func(i int) bool) []bool {
	reached := make([]bool, w*h)
	var stack []int
	for i := range reached {
		x, y := i%w, i/w
		if (x == 0 || y == 0 || x == w-1 || y == h-1) && pass(i) {
			reached[i] = true
			stack = append(stack, i)
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := i%w, i/w
		for _, j := range [4]int{i - 1, i + 1, i - w, i + w} {
			if (j == i-1 && x == 0) || (j == i+1 && x == w-1) || (j == i-w && y == 0) || (j == i+w && y == h-1) {
				continue
			}
			if !reached[j] && pass(j) {
				reached[j] = true
				stack = append(stack, j)
			}
		}
	}
	return reached
}

// The garment's threshold on a pixel's distance from the background, in spreads: at least
// minThreshold so the background's own grain stays background, at most maxThreshold so a
// garment close in colour to its background is still found.
const (
	minThreshold = 2.5
	maxThreshold = 6
)

func sq(x float32) float32 { return x * x }

// kMeans clusters colours into at most k groups, from centres spread along the colours'
// brightness, and returns each group's centre and spread (root mean square distance, at least
// minSpread so a flat background does not make every shade a garment).
func kMeans(points [][3]float32, k int) (centres [][3]float32, spreads []float32, assign []int) {
	const minSpread = 0.04
	sorted := slices.Clone(points)
	slices.SortFunc(sorted, func(a, b [3]float32) int {
		sa, sb := a[0]+a[1]+a[2], b[0]+b[1]+b[2]
		switch {
		case sa < sb:
			return -1
		case sa > sb:
			return 1
		}
		return 0
	})
	for j := range k {
		centres = append(centres, sorted[(2*j+1)*len(sorted)/(2*k)])
	}
	assign = make([]int, len(points))
	for range 10 {
		for i, p := range points {
			best, bestD := 0, float32(math.Inf(1))
			for j, c := range centres {
				if d := sq(p[0]-c[0]) + sq(p[1]-c[1]) + sq(p[2]-c[2]); d < bestD {
					best, bestD = j, d
				}
			}
			assign[i] = best
		}
		sums, counts := make([][3]float32, k), make([]int, k)
		for i, p := range points {
			a := assign[i]
			sums[a][0], sums[a][1], sums[a][2] = sums[a][0]+p[0], sums[a][1]+p[1], sums[a][2]+p[2]
			counts[a]++
		}
		for j := range centres {
			if counts[j] > 0 {
				c := float32(counts[j])
				centres[j] = [3]float32{sums[j][0] / c, sums[j][1] / c, sums[j][2] / c}
			}
		}
	}
	spreads = make([]float32, k)
	counts := make([]int, k)
	for i, p := range points {
		c := centres[assign[i]]
		spreads[assign[i]] += sq(p[0]-c[0]) + sq(p[1]-c[1]) + sq(p[2]-c[2])
		counts[assign[i]]++
	}
	for j := range spreads {
		spreads[j] = max(float32(math.Sqrt(float64(spreads[j]/float32(max(counts[j], 1))))), minSpread)
	}
	return centres, spreads, assign
}

// backgroundColours clusters the border's colours and keeps the clusters that line at least
// three of its sides (a tenth of each side's pixels) or hold two fifths of it; the largest
// cluster if none does.
func backgroundColours(border [][3]float32, side []int8) (centres [][3]float32, spreads []float32) {
	all, allSpreads, assign := kMeans(border, 4)
	var perSide [4][4]int // [cluster][side]
	var sideTotal [4]int
	count := make([]int, len(all))
	for i, c := range assign {
		perSide[c][side[i]]++
		sideTotal[side[i]]++
		count[c]++
	}
	largest := 0
	for c := range all {
		if count[c] > count[largest] {
			largest = c
		}
		sides := 0
		for s := range 4 {
			if perSide[c][s]*10 >= sideTotal[s] && sideTotal[s] > 0 {
				sides++
			}
		}
		if sides >= 3 || count[c]*5 >= 2*len(border) {
			centres, spreads = append(centres, all[c]), append(spreads, allSpreads[c])
		}
	}
	if len(centres) == 0 {
		return all[largest : largest+1], allSpreads[largest : largest+1]
	}
	return centres, spreads
}

// otsu returns the threshold that best splits values into two groups (Otsu's method over a
// 256-bin histogram of [0, 4·maxThreshold]).
func otsu(values []float32) float32 {
	const bins = 256
	top := float32(4 * maxThreshold)
	var hist [bins]float64
	for _, v := range values {
		hist[min(int(v/top*bins), bins-1)]++
	}
	var total, sumAll float64
	for i, c := range hist {
		total += c
		sumAll += float64(i) * c
	}
	var wB, sumB, best float64
	at := 0
	for i, c := range hist {
		wB += c
		if wB == 0 || wB == total {
			continue
		}
		sumB += float64(i) * c
		mB, mF := sumB/wB, (sumAll-sumB)/(total-wB)
		if between := wB * (total - wB) * (mB - mF) * (mB - mF); between > best {
			best, at = between, i
		}
	}
	return (float32(at) + 1) / bins * top
}

// erode keeps a pixel when it and its four neighbours are set (outside the picture counts as
// set, so a garment cut by the frame keeps its edge).
func erode(m []bool, w, h int) []bool {
	out := make([]bool, len(m))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			out[i] = m[i] && (x == 0 || m[i-1]) && (x == w-1 || m[i+1]) && (y == 0 || m[i-w]) && (y == h-1 || m[i+w])
		}
	}
	return out
}

// dilate sets a pixel when it or one of its four neighbours is set.
func dilate(m []bool, w, h int) []bool {
	out := make([]bool, len(m))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			out[i] = m[i] || (x > 0 && m[i-1]) || (x < w-1 && m[i+1]) || (y > 0 && m[i-w]) || (y < h-1 && m[i+w])
		}
	}
	return out
}

// keepLargeParts keeps the connected parts (8-neighbours) of at least a fifth of the largest
// one's area: the garment, or both shoes of a pair, without stray bits of background.
func keepLargeParts(m []bool, w, h int) []bool {
	label := make([]int32, len(m))
	var areas []int
	stack := []int{}
	for start, in := range m {
		if !in || label[start] != 0 {
			continue
		}
		areas = append(areas, 0)
		id := int32(len(areas))
		label[start] = id
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			areas[id-1]++
			x, y := i%w, i/w
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					xx, yy := x+dx, y+dy
					if xx < 0 || yy < 0 || xx >= w || yy >= h {
						continue
					}
					if j := yy*w + xx; m[j] && label[j] == 0 {
						label[j] = id
						stack = append(stack, j)
					}
				}
			}
		}
	}
	if len(areas) == 0 {
		return m
	}
	largest := slices.Max(areas)
	out := make([]bool, len(m))
	for i, id := range label {
		out[i] = id != 0 && areas[id-1]*5 >= largest
	}
	return out
}

// PrepareFile decodes an uploaded file (refusing bad ones as DecodeImage does) and prepares it
// as a photo.
func PrepareFile(data []byte) (Result, *Cutout, error) {
	img, err := DecodeImage(data)
	if err != nil {
		return Result{}, nil, err
	}
	return PreparePhoto(img)
}

// CutFile decodes an uploaded file as PrepareFile does and cuts it as CutPhoto does.
func CutFile(data []byte) ([]Cut, error) {
	img, err := DecodeImage(data)
	if err != nil {
		return nil, err
	}
	return CutPhoto(img)
}

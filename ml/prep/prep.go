// Package prep turns a drawing or an uploaded picture into what FashionNet expects, the way
// Fashion-MNIST's images were made: grayscale, a light garment on black (inverted when the
// background is light), cropped to the content, scaled so its longer side fills 28 pixels,
// centred by mass, quantised to bytes, and zero-padded to 32×32. It is pure Go, shared by the
// browser and the tests.
package prep

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // decoders for uploads
	_ "image/jpeg" //
	_ "image/png"  //
	"math"
	"slices"

	_ "golang.org/x/image/webp" //
)

// Side is the Fashion-MNIST image size; Padded the model's input size.
const (
	Side   = 28
	Padded = 32
)

// MaxPixels bounds what an upload may decode to (width × height), checked from the header
// before any pixel is decoded, so a huge image cannot exhaust the browser's memory.
const MaxPixels = 40_000_000

// MaxFileBytes bounds an upload's size.
const MaxFileBytes = 50 << 20

// Errors for bad uploads, worded for the person who chose the file.
var (
	ErrEmpty    = errors.New("the file is empty")
	ErrTooLarge = errors.New("the file is too large")
	ErrNotImage = errors.New("this is not an image Lookbook can read (use PNG, JPEG, GIF or WebP)")
	ErrBlank    = errors.New("the image is blank: there is nothing to classify")
)

// Gray is a grayscale picture, values in [0, 1], row-major.
type Gray struct {
	W, H int
	Pix  []float32
}

// DecodeImage reads an uploaded file, refusing empty, oversized, unknown and corrupt files
// with a clear error before decoding more than its header where it can.
func DecodeImage(data []byte) (image.Image, error) {
	if len(data) == 0 {
		return nil, ErrEmpty
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%w: %.0f MB, the limit is %d MB", ErrTooLarge, float64(len(data))/(1<<20), MaxFileBytes>>20)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, ErrNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, ErrNotImage
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > MaxPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels (%.0f megapixels); the limit is %d megapixels", ErrTooLarge, cfg.Width, cfg.Height, float64(px)/1e6, MaxPixels/1_000_000)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("the image is damaged and cannot be read (%v)", err)
	}
	return img, nil
}

// FromImage converts any image to grayscale (Rec. 601 luma), compositing transparency over
// white, the way a transparent PNG of a garment looks on a page.
func FromImage(img image.Image) *Gray {
	b := img.Bounds()
	g := &Gray{W: b.Dx(), H: b.Dy(), Pix: make([]float32, b.Dx()*b.Dy())}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, gg, bl, a := img.At(x, y).RGBA()
			luma := (0.299*float64(r) + 0.587*float64(gg) + 0.114*float64(bl)) / 65535
			alpha := float64(a) / 65535
			g.Pix[(y-b.Min.Y)*g.W+x-b.Min.X] = float32(luma + (1 - alpha)) // premultiplied: add white behind
		}
	}
	for i, v := range g.Pix {
		g.Pix[i] = min(max(v, 0), 1)
	}
	return g
}

// Result is a prepared input: the 28×28 image the model sees (bytes, like Fashion-MNIST) and
// the model's 32×32 input in [0, 1].
type Result struct {
	View  [Side * Side]byte
	Input [Padded * Padded]float32
	// Frame is where the view lies in the picture it was made from.
	Frame Frame
}

// Frame places a 28×28 view in the W×H picture it was cut from: the view's column x covers the
// picture's columns from X0 + (x − OX)·StepX to the next, and likewise its rows (so what is
// drawn over the view, such as an explanation, can be drawn over the picture).
type Frame struct {
	W, H         int
	X0, Y0       float64
	StepX, StepY float64
	OX, OY       int
}

// ToView maps a point of the picture (in its pixels, from its top-left corner) to the view's.
func (f Frame) ToView(px, py float64) (vx, vy float64) {
	return (px-f.X0)/f.StepX + float64(f.OX), (py-f.Y0)/f.StepY + float64(f.OY)
}

// Mirrored returns the result's mirror image, left and right swapped: the view, the model's
// input and the frame (whose columns then run from right to left in the picture). Mirroring
// twice gives the result back exactly.
func (r Result) Mirrored() Result {
	m := r
	for y := 0; y < Side; y++ {
		slices.Reverse(m.View[y*Side : (y+1)*Side])
	}
	for y := 0; y < Padded; y++ {
		slices.Reverse(m.Input[y*Padded : (y+1)*Padded])
	}
	// View column x is the picture's column of the original view's column Side−1−x.
	m.Frame.StepX, m.Frame.OX = -r.Frame.StepX, Side-r.Frame.OX
	return m
}

// FromView pads a 28×28 byte image into the model's input; its frame is the view itself.
func FromView(view [Side * Side]byte) Result {
	r := Result{View: view, Frame: Frame{W: Side, H: Side, StepX: 1, StepY: 1}}
	for y := 0; y < Side; y++ {
		for x := 0; x < Side; x++ {
			r.Input[(y+2)*Padded+x+2] = float32(view[y*Side+x]) / 255
		}
	}
	return r
}

// Prepare runs the whole pipeline on a grayscale picture.
func Prepare(g *Gray) (Result, error) {
	if g.W == 0 || g.H == 0 {
		return Result{}, ErrBlank
	}
	// Background: the mean of the border. Light backgrounds (photos, scans) are inverted so
	// that the garment is light on black.
	var border float64
	var count int
	for x := 0; x < g.W; x++ {
		border += float64(g.Pix[x]) + float64(g.Pix[(g.H-1)*g.W+x])
		count += 2
	}
	for y := 0; y < g.H; y++ {
		border += float64(g.Pix[y*g.W]) + float64(g.Pix[y*g.W+g.W-1])
		count += 2
	}
	border /= float64(count)
	fg := make([]float32, len(g.Pix))
	for i, v := range g.Pix {
		if border > 0.5 {
			v = 1 - v
		}
		fg[i] = v
	}
	// Subtract the background level so flat backgrounds become black.
	bg := float32(border)
	if border > 0.5 {
		bg = float32(1 - border)
	}
	var peak float32
	for i, v := range fg {
		fg[i] = max(v-bg, 0)
		peak = max(peak, fg[i])
	}
	if peak < 0.05 {
		return Result{}, ErrBlank
	}
	for i := range fg {
		fg[i] /= peak
	}
	return frame(fg, g.W, g.H), nil
}

// frame makes the model's input from a w×h picture of a light garment on black, its peak
// at 1: cropped to the content, the longer side scaled to 28 pixels, centred by mass, bytes.
func frame(fg []float32, w, h int) Result {
	g := struct{ W, H int }{w, h}
	// Crop to the content: pixels above 10 % of the peak.
	x0, y0, x1, y1 := g.W, g.H, -1, -1
	for y := 0; y < g.H; y++ {
		for x := 0; x < g.W; x++ {
			if fg[y*g.W+x] > 0.1 {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	cw, ch := x1-x0+1, y1-y0+1
	// Fit the longer side to 28 pixels with area averaging, keeping the aspect ratio.
	scale := float64(Side) / float64(max(cw, ch))
	tw, th := max(1, int(math.Round(float64(cw)*scale))), max(1, int(math.Round(float64(ch)*scale)))
	small := resizeArea(fg, g.W, x0, y0, cw, ch, tw, th)
	// Centre by mass in the 28×28 frame, keeping all content inside it.
	var mass, mx, my float64
	for y := 0; y < th; y++ {
		for x := 0; x < tw; x++ {
			v := float64(small[y*tw+x])
			mass += v
			mx += v * (float64(x) + 0.5)
			my += v * (float64(y) + 0.5)
		}
	}
	ox := int(math.Round(Side/2 - mx/mass))
	oy := int(math.Round(Side/2 - my/mass))
	ox = min(max(ox, 0), Side-tw)
	oy = min(max(oy, 0), Side-th)
	var view [Side * Side]byte
	for y := 0; y < th; y++ {
		for x := 0; x < tw; x++ {
			view[(y+oy)*Side+x+ox] = byte(math.Round(float64(min(max(small[y*tw+x], 0), 1)) * 255))
		}
	}
	r := FromView(view)
	r.Frame = Frame{W: w, H: h, X0: float64(x0), Y0: float64(y0),
		StepX: float64(cw) / float64(tw), StepY: float64(ch) / float64(th), OX: ox, OY: oy}
	return r
}

// resizeArea box-filters the w×h window at (x0, y0) of src (stride stride) to tw×th.
func resizeArea(src []float32, stride, x0, y0, w, h, tw, th int) []float32 {
	out := make([]float32, tw*th)
	sx, sy := float64(w)/float64(tw), float64(h)/float64(th)
	for ty := 0; ty < th; ty++ {
		fy0, fy1 := float64(ty)*sy, float64(ty+1)*sy
		for tx := 0; tx < tw; tx++ {
			fx0, fx1 := float64(tx)*sx, float64(tx+1)*sx
			var sum, area float64
			for y := int(fy0); y < int(math.Ceil(fy1)) && y < h; y++ {
				wy := math.Min(fy1, float64(y+1)) - math.Max(fy0, float64(y))
				for x := int(fx0); x < int(math.Ceil(fx1)) && x < w; x++ {
					wx := math.Min(fx1, float64(x+1)) - math.Max(fx0, float64(x))
					sum += wx * wy * float64(src[(y0+y)*stride+x0+x])
					area += wx * wy
				}
			}
			if area > 0 {
				out[ty*tw+tx] = float32(sum / area)
			}
		}
	}
	return out
}

// Shrink returns img box-filtered down to fit maxSide×maxSide (or copied, if it already
// fits) as opaque RGBA: the working copy of a photo that a crop box then moves over.
func Shrink(img image.Image, maxSide int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if k := max(w, h); k > maxSide {
		w, h = max(1, w*maxSide/k), max(1, h*maxSide/k)
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for ty := 0; ty < h; ty++ {
		sy0, sy1 := b.Min.Y+ty*b.Dy()/h, b.Min.Y+(ty+1)*b.Dy()/h
		sy1 = max(sy1, sy0+1)
		for tx := 0; tx < w; tx++ {
			sx0, sx1 := b.Min.X+tx*b.Dx()/w, b.Min.X+(tx+1)*b.Dx()/w
			sx1 = max(sx1, sx0+1)
			var r, g, bl, a, n uint64
			for y := sy0; y < sy1; y++ {
				for x := sx0; x < sx1; x++ {
					cr, cg, cb, ca := img.At(x, y).RGBA()
					r, g, bl, a, n = r+uint64(cr), g+uint64(cg), bl+uint64(cb), a+uint64(ca), n+1
				}
			}
			// Transparent parts become white, as for the classifier's uploads.
			white := (n*0xffff - a) / n
			o := out.PixOffset(tx, ty)
			out.Pix[o] = byte((r/n + white) >> 8)
			out.Pix[o+1] = byte((g/n + white) >> 8)
			out.Pix[o+2] = byte((bl/n + white) >> 8)
			out.Pix[o+3] = 0xff
		}
	}
	return out
}

package dataset

import (
	"fmt"
	"image"
	_ "image/jpeg" // LFW is distributed as JPEG
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// FaceSide is the VAE's input size.
const FaceSide = 32

// Faces is a set of 3×32×32 RGB faces stored as bytes, in the course's layout (N×3×32×32).
type Faces struct {
	Pixels []byte
}

// Len is the number of faces.
func (f *Faces) Len() int { return len(f.Pixels) / (3 * FaceSide * FaceSide) }

// Image writes face i into dst (3×32×32 floats in [0, 1]), mirrored left to right when flip is set.
func (f *Faces) Image(dst []float32, i int, flip bool) {
	const n = FaceSide * FaceSide
	src := f.Pixels[i*3*n : (i+1)*3*n]
	for c := 0; c < 3; c++ {
		for y := 0; y < FaceSide; y++ {
			for x := 0; x < FaceSide; x++ {
				sx := x
				if flip {
					sx = FaceSide - 1 - x
				}
				dst[c*n+y*FaceSide+x] = float32(src[c*n+y*FaceSide+sx]) / 255
			}
		}
	}
}

// Slice returns faces [lo, hi) sharing storage.
func (f *Faces) Slice(lo, hi int) *Faces {
	const n = 3 * FaceSide * FaceSide
	return &Faces{Pixels: f.Pixels[lo*n : hi*n]}
}

// LoadFaces reads faces from a .npy file (uint8, N×3×32×32, the course's lfw32 subset) or from
// a folder of JPEGs such as the full LFW (each centre-cropped to a square and resized to 32×32).
func LoadFaces(path string) (*Faces, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("faces: %w (pass -faces with the course's lfw32_1000.npy or a folder of LFW JPEGs)", err)
	}
	if st.IsDir() {
		return loadFaceFolder(path)
	}
	arr, err := ReadNPY(path)
	if err != nil {
		return nil, fmt.Errorf("faces: %w", err)
	}
	if arr.DType != "|u1" || len(arr.Shape) != 4 || arr.Shape[1] != 3 || arr.Shape[2] != FaceSide || arr.Shape[3] != FaceSide {
		return nil, fmt.Errorf("faces: %s holds %s%v, want uint8 N×3×32×32", path, arr.DType, arr.Shape)
	}
	return &Faces{Pixels: arr.U8}, nil
}

func loadFaceFolder(dir string) (*Faces, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ext := strings.ToLower(filepath.Ext(p))
		if !d.IsDir() && (ext == ".jpg" || ext == ".jpeg") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("faces: %w", err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("faces: no .jpg files under %s", dir)
	}
	sort.Strings(paths) // a fixed order, so the validation split is fixed
	faces := &Faces{Pixels: make([]byte, 0, len(paths)*3*FaceSide*FaceSide)}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("faces: %w", err)
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("faces: %s: %w", p, err)
		}
		faces.Pixels = append(faces.Pixels, SquareThumbnail(img, FaceSide)...)
	}
	return faces, nil
}

// SquareThumbnail centre-crops img to a square and box-filters it down to side×side, returning
// planar RGB bytes (3×side×side).
func SquareThumbnail(img image.Image, side int) []byte {
	b := img.Bounds()
	s := min(b.Dx(), b.Dy())
	x0, y0 := b.Min.X+(b.Dx()-s)/2, b.Min.Y+(b.Dy()-s)/2
	return CropThumbnail(img, image.Rect(x0, y0, x0+s, y0+s), side)
}

// CropThumbnail box-filters the square r of img (clipped to its bounds) down to side×side,
// returning planar RGB bytes (3×side×side). RGBA images take a direct path, so that a
// crop box can follow the pointer.
func CropThumbnail(img image.Image, r image.Rectangle, side int) []byte {
	r = r.Intersect(img.Bounds())
	out := make([]byte, 3*side*side)
	if r.Empty() {
		return out
	}
	rgba, _ := img.(*image.RGBA)
	w, h := r.Dx(), r.Dy()
	for ty := 0; ty < side; ty++ {
		sy0, sy1 := r.Min.Y+ty*h/side, r.Min.Y+(ty+1)*h/side
		sy1 = max(sy1, sy0+1)
		for tx := 0; tx < side; tx++ {
			sx0, sx1 := r.Min.X+tx*w/side, r.Min.X+(tx+1)*w/side
			sx1 = max(sx1, sx0+1)
			var red, green, blue, n uint64
			for y := sy0; y < sy1; y++ {
				if rgba != nil {
					row := rgba.Pix[rgba.PixOffset(sx0, y):rgba.PixOffset(sx1, y)]
					for o := 0; o < len(row); o += 4 {
						// Matches RGBA()'s 16-bit values: v·0x101, averaged, then >> 8.
						red, green, blue, n = red+uint64(row[o])*0x101, green+uint64(row[o+1])*0x101, blue+uint64(row[o+2])*0x101, n+1
					}
					continue
				}
				for x := sx0; x < sx1; x++ {
					cr, cg, cb, _ := img.At(x, y).RGBA()
					red, green, blue, n = red+uint64(cr), green+uint64(cg), blue+uint64(cb), n+1
				}
			}
			i := ty*side + tx
			out[i] = byte(red / n >> 8)
			out[side*side+i] = byte(green / n >> 8)
			out[2*side*side+i] = byte(blue / n >> 8)
		}
	}
	return out
}

package trainer

import (
	"fmt"
	"image"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/ml/prep"
)

// PhotoEval is a classifier's performance on photos of garments, by class folder: a photo is
// right when the answer is one of its folder's classes (any footwear for shoes, any top for a
// long-sleeved top).
type PhotoEval struct {
	Right, Total map[string]int
	Answers      map[string]*[10]int // what the classifier said, by folder
	Predictions  []int               // each photo's answer, in the photos' order
}

// Accuracy is the share of all photos answered rightly.
func (ev PhotoEval) Accuracy() float64 {
	var r, t int
	for f, n := range ev.Total {
		r, t = r+ev.Right[f], t+n
	}
	return float64(r) / float64(max(t, 1))
}

// CutPhotos runs each photo through the page's preprocessing (prep.CutPhoto) on all cores;
// the classifier chooses among each photo's cuts (prep.Choose) when it is evaluated.
func CutPhotos(photos []dataset.Photo) ([][]prep.Cut, error) {
	out := make([][]prep.Cut, len(photos))
	errs := make([]error, len(photos))
	ml.ParallelFor(len(photos), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i], errs[i] = prep.CutPhoto(photos[i].Image)
		}
	})
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", photos[i].Path, err)
		}
	}
	return out, nil
}

// EvaluatePhotos classifies cut photos (cuts[i] are photos[i]'s) in evaluation mode, each by
// the cut it is surest of, as the page does.
func EvaluatePhotos(m *ml.FashionNet, photos []dataset.Photo, cuts [][]prep.Cut) PhotoEval {
	wasTraining := m.Norm5.Train
	m.SetTraining(false)
	defer m.SetTraining(wasTraining)
	inputs := make([]prep.Result, len(cuts))
	for i, c := range cuts {
		inputs[i] = prep.Choose(c, m.Confidence).Result
	}
	ev := PhotoEval{Right: map[string]int{}, Total: map[string]int{}, Answers: map[string]*[10]int{}}
	const batch = 250
	for lo := 0; lo < len(photos); lo += batch {
		b := min(batch, len(photos)-lo)
		x := ml.NewTensor(b, 1, 32, 32)
		for i := range b {
			copy(x.Data[i*1024:(i+1)*1024], inputs[lo+i].Input[:])
		}
		logits := m.Forward(x)
		for i := range b {
			p := photos[lo+i]
			pred := ml.ArgMax(logits.Data[i*10 : (i+1)*10])
			ev.Predictions = append(ev.Predictions, pred)
			ev.Total[p.Folder]++
			if p.Labels.Has(pred) {
				ev.Right[p.Folder]++
			}
			if ev.Answers[p.Folder] == nil {
				ev.Answers[p.Folder] = new([10]int)
			}
			ev.Answers[p.Folder][pred]++
		}
	}
	return ev
}

// Report prints a Markdown table: each folder's right answers and its most common wrong ones.
func (ev PhotoEval) Report(w io.Writer) {
	fmt.Fprintln(w, "| photos of | right | share | most common wrong answers |")
	fmt.Fprintln(w, "| --- | --- | --- | --- |")
	var right, total int
	for _, f := range dataset.PhotoFolderOrder {
		n := ev.Total[f]
		if n == 0 {
			continue
		}
		right, total = right+ev.Right[f], total+n
		type answer struct{ class, n int }
		var wrong []answer
		for c, k := range ev.Answers[f] {
			if k > 0 && !dataset.PhotoFolders[f].Has(c) {
				wrong = append(wrong, answer{c, k})
			}
		}
		sort.Slice(wrong, func(i, j int) bool { return wrong[i].n > wrong[j].n })
		var names []string
		for _, a := range wrong[:min(3, len(wrong))] {
			names = append(names, fmt.Sprintf("%s %d", ml.FashionNetClasses[a.class], a.n))
		}
		fmt.Fprintf(w, "| %s | %d/%d | %.1f %% | %s |\n", f, ev.Right[f], n, 100*float64(ev.Right[f])/float64(n), strings.Join(names, ", "))
	}
	fmt.Fprintf(w, "| **all** | **%d/%d** | **%.1f %%** | |\n", right, total, 100*float64(right)/float64(max(total, 1)))
}

// PhotoSet is the photo domain of a training run: several augmented cut-outs of each photo,
// made once before training, as 28×28 views with their label sets.
type PhotoSet struct {
	Views    []byte       // n×784
	Labels   []ml.Classes // n
	Folder   []int        // each view's folder, an index into dataset.PhotoFolderOrder
	byFolder [][]int      // the views of each folder, to sample the folders evenly
}

// AugmentPhotos makes variants augmented cut-outs of each photo on all cores: a random crop
// (80–100 % of each side), a mirror image half the time, and another light (brightness,
// contrast and each channel's gain), each then cut as the page cuts a photo; variant v takes
// the cut v mod cuts (of those there are). The result depends only on seed.
func AugmentPhotos(photos []dataset.Photo, variants, cuts int, seed uint64) *PhotoSet {
	n := len(photos) * variants
	set := &PhotoSet{Views: make([]byte, n*784), Labels: make([]ml.Classes, n), Folder: make([]int, n),
		byFolder: make([][]int, len(dataset.PhotoFolderOrder))}
	ml.ParallelFor(len(photos), func(lo, hi int) {
		for p := lo; p < hi; p++ {
			work := prep.Shrink(photos[p].Image, 2*prep.WorkSide)
			for v := range variants {
				rng := rand.New(rand.NewPCG(seed, uint64(p*variants+v)))
				img := work
				if v > 0 { // the first variant is the photo as it is
					img = augmentPhoto(work, rng)
				}
				r, err := photoCut(img, v, cuts)
				if err != nil { // a blank variant: the photo as it is instead
					r, _ = photoCut(work, v, cuts)
				}
				i := p*variants + v
				copy(set.Views[i*784:(i+1)*784], r.View[:])
				set.Labels[i] = photos[p].Labels
			}
		}
	})
	for p, ph := range photos {
		f := slices.Index(dataset.PhotoFolderOrder, ph.Folder)
		for v := range variants {
			set.Folder[p*variants+v] = f
			set.byFolder[f] = append(set.byFolder[f], p*variants+v)
		}
	}
	return set
}

// photoCut is variant v's cut of img: the cut v mod cuts of CutPhoto's (of those there are).
func photoCut(img image.Image, v, cuts int) (prep.Result, error) {
	if cuts <= 1 {
		r, _, err := prep.PreparePhoto(img)
		return r, err
	}
	all, err := prep.CutPhoto(img)
	if err != nil {
		return prep.Result{}, err
	}
	return all[v%min(cuts, len(all))].Result, nil
}

// Sample picks a view: a folder uniformly (so shoes count as much as t-shirts), then one of
// its views.
func (s *PhotoSet) Sample(rng *rand.Rand) int {
	for {
		if views := s.byFolder[rng.IntN(len(s.byFolder))]; len(views) > 0 {
			return views[rng.IntN(len(views))]
		}
	}
}

// augmentPhoto returns a randomly cropped, mirrored and relit copy of img.
func augmentPhoto(img *image.RGBA, rng *rand.Rand) *image.RGBA {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	cw, ch := int(float64(w)*(0.8+0.2*rng.Float64())), int(float64(h)*(0.8+0.2*rng.Float64()))
	x0, y0 := rng.IntN(w-cw+1), rng.IntN(h-ch+1)
	flip := rng.IntN(2) == 1
	bright, contrast := 0.15*(2*rng.Float64()-1), 0.8+0.4*rng.Float64()
	var gain [3]float64
	for c := range gain {
		gain[c] = 0.85 + 0.3*rng.Float64()
	}
	out := image.NewRGBA(image.Rect(0, 0, cw, ch))
	for y := range ch {
		for x := range cw {
			sx := x0 + x
			if flip {
				sx = x0 + cw - 1 - x
			}
			src := img.Pix[img.PixOffset(sx, y0+y):]
			dst := out.Pix[out.PixOffset(x, y):]
			for c := range 3 {
				v := (float64(src[c])/255-0.5)*contrast + 0.5 + bright
				dst[c] = uint8(math.Round(255 * min(max(v*gain[c], 0), 1)))
			}
			dst[3] = 255
		}
	}
	return out
}

// EvaluatePhotoFolder reads a folder of class folders of photos (dataset.LoadPhotos),
// prepares them as the page does and classifies them.
func EvaluatePhotoFolder(m *ml.FashionNet, dir string) (PhotoEval, error) {
	photos, err := dataset.LoadPhotos(dir)
	if err != nil {
		return PhotoEval{}, err
	}
	cuts, err := CutPhotos(photos)
	if err != nil {
		return PhotoEval{}, err
	}
	return EvaluatePhotos(m, photos, cuts), nil
}

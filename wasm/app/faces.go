//go:build js && wasm

package main

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"syscall/js"
	"time"

	"lookbook/ml"
	"lookbook/ml/dataset"
	"lookbook/ml/format"
	"lookbook/ml/prep"
	"lookbook/wasm/crop"
	"lookbook/wasm/share"
)

// faceCount is how many gallery faces the trainer ships (the validation split).
const faceCount = 100

// stripAlphas are the course project's interpolation points, with both ends.
var stripAlphas = [6]float64{0, 0.2, 0.4, 0.6, 0.8, 1}

// Faces is the Faces view's state: the VAE, the gallery's latent codes and their decodings,
// the two chosen faces and where between them the slider is.
type Faces struct {
	app     *App   // the shared state: the model, the pad's input, the lock
	Status  Status // Idle until the view opens, then Loading, Ready or Failed
	Error   string
	vae     *ml.VAE
	apiVAE  *ml.VAE // a second copy, for lookbook.decode alone (see exportDecode)
	latents [][]float32
	Gallery [][]float32 // decoded gallery faces, 3×32×32 each
	A, B    int         // chosen gallery faces (B may be −1)
	Alpha   float64
	Slerp   bool
	Strip   [len(stripAlphas)][]float32
	Preview []float32
	Version int

	// Samples are faces decoded from z ~ N(0, Temperature²·I).
	Temperature float64
	Samples     [sampleCount][]float32
	sampleDraws uint64

	// Own is the visitor's uploaded face (3×32×32), OwnRecon its reconstruction and OwnMSE
	// their mean squared error. It joins the morph as face A, after the shipped gallery.
	Own, OwnRecon []float32
	OwnMSE        float64
	Notice        string
	galleryN      int
	pending       url.Values // a shared morph waiting for the model to load

	// photo is the visitor's photo (a working copy at most photoSide wide), PhotoURL its
	// preview for the DOM, and Crop the square of it that becomes the 32×32 face.
	photo    *image.RGBA
	PhotoURL string
	Crop     image.Rectangle
	// EncodeMs is the last crop's time from photo to reconstruction (thumbnail, encode,
	// decode); DecodeMs the last slider frame's decoding and DrawMs its upload to the stage.
	EncodeMs, DecodeMs, DrawMs float64

	// Walking animates α back and forth; walkStart anchors its phase. With reduced motion
	// asked for (walkStepped), the walk steps through the strip's α = 0, 0.2, …, 1 instead
	// of gliding.
	Walking     bool
	walkStart   time.Time
	walkFrom    float64
	walkStepped bool

	Camera camera // films you for "your photo"
}

// photoSide bounds the working copy of an uploaded photo: enough to crop a 32×32 face from,
// small enough to re-crop at pointer speed.
const photoSide = 512

const sampleCount = 6

// load downloads the VAE and the gallery codes the first time the view opens.
func (f *Faces) load() {
	a := f.app
	if f.Status != Idle {
		return
	}
	f.Status = Loading
	go func() {
		vae, apiVAE, latents, err := fetchFaces()
		a.env.Lock()
		defer a.env.UnlockRender()
		if err != nil {
			f.Status, f.Error = Failed, err.Error()
			return
		}
		f.vae, f.apiVAE, f.latents = vae, apiVAE, latents
		f.Gallery = make([][]float32, len(latents))
		for i, z := range latents {
			f.Gallery[i] = f.decode(z)
		}
		f.A, f.B, f.Alpha, f.Slerp, f.Temperature = 0, 1, 0.5, true, 1
		f.galleryN = len(latents)
		f.Status = Ready
		f.interpolate()
		f.sample()
		if f.pending != nil {
			if err := f.applyShared(f.pending); err != nil {
				f.Notice = err.Error() + ", so the gallery's first two faces are shown."
			}
			f.pending = nil
		}
	}()
}

// fetchFaces downloads the face model and the gallery, returning the model twice: one copy for
// the view, one for the API's export, already warmed up (see exportDecode).
func fetchFaces() (vae, apiVAE *ml.VAE, latents [][]float32, err error) {
	weights, err := fetchBytes(assetName("vae"))
	if err != nil {
		return nil, nil, nil, err
	}
	if vae, apiVAE, err = loadTwice(weights, "the face model", ml.NewVAE, func(m *ml.VAE) { m.SetFrozen(true) }); err != nil {
		return nil, nil, nil, err
	}
	apiVAE.Decode(ml.NewTensor(1, ml.VAELatent))
	raw, err := fetchBytes(assetName("faces"))
	if err != nil {
		return nil, nil, nil, err
	}
	g, err := format.DecodeGallery(raw)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("the gallery file is damaged (%w)", err)
	}
	latents = g.Latents
	return vae, apiVAE, latents, nil
}

// await loads the face model if the view has not, and waits for it. Call it unlocked.
func (f *Faces) await() error {
	a := f.app
	a.env.Lock()
	f.load()
	a.env.UnlockRender()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		a.env.RLock()
		status, err := f.Status, f.Error
		a.env.RUnlock()
		switch status {
		case Ready:
			return nil
		case Failed:
			return errors.New(err)
		}
	}
	return errors.New("the face model did not load")
}

// setLatents makes latents the gallery's codes (another face model's, or the shipped one's
// again) and decodes everything shown afresh; the visitor's own face goes.
func (f *Faces) setLatents(latents [][]float32) {
	f.latents, f.galleryN = latents, len(latents)
	f.Gallery = make([][]float32, len(latents))
	for i, z := range latents {
		f.Gallery[i] = f.decode(z)
	}
	f.Own, f.OwnRecon = nil, nil
	if f.A >= f.galleryN || f.B >= f.galleryN {
		f.A, f.B = 0, 1
	}
	f.interpolate()
	f.sample()
	f.Version++
}

// decode turns one latent code into a face (a copy: the VAE reuses its buffers).
func (f *Faces) decode(z []float32) []float32 {
	out := f.vae.Decode(ml.FromData(append([]float32(nil), z...), 1, ml.VAELatent))
	return append([]float32(nil), out.Data...)
}

// between decodes the point alpha of the way from face A to face B.
func (f *Faces) between(alpha float64) []float32 {
	b := f.B
	if b < 0 {
		b = f.A
	}
	z := make([]float32, ml.VAELatent)
	if f.Slerp {
		ml.Slerp(z, f.latents[f.A], f.latents[b], alpha)
	} else {
		ml.Lerp(z, f.latents[f.A], f.latents[b], alpha)
	}
	return f.decode(z)
}

// interpolate refreshes the strip and the preview.
func (f *Faces) interpolate() {
	if f.Status != Ready {
		return
	}
	for i, alpha := range stripAlphas {
		f.Strip[i] = f.between(alpha)
	}
	f.Preview = f.between(f.Alpha)
	f.Version++
}

// choose handles a click on gallery face i: the first pick sets A, the second B, the next
// starts over.
func (f *Faces) choose(i int) {
	if f.B >= 0 {
		f.A, f.B = i, -1
	} else {
		f.B = i
	}
	f.interpolate()
}

// sample draws a new row of faces from the prior at the current temperature. Draw k always uses
// the same noise, so the temperature slider rescales the same faces.
func (f *Faces) sample() {
	rng := rand.New(rand.NewPCG(0x5a3e1e, f.sampleDraws))
	z := make([]float32, ml.VAELatent)
	for k := range f.Samples {
		for i := range z {
			z[i] = float32(f.Temperature * rng.NormFloat64())
		}
		f.Samples[k] = f.decode(z)
	}
	f.Version++
}

// loadOwnFace takes an uploaded photo: its centre square becomes face A, and a crop box lets
// the visitor choose another square.
func (f *Faces) loadOwnFace(data []byte, name string) {
	defer func() { f.Version++ }()
	img, err := prep.DecodeImage(data)
	if err != nil {
		f.Notice = fmt.Sprintf("Could not use %q: %v.", name, err)
		return
	}
	f.setPhoto(prep.Shrink(img, photoSide))
}

// setPhoto makes photo the one to crop from, with the crop box on its centre square.
func (f *Faces) setPhoto(photo *image.RGBA) {
	f.photo = photo
	// A blob: URL, not a data: one: vugu's renderer cannot carry an attribute of this size.
	if f.PhotoURL != "" {
		js.Global().Get("URL").Call("revokeObjectURL", f.PhotoURL)
		f.PhotoURL = ""
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, photo, &jpeg.Options{Quality: 85}); err == nil {
		f.PhotoURL = objectURL(buf.Bytes(), "image/jpeg")
	}
	f.Crop = crop.Centre(photo.Bounds().Size())
	f.Notice = ""
	f.encodeCrop()
}

// MoveCrop moves the crop box by (dx, dy) photo pixels and grows it by ds, keeping it a
// square inside the photo, and reconstructs the new crop.
func (f *Faces) MoveCrop(dx, dy, ds int) {
	if f.photo == nil {
		return
	}
	if r := crop.Move(f.Crop, f.photo.Bounds().Size(), dx, dy, ds); r != f.Crop {
		f.Crop = r
		f.encodeCrop()
	}
}

// encodeCrop reconstructs the cropped face and makes it face A.
func (f *Faces) encodeCrop() {
	start := time.Now()
	px := dataset.CropThumbnail(f.photo, f.Crop, dataset.FaceSide)
	x := make([]float32, len(px))
	for i, b := range px {
		x[i] = float32(b) / 255
	}
	mean, _ := f.vae.Encode(ml.FromData(append([]float32(nil), x...), 1, 3, 32, 32))
	z := append([]float32(nil), mean.Data...)
	recon := f.decode(z)
	f.EncodeMs = float64(time.Since(start).Microseconds()) / 1000
	f.Own, f.OwnRecon = x, recon
	f.OwnMSE = ml.MSE(ml.FromData(recon, 1, 3, 32, 32), ml.FromData(x, 1, 3, 32, 32), nil)
	f.latents = append(f.latents[:f.galleryN], z)
	f.Gallery = append(f.Gallery[:f.galleryN], recon)
	if f.B < 0 || f.B >= f.galleryN { // morph to the face chosen before, or the first
		f.B = f.A
		if f.B >= f.galleryN {
			f.B = 0
		}
	}
	f.A = f.galleryN
	f.interpolate()
}

// roundForSharing rounds faces A and B to float16, the precision a link carries, so that the
// sender and the recipient decode exactly the same codes and see the same strip, pixel for
// pixel. The change is far below what a face can show. Called by the share actions.
func (f *Faces) roundForSharing() {
	if f.Status != Ready {
		return
	}
	b := f.B
	if b < 0 {
		b = f.A
	}
	za, zb := share.RoundCode(f.latents[f.A]), share.RoundCode(f.latents[b])
	if f.A == f.galleryN && f.B == f.galleryN+1 && slices.Equal(za, f.latents[f.A]) && slices.Equal(zb, f.latents[b]) {
		return // already the shared pair
	}
	f.setPair(za, zb)
}

// shareOptions adds the morph to a share link: the two latent codes as float16 (base64url),
// α and the interpolation.
func (f *Faces) shareOptions(o url.Values) {
	if f.Status != Ready {
		return
	}
	b := f.B
	if b < 0 {
		b = f.A
	}
	o.Set("za", share.EncodeCode(f.latents[f.A]))
	o.Set("zb", share.EncodeCode(f.latents[b]))
	o.Set("alpha", strconv.FormatFloat(f.Alpha, 'f', 2, 64))
	o.Set("slerp", strconv.FormatBool(f.Slerp))
}

// applyShared restores a shared morph once the face model has loaded.
func (f *Faces) applyShared(o url.Values) error {
	za, errA := share.DecodeCode(o.Get("za"))
	zb, errB := share.DecodeCode(o.Get("zb"))
	alpha, errAlpha := strconv.ParseFloat(o.Get("alpha"), 64)
	if errA != nil || errB != nil || errAlpha != nil || alpha < 0 || alpha > 1 {
		return errors.New("the faces in this link are damaged")
	}
	f.Alpha, f.Slerp = alpha, o.Get("slerp") != "false"
	f.setPair(za, zb)
	return nil
}

// setPair makes two codes faces A and B, after the gallery (and any uploaded face).
func (f *Faces) setPair(za, zb []float32) {
	f.latents = append(f.latents[:f.galleryN:f.galleryN], za, zb)
	f.Gallery = append(f.Gallery[:f.galleryN:f.galleryN], f.decode(za), f.decode(zb))
	f.A, f.B = f.galleryN, f.galleryN+1
	f.interpolate()
}

// walkPeriod is one sweep of the animated walk, A → B → A.
const walkPeriod = 4 * time.Second

// stepWalk advances the animated walk; it reports whether anything changed.
func (f *Faces) stepWalk(now time.Time) bool {
	if !f.Walking || f.Status != Ready {
		return false
	}
	phase := float64(now.Sub(f.walkStart)) / float64(walkPeriod)
	// Start where the slider is: walkFrom is α's phase at the start.
	alpha := 0.5 - 0.5*math.Cos(2*math.Pi*phase+f.walkFrom)
	if f.walkStepped {
		if alpha = math.Round(alpha*5) / 5; alpha == f.Alpha {
			return false
		}
	}
	f.Alpha = math.Round(alpha*100) / 100
	f.Preview = f.between(alpha)
	f.Version++
	return true
}

//go:build js && wasm

package main

import (
	"fmt"
	"image"
	"syscall/js"
	"time"

	"lookbook/ml/prep"
)

// browserDecodeAbove is the size (pixels) above which the browser decodes an upload: below
// it Go decodes the file, exactly as the trainer decodes its photos.
const browserDecodeAbove = 2_000_000

// readPicture reads an uploaded File. A photo of more than browserDecodeAbove pixels comes back
// decoded by the browser and shrunk to fit 2·prep.WorkSide pixels, so that Go never handles a
// phone photo's millions of pixels: the browser's decoders are native code, WebCodecs'
// ImageDecoder decodes a JPEG at a fraction of its size, and they turn the photo by its EXIF
// orientation as the visitor saw it (lookbook._readPicture in web/loader.js, one promise).
// Anything else comes back as the file's bytes (small is nil), for Go to decode as the trainer
// does and to judge: a bad file gets prep's precise message.
func readPicture(file js.Value) (small *image.NRGBA, data []byte, err error) {
	res, err := await(js.Global().Get("lookbook").Call("_readPicture", file, 2*prep.WorkSide, browserDecodeAbove, prep.MaxPixels))
	if err != nil {
		return nil, nil, err
	}
	if b := res.Get("bytes"); b.Truthy() {
		return nil, bytesFromJS(b), nil
	}
	w, h := res.Get("width").Int(), res.Get("height").Int()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	js.CopyBytesToGo(img.Pix, js.Global().Get("Uint8Array").New(res.Get("data").Get("buffer")))
	return img, nil, nil
}

// openPicture classifies a picture the visitor chose, dropped or pasted in Classify (a File),
// reading it in a goroutine and showing it with the app locked; done, if not nil, runs then
// too. A picture of up to browserDecodeAbove pixels is decoded in Go, exactly as the trainer
// decodes its photos; a larger one (a phone's 12-megapixel photo) is decoded and shrunk by the
// browser (see readPicture), which takes a fraction of the time; where the browser cannot, Go
// decodes it and says what is wrong with a bad file. LastMs counts from start.
func (a *App) openPicture(file js.Value, start time.Time, done func()) {
	name, size := file.Get("name").String(), file.Get("size").Float()
	go func() {
		var cuts []prep.Cut
		var err error
		if size > prep.MaxFileBytes {
			err = fmt.Errorf("%w: %.0f MB, the limit is %d MB", prep.ErrTooLarge, size/(1<<20), prep.MaxFileBytes>>20)
		} else if small, data, readErr := readPicture(file); readErr != nil {
			err = readErr
		} else if small != nil {
			prepStart := time.Now()
			cuts, err = prep.CutPhoto(small)
			timing("photoDecodeMs", msSince(start)-msSince(prepStart))
			timing("photoPrepareMs", msSince(prepStart))
		} else {
			cuts, err = prep.CutFile(data)
		}
		a.env.Lock()
		defer a.env.UnlockRender()
		if done != nil {
			done()
		}
		a.showUpload(cuts, err, name, start)
	}()
}

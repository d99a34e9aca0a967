//go:build js && wasm

package main

import (
	"image"
	"syscall/js"

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

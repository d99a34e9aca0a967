//go:build js && wasm

package main

import (
	"bytes"
	"image"
	_ "image/gif"  // the headers of the formats prep decodes
	_ "image/jpeg" //
	_ "image/png"  //
	"syscall/js"

	"lookbook/ml/prep"
)

// browserDecodeAbove is the size (pixels) above which the browser decodes an upload: below
// it Go decodes the file, exactly as the trainer decodes its photos.
const browserDecodeAbove = 2_000_000

// shrinkLargeInBrowser decodes a large picture (a File) with the browser's own decoder, scaled
// to fit 2·prep.WorkSide pixels, so that Go never handles a phone photo's millions of pixels:
// the browser's decoders are native code, WebCodecs' ImageDecoder decodes a JPEG at a fraction
// of its size (lookbook._shrinkPhoto in loader.js), and they turn the photo by its EXIF
// orientation as the visitor saw it. Go reads the picture's size from the file's first bytes.
// It reports false for a picture that is not large, one whose header Go cannot read, or any
// failure; the caller then decodes the file in Go, which says precisely what is wrong with a
// bad one.
func shrinkLargeInBrowser(file js.Value) (*image.NRGBA, bool) {
	if !js.Global().Get("createImageBitmap").Truthy() || !js.Global().Get("OffscreenCanvas").Truthy() {
		return nil, false
	}
	head, err := await(file.Call("slice", 0, headerBytes).Call("arrayBuffer"))
	if err != nil {
		return nil, false
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(bytesFromJS(head)))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height <= browserDecodeAbove || int64(cfg.Width)*int64(cfg.Height) > prep.MaxPixels {
		return nil, false
	}
	res, err := await(js.Global().Get("lookbook").Call("_shrinkPhoto", file, cfg.Width, cfg.Height, 2*prep.WorkSide))
	if err != nil {
		js.Global().Get("console").Call("debug", "the browser could not decode the photo: "+err.Error())
		return nil, false
	}
	w, h := res.Get("width").Int(), res.Get("height").Int()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	if n := js.CopyBytesToGo(img.Pix, js.Global().Get("Uint8Array").New(res.Get("data").Get("buffer"))); n != len(img.Pix) || w <= 0 || h <= 0 {
		return nil, false
	}
	return img, true
}

// headerBytes is how much of a file Go reads for its size: a JPEG's EXIF block (at most 64 KB)
// and frame header come well within it.
const headerBytes = 256 << 10

//go:build js && wasm

package main

import (
	"fmt"
	"slices"
	"syscall/js"
	"time"

	"lookbook/wasm/promise"
)

// await is promise.Await, as the program calls it everywhere.
func await(p js.Value) (js.Value, error) { return promise.Await(p) }

// fetchBytes downloads url with fetch and returns its body.
func fetchBytes(url string) ([]byte, error) {
	data, err := fetchWithProgress(url, 0, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	return data, nil
}

// fetchWithProgress downloads url; with an expected size it streams the body and reports the
// fraction received to progress (at most every 50 ms, and 1 at the end).
func fetchWithProgress(url string, expected int, progress func(float64)) ([]byte, error) {
	res, err := await(js.Global().Call("fetch", url))
	if err != nil {
		return nil, fmt.Errorf("download failed: %w", err)
	}
	if !res.Get("ok").Bool() {
		return nil, fmt.Errorf("download failed (HTTP %d)", res.Get("status").Int())
	}
	body := res.Get("body")
	if !body.Truthy() || expected <= 0 || progress == nil {
		buf, err := await(res.Call("arrayBuffer"))
		if err != nil {
			return nil, fmt.Errorf("download interrupted: %w", err)
		}
		return bytesFromJS(buf), nil
	}
	reader := body.Call("getReader")
	out := make([]byte, 0, expected)
	var last time.Time
	for {
		chunk, err := await(reader.Call("read"))
		if err != nil {
			return nil, fmt.Errorf("download interrupted: %w", err)
		}
		if chunk.Get("done").Bool() {
			break
		}
		v := chunk.Get("value")
		n := v.Get("length").Int()
		if len(out)+n > 4*expected+1<<20 {
			return nil, fmt.Errorf("the download is larger than expected")
		}
		out = slices.Grow(out, n)
		js.CopyBytesToGo(out[len(out):len(out)+n], v)
		out = out[:len(out)+n]
		if time.Since(last) > 50*time.Millisecond {
			progress(min(float64(len(out))/float64(expected), 1))
			last = time.Now()
		}
	}
	progress(1)
	return out, nil
}

func bytesFromJS(arrayBuffer js.Value) []byte {
	u8 := js.Global().Get("Uint8Array").New(arrayBuffer)
	b := make([]byte, u8.Get("length").Int())
	js.CopyBytesToGo(b, u8)
	return b
}

// assetName reads <body data-NAME>, where the bundle records the content-hashed asset names.
func assetName(name string) string {
	v := js.Global().Get("document").Get("body").Get("dataset").Get(name)
	if v.IsUndefined() {
		return ""
	}
	return v.String()
}

// prefetched returns the bytes of a download the loader started early (a promise of an
// ArrayBuffer at lookbook[key]), or fetches url itself when there is none.
func prefetched(key, url string) ([]byte, error) {
	p := js.Global().Get("lookbook").Get(key)
	if !p.Truthy() {
		return fetchBytes(url)
	}
	buf, err := await(p)
	if err != nil {
		return nil, err
	}
	return bytesFromJS(buf), nil
}

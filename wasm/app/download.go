//go:build js && wasm

package main

import "syscall/js"

// objectURL puts data in a Blob and returns a blob: URL for it (revoke it when done).
func objectURL(data []byte, mime string) string {
	return js.Global().Get("URL").Call("createObjectURL", newBlob(data, mime)).String()
}

func newBlob(data []byte, mime string) js.Value {
	u8 := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(u8, data)
	return js.Global().Get("Blob").New([]any{u8}, map[string]any{"type": mime})
}

// download offers data to the visitor as a file.
func download(name, mime string, data []byte) {
	blob := newBlob(data, mime)
	url := js.Global().Get("URL").Call("createObjectURL", blob).String()
	link := js.Global().Get("document").Call("createElement", "a")
	link.Set("href", url)
	link.Set("download", name)
	link.Call("click")
	var revoke js.Func
	revoke = js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		revoke.Release()
		return nil
	})
	js.Global().Call("setTimeout", revoke, 10000)
	if rec := js.Global().Get("lookbook").Get("downloads"); rec.Truthy() {
		// The last file offered stays readable (its Blob), for tests; older ones let theirs go.
		for i := 0; i < rec.Length(); i++ {
			rec.Index(i).Delete("blob")
		}
		rec.Call("push", map[string]any{"name": name, "type": mime, "size": len(data), "blob": blob})
	}
}

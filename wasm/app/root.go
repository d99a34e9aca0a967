//go:build js && wasm

package main

import (
	"strconv"
	"syscall/js"

	"github.com/vugu/vugu"

	"lookbook/wasm/share"
)

// Root is the DOM layer's root component.
type Root struct {
	App *App
}

func (c *Root) selected(v share.View) string { return strconv.FormatBool(c.App.View == v) }

func (c *Root) tabClass(v share.View) string {
	if c.App.View == v {
		return "lb-tab lb-tab-on"
	}
	return "lb-tab"
}

// Go switches view.
func (c *Root) Go(e vugu.DOMEvent, v share.View) {
	// Leaving a view must not leave its camera filming.
	if v != share.Faces {
		c.App.Faces.Camera.stop()
	}
	if v != share.Classify {
		c.App.Camera.stop()
	}
	c.App.View, c.App.ShareNote = v, ""
	c.App.Version++
	switch v {
	case share.Faces:
		c.App.Faces.load()
	case share.Map:
		c.App.Maps.load()
	}
}

func (c *Root) Reload(e vugu.DOMEvent) { js.Global().Get("location").Call("reload") }

// readChosenFile reads the file chosen in an <input type=file> without blocking the event loop,
// then calls done with the app locked (and the DOM re-rendered after).
func readChosenFile(e vugu.DOMEvent, done func(data []byte, name string, err error)) {
	input := js.Value(e.JSEventTarget())
	files := input.Get("files")
	if files.Get("length").Int() == 0 {
		return
	}
	file := files.Index(0)
	name := file.Get("name").String()
	env := e.EventEnv()
	go func() {
		buf, err := await(file.Call("arrayBuffer"))
		env.Lock()
		defer env.UnlockRender()
		input.Set("value", "") // choosing the same file again fires change again
		if err != nil {
			done(nil, name, err)
			return
		}
		done(bytesFromJS(buf), name, nil)
	}()
}

// Share puts the state into the address bar and copies the link.
func (c *Root) Share(e vugu.DOMEvent) {
	if c.App.View == share.Faces {
		c.App.Faces.roundForSharing()
	}
	frag := c.App.shareFragment()
	loc := js.Global().Get("location")
	link := loc.Get("origin").String() + loc.Get("pathname").String() + "#" + frag
	js.Global().Get("history").Call("replaceState", nil, "", "#"+frag)
	c.App.Shared, c.App.ShareNote = link, ""
	if clip := js.Global().Get("navigator").Get("clipboard"); clip.Truthy() {
		p := clip.Call("writeText", link)
		go func() {
			_, err := await(p)
			env := e.EventEnv()
			env.Lock()
			defer env.UnlockRender()
			if err == nil {
				c.App.ShareNote = "Link copied"
			} else {
				c.App.ShareNote = "Link in the address bar"
			}
		}()
	}
}

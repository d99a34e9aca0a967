//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"

	"lookbook/ml/explain"
)

// api is lookbook.explain's program side, called by the loader's wrapper (which has checked the
// types) as _explain(method, class or null, block or null, input bytes or null, output bytes):
// it writes the map into the output and returns {method, class, block?, ms, steps?,
// completenessError?}, or an Error saying what is wrong.
func (w *Why) api(args []js.Value) any {
	a := w.app
	a.env.Lock()
	defer a.env.UnlockOnly()
	fail := func(msg string) any {
		return js.Global().Get("Error").New("lookbook.explain: " + strings.TrimPrefix(msg, "explain: "))
	}
	if len(args) != 5 {
		return fail("internal: the wrapper passed the wrong arguments")
	}
	o := explain.Options{Method: explain.Method(args[0].String()), Block: DefaultWhyBlock}
	if !args[2].IsNull() {
		o.Block = args[2].Int()
	}
	var x []float32
	if in := args[3]; !in.IsNull() {
		x = make([]float32, explain.Pixels)
		js.CopyBytesToGo(floatBytes(x), in)
	} else if a.HasInput {
		x = a.Result.Input[:]
	} else {
		return fail("there is no input: draw or open a garment first, or pass input (a Float32Array of 1024 values)")
	}
	if args[1].IsNull() {
		class, err := w.explainerNow().Predict(x)
		if err != nil {
			return fail(err.Error())
		}
		o.Class = class
	} else {
		o.Class = args[1].Int()
	}
	r, ms, err := w.explain(x, o)
	if err != nil {
		return fail(err.Error())
	}
	js.CopyBytesToJS(args[4], floatBytes(r.Map[:]))
	out := map[string]any{"method": string(r.Method), "class": r.Class, "ms": ms}
	switch r.Method {
	case explain.GradCAM:
		out["block"] = r.Block
	case explain.IntegratedGradients:
		out["steps"], out["completenessError"] = r.Steps, r.CompletenessError
	}
	return out
}

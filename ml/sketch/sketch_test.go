package sketch

import (
	"strings"
	"testing"
)

func TestParseSketchesRejects(t *testing.T) {
	for _, tc := range []struct{ name, json, want string }{
		{"not json", `{`, "sketches:"},
		{"unknown class", `{"sketches":[{"name":"a","class":"Hat","strokes":["1,1 2,2"]}]}`, `unknown class "Hat"`},
		{"no strokes", `{"sketches":[{"name":"a","class":"Bag","strokes":[]}]}`, "has no strokes"},
		{"empty stroke", `{"sketches":[{"name":"a","class":"Bag","strokes":[" "]}]}`, "stroke 1 is empty"},
		{"bad point", `{"sketches":[{"name":"a","class":"Bag","strokes":["1,1 2;2"]}]}`, `bad point "2;2"`},
		{"outside the grid", `{"sketches":[{"name":"a","class":"Bag","strokes":["1,1 120,2"]}]}`, `bad point "120,2"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

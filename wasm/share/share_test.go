package share

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	s := State{View: Classify, HasImage: true, Options: url.Values{"brush": {"3"}}}
	for i := range s.Image {
		s.Image[i] = byte(i * 7)
	}
	frag := Encode(s)
	if !strings.HasPrefix(frag, "v1.") || strings.ContainsAny(frag, "+/=#?&") {
		t.Fatalf("fragment %q is not versioned base64url", frag)
	}
	got, err := Decode("#" + frag)
	if err != nil {
		t.Fatal(err)
	}
	if got.View != s.View || !got.HasImage || got.Image != s.Image || got.Options.Get("brush") != "3" {
		t.Fatalf("round trip changed the state: %+v", got)
	}
	// A typical drawing (mostly black) compresses to a short link.
	var d State
	d.HasImage = true
	for i := 300; i < 400; i++ {
		d.Image[i] = 200
	}
	if n := len(Encode(d)); n > 200 {
		t.Errorf("a simple drawing's link is %d characters", n)
	}
}

func TestDecodeRejectsBadLinks(t *testing.T) {
	good := Encode(State{HasImage: true})
	for _, c := range []struct{ name, frag string }{
		{"empty", ""},
		{"no version", "hello"},
		{"future version", "v9." + good[3:]},
		{"bad base64", "v1.!!!"},
		{"truncated", good[:len(good)-6]},
		{"oversized", "v1." + strings.Repeat("A", MaxFragment)},
		{"bad view", Encode(State{View: 7})},
		{"not deflate", "v1.AAAAAAAA"},
	} {
		if _, err := Decode(c.frag); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", c.name, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(State{HasImage: true}))
	f.Add("v1.")
	f.Fuzz(func(t *testing.T, s string) { Decode(s) })
}

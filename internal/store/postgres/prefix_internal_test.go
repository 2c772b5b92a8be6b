package postgres

import (
	"bytes"
	"testing"

	"github.com/cognate-idp/cognate/internal/store"
)

// TestPrefixEnd: the bound above a prefix's range is the least value
// above every value with that prefix, valid UTF-8 for TEXT columns.
func TestPrefixEnd(t *testing.T) {
	for _, c := range []struct {
		attr, prefix string
		want         any
	}{
		{"username", "ab", "ac"},
		{"username", "a\U0010FFFF", "b"},
		{"username", "\U0010FFFF", nil},
		{"username", "a\uD7FF", "a\uE000"},
		{"status", "UN", "UO"},
		{"email", "ab", []byte("ac")},
		{"email", "a\xff", []byte("b")},
		{"email", "\xff\xff", nil},
		{"name", "\U0010FFFF", []byte("\xf4\x8f\xbf\xc0")},
	} {
		got, ok := prefixEnd(&store.Filter{Attr: c.attr, Value: c.prefix, Prefix: true})
		if c.want == nil {
			if ok {
				t.Errorf("%s ^= %q: %q, want no bound", c.attr, c.prefix, got)
			}
			continue
		}
		same := false
		switch w := c.want.(type) {
		case string:
			same = got == w
		case []byte:
			g, _ := got.([]byte)
			same = bytes.Equal(g, w)
		}
		if !ok || !same {
			t.Errorf("%s ^= %q: %q, want %q", c.attr, c.prefix, got, c.want)
		}
	}
}

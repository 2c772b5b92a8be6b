package totp

import (
	"encoding/base32"
	"testing"
	"time"
)

// RFC 6238 appendix B, SHA-1 seed "12345678901234567890"; the RFC's codes
// have 8 digits, and the 6-digit code is their last six.
func TestRFC6238Vectors(t *testing.T) {
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for _, v := range []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}} {
		got, err := Now(secret, time.Unix(v.unix, 0))
		if err != nil || got != v.want {
			t.Errorf("t=%d: %s, %v; want %s", v.unix, got, err, v.want)
		}
	}
}

func TestMatchWindowAndReplay(t *testing.T) {
	s := NewSecret()
	if len(s) != 52 {
		t.Fatalf("secret length %d", len(s))
	}
	now := time.Unix(1_800_000_000, 0)
	cur := Step(now)
	for _, d := range []int64{-1, 0, 1} {
		c, _ := Code(s, cur+d)
		if step, ok := Match(s, c, now, 0); !ok || step != cur+d {
			t.Errorf("offset %d: step %d ok %v", d, step, ok)
		}
	}
	for _, d := range []int64{-2, 2} {
		c, _ := Code(s, cur+d)
		if _, ok := Match(s, c, now, 0); ok {
			t.Errorf("offset %d accepted", d)
		}
	}
	c, _ := Code(s, cur)
	if _, ok := Match(s, c, now, cur); ok {
		t.Error("replayed step accepted")
	}
	if _, ok := Match(s, c, now, cur-1); !ok {
		t.Error("fresh step refused")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := Match(s, bad, now, 0); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

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
		if step, r := Match(s, c, now, 0); r != Accepted || step != cur+d {
			t.Errorf("offset %d: step %d result %v", d, step, r)
		}
	}
	for _, d := range []int64{-2, 2} {
		c, _ := Code(s, cur+d)
		if _, r := Match(s, c, now, 0); r != Mismatch {
			t.Errorf("offset %d: result %v", d, r)
		}
	}
	c, _ := Code(s, cur)
	if _, r := Match(s, c, now, cur); r != Replayed {
		t.Errorf("replayed step: result %v", r)
	}
	if _, r := Match(s, c, now, cur-1); r != Accepted {
		t.Errorf("fresh step: result %v", r)
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, r := Match(s, bad, now, 0); r != Mismatch {
			t.Errorf("%q: result %v", bad, r)
		}
	}
}

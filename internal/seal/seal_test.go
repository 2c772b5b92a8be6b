package seal

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

func TestEncryptRoundTripAndContext(t *testing.T) {
	s, err := New(NewKey())
	if err != nil {
		t.Fatal(err)
	}
	box := s.Encrypt([]byte("totp-secret"), "totp|p|u")
	if bytes.Contains(box, []byte("totp-secret")) {
		t.Fatal("plaintext visible in ciphertext")
	}
	pt, err := s.Decrypt(box, "totp|p|u")
	if err != nil || string(pt) != "totp-secret" {
		t.Fatalf("Decrypt = %q, %v", pt, err)
	}
	if _, err := s.Decrypt(box, "totp|p|other"); err != ErrOpen {
		t.Fatalf("wrong context opened: %v", err)
	}
	box[len(box)-1] ^= 1
	if _, err := s.Decrypt(box, "totp|p|u"); err != ErrOpen {
		t.Fatalf("tampered box opened: %v", err)
	}
	for _, short := range [][]byte{nil, {1}, {1, 0, 0, 0, 0}, {2, 0, 0, 0, 0, 1}} {
		if _, err := s.Decrypt(short, "x"); err != ErrOpen {
			t.Fatalf("short box %v: %v", short, err)
		}
	}
}

func TestSessionsAndRotation(t *testing.T) {
	oldKey, newKey := NewKey(), NewKey()
	old, _ := New(oldKey)
	text := old.SealString([]byte("state"), "session")
	if len(text) < 20 || strings.ContainsAny(text, "+/=") {
		t.Fatalf("session text %q not URL-safe or too short", text)
	}
	rotated, _ := New(newKey, oldKey)
	if pt, err := rotated.OpenString(text, "session"); err != nil || string(pt) != "state" {
		t.Fatalf("rotated sealer cannot open old session: %v", err)
	}
	box := old.Encrypt([]byte("x"), "c")
	if !rotated.NeedsRotation(box) || rotated.NeedsRotation(rotated.Encrypt([]byte("x"), "c")) {
		t.Fatal("NeedsRotation wrong")
	}
	other, _ := New(NewKey())
	if _, err := other.OpenString(text, "session"); err != ErrOpen {
		t.Fatalf("foreign key opened a session: %v", err)
	}
	// Data and session keys differ: a stored secret is not a valid session.
	if _, err := old.Decrypt(mustDecode(t, text), "session"); err != ErrOpen {
		t.Fatal("session opened as data")
	}
	if _, err := New(make([]byte, 16)); err == nil {
		t.Fatal("short key accepted")
	}
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := decode(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMACSeparatesParts(t *testing.T) {
	s, _ := New(NewKey())
	if bytes.Equal(s.MAC("ab", "c"), s.MAC("a", "bc")) {
		t.Fatal("MAC parts are ambiguous")
	}
	if !bytes.Equal(s.MAC("a", "b"), s.MAC("a", "b")) {
		t.Fatal("MAC not deterministic")
	}
}

func decode(s string) ([]byte, error) { return base64RawURL.DecodeString(s) }

var base64RawURL = base64.RawURLEncoding

// FuzzOpenString: a forged or damaged session never opens and never panics.
func FuzzOpenString(f *testing.F) {
	s, _ := New(NewKey())
	f.Add(s.SealString([]byte(`{"u":"x"}`), "session"))
	f.Add("")
	f.Add("AQAAAAA")
	f.Fuzz(func(t *testing.T, text string) {
		if pt, err := s.OpenString(text, "session"); err == nil && string(pt) != `{"u":"x"}` {
			t.Fatalf("forged session %q opened to %q", text, pt)
		}
	})
}

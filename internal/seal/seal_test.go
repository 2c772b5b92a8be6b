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

// FuzzOpenString: a sealed session opens only as it was sealed and for its
// own purpose. The fuzzer damages a genuine sealed session (a byte of its
// version, key id, nonce, ciphertext or tag flipped, the box cut short or
// extended, or text of its own instead) and picks the purpose it is opened
// for; it must open exactly when the box is the genuine one and the purpose
// is "session", to the sealed plaintext, and never panic.
func FuzzOpenString(f *testing.F) {
	old := NewKey()
	s, _ := New(NewKey(), old)
	prev, _ := New(old)
	const plain = `{"u":"x"}`
	boxes := [][]byte{}
	for _, text := range []string{s.SealString([]byte(plain), "session"), prev.SealString([]byte(plain), "session")} {
		b, err := decode(text)
		if err != nil {
			f.Fatal(err)
		}
		boxes = append(boxes, b)
	}
	f.Add(false, uint16(0), byte(0), uint16(0xffff), []byte(nil), "session", "")
	f.Add(true, uint16(0), byte(0), uint16(0xffff), []byte(nil), "session", "")
	f.Add(false, uint16(0), byte(1), uint16(0xffff), []byte(nil), "session", "")  // version
	f.Add(false, uint16(2), byte(4), uint16(0xffff), []byte(nil), "session", "")  // key id
	f.Add(false, uint16(9), byte(8), uint16(0xffff), []byte(nil), "session", "")  // nonce
	f.Add(false, uint16(20), byte(1), uint16(0xffff), []byte(nil), "session", "") // ciphertext
	f.Add(true, uint16(40), byte(0x80), uint16(0xffff), []byte(nil), "session", "")
	f.Add(false, uint16(0), byte(0), uint16(30), []byte(nil), "session", "")
	f.Add(false, uint16(0), byte(0), uint16(0xffff), []byte{0}, "session", "")
	f.Add(false, uint16(0), byte(0), uint16(0xffff), []byte(nil), "srp", "")
	f.Add(false, uint16(0), byte(0), uint16(0xffff), []byte(nil), "session", "AQAAAAA")
	f.Fuzz(func(t *testing.T, older bool, pos uint16, xor byte, cut uint16, extra []byte, purpose, text string) {
		genuine := boxes[0]
		if older {
			genuine = boxes[1]
		}
		box := append([]byte(nil), genuine...)
		box[int(pos)%len(box)] ^= xor
		box = append(box[:min(int(cut), len(box))], extra...)
		if text == "" {
			text = base64RawURL.EncodeToString(box)
		} else if b, err := decode(text); err == nil {
			box = b
		} else {
			box = nil
		}
		want := purpose == "session" && bytes.Equal(box, genuine)
		pt, err := s.OpenString(text, purpose)
		switch {
		case want && (err != nil || string(pt) != plain):
			t.Fatalf("the genuine session did not open: %q, %v", pt, err)
		case !want && err == nil:
			t.Fatalf("a damaged session %q (purpose %q) opened to %q", text, purpose, pt)
		}
	})
}

package token

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestSignParseAndRefusals(t *testing.T) {
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	der, _ := k.Marshal()
	k2, err := ParseKey(der)
	if err != nil || k2.ID != k.ID {
		t.Fatalf("ParseKey: %v", err)
	}
	raw, err := k2.Sign(map[string]any{"sub": "s", "token_use": "access"})
	if err != nil {
		t.Fatal(err)
	}
	head, _ := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[0])
	var h map[string]any
	json.Unmarshal(head, &h)
	if h["alg"] != "RS256" || h["kid"] != k.ID {
		t.Fatalf("header %v", h)
	}
	byID := func(kid string) *rsa.PublicKey {
		if kid == k.ID {
			return &k.Private.PublicKey
		}
		return nil
	}
	c, err := Parse(raw, byID)
	if err != nil || c["sub"] != "s" {
		t.Fatalf("Parse: %v %v", c, err)
	}
	other, _ := GenerateKey()
	if _, err := Parse(raw, func(string) *rsa.PublicKey { return &other.Private.PublicKey }); err == nil {
		t.Fatal("accepted under another key")
	}
	parts := strings.Split(raw, ".")
	enc := base64.RawURLEncoding.EncodeToString
	none := enc([]byte(`{"alg":"none","kid":"`+k.ID+`"}`)) + "." + parts[1] + "."
	if _, err := Parse(none, byID); err == nil {
		t.Fatal("alg none accepted")
	}
	hsHead := enc([]byte(`{"alg":"HS256","kid":"` + k.ID + `"}`))
	m := hmac.New(sha256.New, []byte("secret"))
	m.Write([]byte(hsHead + "." + parts[1]))
	if _, err := Parse(hsHead+"."+parts[1]+"."+enc(m.Sum(nil)), byID); err == nil {
		t.Fatal("HS256 accepted")
	}
	tampered := parts[0] + "." + enc([]byte(`{"sub":"x","token_use":"access"}`)) + "." + parts[2]
	if _, err := Parse(tampered, byID); err == nil {
		t.Fatal("tampered payload accepted")
	}
	unknown := enc([]byte(`{"alg":"RS256","kid":"nope"}`)) + "." + parts[1] + "." + parts[2]
	if _, err := Parse(unknown, byID); err == nil {
		t.Fatal("unknown kid accepted")
	}
	var set struct{ Keys []JWK }
	if err := json.Unmarshal(JWKS(k), &set); err != nil || len(set.Keys) != 1 || set.Keys[0].E != "AQAB" || set.Keys[0].Use != "sig" {
		t.Fatalf("JWKS %+v %v", set, err)
	}
}

func BenchmarkSign(b *testing.B) {
	k, _ := GenerateKey()
	claims := map[string]any{"sub": "s", "token_use": "access", "scope": "aws.cognito.signin.user.admin"}
	for b.Loop() {
		if _, err := k.Sign(claims); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSignedTokensParse: what Sign writes by hand is a JWS that go-jose
// (Parse) and a bare RSA check both accept, with every kind of claim value
// a token carries coming back as it went in.
func TestSignedTokensParse(t *testing.T) {
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{
		"sub": "5f0c1b2a", "iss": "http://127.0.0.1:9229/eu-west-1_a?x=1&y=<2>", "exp": int64(1893456000),
		"auth_time": 1764806400, "email_verified": true, "cognito:groups": []string{"admins", "ünïcode"},
		"custom:nested": map[string]any{"a": 1.5, "b": nil}, "quote": `"\`,
	}
	raw, err := k.Sign(claims)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("%d parts", len(parts))
	}
	head, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || string(head) != `{"kid":"`+k.ID+`","alg":"RS256"}` {
		t.Fatalf("header %s %v", head, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&k.Private.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
		t.Fatalf("RSA check: %v", err)
	}
	got, err := Parse(raw, func(kid string) *rsa.PublicKey {
		if kid == k.ID {
			return &k.Private.PublicKey
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{}
	b, _ := json.Marshal(claims)
	json.Unmarshal(b, &want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("claims\n got %v\nwant %v", got, want)
	}
	if payload, _ := base64.RawURLEncoding.DecodeString(parts[1]); strings.Contains(string(payload), `\u0026`) {
		t.Fatalf("payload escapes HTML: %s", payload)
	}
	if _, err := k.Sign(map[string]any{"bad": func() {}}); err == nil {
		t.Fatal("a claim JSON cannot hold was signed")
	}
}

// TestClaimsEncoding: the claims Sign writes by hand are byte for byte what
// encoding/json writes (HTML escaping off) for every kind of value and
// string a token may carry, odd bytes included.
func TestClaimsEncoding(t *testing.T) {
	claims := map[string]any{
		"sub": "5f0c", "exp": int64(-1 << 62), "n": 7, "t": true, "f": false,
		"list": []string{"a", `"q"`, ""}, "nil-list": []string(nil), "empty-list": []string{},
		"float": 1.5e21, "nested": []map[string]any{{"k": "v", "n": nil}}, "null": nil,
		"ctl": "a\x00b\x1fc\td\ne\rf\x7fg", "quote\"key\\": `back\slash "quote"`,
		"html": "<a href='x'>&amp;</a>", "bad-utf8": "ab\xff\xfe\xc3", "seps": "x\u2028y\u2029z",
		"unicode": "ünïcödé 日本 😀", "": "empty key",
	}
	got, err := appendClaims(nil, claims)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(claims); err != nil {
		t.Fatal(err)
	}
	if w := strings.TrimSuffix(want.String(), "\n"); string(got) != w {
		t.Fatalf("claims\n got %s\nwant %s", got, w)
	}
}

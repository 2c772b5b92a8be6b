package srp

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"
)

// vectorFile is testdata/vectors.json, made by testdata/gen_vectors.py.
type vectorFile struct {
	K       string   `json:"k"`
	N       string   `json:"N"`
	Vectors []vector `json:"vectors"`
}

type vector struct {
	Name        string `json:"name"`
	PoolName    string `json:"poolName"`
	UserID      string `json:"userId"`
	Password    string `json:"password"`
	Salt        string `json:"salt"`
	A           string `json:"a"`
	B           string `json:"b"`
	SecretBlock string `json:"secretBlock"`
	Timestamp   string `json:"timestamp"`
	WantX       string `json:"x"`
	WantV       string `json:"verifier"`
	WantA       string `json:"A"`
	WantB       string `json:"B"`
	WantU       string `json:"u"`
	WantS       string `json:"S"`
	WantK       string `json:"K"`
	WantSig     string `json:"signature"`
}

func loadVectors(t *testing.T) vectorFile {
	t.Helper()
	raw, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f vectorFile
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	return f
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConstants(t *testing.T) {
	const briefK = "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
	if got := hex.EncodeToString(Multiplier().Bytes()); got != briefK {
		t.Errorf("k = %s, want %s", got, briefK)
	}
	// The generator rebuilt N from its RFC 3526 definition.
	if f := loadVectors(t); f.N != PrimeHex || f.K != briefK {
		t.Error("reference N or k differ from the package's")
	}
	if Prime().BitLen() != 3072 || !Prime().ProbablyPrime(4) {
		t.Error("N is not a 3072-bit prime")
	}
}

func TestVectors(t *testing.T) {
	for _, v := range loadVectors(t).Vectors {
		t.Run(v.Name, func(t *testing.T) {
			salt := unhex(t, v.Salt)
			if got := hex.EncodeToString(privateKey(v.PoolName, v.UserID, v.Password, salt)); got != v.WantX {
				t.Errorf("x = %s, want %s", got, v.WantX)
			}
			verifier := Verifier(v.PoolName, v.UserID, v.Password, salt)
			if got := hex.EncodeToString(verifier); got != v.WantV {
				t.Fatalf("verifier = %s, want %s", got, v.WantV)
			}

			server, err := RestoreServer(verifier, unhex(t, v.B))
			if err != nil {
				t.Fatal(err)
			}
			if got := server.PublicHex(); got != v.WantB {
				t.Errorf("B = %s, want %s", got, v.WantB)
			}
			client, err := newClient(unhex(t, v.A))
			if err != nil {
				t.Fatal(err)
			}
			if got := client.PublicHex(); got != v.WantA {
				t.Errorf("A = %s, want %s", got, v.WantA)
			}

			a, err := ParseA(client.PublicHex())
			if err != nil {
				t.Fatal(err)
			}
			u := scramble(a, server.Public())
			if got := hex.EncodeToString(u); got != v.WantU {
				t.Errorf("u = %s, want %s", got, v.WantU)
			}
			s := server.premaster(a, u)
			if got := hex.EncodeToString(padElem(&s)); got != v.WantS {
				t.Errorf("S = %s, want %s", got, v.WantS)
			}
			if got := hex.EncodeToString(sessionKey(u, padElem(&s))); got != v.WantK {
				t.Errorf("K = %s, want %s", got, v.WantK)
			}

			when, err := ParseTimestamp(v.Timestamp)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Respond(Challenge{
				PoolName:    v.PoolName,
				UserID:      v.UserID,
				Salt:        v.Salt,
				B:           server.PublicHex(),
				SecretBlock: v.SecretBlock,
			}, v.Password, when)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Signature != v.WantSig || resp.Timestamp != v.Timestamp || resp.SecretBlock != v.SecretBlock {
				t.Errorf("client response %+v, want signature %s at %q", resp, v.WantSig, v.Timestamp)
			}

			sig, _ := base64.StdEncoding.DecodeString(v.WantSig)
			block, _ := base64.StdEncoding.DecodeString(v.SecretBlock)
			claim := Claim{PoolName: v.PoolName, UserID: v.UserID, SecretBlock: block, Timestamp: v.Timestamp, Signature: sig}
			if !server.Verify(a, claim) {
				t.Error("server rejects the reference signature")
			}
		})
	}
}

func TestPad(t *testing.T) {
	cases := []struct {
		x    *big.Int
		want string
	}{
		{big.NewInt(0), "00"},
		{big.NewInt(1), "01"},
		{big.NewInt(0x7f), "7f"},
		{big.NewInt(0x80), "0080"},
		{big.NewInt(0xff), "00ff"},
		{big.NewInt(0x0100), "0100"},
		{big.NewInt(0x8000), "008000"},
		{big.NewInt(0x7fff), "7fff"},
	}
	for _, c := range cases {
		if got := hex.EncodeToString(Pad(c.x)); got != c.want {
			t.Errorf("Pad(%#x) = %s, want %s", c.x, got, c.want)
		}
	}
	if got := Pad(Prime()); len(got) != 385 || got[0] != 0 {
		t.Errorf("Pad(N) has %d bytes starting %#x, want 385 starting 0", len(got), got[0])
	}
	// Leading zero bytes of a byte string (a stored salt) drop out first.
	if got := hex.EncodeToString(padBytes([]byte{0, 0, 0x90, 1})); got != "009001" {
		t.Errorf("padBytes = %s", got)
	}
}

func TestPoolName(t *testing.T) {
	for in, want := range map[string]string{
		"us-east-1_AbC123xyZ": "AbC123xyZ",
		"eu-west-2_a_b":       "a_b",
		"local":               "local",
	} {
		if got := PoolName(in); got != want {
			t.Errorf("PoolName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewSalt(t *testing.T) {
	a, err := NewSalt()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSalt()
	if len(a) != SaltLen || bytes.Equal(a, b) {
		t.Errorf("salts %x and %x", a, b)
	}
}

func TestCheckPassword(t *testing.T) {
	salt, _ := NewSalt()
	v := Verifier("Pool", "user", "secret", salt)
	if !CheckPassword("Pool", "user", "secret", salt, v) {
		t.Error("right password refused")
	}
	for _, c := range [][3]string{{"Pool", "user", "Secret"}, {"Pool", "user2", "secret"}, {"Pool2", "user", "secret"}, {"Pool", "user", ""}} {
		if CheckPassword(c[0], c[1], c[2], salt, v) {
			t.Errorf("%q accepted", c)
		}
	}
	// A verifier stored with an extra leading zero byte still matches.
	if !CheckPassword("Pool", "user", "secret", salt, append([]byte{0}, v...)) {
		t.Error("zero-extended verifier refused")
	}
}

// login runs a whole exchange as ACIJS and the server would, letting tamper
// change the response before the server sees it.
func login(t *testing.T, pool, user, password, offered string, tamper func(*Claim)) bool {
	t.Helper()
	salt, _ := NewSalt()
	verifier := Verifier(pool, user, password, salt)
	client, err := NewClient()
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseA(client.PublicHex())
	if err != nil {
		t.Fatal(err)
	}
	server, err := NewServer(verifier)
	if err != nil {
		t.Fatal(err)
	}
	block := make([]byte, 40)
	rand.Read(block)
	resp, err := client.Respond(Challenge{
		PoolName:    pool,
		UserID:      user,
		Salt:        hex.EncodeToString(salt),
		B:           server.PublicHex(),
		SecretBlock: base64.StdEncoding.EncodeToString(block),
	}, offered, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	// The server resumes from sealed state, as on another node: either
	// recomputing B from the secret, or from the scramble kept with it.
	scramble := server.Scramble(a)
	scrambled, err := RestoreVerifier(verifier, server.Secret(), scramble)
	if err != nil {
		t.Fatal(err)
	}
	server, err = RestoreServer(verifier, server.Secret())
	if err != nil {
		t.Fatal(err)
	}
	echoed, _ := base64.StdEncoding.DecodeString(resp.SecretBlock)
	sig, _ := base64.StdEncoding.DecodeString(resp.Signature)
	claim := Claim{PoolName: pool, UserID: user, SecretBlock: echoed, Timestamp: resp.Timestamp, Signature: sig}
	if tamper != nil {
		tamper(&claim)
	}
	ok := server.Verify(a, claim)
	if scrambled.Verify(a, claim) != ok {
		t.Errorf("RestoreVerifier's server answers %v where RestoreServer's answers %v", !ok, ok)
	}
	return ok
}

func TestLogin(t *testing.T) {
	const pool, user, pw = "AbC123xyZ", "0f8e7d6c-user", "hunter2 ✓"
	if !login(t, pool, user, pw, pw, nil) {
		t.Fatal("right password refused")
	}
	refused := map[string]struct {
		offered string
		tamper  func(*Claim)
	}{
		"wrong password":  {pw + "!", nil},
		"secret block":    {pw, func(c *Claim) { c.SecretBlock[0] ^= 1 }},
		"timestamp":       {pw, func(c *Claim) { c.Timestamp = strings.Replace(c.Timestamp, " UTC", " utc", 1) }},
		"signature":       {pw, func(c *Claim) { c.Signature[31] ^= 0x80 }},
		"short signature": {pw, func(c *Claim) { c.Signature = c.Signature[:16] }},
		"no signature":    {pw, func(c *Claim) { c.Signature = nil }},
		"other user id":   {pw, func(c *Claim) { c.UserID += "x" }},
		"other pool name": {pw, func(c *Claim) { c.PoolName = "us-east-1_" + c.PoolName }},
	}
	for name, c := range refused {
		if login(t, pool, user, pw, c.offered, c.tamper) {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDeviceLogin(t *testing.T) {
	const groupKey, deviceKey = "-4ZRKxbl1", "us-east-1_3b9f0a2c-5d6e-4f70-8a91-b2c3d4e5f607"
	d, err := NewDeviceSecret(groupKey, deviceKey)
	if err != nil {
		t.Fatal(err)
	}
	if raw, _ := base64.StdEncoding.DecodeString(d.Password); len(raw) != 40 {
		t.Errorf("device password %q is not 40 bytes", d.Password)
	}

	// The server side of ConfirmDevice, then of DEVICE_SRP_AUTH.
	pvB64, saltB64 := d.VerifierConfig()
	verifier, err := base64.StdEncoding.DecodeString(pvB64)
	if err != nil || ValidateVerifier(verifier) != nil {
		t.Fatalf("PasswordVerifier %q: %v", pvB64, err)
	}
	salt, err := base64.StdEncoding.DecodeString(saltB64)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(salt, padBytes(salt)) || !bytes.Equal(verifier, padBytes(verifier)) {
		t.Errorf("salt %x or verifier not in PAD form", salt)
	}
	server, err := NewServer(verifier)
	if err != nil {
		t.Fatal(err)
	}
	client, _ := NewClient()
	a, err := ParseA(client.PublicHex())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Respond(Challenge{
		PoolName:    groupKey,
		UserID:      deviceKey,
		Salt:        hex.EncodeToString(salt),
		B:           server.PublicHex(),
		SecretBlock: "c2VjcmV0",
	}, d.Password, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := base64.StdEncoding.DecodeString(resp.Signature)
	claim := Claim{PoolName: groupKey, UserID: deviceKey, SecretBlock: []byte("secret"), Timestamp: resp.Timestamp, Signature: sig}
	if !server.Verify(a, claim) {
		t.Error("device login refused")
	}
}

func hexOf(x *big.Int) string { return x.Text(16) }

func multipleOfN(k int64) *big.Int { return new(big.Int).Mul(big.NewInt(k), bigN) }

func TestParseA(t *testing.T) {
	nMinus1 := new(big.Int).Sub(bigN, big.NewInt(1))
	refused := []string{
		"", "0", "000", hexOf(bigN), hexOf(multipleOfN(2)), hexOf(new(big.Int).Add(bigN, big.NewInt(1))),
		"xyz", "12g4", "-1", "+1", "0x10", "1_0", " 1", "1 ", strings.Repeat("1", maxPublicHex+1),
	}
	for _, s := range refused {
		if _, err := ParseA(s); !errors.Is(err, ErrInvalidPublic) {
			t.Errorf("ParseA(%.20q) = %v, want ErrInvalidPublic", s, err)
		}
	}
	accepted := map[string]*big.Int{
		"1":                             big.NewInt(1),
		"00ff":                          big.NewInt(255),
		"ABCdef":                        big.NewInt(0xabcdef),
		hexOf(nMinus1):                  nMinus1,
		strings.ToUpper(hexOf(nMinus1)): nMinus1,
	}
	for s, want := range accepted {
		if got, err := ParseA(s); err != nil || got.Cmp(want) != 0 {
			t.Errorf("ParseA(%.20q) = %v, %v", s, got, err)
		}
	}
}

func TestVerifyRefusesBadA(t *testing.T) {
	salt, _ := NewSalt()
	server, err := NewServer(Verifier("P", "u", "pw", salt))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []*big.Int{nil, big.NewInt(0), big.NewInt(-1), bigN, multipleOfN(2)} {
		if server.Verify(a, Claim{Signature: make([]byte, 32)}) {
			t.Errorf("A = %v accepted", a)
		}
	}
}

func TestClientRefusesB(t *testing.T) {
	client, _ := NewClient()
	ch := Challenge{PoolName: "P", UserID: "u", Salt: "0a0b", SecretBlock: "AAAA"}
	for _, b := range []string{"0", "00", hexOf(bigN), hexOf(multipleOfN(2)), hexOf(multipleOfN(7))} {
		ch.B = b
		if _, err := client.Respond(ch, "pw", time.Now()); !errors.Is(err, ErrInvalidPublic) {
			t.Errorf("B = %.20s…: %v, want ErrInvalidPublic", b, err)
		}
	}
	for _, b := range []string{"", "-5", "0x12", "zz"} {
		ch.B = b
		if _, err := client.Respond(ch, "pw", time.Now()); err == nil {
			t.Errorf("B = %q accepted", b)
		}
	}
	ch.B = "1234"
	for _, bad := range []Challenge{
		{PoolName: "P", UserID: "u", Salt: "", B: "1234", SecretBlock: "AAAA"},
		{PoolName: "P", UserID: "u", Salt: "0q", B: "1234", SecretBlock: "AAAA"},
		{PoolName: "P", UserID: "u", Salt: "01", B: "1234", SecretBlock: "!!"},
	} {
		if _, err := client.Respond(bad, "pw", time.Now()); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestRestoreServer(t *testing.T) {
	salt, _ := NewSalt()
	verifier := Verifier("P", "u", "pw", salt)
	s, err := NewServer(verifier)
	if err != nil {
		t.Fatal(err)
	}
	r, err := RestoreServer(verifier, s.Secret())
	if err != nil || r.PublicHex() != s.PublicHex() {
		t.Fatalf("restored B differs: %v", err)
	}
	if len(s.Secret()) != SecretLen {
		t.Errorf("secret is %d bytes", len(s.Secret()))
	}
	for _, secret := range [][]byte{nil, make([]byte, SecretLen-1), make([]byte, SecretLen+1)} {
		if _, err := RestoreServer(verifier, secret); !errors.Is(err, ErrInvalidSecret) {
			t.Errorf("secret of %d bytes: %v", len(secret), err)
		}
		if _, err := RestoreVerifier(verifier, secret, make([]byte, ScrambleLen)); !errors.Is(err, ErrInvalidSecret) {
			t.Errorf("RestoreVerifier, secret of %d bytes: %v", len(secret), err)
		}
		if _, err := RestoreVerifier(verifier, s.Secret(), secret); !errors.Is(err, ErrInvalidSecret) {
			t.Errorf("RestoreVerifier, scramble of %d bytes: %v", len(secret), err)
		}
	}
	if v, err := RestoreVerifier(verifier, s.Secret(), make([]byte, ScrambleLen)); err != nil || v.PublicHex() != "" || v.Public() != nil {
		t.Errorf("RestoreVerifier's server has a B: %v", err)
	}
	badVerifiers := [][]byte{nil, {0}, {0, 0}, bigN.Bytes(), Pad(bigN), append([]byte{1}, make([]byte, 384)...)}
	for _, v := range badVerifiers {
		if _, err := NewServer(v); !errors.Is(err, ErrInvalidVerifier) {
			t.Errorf("NewServer(%d-byte verifier): %v", len(v), err)
		}
		if err := ValidateVerifier(v); !errors.Is(err, ErrInvalidVerifier) {
			t.Errorf("ValidateVerifier(%d bytes): %v", len(v), err)
		}
	}
}

func TestTimestamp(t *testing.T) {
	cases := []struct {
		when time.Time
		text string
	}{
		{time.Date(2026, 11, 2, 3, 4, 5, 0, time.UTC), "Mon Nov 2 03:04:05 UTC 2026"},
		{time.Date(2026, 11, 22, 23, 59, 59, 0, time.UTC), "Sun Nov 22 23:59:59 UTC 2026"},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), "Fri Jan 1 00:00:00 UTC 2027"},
	}
	for _, c := range cases {
		if got := FormatTimestamp(c.when); got != c.text {
			t.Errorf("FormatTimestamp(%v) = %q, want %q", c.when, got, c.text)
		}
		if got, err := ParseTimestamp(c.text); err != nil || !got.Equal(c.when) {
			t.Errorf("ParseTimestamp(%q) = %v, %v", c.text, got, err)
		}
	}
	// Time zones other than UTC are converted.
	berlin := time.FixedZone("CET", 3600)
	if got := FormatTimestamp(time.Date(2026, 1, 1, 0, 30, 0, 0, berlin)); got != "Wed Dec 31 23:30:00 UTC 2025" {
		t.Errorf("FormatTimestamp in CET = %q", got)
	}
	if got, err := ParseTimestamp("Mon Nov 02 03:04:05 UTC 2026"); err != nil || !got.Equal(cases[0].when) {
		t.Errorf("zero-padded day: %v, %v", got, err)
	}
	for _, bad := range []string{"", "Mon Nov 2 03:04:05 GMT 2026", "Mon Nov 2 03:04:05 2026", "2026-11-02T03:04:05Z", "Mon Nov 32 03:04:05 UTC 2026"} {
		if _, err := ParseTimestamp(bad); err == nil {
			t.Errorf("ParseTimestamp(%q) succeeded", bad)
		}
	}
}

package srp

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"testing"
	"time"

	"filippo.io/bigmod"
)

// Benchmarks of the package's operations, then of the alternatives its
// arithmetic was chosen against (see the package comment).

const benchPool, benchUser, benchPassword = "AbC123xyZ", "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e", "Correct horse battery staple 1!"

type benchSetup struct {
	salt, verifier []byte
	client         *Client
	a              *big.Int
	server         *Server
	challenge      Challenge
	claim          Claim
}

func newBenchSetup(b *testing.B) *benchSetup {
	b.Helper()
	s := &benchSetup{}
	s.salt, _ = NewSalt()
	s.verifier = Verifier(benchPool, benchUser, benchPassword, s.salt)
	var err error
	if s.client, err = NewClient(); err != nil {
		b.Fatal(err)
	}
	if s.a, err = ParseA(s.client.PublicHex()); err != nil {
		b.Fatal(err)
	}
	if s.server, err = NewServer(s.verifier); err != nil {
		b.Fatal(err)
	}
	s.challenge = Challenge{
		PoolName:    benchPool,
		UserID:      benchUser,
		Salt:        hex.EncodeToString(s.salt),
		B:           s.server.PublicHex(),
		SecretBlock: base64.StdEncoding.EncodeToString(make([]byte, 1024)),
	}
	resp, err := s.client.Respond(s.challenge, benchPassword, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	sig, _ := base64.StdEncoding.DecodeString(resp.Signature)
	s.claim = Claim{PoolName: benchPool, UserID: benchUser, SecretBlock: make([]byte, 1024), Timestamp: resp.Timestamp, Signature: sig}
	if !s.server.Verify(s.a, s.claim) {
		b.Fatal("setup login failed")
	}
	return s
}

func BenchmarkVerifier(b *testing.B) {
	salt, _ := NewSalt()
	combTable()
	for b.Loop() {
		Verifier(benchPool, benchUser, benchPassword, salt)
	}
}

func BenchmarkServerNew(b *testing.B) {
	s := newBenchSetup(b)
	for b.Loop() {
		if _, err := NewServer(s.verifier); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkServerRestore(b *testing.B) {
	s := newBenchSetup(b)
	secret := s.server.Secret()
	for b.Loop() {
		if _, err := RestoreServer(s.verifier, secret); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkServerRestoreVerifier(b *testing.B) {
	s := newBenchSetup(b)
	secret, u := s.server.Secret(), s.server.Scramble(s.a)
	for b.Loop() {
		if _, err := RestoreVerifier(s.verifier, secret, u); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkServerVerify(b *testing.B) {
	s := newBenchSetup(b)
	for b.Loop() {
		if !s.server.Verify(s.a, s.claim) {
			b.Fatal("refused")
		}
	}
}

func BenchmarkClientNew(b *testing.B) {
	for b.Loop() {
		if _, err := NewClient(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClientRespond(b *testing.B) {
	s := newBenchSetup(b)
	now := time.Now()
	for b.Loop() {
		if _, err := s.client.Respond(s.challenge, benchPassword, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLogin is one whole USER_SRP_AUTH sign-in: the client's A, the
// server's B, the client's proof, and the server resuming from its sealed
// secret to verify it.
func BenchmarkLogin(b *testing.B) {
	s := newBenchSetup(b)
	block := base64.StdEncoding.EncodeToString(make([]byte, 1024))
	for b.Loop() {
		client, _ := NewClient()
		a, err := ParseA(client.PublicHex())
		if err != nil {
			b.Fatal(err)
		}
		server, _ := NewServer(s.verifier)
		ch := s.challenge
		ch.B, ch.SecretBlock = server.PublicHex(), block
		resp, err := client.Respond(ch, benchPassword, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		server, _ = RestoreVerifier(s.verifier, server.Secret(), server.Scramble(a))
		sig, _ := base64.StdEncoding.DecodeString(resp.Signature)
		claim := Claim{PoolName: benchPool, UserID: benchUser, SecretBlock: make([]byte, 1024), Timestamp: resp.Timestamp, Signature: sig}
		if !server.Verify(a, claim) {
			b.Fatal("refused")
		}
	}
}

func BenchmarkCombTableBuild(b *testing.B) {
	for b.Loop() {
		buildCombTable()
	}
}

// BenchmarkArith compares one modular multiplication, g^e and y^e for a
// 256-bit e in this package, math/big and bigmod.
func BenchmarkArith(b *testing.B) {
	x, err := rand.Int(rand.Reader, bigN)
	if err != nil {
		b.Fatal(err)
	}
	y, _ := rand.Int(rand.Reader, bigN)
	e := make([]byte, 32)
	rand.Read(e)
	bigE := new(big.Int).SetBytes(e)
	ex, ey := elemFromBig(x), elemFromBig(y)
	m, err := bigmod.NewModulus(bigN.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	nx, _ := bigmod.NewNat().SetBytes(x.Bytes(), m)
	ny, _ := bigmod.NewNat().SetBytes(y.Bytes(), m)
	ng, _ := bigmod.NewNat().SetBytes([]byte{generator}, m)
	combTable()

	var z elem
	bz := new(big.Int)
	nz, _ := bigmod.NewNat().SetBytes(x.Bytes(), m)
	b.Run("mul/srp", func(b *testing.B) {
		for b.Loop() {
			z.montMul(&ex, &ey)
		}
	})
	b.Run("mul/mathbig", func(b *testing.B) {
		for b.Loop() {
			bz.Mul(x, y)
			bz.Mod(bz, bigN)
		}
	})
	b.Run("mul/bigmod", func(b *testing.B) {
		for b.Loop() {
			nz.Mul(ny, m)
		}
	})
	b.Run("expG/srp-comb", func(b *testing.B) {
		for b.Loop() {
			z.expG(e)
		}
	})
	b.Run("expG/srp-window", func(b *testing.B) {
		g := elem{generator}
		for b.Loop() {
			z.exp(&g, e)
		}
	})
	b.Run("expG/mathbig", func(b *testing.B) {
		for b.Loop() {
			bz.Exp(bigG, bigE, bigN)
		}
	})
	b.Run("expG/bigmod", func(b *testing.B) {
		for b.Loop() {
			nz.Exp(ng, e, m)
		}
	})
	b.Run("exp/srp", func(b *testing.B) {
		for b.Loop() {
			z.exp(&ex, e)
		}
	})
	b.Run("exp/mathbig", func(b *testing.B) {
		for b.Loop() {
			bz.Exp(x, bigE, bigN)
		}
	})
	b.Run("exp/bigmod", func(b *testing.B) {
		for b.Loop() {
			nz.Exp(nx, e, m)
		}
	})
}

package srp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"math/big"
)

// Errors returned for values the protocol tells a party to refuse.
var (
	// ErrInvalidPublic means a peer's SRP_A or SRP_B is malformed, is ≡ 0
	// mod N (which would make the shared secret predictable), or makes u zero.
	ErrInvalidPublic = errors.New("srp: invalid public value")
	// ErrInvalidVerifier means stored or offered verifier bytes are not a
	// number in [1, N).
	ErrInvalidVerifier = errors.New("srp: invalid verifier")
	// ErrInvalidSecret means a server secret to restore is not SecretLen bytes.
	ErrInvalidSecret = errors.New("srp: invalid server secret")
)

// SecretLen is the length of the server's secret exponent b: 256 bits, the
// minimum the protocol asks for and the width of the fixed-base table.
const SecretLen = 32

// maxPublicHex bounds SRP_A before parsing. A number below N needs 768 hex
// digits; the slack tolerates leading zeros without letting a huge string
// reach the parser.
const maxPublicHex = 1024

// kMont is the multiplier k in Montgomery form, ready to multiply v by.
var kMont = func() elem {
	k := elemFromBig(bigK)
	k.toMont(&k)
	return k
}()

// Server is the server's half of one SRP exchange (USER_SRP_AUTH or
// DEVICE_SRP_AUTH) for one verifier. It is never modified after it is made,
// so its methods may be called concurrently.
//
// Between the challenge and the answer the caller keeps Secret (sealed, it
// is the only secret of the exchange) together with A, and rebuilds the
// Server with RestoreServer, possibly on another node.
type Server struct {
	v      elem
	secret []byte   // b, big-endian, SecretLen bytes
	pub    *big.Int // B = (k·v + g^b) mod N; nil when restored by RestoreVerifier
	u      []byte   // H(PAD(A) ‖ PAD(B)) when restored by RestoreVerifier, else nil
}

// NewServer starts an exchange for verifier (PAD(v) as made by Verifier, or
// a device's decoded PasswordVerifier) with a fresh random b.
func NewServer(verifier []byte) (*Server, error) {
	v, err := parseVerifier(verifier)
	if err != nil {
		return nil, err
	}
	for {
		secret := make([]byte, SecretLen)
		if _, err := rand.Read(secret); err != nil {
			return nil, err
		}
		s, err := newServer(v, secret)
		if errors.Is(err, ErrInvalidPublic) {
			continue // B ≡ 0 mod N: clients would refuse it; draw another b
		}
		return s, err
	}
}

// RestoreServer rebuilds the Server that NewServer returned, from the same
// verifier and its Secret. Recomputing B costs one fixed-base exponentiation,
// a tenth of Verify, and saves the caller from sealing B as well.
func RestoreServer(verifier, secret []byte) (*Server, error) {
	v, err := parseVerifier(verifier)
	if err != nil {
		return nil, err
	}
	if len(secret) != SecretLen {
		return nil, ErrInvalidSecret
	}
	return newServer(v, secret)
}

// ScrambleLen is the length of a Scramble: one SHA-256 hash.
const ScrambleLen = sha256.Size

// RestoreVerifier rebuilds, for Verify only, the Server of an exchange from
// its verifier, its Secret and its Scramble for the client's A. Unlike
// RestoreServer it does not recompute B, which costs a fixed-base
// exponentiation: the caller seals the 32-byte scramble instead of the
// 384-byte B. Verify must then be given that same A (the caller seals A
// with the rest); Public and PublicHex have nothing to return.
func RestoreVerifier(verifier, secret, scramble []byte) (*Server, error) {
	v, err := parseVerifier(verifier)
	if err != nil {
		return nil, err
	}
	if len(secret) != SecretLen {
		return nil, ErrInvalidSecret
	}
	if len(scramble) != ScrambleLen {
		return nil, ErrInvalidSecret
	}
	return &Server{v: v, secret: append([]byte(nil), secret...), u: append([]byte(nil), scramble...)}, nil
}

func newServer(v elem, secret []byte) (*Server, error) {
	var gb, b elem
	gb.expG(secret)
	b.montMul(&kMont, &v) // k·v: the Montgomery factor of kMont cancels
	b.add(&b, &gb)
	if b.isZero() == 1 {
		return nil, ErrInvalidPublic
	}
	var buf [8 * nLimbs]byte
	b.fillBytes(&buf)
	return &Server{
		v:      v,
		secret: append([]byte(nil), secret...),
		pub:    new(big.Int).SetBytes(buf[:]),
	}, nil
}

// ValidateVerifier checks that verifier bytes (PAD(v), or a device's decoded
// PasswordVerifier from ConfirmDevice) encode a number in [1, N), so a bad
// device registration is refused when it is made, not at its first sign-in.
func ValidateVerifier(verifier []byte) error {
	_, err := parseVerifier(verifier)
	return err
}

func parseVerifier(verifier []byte) (elem, error) {
	var v elem
	if err := v.setBytes(verifier); err != nil || v.isZero() == 1 {
		return elem{}, ErrInvalidVerifier
	}
	return v, nil
}

// Secret returns a copy of b, for the caller to seal with the rest of the
// pending exchange.
func (s *Server) Secret() []byte { return append([]byte(nil), s.secret...) }

// Public returns a copy of B (nil on a Server from RestoreVerifier).
func (s *Server) Public() *big.Int {
	if s.pub == nil {
		return nil
	}
	return new(big.Int).Set(s.pub)
}

// PublicHex is B for the SRP_B challenge parameter: lowercase hex without
// leading zeros, which clients parse as an integer ("" on a Server from
// RestoreVerifier).
func (s *Server) PublicHex() string {
	if s.pub == nil {
		return ""
	}
	return s.pub.Text(16)
}

// Scramble is u = H(PAD(A) ‖ PAD(B)) of this exchange for the client's a
// (from ParseA): what RestoreVerifier takes in place of B.
func (s *Server) Scramble(a *big.Int) []byte { return scramble(a, s.pub) }

// ParseA parses the client's SRP_A (hex, either case, leading zeros allowed)
// and refuses it with ErrInvalidPublic unless it is a number in [1, N).
// The protocol only requires A mod N ≠ 0; no client sends A ≥ N, and
// refusing it keeps every later computation on reduced values.
func ParseA(s string) (*big.Int, error) {
	if len(s) == 0 || len(s) > maxPublicHex {
		return nil, ErrInvalidPublic
	}
	for i := 0; i < len(s); i++ {
		if !isHexDigit(s[i]) { // SetString would also take signs and underscores
			return nil, ErrInvalidPublic
		}
	}
	a, _ := new(big.Int).SetString(s, 16)
	if !inGroupRange(a) {
		return nil, ErrInvalidPublic
	}
	return a, nil
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// inGroupRange reports whether 0 < x < N.
func inGroupRange(x *big.Int) bool {
	return x != nil && x.Sign() > 0 && x.Cmp(bigN) < 0
}

// Claim is what the client sends with PASSWORD_VERIFIER or
// DEVICE_PASSWORD_VERIFIER, decoded from its wire encodings.
type Claim struct {
	PoolName    string // PoolName of the user pool id; the DeviceGroupKey for a device
	UserID      string // USER_ID_FOR_SRP the server sent; the DeviceKey for a device
	SecretBlock []byte // decoded PASSWORD_CLAIM_SECRET_BLOCK
	Timestamp   string // TIMESTAMP exactly as received: it is signed as sent
	Signature   []byte // decoded PASSWORD_CLAIM_SIGNATURE
}

// Verify reports whether the claim's signature proves knowledge of the
// password behind the verifier, for the client's public value a (from
// ParseA). Checking the timestamp's age and that the secret block is the one
// issued is the caller's job. The salt plays no part: it only enters through
// the verifier.
func (s *Server) Verify(a *big.Int, c Claim) bool {
	if !inGroupRange(a) {
		return false
	}
	u := s.u
	if u == nil {
		u = scramble(a, s.pub)
	}
	if isZeroBytes(u) {
		return false
	}
	premaster := s.premaster(a, u)
	want := claimSignature(sessionKey(u, padElem(&premaster)), c)
	return hmac.Equal(want, c.Signature)
}

// premaster is S = (A·v^u)^b mod N, for A already checked to be in [1, N).
// v and b are secret, so both exponentiations use the constant-time code.
func (s *Server) premaster(a *big.Int, u []byte) elem {
	var ae, vu, base, sec elem
	if err := ae.setBytes(a.Bytes()); err != nil {
		panic("srp: A not reduced")
	}
	vu.exp(&s.v, u)
	base.toMont(&ae)
	base.montMul(&base, &vu) // the Montgomery factors cancel: base = A·v^u
	sec.exp(&base, s.secret)
	return sec
}

// claimSignature is HMAC(K, poolName ‖ userID ‖ secretBlock ‖ timestamp).
func claimSignature(key []byte, c Claim) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(c.PoolName))
	m.Write([]byte(c.UserID))
	m.Write(c.SecretBlock)
	m.Write([]byte(c.Timestamp))
	return m.Sum(nil)
}

func isZeroBytes(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

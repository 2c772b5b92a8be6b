// Package srp is Cognito's flavour of SRP-6a (3072-bit RFC 3526 group, g = 2,
// SHA-256, the "Caldera" HKDF key and HMAC password claim): the password
// verifier stored for every user and remembered device, the server's half of
// USER_SRP_AUTH and DEVICE_SRP_AUTH, and a client that mirrors
// amazon-cognito-identity-js for tests and tools. The wire encodings follow
// shared/COGNITO-PROTOCOL.md §2; callers handle only strings and bytes.
//
// The package owns the mathematics and nothing else: it stores no state,
// knows nothing of users, pools or sessions, and never decides policy such as
// the TIMESTAMP window. Server state (the secret b) is handed to the caller to
// seal, so an exchange can continue on any node.
//
// # Speed and constant time
//
// Everything that touches a secret exponent (x derived from the password, the
// server's b) or the verifier uses the constant-time Montgomery arithmetic of
// modp.go. BenchmarkArith measured, on the 2-core development VM (AMD EPYC
// "Turin" guest, Go 1.26, median of -count 5 beside other jobs, so ±20%):
//
//	3072-bit operation                  this package   math/big   bigmod v0.1.0
//	modular multiplication                   3.7 µs      4.5 µs        13.7 µs
//	g^e, 256-bit e (verifier, g^b)           243 µs      956 µs        2.34 ms
//	y^e, 256-bit e (v^u, (A·v^u)^b)          1.46 ms     1.04 ms       2.33 ms
//
// math/big is variable time, and bigmod has no assembly for 3072-bit moduli
// and leaves the Montgomery domain after every Mul, so this package does its
// own: a fused Montgomery multiplication specialised to N, a 4-bit
// fixed-window exponentiation for variable bases, and for the fixed base g a
// comb of 52 precomputed 5-bit rows (640 KiB, built once in ~7 ms on first
// use) that needs no squarings at all. The comb is what makes the verifier,
// recomputed on every USER_PASSWORD_AUTH sign-in, cheap. Comb windows of 4
// to 8 bits measured 265, 235, 235, 225–290 and 305 µs; 5 and 6 bits tie
// within the noise, and since every call scans the whole table, 5 bits
// (640 KiB against 1 MiB) leaves more cache to the rest of the server. For a
// variable base math/big is about 1.4× faster but leaks its exponent through
// timing, so the server pays the difference in Verify; only the test client,
// whose secrets are throwaway, uses math/big.
package srp

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"math/big"
	"strings"
)

// Generator is g of the SRP group. Cognito uses 2 where RFC 5054 says 5 for
// this prime.
const Generator = 2

const generator = Generator

// PrimeHex is N, the 3072-bit MODP prime of RFC 3526 §4, in hexadecimal.
const PrimeHex = "" +
	"ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74" +
	"020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437" +
	"4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed" +
	"ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf05" +
	"98da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb" +
	"9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b" +
	"e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf695581718" +
	"3995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33" +
	"a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7" +
	"abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864" +
	"d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e2" +
	"08e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff"

var (
	bigN = mustHex(PrimeHex)
	bigG = big.NewInt(generator)
	bigK = new(big.Int).SetBytes(hashConcat(Pad(bigN), Pad(bigG)))
)

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("srp: bad hex constant")
	}
	return n
}

// Prime returns a copy of N.
func Prime() *big.Int { return new(big.Int).Set(bigN) }

// Multiplier returns a copy of k = H(PAD(N) ‖ PAD(g)).
func Multiplier() *big.Int { return new(big.Int).Set(bigK) }

// Pad is the byte form every number is hashed in (ACIJS padHex): the
// minimal big-endian bytes of x, "00" for zero, with one 0x00 prepended when
// the top bit is set, as if the number were a signed two's-complement value.
// x must not be negative.
func Pad(x *big.Int) []byte {
	return padBytes(x.Bytes())
}

// padBytes applies PAD to big-endian bytes that may carry leading zeros.
func padBytes(b []byte) []byte {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	if len(b) == 0 {
		return []byte{0}
	}
	if b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return append([]byte(nil), b...)
}

// padElem is PAD of a residue. Dropping leading zero bytes reveals how many
// there are; the protocol itself hashes numbers at that length, so the
// length is not a secret this package can keep.
func padElem(z *elem) []byte {
	var buf [8 * nLimbs]byte
	z.fillBytes(&buf)
	return padBytes(buf[:])
}

func hashConcat(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// PoolName is the part of a user pool id after the first "_"
// ("us-east-1_AbC123xyZ" → "AbC123xyZ"), which clients hash into x and the
// password claim. An id without "_" is returned whole.
func PoolName(userPoolID string) string {
	if _, after, ok := strings.Cut(userPoolID, "_"); ok {
		return after
	}
	return userPoolID
}

// SaltLen is the length of the random salts NewSalt makes.
const SaltLen = 16

// NewSalt returns SaltLen random bytes for a new verifier.
func NewSalt() ([]byte, error) {
	salt := make([]byte, SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	return salt, nil
}

// privateKey is x = H(PAD(int(salt)) ‖ H(poolName ‖ userID ‖ ":" ‖ password)),
// big-endian. Clients parse the SALT hex as an integer before padding it, so
// leading zero bytes of the stored salt drop out and a set top bit adds one.
func privateKey(poolName, userID, password string, salt []byte) []byte {
	inner := sha256.Sum256([]byte(poolName + userID + ":" + password))
	return hashConcat(padBytes(salt), inner[:])
}

// Verifier returns PAD(v) for v = g^x mod N, the value stored for a user (or
// device) in place of the password. For a device, poolName is the
// DeviceGroupKey and userID the DeviceKey. It runs in time independent of the
// password.
func Verifier(poolName, userID, password string, salt []byte) []byte {
	var v elem
	v.expG(privateKey(poolName, userID, password, salt))
	return padElem(&v)
}

// CheckPassword reports whether password reproduces the stored verifier. This
// is how USER_PASSWORD_AUTH checks a password: the verifier doubles as the
// password hash, so no second hash is kept.
func CheckPassword(poolName, userID, password string, salt, verifier []byte) bool {
	got := Verifier(poolName, userID, password, salt)
	return subtle.ConstantTimeCompare(got, padBytes(verifier)) == 1
}

// scramble is u = H(PAD(A) ‖ PAD(B)) as big-endian bytes.
func scramble(a, b *big.Int) []byte {
	return hashConcat(Pad(a), Pad(b))
}

// derivedKeyInfo is the HKDF info string Cognito uses.
const derivedKeyInfo = "Caldera Derived Key"

// sessionKey is K = HKDF-SHA256(salt = PAD(u), secret = PAD(S),
// info = "Caldera Derived Key") truncated to 16 bytes. Clients pad u as an
// integer, so a hash with leading zero bytes loses them here.
func sessionKey(u, premaster []byte) []byte {
	k, err := hkdf.Key(sha256.New, padBytes(premaster), padBytes(u), derivedKeyInfo, 16)
	if err != nil {
		panic("srp: hkdf: " + err.Error()) // only fails for lengths it cannot produce
	}
	return k
}

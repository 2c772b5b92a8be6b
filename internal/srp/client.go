package srp

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// The client exists so tests and tools can sign in the way
// amazon-cognito-identity-js does. It uses math/big, which is not constant
// time: that is acceptable for throwaway client secrets and makes a client
// login about a third faster (1024-bit a). The server never uses it.

// clientSecretLen is the length of a, as in ACIJS.
const clientSecretLen = 128

// Client is the client's half of one SRP exchange.
type Client struct {
	secret *big.Int // a
	pub    *big.Int // A = g^a mod N
}

// NewClient picks a random a and computes A.
func NewClient() (*Client, error) {
	a := make([]byte, clientSecretLen)
	if _, err := rand.Read(a); err != nil {
		return nil, err
	}
	return newClient(a)
}

func newClient(a []byte) (*Client, error) {
	secret := new(big.Int).SetBytes(a)
	pub := new(big.Int).Exp(bigG, secret, bigN)
	if pub.Sign() == 0 {
		return nil, ErrInvalidPublic
	}
	return &Client{secret: secret, pub: pub}, nil
}

// PublicHex is A for the SRP_A auth parameter: lowercase hex, no leading
// zeros, as ACIJS sends it.
func (c *Client) PublicHex() string { return c.pub.Text(16) }

// Challenge is what the client needs from a PASSWORD_VERIFIER or
// DEVICE_PASSWORD_VERIFIER challenge, in wire encodings.
type Challenge struct {
	PoolName    string // PoolName of the user pool id; the DeviceGroupKey for a device
	UserID      string // USER_ID_FOR_SRP; the DeviceKey for a device
	Salt        string // SALT, hex
	B           string // SRP_B, hex
	SecretBlock string // SECRET_BLOCK, standard base64
}

// Response holds the challenge responses that prove the password.
type Response struct {
	SecretBlock string // PASSWORD_CLAIM_SECRET_BLOCK: SECRET_BLOCK echoed
	Signature   string // PASSWORD_CLAIM_SIGNATURE, standard base64
	Timestamp   string // TIMESTAMP
}

// Respond proves knowledge of password for the challenge, signing at time
// now. Like ACIJS it refuses B ≡ 0 mod N and u = 0 with ErrInvalidPublic.
func (c *Client) Respond(ch Challenge, password string, now time.Time) (Response, error) {
	b, ok := parseHexInt(ch.B)
	if !ok || new(big.Int).Mod(b, bigN).Sign() == 0 {
		return Response{}, ErrInvalidPublic
	}
	salt, ok := parseHexInt(ch.Salt)
	if !ok {
		return Response{}, errors.New("srp: SALT is not hex")
	}
	block, err := base64.StdEncoding.DecodeString(ch.SecretBlock)
	if err != nil {
		return Response{}, fmt.Errorf("srp: SECRET_BLOCK: %w", err)
	}
	u := scramble(c.pub, b)
	if isZeroBytes(u) {
		return Response{}, ErrInvalidPublic
	}
	x := new(big.Int).SetBytes(privateKey(ch.PoolName, ch.UserID, password, salt.Bytes()))
	premaster := c.premaster(b, new(big.Int).SetBytes(u), x)

	claim := Claim{
		PoolName:    ch.PoolName,
		UserID:      ch.UserID,
		SecretBlock: block,
		Timestamp:   FormatTimestamp(now),
	}
	sig := claimSignature(sessionKey(u, premaster.Bytes()), claim)
	return Response{
		SecretBlock: ch.SecretBlock,
		Signature:   base64.StdEncoding.EncodeToString(sig),
		Timestamp:   claim.Timestamp,
	}, nil
}

// premaster is S = (B − k·g^x)^(a + u·x) mod N.
func (c *Client) premaster(b, u, x *big.Int) *big.Int {
	gx := new(big.Int).Exp(bigG, x, bigN)
	base := new(big.Int).Mul(bigK, gx)
	base.Sub(b, base)
	base.Mod(base, bigN) // Mod is Euclidean: the result is never negative
	e := new(big.Int).Mul(u, x)
	e.Add(e, c.secret)
	return base.Exp(base, e, bigN)
}

// parseHexInt parses hex with integer semantics (either case, any length),
// refusing anything big.Int would take beyond plain digits.
func parseHexInt(s string) (*big.Int, bool) {
	if s == "" {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		if !isHexDigit(s[i]) {
			return nil, false
		}
	}
	return new(big.Int).SetString(s, 16)
}

// DeviceSecret is what a client makes to remember a device (ConfirmDevice),
// as ACIJS generateHashDevice does.
type DeviceSecret struct {
	Password string // random password: base64 of 40 random bytes; stays on the device
	Salt     []byte // PAD(int(16 random bytes))
	Verifier []byte // PAD(v) for the device's x
}

// NewDeviceSecret makes a device password and its verifier for the device
// identified by deviceGroupKey and deviceKey (NewDeviceMetadata).
func NewDeviceSecret(deviceGroupKey, deviceKey string) (*DeviceSecret, error) {
	raw := make([]byte, 40)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	salt, err := NewSalt()
	if err != nil {
		return nil, err
	}
	password := base64.StdEncoding.EncodeToString(raw)
	return &DeviceSecret{
		Password: password,
		Salt:     padBytes(salt),
		Verifier: Verifier(deviceGroupKey, deviceKey, password, salt),
	}, nil
}

// VerifierConfig returns the members of ConfirmDevice's
// DeviceSecretVerifierConfig: standard base64 of PAD(v) and of the salt.
// The server later sends the salt back as SALT in hex.
func (d *DeviceSecret) VerifierConfig() (passwordVerifier, salt string) {
	return base64.StdEncoding.EncodeToString(d.Verifier), base64.StdEncoding.EncodeToString(d.Salt)
}

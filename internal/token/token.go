// Package token issues and verifies the RS256 JSON Web Tokens Cognito hands
// out, and publishes the public keys as a JWKS. Parsing and verifying is
// go-jose's; signing writes the compact form itself (see Sign).
package token

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// KeyBits is the RSA modulus size, as Cognito's keys.
const KeyBits = 2048

// Key is a signing key with its key id.
type Key struct {
	ID      string
	Private *rsa.PrivateKey
	// header is the encoded protected header, the same in every token the
	// key signs.
	header string
}

// GenerateKey makes a new RSA signing key.
func GenerateKey() (*Key, error) {
	pk, err := rsa.GenerateKey(rand.Reader, KeyBits)
	if err != nil {
		return nil, err
	}
	return newKey(pk)
}

func newKey(pk *rsa.PrivateKey) (*Key, error) {
	der, err := x509.MarshalPKIXPublicKey(&pk.PublicKey)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(der)
	k := &Key{ID: base64.RawURLEncoding.EncodeToString(sum[:18]), Private: pk}
	// kid before alg, as in Cognito's tokens.
	header, err := json.Marshal(struct {
		Kid string `json:"kid"`
		Alg string `json:"alg"`
	}{k.ID, "RS256"})
	if err != nil {
		return nil, err
	}
	k.header = base64.RawURLEncoding.EncodeToString(header)
	return k, nil
}

// Marshal encodes the private key (PKCS #8 DER) for encrypted storage.
func (k *Key) Marshal() ([]byte, error) { return x509.MarshalPKCS8PrivateKey(k.Private) }

// ParseKey decodes what Marshal produced.
func ParseKey(der []byte) (*Key, error) {
	pk, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	rk, ok := pk.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("token: not an RSA key")
	}
	rk.Precompute()
	return newKey(rk)
}

// signatures counts Sign calls in the process (see Signatures).
var signatures atomic.Uint64

// Sign returns the compact JWS of claims, with header {"kid","alg":"RS256"}.
// It encodes the claims once (appendClaims) and signs those bytes:
// go-jose's builder encoded them, decoded them and encoded them again, with
// the header, which was over a third of a password sign-in's allocations.
// Verification stays go-jose's (Parse), and TestSignedTokensParse holds the
// two together.
func (k *Key) Sign(claims map[string]any) (string, error) {
	signatures.Add(1)
	claimsJSON, err := appendClaims(make([]byte, 0, 1024), claims)
	if err != nil {
		return "", err
	}
	b64 := base64.RawURLEncoding
	out := make([]byte, 0, len(k.header)+2+b64.EncodedLen(len(claimsJSON))+b64.EncodedLen(k.Private.Size()))
	out = append(out, k.header...)
	out = append(out, '.')
	out = b64.AppendEncode(out, claimsJSON)
	digest := sha256.Sum256(out)
	sig, err := rsa.SignPKCS1v15(nil, k.Private, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	out = append(out, '.')
	out = b64.AppendEncode(out, sig)
	return string(out), nil
}

// Signatures is the number of tokens signed in this process, by any key:
// tests hold it against the issuer's own count to show that no token is
// signed outside the issuer.
func Signatures() uint64 { return signatures.Load() }

// JWK is one public key in JWKS form.
type JWK struct {
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Kty string `json:"kty"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// Public returns the key's JWK.
func (k *Key) Public() JWK {
	pub := k.Private.PublicKey
	e := big(int64(pub.E))
	return JWK{Kid: k.ID, Alg: "RS256", Kty: "RSA", Use: "sig",
		N: base64.RawURLEncoding.EncodeToString(pub.N.Bytes()), E: base64.RawURLEncoding.EncodeToString(e)}
}

func big(v int64) []byte {
	var b []byte
	for v > 0 {
		b = append([]byte{byte(v)}, b...)
		v >>= 8
	}
	return b
}

// JWKS renders keys as a JSON Web Key Set.
func JWKS(keys ...*Key) []byte {
	set := struct {
		Keys []JWK `json:"keys"`
	}{Keys: []JWK{}}
	for _, k := range keys {
		set.Keys = append(set.Keys, k.Public())
	}
	b, _ := json.Marshal(set)
	return b
}

// Errors of Parse.
var (
	ErrMalformed = errors.New("token: malformed")
	ErrSignature = errors.New("token: bad signature")
)

// Parse checks the signature of raw against the key whose id it names
// (RS256 only: alg none and HMAC tokens are refused) and returns its claims.
// Expiry, issuer and audience are the caller's to check.
func Parse(raw string, keyByID func(kid string) *rsa.PublicKey) (map[string]any, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(tok.Headers) != 1 {
		return nil, ErrMalformed
	}
	pub := keyByID(tok.Headers[0].KeyID)
	if pub == nil {
		return nil, ErrSignature
	}
	claims := map[string]any{}
	if err := tok.Claims(pub, &claims); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	return claims, nil
}

// Unverified returns the claims of raw without checking its signature: only
// to find which pool's key to check it with.
func Unverified(raw string) (map[string]any, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, ErrMalformed
	}
	claims := map[string]any{}
	if err := tok.UnsafeClaimsWithoutVerification(&claims); err != nil {
		return nil, ErrMalformed
	}
	return claims, nil
}

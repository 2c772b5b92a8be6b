package idp

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// This file holds Sign in with Apple's client authentication: Apple gives
// a developer no client secret but a private key (a .p8 file: PKCS #8,
// EC P-256), and the client secret sent to its token endpoint is a short
// ES256 JWT signed with it, naming the team as issuer and the service ID
// as subject.

// appleSecretTTL is how long a made client secret is good for. Apple
// allows up to six months; one exchange needs a few seconds.
const appleSecretTTL = 5 * time.Minute

var errAppleKey = errors.New("not a PKCS #8 PEM EC P-256 private key")

// parseAppleKey reads Apple's private key as the .p8 file holds it.
func parseAppleKey(text string) (*ecdsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errAppleKey
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errAppleKey
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, errAppleKey
	}
	return ec, nil
}

// AppleClientSecret is the client secret of a SignInWithApple provider
// for a token request made at now: an ES256 JWT with the key_id as kid,
// the team_id as issuer, the client_id as subject and the provider's
// issuer (https://appleid.apple.com unless overridden) as audience.
func (p *FederationProvider) AppleClientSecret(now time.Time) (string, error) {
	k, err := parseAppleKey(p.privateKey)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: k},
		(&jose.SignerOptions{}).WithHeader("kid", p.keyID).WithType("JWT"))
	if err != nil {
		return "", err
	}
	return jwt.Signed(signer).Claims(jwt.Claims{Issuer: p.teamID, Subject: p.ClientID, Audience: jwt.Audience{p.Issuer},
		IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(appleSecretTTL))}).Serialize()
}

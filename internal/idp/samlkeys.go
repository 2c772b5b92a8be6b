package idp

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"math/big"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store"
)

// The pool's keys as a SAML service provider. Requests are signed with the
// pool's signing key (the one GetSigningCertificate certifies, as on
// Cognito). Encrypted assertions are decrypted with a key of its own, made
// on first use and kept sealed among the pool's blobs, so the token
// signing key never decrypts anything; its certificate is the
// ActiveEncryptionCertificate of a provider with EncryptedResponses.

// samlEncryptionKey names the pool's encryption key among its blobs.
const samlEncryptionKey = "saml-encryption-key"

// SAMLKeys are what the pool's SAML service provider signs and decrypts
// with, and their certificates.
type SAMLKeys struct {
	Signing, Encryption         *rsa.PrivateKey
	SigningCert, EncryptionCert *x509.Certificate
}

// SAMLKeys returns the pool's SAML service provider keys.
func (s *Service) SAMLKeys(ctx context.Context, poolID string) (*SAMLKeys, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	sk, err := s.signingKey(p)
	if err != nil {
		return nil, err
	}
	ek, err := s.samlEncryptionKey(ctx, poolID)
	if err != nil {
		return nil, err
	}
	k := &SAMLKeys{Signing: sk.Private, Encryption: ek}
	if k.SigningCert, err = poolCertificate(p, "signing", sk.Private, x509.KeyUsageDigitalSignature); err != nil {
		return nil, err
	}
	if k.EncryptionCert, err = poolCertificate(p, "encryption", ek, x509.KeyUsageKeyEncipherment|x509.KeyUsageDataEncipherment); err != nil {
		return nil, err
	}
	return k, nil
}

// samlEncryptionKey returns the pool's encryption key, made the first time
// (one pool's concurrent first uses agree on one key: UpdateBlob is
// atomic).
func (s *Service) samlEncryptionKey(ctx context.Context, poolID string) (*rsa.PrivateKey, error) {
	label := seal.LabelSAMLEncryptionKey(poolID)
	var box []byte
	err := s.st.UpdateBlob(ctx, poolID, samlEncryptionKey, func(b []byte) ([]byte, error) {
		if len(b) > 0 {
			box = b
			return b, nil
		}
		pk, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(pk)
		if err != nil {
			return nil, err
		}
		box = s.seal.Encrypt(der, label)
		return box, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, api.Errorf(api.ErrResourceNotFound, api.MsgPoolNotFound, poolID)
	}
	if err != nil {
		return nil, internal(err)
	}
	der, err := s.seal.Decrypt(box, label)
	if err != nil {
		return nil, internal(err)
	}
	pk, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, internal(err)
	}
	rk, ok := pk.(*rsa.PrivateKey)
	if !ok {
		return nil, internal(errors.New("the SAML encryption key is not RSA"))
	}
	return rk, nil
}

// encryptionCertificate is a provider's ActiveEncryptionCertificate: the
// pool's encryption certificate, base64 DER.
func (s *Service) encryptionCertificate(ctx context.Context, poolID string) (string, error) {
	k, err := s.SAMLKeys(ctx, poolID)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(k.EncryptionCert.Raw), nil
}

// poolCertificate is a self-signed X.509 certificate of one of the pool's
// keys for a purpose. The same pool, purpose and key always give the same
// certificate: its serial comes from the pool id and purpose, its validity
// from the pool's creation (ten years), and RSA PKCS #1 v1.5 signatures are
// deterministic.
func poolCertificate(p *pool, purpose string, key *rsa.PrivateKey, usage x509.KeyUsage) (*x509.Certificate, error) {
	h := sha256.Sum256([]byte("cognate " + purpose + " certificate|" + p.rec.ID))
	notBefore := p.rec.Created.UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber:          new(big.Int).SetBytes(h[:16]),
		Subject:               pkix.Name{CommonName: p.rec.ID, Organization: []string{"Cognate"}},
		NotBefore:             notBefore,
		NotAfter:              notBefore.AddDate(10, 0, 0),
		KeyUsage:              usage,
		BasicConstraintsValid: true,
		SignatureAlgorithm:    x509.SHA256WithRSA,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, internal(err)
	}
	cert, err := x509.ParseCertificate(der)
	return cert, internal(err)
}

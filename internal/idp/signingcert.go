package idp

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
)

// GetSigningCertificate answers GetSigningCertificate: a self-signed X.509
// certificate for the pool's signing key (the key that signs its tokens and
// would sign its SAML requests), base64 DER as Cognito gives it. The same
// pool and key always give the same certificate: its serial comes from the
// pool id, its validity from the pool's creation, and RSA PKCS #1 v1.5
// signatures are deterministic.
func (s *Service) GetSigningCertificate(ctx context.Context, in *api.GetSigningCertificateInput) (*api.GetSigningCertificateOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	key, err := s.signingKey(p)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256([]byte("cognate signing certificate|" + p.rec.ID))
	serial := new(big.Int).SetBytes(h[:16])
	notBefore := p.rec.Created.UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: p.rec.ID, Organization: []string{"Cognate"}},
		NotBefore:             notBefore,
		NotAfter:              notBefore.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		SignatureAlgorithm:    x509.SHA256WithRSA,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.Private.PublicKey, key.Private)
	if err != nil {
		return nil, internal(err)
	}
	return &api.GetSigningCertificateOutput{Certificate: base64.StdEncoding.EncodeToString(der)}, nil
}

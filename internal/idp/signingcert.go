package idp

import (
	"context"
	"crypto/x509"
	"encoding/base64"

	"github.com/cognate-idp/cognate/internal/api"
)

// GetSigningCertificate answers GetSigningCertificate: a self-signed X.509
// certificate for the pool's signing key (the key that signs its tokens and
// its SAML requests), base64 DER as Cognito gives it. The same pool and key
// always give the same certificate (poolCertificate).
func (s *Service) GetSigningCertificate(ctx context.Context, in *api.GetSigningCertificateInput) (*api.GetSigningCertificateOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	key, err := s.signingKey(p)
	if err != nil {
		return nil, err
	}
	cert, err := poolCertificate(p, "signing", key.Private, x509.KeyUsageDigitalSignature)
	if err != nil {
		return nil, err
	}
	return &api.GetSigningCertificateOutput{Certificate: base64.StdEncoding.EncodeToString(cert.Raw)}, nil
}

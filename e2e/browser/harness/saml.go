package main

// The saml app: a pool that signs users in through a SAML 2.0 identity
// provider, "Corp", which is crewjam/saml's samlidp server (not Cognate's
// code) on loopback, with its own login form and session. Cognate knows
// the IdP from its MetadataURL; the IdP knows Cognate from the service
// provider metadata Cognate serves for the pool. The provider has
// IDPSignout: signing out of the app signs the user out of the IdP.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/crewjam/saml/samlidp"
)

// samlPassword is the password of the IdP's users (sam, and lars, whose
// identity is linked to nora, a native user of the saml pool).
const samlPassword = "Corr3ct-Horse!"

// saml adds the saml app and starts its IdP.
func (h *harness) saml(ctx context.Context, base, rpURL string, apps map[string]appInfo) error {
	idpURL, err := startSAMLIdP()
	if err != nil {
		return fmt.Errorf("SAML IdP: %w", err)
	}
	for _, u := range []struct{ name, given string }{{"sam", "Sam"}, {"lars", "Lars"}} {
		body, _ := json.Marshal(map[string]any{"password": samlPassword, "email": u.name + "@corp.test", "given_name": u.given})
		if err := samlIdPPut(idpURL+"/users/"+u.name, body); err != nil {
			return err
		}
	}
	pool, err := h.admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("browser-saml")})
	if err != nil {
		return err
	}
	poolID := *pool.UserPool.Id
	if _, err := h.admin.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Corp"),
		ProviderType: types.IdentityProviderTypeTypeSaml, ProviderDetails: map[string]string{"MetadataURL": idpURL + "/metadata", "IDPSignout": "true"},
		AttributeMapping: map[string]string{"email": "urn:oid:0.9.2342.19200300.100.1.3", "given_name": "urn:oid:2.5.4.42"}}); err != nil {
		return err
	}
	// The SAML subject is the NameID, which samlidp makes the user's email.
	if err := h.linkedUser(ctx, poolID, "nora", samlPassword, "Corp", "lars@corp.test"); err != nil {
		return err
	}
	if err := h.oauthApp(ctx, base, rpURL, "saml", poolID, "", apps, func(in *cip.CreateUserPoolClientInput) {
		in.ClientName, in.AllowedOAuthScopes = aws.String("SAML test app"), []string{"openid", "email"}
		in.SupportedIdentityProviders = []string{"COGNITO", "Corp"}
	}); err != nil {
		return err
	}
	clientID := apps["saml"].ClientID
	// The IdP registers Cognate as a service provider from the metadata
	// Cognate serves for the pool.
	resp, err := http.Get(base + "/saml2/metadata?client_id=" + url.QueryEscape(clientID))
	if err != nil {
		return err
	}
	md, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("SP metadata: %d %v", resp.StatusCode, err)
	}
	if err := samlIdPPut(idpURL+"/services/cognate", md); err != nil {
		return err
	}
	return nil
}

// startSAMLIdP serves a samlidp server with a fresh key and self-signed
// certificate on loopback, for as long as the harness runs.
func startSAMLIdP() (string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "browser-test-idp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return "", err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	u := url.URL{Scheme: "http", Host: l.Addr().String()}
	idp, err := samlidp.New(samlidp.Options{URL: u, Key: key, Certificate: cert, Store: &samlidp.MemoryStore{},
		Logger: log.New(io.Discard, "", 0)})
	if err != nil {
		l.Close()
		return "", err
	}
	go http.Serve(l, idp)
	return u.String(), nil
}

// samlIdPPut calls the IdP's admin API.
func samlIdPPut(u string, body []byte) error {
	req, err := http.NewRequest(http.MethodPut, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("PUT %s: %d %s", u, resp.StatusCode, b)
	}
	return nil
}

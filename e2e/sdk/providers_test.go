package sdk_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// samlMetadata is an IdP's metadata document with the redirect endpoints.
const samlMetadata = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/slo"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso-post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`

func oidcDetails() map[string]string {
	return map[string]string{"client_id": "abc", "client_secret": "s3cret-value", "authorize_scopes": "openid email",
		"attributes_request_method": "GET", "oidc_issuer": "https://issuer.example.com"}
}

// The identity-provider operations keep each ProviderType's details as
// Cognito describes them, secrets included where Cognito gives them back.
func TestIdentityProviderLifecycle(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	created := must(e.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Corp"),
		ProviderType: types.IdentityProviderTypeTypeOidc, ProviderDetails: oidcDetails(),
		AttributeMapping: map[string]string{"email": "email"}, IdpIdentifiers: []string{"corp.example.com"}}))(t).IdentityProvider
	if created.ProviderDetails["client_secret"] != "s3cret-value" || created.ProviderDetails["attributes_url_add_attributes"] != "false" ||
		created.AttributeMapping["username"] != "sub" || created.AttributeMapping["email"] != "email" || created.CreationDate == nil {
		t.Fatalf("created %+v", created)
	}
	got := must(e.c.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Corp")}))(t).IdentityProvider
	if got.ProviderType != types.IdentityProviderTypeTypeOidc || got.ProviderDetails["oidc_issuer"] != "https://issuer.example.com" || got.IdpIdentifiers[0] != "corp.example.com" {
		t.Fatalf("described %+v", got)
	}
	byID := must(e.c.GetIdentityProviderByIdentifier(ctx, &cip.GetIdentityProviderByIdentifierInput{UserPoolId: &poolID, IdpIdentifier: aws.String("corp.example.com")}))(t)
	if *byID.IdentityProvider.ProviderName != "Corp" {
		t.Fatalf("by identifier: %s", *byID.IdentityProvider.ProviderName)
	}
	_, err := e.c.GetIdentityProviderByIdentifier(ctx, &cip.GetIdentityProviderByIdentifierInput{UserPoolId: &poolID, IdpIdentifier: aws.String("other")})
	wantErr(t, err, "ResourceNotFoundException", "")

	// An update without the secret keeps it; the mapping given replaces the old one.
	upd := must(e.c.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Corp"),
		ProviderDetails:  map[string]string{"client_id": "xyz", "authorize_scopes": "openid", "attributes_request_method": "POST", "oidc_issuer": "https://issuer.example.com"},
		AttributeMapping: map[string]string{"name": "name"}}))(t).IdentityProvider
	if upd.ProviderDetails["client_id"] != "xyz" || upd.ProviderDetails["client_secret"] != "s3cret-value" || upd.AttributeMapping["email"] != "" || upd.AttributeMapping["name"] != "name" {
		t.Fatalf("updated %+v", upd)
	}

	// Social providers: Cognito's endpoints filled in; Apple's private key never given back.
	g := must(e.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Google"),
		ProviderType: types.IdentityProviderTypeTypeGoogle, ProviderDetails: map[string]string{"client_id": "g", "client_secret": "gs", "authorize_scopes": "email profile openid"}}))(t).IdentityProvider
	if g.ProviderDetails["oidc_issuer"] != "https://accounts.google.com" || g.ProviderDetails["token_url"] == "" {
		t.Fatalf("google %+v", g.ProviderDetails)
	}
	a := must(e.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("SignInWithApple"),
		ProviderType: types.IdentityProviderTypeTypeSignInWithApple, ProviderDetails: map[string]string{"client_id": "com.example", "team_id": "T", "key_id": "K",
			"private_key": pkcs8PEM(t, must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))(t)), "authorize_scopes": "email name"}}))(t).IdentityProvider
	if _, ok := a.ProviderDetails["private_key"]; ok || a.ProviderDetails["key_id"] != "K" {
		t.Fatalf("apple %+v", a.ProviderDetails)
	}

	// SAML from a metadata file and from a metadata URL on loopback.
	s := must(e.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Okta"),
		ProviderType: types.IdentityProviderTypeTypeSaml, ProviderDetails: map[string]string{"MetadataFile": samlMetadata, "IDPSignout": "true"}}))(t).IdentityProvider
	if s.ProviderDetails["SSORedirectBindingURI"] != "https://idp.example.com/sso" || s.ProviderDetails["SLORedirectBindingURI"] != "https://idp.example.com/slo" {
		t.Fatalf("saml %+v", s.ProviderDetails)
	}
	md := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, samlMetadata) }))
	defer md.Close()
	s2 := must(e.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Adfs"),
		ProviderType: types.IdentityProviderTypeTypeSaml, ProviderDetails: map[string]string{"MetadataURL": md.URL}}))(t).IdentityProvider
	if s2.ProviderDetails["SSORedirectBindingURI"] != "https://idp.example.com/sso" {
		t.Fatalf("saml by URL %+v", s2.ProviderDetails)
	}

	// Listing pages in name order.
	var names []string
	var next *string
	for {
		page := must(e.c.ListIdentityProviders(ctx, &cip.ListIdentityProvidersInput{UserPoolId: &poolID, MaxResults: aws.Int32(2), NextToken: next}))(t)
		for _, p := range page.Providers {
			names = append(names, *p.ProviderName)
		}
		if next = page.NextToken; next == nil {
			break
		}
	}
	if fmt.Sprint(names) != "[Adfs Corp Google Okta SignInWithApple]" {
		t.Fatalf("listed %v", names)
	}

	// An app client may offer the pool's providers, and no others.
	must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		SupportedIdentityProviders: []string{"COGNITO", "Corp", "Google"}}))(t)
	_, err = e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web2"), SupportedIdentityProviders: []string{"Nope"}})
	wantErr(t, err, "InvalidParameterException", "Nope")

	must(e.c.DeleteIdentityProvider(ctx, &cip.DeleteIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Okta")}))(t)
	_, err = e.c.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Okta")})
	wantErr(t, err, "ResourceNotFoundException", "Okta")
	_, err = e.c.DeleteIdentityProvider(ctx, &cip.DeleteIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Okta")})
	wantErr(t, err, "ResourceNotFoundException", "")
}

// What Cognito refuses in a provider's definition, it refuses here.
func TestIdentityProviderValidation(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	create := func(name string, typ types.IdentityProviderTypeType, d map[string]string, mapping map[string]string, ids ...string) error {
		_, err := e.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String(name),
			ProviderType: typ, ProviderDetails: d, AttributeMapping: mapping, IdpIdentifiers: ids})
		return err
	}
	must(struct{}{}, create("Corp", types.IdentityProviderTypeTypeOidc, oidcDetails(), nil, "corp"))(t)
	wantErr(t, create("Corp", types.IdentityProviderTypeTypeOidc, oidcDetails(), nil), "DuplicateProviderException", "Corp")
	wantErr(t, create("Other", types.IdentityProviderTypeTypeOidc, oidcDetails(), nil, "corp"), "DuplicateProviderException", "corp")
	d := oidcDetails()
	delete(d, "oidc_issuer")
	wantErr(t, create("NoIssuer", types.IdentityProviderTypeTypeOidc, d, nil), "InvalidParameterException", "oidc_issuer is required")
	d = oidcDetails()
	d["authorize_scopes"] = "email"
	wantErr(t, create("NoOpenID", types.IdentityProviderTypeTypeOidc, d, nil), "InvalidParameterException", "openid")
	d = oidcDetails()
	d["attributes_request_method"] = "PUT"
	wantErr(t, create("BadMethod", types.IdentityProviderTypeTypeOidc, d, nil), "InvalidParameterException", "GET or POST")
	d = oidcDetails()
	d["oidc_issuer"] = "http://issuer.example.com"
	wantErr(t, create("PlainHTTP", types.IdentityProviderTypeTypeOidc, d, nil), "InvalidParameterException", "https")
	d = oidcDetails()
	d["favourite_colour"] = "blue"
	wantErr(t, create("Extra", types.IdentityProviderTypeTypeOidc, d, nil), "InvalidParameterException", "favourite_colour")
	wantErr(t, create("Mapped", types.IdentityProviderTypeTypeOidc, oidcDetails(), map[string]string{"custom:nope": "x"}), "InvalidParameterException", "custom:nope")
	wantErr(t, create("Gmail", types.IdentityProviderTypeTypeGoogle, map[string]string{"client_id": "g", "client_secret": "s", "authorize_scopes": "openid"}, nil),
		"InvalidParameterException", "must be named Google")
	wantErr(t, create("Saml1", types.IdentityProviderTypeTypeSaml, map[string]string{"IDPSignout": "true"}, nil), "InvalidParameterException", "exactly one of MetadataURL and MetadataFile")
	wantErr(t, create("Saml2", types.IdentityProviderTypeTypeSaml, map[string]string{"MetadataFile": "<html/>"}, nil), "InvalidParameterException", "metadata is not valid")
	wantErr(t, create("Saml3", types.IdentityProviderTypeTypeSaml, map[string]string{"MetadataFile": samlMetadata, "IDPSignout": "yes"}, nil), "InvalidParameterException", "true or false")
	wantErr(t, create("_bad", types.IdentityProviderTypeTypeOidc, oidcDetails(), nil), "InvalidParameterException", "providerName")
	_, err := e.c.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Ghost")})
	wantErr(t, err, "ResourceNotFoundException", "Ghost")
	_, err = e.c.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: aws.String("us-east-1_nothere"), ProviderName: aws.String("Corp")})
	wantErr(t, err, "ResourceNotFoundException", "")
}

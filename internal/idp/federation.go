package idp

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/triggers"
	"github.com/google/uuid"
)

// This file holds the domain's side of federated sign-in on the hosted
// pages: the provider's settings as the pages need them to send a browser
// there, and the user a provider's identity becomes in the pool.

// StatusExternalProvider is the UserStatus of a user made by a federated
// sign-in, as on Cognito.
const StatusExternalProvider = "EXTERNAL_PROVIDER"

// FederationProvider is an OIDC-speaking identity provider of the pool as
// the hosted pages use it. Empty endpoints are to be discovered from the
// issuer's /.well-known/openid-configuration.
type FederationProvider struct {
	Name, Type                              string
	ClientID, ClientSecret                  string
	Scopes                                  string
	Issuer, AuthorizeURL, TokenURL, JWKSURI string
	// AttributesURL is the userInfo endpoint (attributes_url), called with
	// AttributesMethod (attributes_request_method, GET or POST).
	AttributesURL, AttributesMethod string
	// PoolID is the pool's id: a SAML provider knows Cognate by
	// urn:amazon:cognito:sp:<PoolID>.
	PoolID string
	// Metadata is a SAML provider's metadata document (its MetadataFile,
	// or what its MetadataURL serves now).
	Metadata []byte
	// TokenMethod is how the token endpoint is called (token_request_method:
	// Facebook's is GET, with the parameters in the query).
	TokenMethod string
	// AddAttributes (attributes_url_add_attributes) says the provider
	// attributes the AttributeMapping reads, Fields, are appended to
	// AttributesURL (Facebook's /me?fields=).
	AddAttributes bool
	Fields        []string
	// Sign in with Apple's key, for AppleClientSecret.
	teamID, keyID, privateKey string
	// The SAML provider's switches (ProviderDetails "true"): IDPInit lets
	// an unsolicited (IdP-initiated) response in, EncryptedResponses
	// refuses assertions not encrypted for the pool, SignRequests
	// (RequestSigningAlgorithm rsa-sha256) signs the AuthnRequests and
	// LogoutRequests, IDPSignout signs the user out at the IdP too.
	IDPInit, EncryptedResponses, SignRequests, IDPSignout bool
}

// OAuth2 reports whether the provider speaks plain OAuth 2.0 (Facebook,
// Login with Amazon): no ID token, the user is what its attributes_url
// says of the access token's owner.
func (p *FederationProvider) OAuth2() bool { return slices.Contains(oauthTypes, p.Type) }

// SAMLNameID is the claim under which the hosted pages hand a SAML
// assertion's NameID to FederatedSignIn; the user name is made of it
// unless the AttributeMapping maps username to an attribute.
const SAMLNameID = "saml:NameID"

// oidcTypes are the provider types whose sign-in is OpenID Connect;
// oauthTypes those whose sign-in is OAuth 2.0 with a user-info endpoint.
var (
	oidcTypes  = []string{"OIDC", "Google", "SignInWithApple"}
	oauthTypes = []string{"Facebook", "LoginWithAmazon"}
)

// googlePeopleURL is Google's default attributes_url, as Cognito describes
// it. It is Google's People API, not an OpenID Connect userInfo endpoint:
// Cognate reads Google's userInfo from its discovery document instead.
const googlePeopleURL = "https://people.googleapis.com/v1/people/me?personFields="

// clientProviders are the client's SupportedIdentityProviders that are
// identity providers of the pool (not COGNITO), in the client's order.
func clientProviders(c *client) []string {
	var out []string
	for _, n := range c.doc.SupportedIdentityProviders {
		if _, ok := c.pool.doc.Providers[n]; ok && n != "COGNITO" {
			out = append(out, n)
		}
	}
	return out
}

// FederationProvider returns the provider a hosted sign-in goes to: by
// name, or by one of its IdpIdentifiers when identifier is given. The
// client must support it.
func (s *Service) FederationProvider(ctx context.Context, clientID, name, identifier string) (*FederationProvider, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	if identifier != "" {
		name = ""
		for n, pd := range c.pool.doc.Providers {
			if slices.Contains(pd.IdpIdentifiers, identifier) {
				name = n
			}
		}
		if name == "" {
			return nil, api.Errorf(api.ErrResourceNotFound, api.MsgProviderNoIdentifier, c.pool.rec.ID, identifier)
		}
	}
	pd, ok := c.pool.doc.Providers[name]
	if !ok || !slices.Contains(clientProviders(c), name) {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderNotForClient, name)
	}
	if pd.Type == "SAML" {
		d := pd.Details
		fp := &FederationProvider{Name: name, Type: pd.Type, PoolID: c.pool.rec.ID, Metadata: []byte(d["MetadataFile"]),
			IDPInit: d["IDPInit"] == "true", EncryptedResponses: d["EncryptedResponses"] == "true",
			SignRequests: d["RequestSigningAlgorithm"] == "rsa-sha256", IDPSignout: d["IDPSignout"] == "true"}
		if u := pd.Details["MetadataURL"]; u != "" {
			// Choice: the metadata of a MetadataURL is read at each
			// sign-in, so a rotated IdP certificate is taken at once.
			if fp.Metadata, err = fetchMetadata(ctx, u); err != nil {
				s.log.Warn("SAML metadata fetch failed", "provider", name, "err", err)
				return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderMetadataFetch)
			}
		}
		return fp, nil
	}
	if !slices.Contains(oidcTypes, pd.Type) && !slices.Contains(oauthTypes, pd.Type) {
		return nil, api.Errorf(api.ErrUnsupportedOperation, api.MsgProviderTypeNotHosted, pd.Type)
	}
	d := pd.Details
	fp := &FederationProvider{Name: name, Type: pd.Type, ClientID: d["client_id"], Scopes: d["authorize_scopes"],
		Issuer: d["oidc_issuer"], AuthorizeURL: d["authorize_url"], TokenURL: d["token_url"], JWKSURI: d["jwks_uri"],
		AttributesURL: d["attributes_url"], AttributesMethod: d["attributes_request_method"], TokenMethod: d["token_request_method"],
		AddAttributes: d["attributes_url_add_attributes"] == "true", teamID: d["team_id"], keyID: d["key_id"]}
	switch pd.Type {
	case "Google":
		if fp.AttributesURL == googlePeopleURL {
			fp.AttributesURL, fp.AddAttributes = "", false
		}
	case "Facebook", "LoginWithAmazon":
		mapping := defaultMapping(pd.Type, pd.AttributeMapping)
		for _, claim := range mapping {
			if !slices.Contains(fp.Fields, claim) {
				fp.Fields = append(fp.Fields, claim)
			}
		}
		slices.Sort(fp.Fields)
	}
	for k, dst := range map[string]*string{"client_secret": &fp.ClientSecret, "private_key": &fp.privateKey} {
		if box := pd.Secrets[k]; box != nil {
			v, err := s.seal.Decrypt(box, seal.LabelProviderSecret(c.pool.rec.ID, name, k))
			if err != nil {
				return nil, internal(err)
			}
			*dst = string(v)
		}
	}
	return fp, nil
}

// claimString is a claim's value as an attribute value.
func claimString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// providerGroup is the group Cognito keeps for the users of a provider.
func providerGroup(poolID, provider string) string { return poolID + "_" + provider }

// identity is one entry of the identities attribute, as Cognito writes it.
type identity struct {
	UserID       string  `json:"userId"`
	ProviderName string  `json:"providerName"`
	ProviderType string  `json:"providerType"`
	Issuer       *string `json:"issuer"`
	Primary      bool    `json:"primary"`
	DateCreated  int64   `json:"dateCreated"`
}

// FederatedSignIn signs in the user a provider vouched for: claims are the
// verified ID token's. The first sign-in makes the user
// (<ProviderName>_<subject>, EXTERNAL_PROVIDER, in the provider's group);
// every sign-in maps the attributes again. A provider identity linked to
// a native user (AdminLinkProviderForUser) signs in as that user. The
// answer carries the tokens of a new sign-in, with a refresh token, and
// the username signed in.
func (s *Service) FederatedSignIn(ctx context.Context, clientID, provider string, claims map[string]any) (*api.AuthenticationResult, string, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, "", err
	}
	p := c.pool
	pd, ok := p.doc.Providers[provider]
	if !ok || !slices.Contains(clientProviders(c), provider) {
		return nil, "", api.Errorf(api.ErrInvalidParameter, api.MsgProviderNotForClient, provider)
	}
	mapping := defaultMapping(pd.Type, pd.AttributeMapping)
	if _, ok := mapping["username"]; !ok && pd.Type == "SAML" {
		mapping["username"] = SAMLNameID
	}
	subject := claimString(claims[mapping["username"]])
	if subject == "" || len(subject) > 128 {
		return nil, "", api.Errorf(api.ErrInvalidParameter, api.MsgProviderNoSubject, mapping["username"])
	}
	attrs := map[string]string{}
	for attr, claim := range mapping {
		if attr == "username" {
			continue
		}
		if v := claimString(claims[claim]); v != "" && len(v) <= 2048 {
			attrs[attr] = v
		}
	}
	now := s.now()
	username := provider + "_" + subject
	if linked := p.doc.ProviderLinks[linkKey(provider, subject)]; linked != "" {
		username = linked
	}
	u, err := s.st.GetUser(ctx, p.rec.ID, username)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if u, err = s.createFederatedUser(ctx, c, pd, provider, username, subject, attrs, now); err != nil {
			return nil, "", err
		}
	case err != nil:
		return nil, "", internal(err)
	default:
		if !u.Enabled {
			return nil, "", api.Errorf(api.ErrNotAuthorized, api.MsgUserDisabled)
		}
		if u.Status == StatusExternalProvider {
			// Attributes are mapped again on every sign-in, as on Cognito.
			// A linked native user keeps its own.
			u, err = s.st.UpdateUser(ctx, p.rec.ID, username, func(u *store.User) error {
				maps.Copy(u.Attributes, attrs)
				u.Updated = now
				return nil
			})
			if err != nil {
				return nil, "", internal(err)
			}
		}
	}
	if c, err = s.loadClientFresh(ctx, clientID); err != nil {
		return nil, "", err
	}
	res, err := s.issueTokens(ctx, grant{client: c, user: u, authTime: now, refresh: true})
	if err != nil {
		return nil, "", err
	}
	return res, u.Username, nil
}

// loadClientFresh reads a client and its pool again, past the pages'
// per-request cache (the pool may have just got the provider's group).
func (s *Service) loadClientFresh(ctx context.Context, clientID string) (*client, error) {
	c, err := s.readClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	c.pages = true
	return c, nil
}

func linkKey(provider, subject string) string { return provider + "|" + subject }

// createFederatedUser makes the user of a provider's first sign-in: the
// PreSignUp trigger (PreSignUp_ExternalProvider) may refuse it, the
// provider's group is made when missing, then PostConfirmation runs
// (PostConfirmation_ConfirmSignUp, as Cognito sends for a federated
// user's first sign-in).
func (s *Service) createFederatedUser(ctx context.Context, c *client, pd *providerDoc, provider, username, subject string, attrs map[string]string, now time.Time) (*store.User, error) {
	p := c.pool
	var pre triggers.PreSignUpResponse
	if _, err := s.callTrigger(ctx, p, triggers.PreSignUp, &triggers.Event{TriggerSource: triggers.SourcePreSignUpFederated, UserName: username,
		CallerContext: triggers.CallerContext{ClientID: c.rec.ID},
		Request:       triggers.PreSignUpRequest{UserAttributes: attrs}}, &pre); err != nil {
		return nil, err
	}
	autoVerify(attrs, pre)
	ids, _ := json.Marshal([]identity{{UserID: subject, ProviderName: provider, ProviderType: pd.Type, Primary: true, DateCreated: now.UnixMilli()}})
	attrs["identities"] = string(ids)
	group := providerGroup(p.rec.ID, provider)
	if _, ok := p.doc.Groups[group]; !ok {
		_, err := s.updatePool(ctx, p.rec.ID, func(d *poolDoc) error {
			if _, ok := d.Groups[group]; ok {
				return nil
			}
			if d.Groups == nil {
				d.Groups = map[string]*groupDoc{}
			}
			d.Groups[group] = &groupDoc{Description: "Autogenerated group for users who sign in using " + provider, Created: now, Updated: now}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	u := &store.User{PoolID: p.rec.ID, Username: username, Sub: uuid.NewString(), Status: StatusExternalProvider, Enabled: true,
		Created: now, Updated: now, Attributes: attrs, Codes: map[string]store.Code{}, Groups: []string{group}}
	if err := s.st.CreateUser(ctx, u); err != nil {
		if !errors.Is(err, store.ErrExists) {
			return nil, internal(err)
		}
		// A sign-in of the same identity made it meanwhile.
		if u, err = s.st.GetUser(ctx, p.rec.ID, username); err != nil {
			return nil, internal(err)
		}
		return u, nil
	}
	if err := s.postConfirmation(ctx, p, u, triggers.SourcePostConfirmationSignUp, c.rec.ID, nil); err != nil {
		return nil, err
	}
	return u, nil
}

package idp

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
)

// This file holds the pool's identity providers (federation): their
// definitions as CreateIdentityProvider and its kin keep them. They live
// in the pool's document, as groups and resource servers do; their
// secrets (client_secret, Apple's private_key) are sealed under the
// master key like every other secret at rest.

// providerDoc is one identity provider of the pool.
type providerDoc struct {
	Type    string
	Details map[string]string // every detail but the secrets
	// Secrets holds the sealed secret details, by key.
	Secrets          map[string][]byte `json:",omitempty"`
	AttributeMapping map[string]string `json:",omitempty"`
	IdpIdentifiers   []string          `json:",omitempty"`
	Created          time.Time
	Updated          time.Time
}

// maxProviders is Cognito's quota of identity providers per pool.
const maxProviders = 300

// providerKinds says, per ProviderType, which details a caller must give,
// which it may give, which are secret, and what Cognito fills in when
// describing the provider (a given value wins: the social types then work
// against any endpoint that speaks their protocol).
type providerKind struct {
	required []string
	optional []string
	secret   []string
	defaults func(d map[string]string) map[string]string
	// describeOnly are details Cognito adds to Describe's answer; a caller
	// sending them back (Terraform does) is not refused, and they are kept.
	describeOnly []string
}

var socialURLs = []string{"authorize_url", "token_url", "attributes_url", "attributes_url_add_attributes", "token_request_method", "oidc_issuer", "jwks_uri"}

var providerKinds = map[string]providerKind{
	"OIDC": {
		required:     []string{"client_id", "authorize_scopes", "attributes_request_method", "oidc_issuer"},
		optional:     []string{"client_secret", "authorize_url", "token_url", "attributes_url", "jwks_uri"},
		secret:       []string{"client_secret"},
		describeOnly: []string{"attributes_url_add_attributes"},
		defaults: func(map[string]string) map[string]string {
			return map[string]string{"attributes_url_add_attributes": "false"}
		},
	},
	"Google": {
		required: []string{"client_id", "client_secret", "authorize_scopes"},
		optional: socialURLs,
		secret:   []string{"client_secret"},
		defaults: func(map[string]string) map[string]string {
			return map[string]string{
				"attributes_url": googlePeopleURL, "attributes_url_add_attributes": "true",
				"authorize_url": "https://accounts.google.com/o/oauth2/v2/auth", "oidc_issuer": "https://accounts.google.com",
				"token_request_method": "POST", "token_url": "https://www.googleapis.com/oauth2/v4/token",
			}
		},
	},
	"Facebook": {
		required: []string{"client_id", "client_secret", "authorize_scopes"},
		optional: append([]string{"api_version"}, socialURLs...),
		secret:   []string{"client_secret"},
		defaults: func(d map[string]string) map[string]string {
			v := d["api_version"]
			if v == "" {
				v = "v17.0"
			}
			return map[string]string{
				"api_version": v, "attributes_url": "https://graph.facebook.com/" + v + "/me?fields=", "attributes_url_add_attributes": "true",
				"authorize_url": "https://www.facebook.com/" + v + "/dialog/oauth", "token_request_method": "GET",
				"token_url": "https://graph.facebook.com/" + v + "/oauth/access_token",
			}
		},
	},
	"LoginWithAmazon": {
		required: []string{"client_id", "client_secret", "authorize_scopes"},
		optional: socialURLs,
		secret:   []string{"client_secret"},
		defaults: func(map[string]string) map[string]string {
			return map[string]string{
				"attributes_url": "https://api.amazon.com/user/profile", "attributes_url_add_attributes": "false",
				"authorize_url": "https://www.amazon.com/ap/oa", "token_request_method": "POST", "token_url": "https://api.amazon.com/auth/o2/token",
			}
		},
	},
	"SignInWithApple": {
		required: []string{"client_id", "team_id", "key_id", "private_key", "authorize_scopes"},
		optional: socialURLs,
		secret:   []string{"private_key"},
		defaults: func(map[string]string) map[string]string {
			return map[string]string{
				"attributes_url_add_attributes": "false", "authorize_url": "https://appleid.apple.com/auth/authorize",
				"oidc_issuer": "https://appleid.apple.com", "token_request_method": "POST", "token_url": "https://appleid.apple.com/auth/token",
			}
		},
	},
	"SAML": {
		optional:     []string{"MetadataURL", "MetadataFile", "IDPSignout", "IDPInit", "EncryptedResponses", "RequestSigningAlgorithm"},
		describeOnly: []string{"SSORedirectBindingURI", "SLORedirectBindingURI", "ActiveEncryptionCertificate"},
	},
}

// socialNames are the names a social provider must have.
var socialNames = map[string]string{"Google": "Google", "Facebook": "Facebook", "LoginWithAmazon": "LoginWithAmazon", "SignInWithApple": "SignInWithApple"}

var idpIdentifierPattern = regexp.MustCompile(`^[\w\s+=.@-]{1,40}$`)

func errNoProvider(poolID, name string) error {
	return api.Errorf(api.ErrResourceNotFound, api.MsgProviderNotFound, name, poolID)
}

// metadataClient fetches a SAML provider's MetadataURL; a variable so
// that Cognate's own tests need no network beyond loopback.
var metadataClient = &http.Client{Timeout: 5 * time.Second}

// checkProviderDetails checks the details of a provider of type typ and
// returns them completed as Cognito keeps them (SAML: the endpoints read
// from the metadata).
func (s *Service) checkProviderDetails(ctx context.Context, poolID, typ string, in map[string]string) (map[string]string, error) {
	kind := providerKinds[typ]
	d := maps.Clone(in)
	for _, k := range kind.describeOnly {
		if typ == "SAML" {
			delete(d, k) // recomputed from the metadata below
		}
	}
	for k := range d {
		if !slices.Contains(kind.required, k) && !slices.Contains(kind.optional, k) && !slices.Contains(kind.describeOnly, k) {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderDetailUnknown, k, typ)
		}
	}
	for _, k := range kind.required {
		if strings.TrimSpace(d[k]) == "" {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderDetailMissing, k, typ)
		}
	}
	for _, k := range []string{"oidc_issuer", "authorize_url", "token_url", "attributes_url", "jwks_uri", "MetadataURL"} {
		if v, ok := d[k]; ok && !providerURL(v) {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderURL, k)
		}
	}
	switch typ {
	case "OIDC":
		if m := d["attributes_request_method"]; m != "GET" && m != "POST" {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderRequestMethod)
		}
		if !slices.Contains(strings.Fields(d["authorize_scopes"]), "openid") {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderNeedsOpenID)
		}
	case "SignInWithApple":
		if _, err := parseAppleKey(d["private_key"]); err != nil {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderAppleKey)
		}
	case "SAML":
		return s.checkSAMLDetails(ctx, poolID, d)
	}
	for k, v := range kind.defaults(d) {
		if _, given := d[k]; !given {
			d[k] = v
		}
	}
	return d, nil
}

// providerURL accepts https URLs, and http ones on loopback (a provider
// run beside Cognate in development and tests).
func providerURL(v string) bool {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	if u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

func (s *Service) checkSAMLDetails(ctx context.Context, poolID string, d map[string]string) (map[string]string, error) {
	for _, k := range []string{"IDPSignout", "IDPInit", "EncryptedResponses"} {
		if v, ok := d[k]; ok && v != "true" && v != "false" {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderDetailBool, k)
		}
	}
	if v, ok := d["RequestSigningAlgorithm"]; ok && v != "rsa-sha256" {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderSigningAlg)
	}
	fileGiven, urlGiven := d["MetadataFile"] != "", d["MetadataURL"] != ""
	if fileGiven == urlGiven {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderOneMetadata)
	}
	doc := []byte(d["MetadataFile"])
	if urlGiven {
		var err error
		if doc, err = fetchMetadata(ctx, d["MetadataURL"]); err != nil {
			s.log.Warn("SAML metadata fetch failed", "err", err)
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderMetadataFetch)
		}
	}
	md, err := parseSAMLMetadata(doc)
	if err != nil {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderMetadataBad, err.Error())
	}
	if md.sso != "" {
		d["SSORedirectBindingURI"] = md.sso
	}
	if md.slo != "" {
		d["SLORedirectBindingURI"] = md.slo
	}
	if d["EncryptedResponses"] == "true" {
		// The certificate the IdP encrypts assertions to, as Cognito
		// shows it in the provider's details.
		if d["ActiveEncryptionCertificate"], err = s.encryptionCertificate(ctx, poolID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func fetchMetadata(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := metadataClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
}

// samlMetadata is what Cognate reads of an IdP's SAML metadata.
type samlMetadata struct {
	entityID string
	sso, slo string // the HTTP-Redirect endpoints
}

type samlEndpoint struct {
	Binding  string `xml:"Binding,attr"`
	Location string `xml:"Location,attr"`
}

type samlEntity struct {
	EntityID string `xml:"entityID,attr"`
	IDP      []struct {
		SSO []samlEndpoint `xml:"SingleSignOnService"`
		SLO []samlEndpoint `xml:"SingleLogoutService"`
	} `xml:"IDPSSODescriptor"`
}

const redirectBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"

// parseSAMLMetadata reads an EntityDescriptor (or the first one of an
// EntitiesDescriptor) with an IDPSSODescriptor.
func parseSAMLMetadata(doc []byte) (*samlMetadata, error) {
	var root struct {
		XMLName xml.Name
		samlEntity
		Entities []samlEntity `xml:"EntityDescriptor"`
	}
	if err := xml.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("not XML")
	}
	e := root.samlEntity
	switch root.XMLName.Local {
	case "EntityDescriptor":
	case "EntitiesDescriptor":
		if len(root.Entities) == 0 {
			return nil, fmt.Errorf("no EntityDescriptor")
		}
		e = root.Entities[0]
	default:
		return nil, fmt.Errorf("the root element is %s, not EntityDescriptor", root.XMLName.Local)
	}
	if e.EntityID == "" || len(e.IDP) == 0 {
		return nil, fmt.Errorf("no entityID or no IDPSSODescriptor")
	}
	md := &samlMetadata{entityID: e.EntityID}
	for _, ep := range e.IDP[0].SSO {
		if ep.Binding == redirectBinding && md.sso == "" {
			md.sso = ep.Location
		}
	}
	for _, ep := range e.IDP[0].SLO {
		if ep.Binding == redirectBinding && md.slo == "" {
			md.slo = ep.Location
		}
	}
	if md.sso == "" {
		return nil, fmt.Errorf("no SingleSignOnService with the HTTP-Redirect binding")
	}
	return md, nil
}

// checkAttributeMapping refuses a mapping to an attribute the pool does
// not have.
func checkAttributeMapping(p *pool, m map[string]string) error {
	for k := range m {
		if k == "username" || standardAttributes[k] || customDeclared(p, k) {
			continue
		}
		return api.Errorf(api.ErrInvalidParameter, api.MsgProviderAttrUnknown, k)
	}
	return nil
}

// checkIdentifiers refuses identifiers of bad form or used by another of
// the pool's providers.
func checkIdentifiers(d *poolDoc, self string, ids []string) error {
	for _, id := range ids {
		if !idpIdentifierPattern.MatchString(id) {
			return api.Errorf(api.ErrInvalidParameter, api.MsgProviderIdentifierBad, id)
		}
		for name, pd := range d.Providers {
			if name != self && slices.Contains(pd.IdpIdentifiers, id) {
				return api.Errorf(api.ErrDuplicateProvider, api.MsgProviderIdentifierUsed, id)
			}
		}
	}
	return nil
}

// sealDetails moves the secret details of d into sealed form.
func (s *Service) sealDetails(poolID, name, typ string, d map[string]string) map[string][]byte {
	out := map[string][]byte{}
	for _, k := range providerKinds[typ].secret {
		if v, ok := d[k]; ok {
			out[k] = s.seal.Encrypt([]byte(v), seal.LabelProviderSecret(poolID, name, k))
			delete(d, k)
		}
	}
	return out
}

// describeProvider is the provider as Describe shows it: every detail
// but Apple's private key, which Cognito does not give back.
func (s *Service) describeProvider(poolID, name string, pd *providerDoc) (*api.IdentityProviderType, error) {
	details := maps.Clone(pd.Details)
	for k, box := range pd.Secrets {
		if k == "private_key" {
			continue
		}
		v, err := s.seal.Decrypt(box, seal.LabelProviderSecret(poolID, name, k))
		if err != nil {
			return nil, internal(err)
		}
		details[k] = string(v)
	}
	mapping := pd.AttributeMapping
	if mapping == nil {
		mapping = map[string]string{}
	}
	ids := pd.IdpIdentifiers
	if ids == nil {
		ids = []string{}
	}
	return &api.IdentityProviderType{UserPoolId: poolID, ProviderName: name, ProviderType: pd.Type, ProviderDetails: details,
		AttributeMapping: mapping, IdpIdentifiers: ids, CreationDate: api.Time{Time: pd.Created}, LastModifiedDate: api.Time{Time: pd.Updated}}, nil
}

// defaultMapping is what Cognito maps without being asked: the provider's
// subject to the user name, for every type but SAML (whose NameID is).
func defaultMapping(typ string, m map[string]string) map[string]string {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]string{}
	}
	if _, ok := out["username"]; !ok {
		switch typ {
		case "SAML":
		case "Facebook":
			out["username"] = "id"
		case "LoginWithAmazon":
			out["username"] = "user_id"
		default:
			out["username"] = "sub"
		}
	}
	return out
}

// CreateIdentityProvider answers CreateIdentityProvider.
func (s *Service) CreateIdentityProvider(ctx context.Context, in *api.CreateIdentityProviderInput) (*api.IdentityProviderOutput, error) {
	if want, social := socialNames[in.ProviderType]; social && in.ProviderName != want {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderSocialName, in.ProviderType, want)
	}
	if strings.EqualFold(in.ProviderName, "COGNITO") {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgProviderReservedName, in.ProviderName)
	}
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if err := checkAttributeMapping(p, in.AttributeMapping); err != nil {
		return nil, err
	}
	details, err := s.checkProviderDetails(ctx, in.UserPoolId, in.ProviderType, in.ProviderDetails)
	if err != nil {
		return nil, err
	}
	now := s.now()
	pd := &providerDoc{Type: in.ProviderType, Details: details, AttributeMapping: defaultMapping(in.ProviderType, in.AttributeMapping),
		IdpIdentifiers: in.IdpIdentifiers, Created: now, Updated: now}
	pd.Secrets = s.sealDetails(in.UserPoolId, in.ProviderName, in.ProviderType, pd.Details)
	_, err = s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		if _, ok := d.Providers[in.ProviderName]; ok {
			return api.Errorf(api.ErrDuplicateProvider, api.MsgProviderExists, in.ProviderName)
		}
		if len(d.Providers) >= maxProviders {
			return api.Errorf(api.ErrLimitExceeded, api.MsgProviderLimit, maxProviders)
		}
		if err := checkIdentifiers(d, in.ProviderName, in.IdpIdentifiers); err != nil {
			return err
		}
		if d.Providers == nil {
			d.Providers = map[string]*providerDoc{}
		}
		d.Providers[in.ProviderName] = pd
		return nil
	})
	if err != nil {
		return nil, err
	}
	out, err := s.describeProvider(in.UserPoolId, in.ProviderName, pd)
	if err != nil {
		return nil, err
	}
	return &api.IdentityProviderOutput{IdentityProvider: out}, nil
}

// UpdateIdentityProvider answers UpdateIdentityProvider: the details,
// mapping and identifiers given replace the old ones; those not given stay.
func (s *Service) UpdateIdentityProvider(ctx context.Context, in *api.UpdateIdentityProviderInput) (*api.IdentityProviderOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	old, ok := p.doc.Providers[in.ProviderName]
	if !ok {
		return nil, errNoProvider(in.UserPoolId, in.ProviderName)
	}
	if err := checkAttributeMapping(p, in.AttributeMapping); err != nil {
		return nil, err
	}
	var details map[string]string
	var secrets map[string][]byte
	if in.ProviderDetails != nil {
		// A secret left out of an update keeps its value, as on Cognito
		// (Describe gives it back, so callers need not resend it).
		given := maps.Clone(in.ProviderDetails)
		for _, k := range providerKinds[old.Type].secret {
			if _, ok := given[k]; !ok && old.Secrets[k] != nil {
				v, err := s.seal.Decrypt(old.Secrets[k], seal.LabelProviderSecret(in.UserPoolId, in.ProviderName, k))
				if err != nil {
					return nil, internal(err)
				}
				given[k] = string(v)
			}
		}
		if details, err = s.checkProviderDetails(ctx, in.UserPoolId, old.Type, given); err != nil {
			return nil, err
		}
		secrets = s.sealDetails(in.UserPoolId, in.ProviderName, old.Type, details)
	}
	var updated *providerDoc
	_, err = s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		pd, ok := d.Providers[in.ProviderName]
		if !ok {
			return errNoProvider(in.UserPoolId, in.ProviderName)
		}
		if in.IdpIdentifiers != nil {
			if err := checkIdentifiers(d, in.ProviderName, in.IdpIdentifiers); err != nil {
				return err
			}
			pd.IdpIdentifiers = in.IdpIdentifiers
		}
		if details != nil {
			pd.Details, pd.Secrets = details, secrets
		}
		if in.AttributeMapping != nil {
			pd.AttributeMapping = defaultMapping(pd.Type, in.AttributeMapping)
		}
		pd.Updated = s.now()
		updated = pd
		return nil
	})
	if err != nil {
		return nil, err
	}
	out, err := s.describeProvider(in.UserPoolId, in.ProviderName, updated)
	if err != nil {
		return nil, err
	}
	return &api.IdentityProviderOutput{IdentityProvider: out}, nil
}

// DescribeIdentityProvider answers DescribeIdentityProvider.
func (s *Service) DescribeIdentityProvider(ctx context.Context, in *api.DescribeIdentityProviderInput) (*api.IdentityProviderOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	pd, ok := p.doc.Providers[in.ProviderName]
	if !ok {
		return nil, errNoProvider(in.UserPoolId, in.ProviderName)
	}
	out, err := s.describeProvider(in.UserPoolId, in.ProviderName, pd)
	if err != nil {
		return nil, err
	}
	return &api.IdentityProviderOutput{IdentityProvider: out}, nil
}

// GetIdentityProviderByIdentifier answers GetIdentityProviderByIdentifier.
func (s *Service) GetIdentityProviderByIdentifier(ctx context.Context, in *api.GetIdentityProviderByIdentifierInput) (*api.IdentityProviderOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	for name, pd := range p.doc.Providers {
		if slices.Contains(pd.IdpIdentifiers, in.IdpIdentifier) {
			out, err := s.describeProvider(in.UserPoolId, name, pd)
			if err != nil {
				return nil, err
			}
			return &api.IdentityProviderOutput{IdentityProvider: out}, nil
		}
	}
	return nil, api.Errorf(api.ErrResourceNotFound, api.MsgProviderNoIdentifier, in.UserPoolId, in.IdpIdentifier)
}

// ListIdentityProviders answers ListIdentityProviders, in name order;
// NextToken is the last name returned.
func (s *Service) ListIdentityProviders(ctx context.Context, in *api.ListIdentityProvidersInput) (*api.ListIdentityProvidersOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	names, next, err := keyPage(p.doc.Providers, in.NextToken, in.MaxResults, 60) // 60: the model's maximum
	if err != nil {
		return nil, err
	}
	out := &api.ListIdentityProvidersOutput{Providers: []api.ProviderDescription{}, NextToken: next}
	for _, name := range names {
		pd := p.doc.Providers[name]
		out.Providers = append(out.Providers, api.ProviderDescription{ProviderName: name, ProviderType: pd.Type,
			CreationDate: api.Time{Time: pd.Created}, LastModifiedDate: api.Time{Time: pd.Updated}})
	}
	return out, nil
}

// DeleteIdentityProvider answers DeleteIdentityProvider. App clients that
// named it stop offering it (their SupportedIdentityProviders are checked
// against the pool's providers when they are written and read).
func (s *Service) DeleteIdentityProvider(ctx context.Context, in *api.DeleteIdentityProviderInput) (*api.Empty, error) {
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		if _, ok := d.Providers[in.ProviderName]; !ok {
			return errNoProvider(in.UserPoolId, in.ProviderName)
		}
		delete(d.Providers, in.ProviderName)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

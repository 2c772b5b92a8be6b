package idp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/triggers"
)

// This file holds the pool's OAuth 2.0 resources: resource servers with
// their custom scopes, the pool's domains, and the access token of the
// client_credentials grant. Both live in the pool's document, as groups
// do, so no backend needs tables of its own for them.

// resourceServerDoc is a resource server of the pool.
type resourceServerDoc struct {
	Name   string
	Scopes []api.ResourceServerScopeType `json:",omitempty"`
}

// domainDoc is a domain of the pool: a prefix domain, or a custom domain
// with its certificate.
type domainDoc struct {
	CertificateArn      string `json:",omitempty"` // set for a custom domain
	ManagedLoginVersion int32
	Created             time.Time
	Updated             time.Time
}

func (d *domainDoc) custom() bool { return d.CertificateArn != "" }

// domainName returns the pool's custom domain (custom true) or prefix
// domain, "" when it has none.
func (d *poolDoc) domainName(custom bool) string {
	for name, dd := range d.Domains {
		if dd.custom() == custom {
			return name
		}
	}
	return ""
}

// ---- Resource servers ----

func errNoResourceServer(id string) error {
	return api.Errorf(api.ErrResourceNotFound, api.MsgResourceServerNotFound, id)
}

func describeResourceServer(poolID, id string, rs *resourceServerDoc) *api.ResourceServerType {
	scopes := rs.Scopes
	if scopes == nil {
		scopes = []api.ResourceServerScopeType{}
	}
	return &api.ResourceServerType{UserPoolId: poolID, Identifier: id, Name: rs.Name, Scopes: scopes}
}

// checkScopes refuses a scope list naming one scope twice.
func checkScopes(scopes []api.ResourceServerScopeType) error {
	seen := map[string]bool{}
	for _, sc := range scopes {
		if seen[sc.ScopeName] {
			return api.Errorf(api.ErrInvalidParameter, api.MsgScopeDefinedTwice, sc.ScopeName)
		}
		seen[sc.ScopeName] = true
	}
	return nil
}

// CreateResourceServer answers CreateResourceServer.
func (s *Service) CreateResourceServer(ctx context.Context, in *api.CreateResourceServerInput) (*api.ResourceServerOutput, error) {
	if err := checkScopes(in.Scopes); err != nil {
		return nil, err
	}
	rs := &resourceServerDoc{Name: in.Name, Scopes: in.Scopes}
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		if _, ok := d.ResourceServers[in.Identifier]; ok {
			return api.Errorf(api.ErrInvalidParameter, api.MsgResourceServerExists, in.Identifier, in.UserPoolId)
		}
		if d.ResourceServers == nil {
			d.ResourceServers = map[string]*resourceServerDoc{}
		}
		d.ResourceServers[in.Identifier] = rs
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ResourceServerOutput{ResourceServer: describeResourceServer(in.UserPoolId, in.Identifier, rs)}, nil
}

// DescribeResourceServer answers DescribeResourceServer.
func (s *Service) DescribeResourceServer(ctx context.Context, in *api.DescribeResourceServerInput) (*api.ResourceServerOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	rs, ok := p.doc.ResourceServers[in.Identifier]
	if !ok {
		return nil, errNoResourceServer(in.Identifier)
	}
	return &api.ResourceServerOutput{ResourceServer: describeResourceServer(in.UserPoolId, in.Identifier, rs)}, nil
}

// ListResourceServers answers ListResourceServers, in identifier order;
// NextToken is the last identifier returned.
func (s *Service) ListResourceServers(ctx context.Context, in *api.ListResourceServersInput) (*api.ListResourceServersOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	ids, next, err := keyPage(p.doc.ResourceServers, in.NextToken, in.MaxResults, 50) // 50: the model's maximum
	if err != nil {
		return nil, err
	}
	out := &api.ListResourceServersOutput{ResourceServers: []api.ResourceServerType{}, NextToken: next}
	for _, id := range ids {
		out.ResourceServers = append(out.ResourceServers, *describeResourceServer(in.UserPoolId, id, p.doc.ResourceServers[id]))
	}
	return out, nil
}

// UpdateResourceServer answers UpdateResourceServer: as in Cognito, the
// name and scopes given replace the old ones, a scope left out is gone.
func (s *Service) UpdateResourceServer(ctx context.Context, in *api.UpdateResourceServerInput) (*api.ResourceServerOutput, error) {
	if err := checkScopes(in.Scopes); err != nil {
		return nil, err
	}
	rs := &resourceServerDoc{Name: in.Name, Scopes: in.Scopes}
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		if _, ok := d.ResourceServers[in.Identifier]; !ok {
			return errNoResourceServer(in.Identifier)
		}
		d.ResourceServers[in.Identifier] = rs
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ResourceServerOutput{ResourceServer: describeResourceServer(in.UserPoolId, in.Identifier, rs)}, nil
}

// DeleteResourceServer answers DeleteResourceServer. Its scopes stop being
// granted at once, since grants are checked against the pool's servers.
func (s *Service) DeleteResourceServer(ctx context.Context, in *api.DeleteResourceServerInput) (*api.Empty, error) {
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		if _, ok := d.ResourceServers[in.Identifier]; !ok {
			return errNoResourceServer(in.Identifier)
		}
		delete(d.ResourceServers, in.Identifier)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// resourceScopes lists the pool's custom scopes as OAuth scope strings,
// "identifier/scope".
func (p *pool) resourceScopes() []string {
	var out []string
	for id, rs := range p.doc.ResourceServers {
		for _, sc := range rs.Scopes {
			out = append(out, id+"/"+sc.ScopeName)
		}
	}
	sort.Strings(out)
	return out
}

// ---- Domains ----

var (
	prefixDomain = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
	customDomain = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$`)
)

// checkDomainName checks a domain's form: a prefix of the Cognito domain,
// or, with a certificate, a host name of one's own.
func checkDomainName(name string, custom bool) error {
	if custom {
		if !customDomain.MatchString(name) {
			return api.Errorf(api.ErrInvalidParameter, api.MsgCustomDomainInvalid, name)
		}
		return nil
	}
	if !prefixDomain.MatchString(name) {
		return api.Errorf(api.ErrInvalidParameter, api.MsgDomainPattern, name)
	}
	for _, reserved := range []string{"aws", "amazon", "cognito"} {
		if strings.Contains(name, reserved) {
			return api.Errorf(api.ErrInvalidParameter, api.MsgDomainReservedWord, reserved)
		}
	}
	return nil
}

// findDomain returns the id of the pool that has the domain, "" if none.
// Domains are unique across pools; the store has no index of them, so the
// pools are scanned (domain operations are rare and administrative).
func (s *Service) findDomain(ctx context.Context, name string) (string, *domainDoc, error) {
	after := ""
	for {
		recs, err := s.st.ListPools(ctx, after, 200)
		if err != nil {
			return "", nil, internal(err)
		}
		for _, r := range recs {
			after = r.ID
			var doc poolDoc
			if err := decodeDoc(r.Settings, &doc); err != nil {
				return "", nil, internal(err)
			}
			if d, ok := doc.Domains[name]; ok {
				return r.ID, d, nil
			}
		}
		if len(recs) < 200 {
			return "", nil, nil
		}
	}
}

// cloudFrontDomain is the stand-in for the CloudFront distribution Cognito
// puts in front of a custom domain: stable for the name.
func cloudFrontDomain(name string) string {
	sum := sha256.Sum256([]byte("cloudfront|" + name))
	return "d" + hex.EncodeToString(sum[:])[:13] + ".cloudfront.net"
}

func managedLoginVersion(v *int32) int32 {
	if v == nil || *v == 0 {
		return 1 // the classic hosted UI, Cognito's default
	}
	return *v
}

func domainOutput(name string, d *domainDoc) *api.UserPoolDomainOutput {
	v := d.ManagedLoginVersion
	out := &api.UserPoolDomainOutput{ManagedLoginVersion: &v}
	if d.custom() {
		out.CloudFrontDomain = cloudFrontDomain(name)
	}
	return out
}

// CreateUserPoolDomain answers CreateUserPoolDomain. A pool has at most one
// prefix domain and one custom domain; a domain belongs to one pool.
func (s *Service) CreateUserPoolDomain(ctx context.Context, in *api.CreateUserPoolDomainInput) (*api.UserPoolDomainOutput, error) {
	custom := in.CustomDomainConfig != nil
	if err := checkDomainName(in.Domain, custom); err != nil {
		return nil, err
	}
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	// Checked before the update and not inside it: the store cannot lock
	// two pools at once, so two pools claiming one new name at the same
	// instant can both succeed (see the README).
	owner, _, err := s.findDomain(ctx, in.Domain)
	if err != nil {
		return nil, err
	}
	if owner != "" {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgDomainTaken)
	}
	now := s.now()
	d := &domainDoc{ManagedLoginVersion: managedLoginVersion(in.ManagedLoginVersion), Created: now, Updated: now}
	if custom {
		d.CertificateArn = in.CustomDomainConfig.CertificateArn
	}
	_, err = s.updatePool(ctx, in.UserPoolId, func(doc *poolDoc) error {
		if doc.domainName(custom) != "" {
			return api.Errorf(api.ErrInvalidParameter, api.MsgPoolHasDomain, in.UserPoolId)
		}
		if doc.Domains == nil {
			doc.Domains = map[string]*domainDoc{}
		}
		doc.Domains[in.Domain] = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return domainOutput(in.Domain, d), nil
}

// errNoDomain is Cognito's answer when the domain is not the pool's.
func errNoDomain() error {
	return api.Errorf(api.ErrInvalidParameter, api.MsgDomainNotFound)
}

// DescribeUserPoolDomain answers DescribeUserPoolDomain: a domain nobody
// has gets an empty description, not an error, as in Cognito (tools use
// it to test whether a name is free).
func (s *Service) DescribeUserPoolDomain(ctx context.Context, in *api.DescribeUserPoolDomainInput) (*api.DescribeUserPoolDomainOutput, error) {
	owner, d, err := s.findDomain(ctx, in.Domain)
	if err != nil {
		return nil, err
	}
	if owner == "" {
		return &api.DescribeUserPoolDomainOutput{DomainDescription: &api.DomainDescriptionType{}}, nil
	}
	v := d.ManagedLoginVersion
	desc := &api.DomainDescriptionType{UserPoolId: owner, AWSAccountId: "000000000000", Domain: in.Domain,
		S3Bucket: "cognate-hosted-ui-assets", CloudFrontDistribution: cloudFrontDomain(in.Domain),
		Version: d.Updated.UTC().Format("20060102150405"), Status: "ACTIVE", ManagedLoginVersion: &v}
	if d.custom() {
		desc.CustomDomainConfig = &api.CustomDomainConfigType{CertificateArn: d.CertificateArn}
	}
	return &api.DescribeUserPoolDomainOutput{DomainDescription: desc}, nil
}

// UpdateUserPoolDomain answers UpdateUserPoolDomain: a custom domain's
// certificate and the managed login version.
func (s *Service) UpdateUserPoolDomain(ctx context.Context, in *api.UpdateUserPoolDomainInput) (*api.UserPoolDomainOutput, error) {
	var out *api.UserPoolDomainOutput
	_, err := s.updatePool(ctx, in.UserPoolId, func(doc *poolDoc) error {
		d, ok := doc.Domains[in.Domain]
		if !ok {
			return errNoDomain()
		}
		if in.CustomDomainConfig != nil {
			if !d.custom() {
				return api.Errorf(api.ErrInvalidParameter, api.MsgNotCustomDomain, in.Domain)
			}
			d.CertificateArn = in.CustomDomainConfig.CertificateArn
		}
		if in.ManagedLoginVersion != nil {
			d.ManagedLoginVersion = managedLoginVersion(in.ManagedLoginVersion)
		}
		d.Updated = s.now()
		out = domainOutput(in.Domain, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteUserPoolDomain answers DeleteUserPoolDomain.
func (s *Service) DeleteUserPoolDomain(ctx context.Context, in *api.DeleteUserPoolDomainInput) (*api.Empty, error) {
	_, err := s.updatePool(ctx, in.UserPoolId, func(doc *poolDoc) error {
		if _, ok := doc.Domains[in.Domain]; !ok {
			return errNoDomain()
		}
		delete(doc.Domains, in.Domain)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// ---- client_credentials ----

// ClientCredentialsToken issues the access token of the client_credentials
// grant: no user, so sub is the client id, and scope the granted custom
// scopes; no ID token and no refresh token, as in Cognito. The caller (the
// token endpoint) has authenticated the client and checked its OAuth
// settings and the scopes.
func (s *Service) ClientCredentialsToken(ctx context.Context, clientID string, scopes []string) (*api.AuthenticationResult, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	scope := strings.Join(scopes, " ")
	// Only a V3_0 function sees this grant (preTokenGeneration).
	custom, err := s.preTokenGeneration(ctx, c, nil, triggers.SourceTokenClientCredentials, scope)
	if err != nil {
		return nil, err
	}
	return s.issueTokens(ctx, grant{client: c, authTime: s.now(), scope: scope, custom: custom})
}

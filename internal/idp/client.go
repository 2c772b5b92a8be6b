package idp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// clientDoc is an app client's configuration as kept in store.Client.Settings.
type clientDoc struct {
	ClientName string `json:",omitempty"`
	api.UserPoolClientSettings
	// Secret is the one secret of a client written before secret rotation
	// (encrypted); Secrets replaces it at the client's next secret change.
	Secret []byte `json:",omitempty"`
	// Secrets are the client's live secrets, oldest first (at most
	// maxClientSecrets).
	Secrets []clientSecret `json:",omitempty"`
}

// client is a loaded app client with its pool.
type client struct {
	rec *store.Client
	doc clientDoc
	// secrets are the live secrets in clear, oldest first: each one is
	// accepted wherever the client authenticates.
	secrets []string
	pool    *pool
	// pages is set on a client loaded for the server's own pages (see
	// PagesRequest): they call the operations as the server itself, with
	// no SECRET_HASH.
	pages bool
}

func (s *Service) loadClient(ctx context.Context, id string) (*client, error) {
	call, _ := ctx.Value(pagesKey{}).(*pagesCall)
	if c := call.client(id); c != nil {
		return c, nil
	}
	c, err := s.readClient(ctx, id)
	if err == nil && call != nil {
		c.pages = true
		call.keep(c)
	}
	return c, err
}

func (s *Service) readClient(ctx context.Context, id string) (*client, error) {
	rec, err := s.st.GetClient(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, api.Errorf(api.ErrResourceNotFound, api.MsgClientNotFound, id)
	}
	if err != nil {
		return nil, internal(err)
	}
	c := &client{rec: rec}
	if err := decodeDoc(rec.Settings, &c.doc); err != nil {
		return nil, internal(err)
	}
	if c.secrets, err = s.openSecrets(rec, &c.doc); err != nil {
		return nil, internal(err)
	}
	if c.pool, err = s.loadPool(ctx, rec.PoolID); err != nil {
		return nil, err
	}
	return c, nil
}

// loadPoolClient loads a client and checks it belongs to poolID (admin ops
// name both).
func (s *Service) loadPoolClient(ctx context.Context, poolID, clientID string) (*client, error) {
	if _, err := s.loadPool(ctx, poolID); err != nil {
		return nil, err
	}
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	if c.rec.PoolID != poolID {
		return nil, api.Errorf(api.ErrResourceNotFound, api.MsgClientNotFound, clientID)
	}
	return c, nil
}

// checkSecretHash enforces SECRET_HASH for clients that have a secret. The
// hash may be computed over any of the names the caller knows the user by.
func (c *client) checkSecretHash(given string, names ...string) error {
	if len(c.secrets) == 0 || c.pages {
		return nil
	}
	if given == "" {
		return api.Errorf(api.ErrNotAuthorized, api.MsgSecretNotReceived, c.rec.ID)
	}
	got, err := base64.StdEncoding.DecodeString(given)
	if err == nil {
		for _, n := range names {
			if n == "" {
				continue
			}
			for _, secret := range c.secrets {
				m := hmac.New(sha256.New, []byte(secret))
				m.Write([]byte(n + c.rec.ID))
				if hmac.Equal(m.Sum(nil), got) {
					return nil
				}
			}
		}
	}
	return api.Errorf(api.ErrNotAuthorized, api.MsgSecretHashUnverified, c.rec.ID)
}

// SecretHash computes Cognito's SECRET_HASH (used by tests and tools).
func SecretHash(clientSecret, username, clientID string) string {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// allows reports whether the client's ExplicitAuthFlows permit flow. A
// client created without the list allows SRP, custom and refresh, as
// Cognito's does.
func (c *client) allows(flows ...string) bool {
	list := c.doc.ExplicitAuthFlows
	if len(list) == 0 {
		list = []string{"ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
	}
	for _, have := range list {
		for _, f := range flows {
			if have == f {
				return true
			}
		}
	}
	return false
}

func unit(u string, dflt time.Duration) time.Duration {
	switch u {
	case "seconds":
		return time.Second
	case "minutes":
		return time.Minute
	case "hours":
		return time.Hour
	case "days":
		return 24 * time.Hour
	}
	return dflt
}

func (c *client) units() api.TokenValidityUnits {
	if c.doc.TokenValidityUnits != nil {
		return *c.doc.TokenValidityUnits
	}
	return api.TokenValidityUnits{}
}

// validity is a lifetime in its unit, or dflt when the client has none.
func validity(v *int32, u string, dfltUnit, dflt time.Duration) time.Duration {
	if v == nil {
		return dflt
	}
	return time.Duration(*v) * unit(u, dfltUnit)
}

func (c *client) accessValidity() time.Duration {
	return validity(c.doc.AccessTokenValidity, c.units().AccessToken, time.Hour, time.Hour)
}

func (c *client) idValidity() time.Duration {
	return validity(c.doc.IdTokenValidity, c.units().IdToken, time.Hour, time.Hour)
}

func (c *client) refreshValidity() time.Duration {
	return validity(c.doc.RefreshTokenValidity, c.units().RefreshToken, 24*time.Hour, 30*24*time.Hour)
}

func (c *client) sessionValidity() time.Duration {
	return time.Duration(*c.doc.AuthSessionValidity) * time.Minute
}

func (c *client) preventExistence() bool { return c.doc.PreventUserExistenceErrors == "ENABLED" }

// normalizeClient fills Cognito's defaults and checks validity bounds.
// TokenValidityUnits and the access and ID token validities stay as the
// caller gave them: Cognito returns no units, and no access or ID validity,
// for a client created without them (and Terraform's
// aws_cognito_user_pool_client fails on units it did not set). Lifetimes
// then default to one hour, in the default units (hours, hours, days).
func normalizeClient(d *api.UserPoolClientSettings) error {
	i32 := func(v int32) *int32 { return &v }
	var u api.TokenValidityUnits
	if d.TokenValidityUnits != nil {
		u = *d.TokenValidityUnits
	}
	// Cognito reads a refresh validity of 0 as "the default", not as an
	// error (the CLI sends the 0 it is given).
	if d.RefreshTokenValidity == nil || *d.RefreshTokenValidity == 0 {
		d.RefreshTokenValidity = i32(30)
		if u.RefreshToken != "" && u.RefreshToken != "days" {
			// 30 in another unit than days is not the default.
			d.RefreshTokenValidity = nil
		}
	}
	if d.AuthSessionValidity == nil {
		d.AuthSessionValidity = i32(3)
	}
	if d.PreventUserExistenceErrors == "" {
		d.PreventUserExistenceErrors = "LEGACY"
	}
	if d.EnableTokenRevocation == nil {
		t := true
		d.EnableTokenRevocation = &t
	}
	check := func(name string, v *int32, u string, dfltUnit, lo, hi time.Duration) error {
		if v == nil {
			return nil
		}
		got := time.Duration(*v) * unit(u, dfltUnit)
		if got < lo || got > hi {
			return api.Errorf(api.ErrInvalidParameter, api.MsgClientValueOutOfRange, name, lo, hi)
		}
		return nil
	}
	if err := check("Access token validity", d.AccessTokenValidity, u.AccessToken, time.Hour, 5*time.Minute, 24*time.Hour); err != nil {
		return err
	}
	if err := check("Id token validity", d.IdTokenValidity, u.IdToken, time.Hour, 5*time.Minute, 24*time.Hour); err != nil {
		return err
	}
	return check("Refresh token validity", d.RefreshTokenValidity, u.RefreshToken, 24*time.Hour, time.Hour, 3650*24*time.Hour)
}

// CreateUserPoolClient answers CreateUserPoolClient: a client with a new
// id.
func (s *Service) CreateUserPoolClient(ctx context.Context, in *api.CreateUserPoolClientInput) (*api.UserPoolClientOutput, error) {
	return s.CreateClient(ctx, "", "", in)
}

// CreateClient creates an app client with the given id and secret ("" for
// new ones; a secret is only made when GenerateSecret is set).
func (s *Service) CreateClient(ctx context.Context, id, secret string, in *api.CreateUserPoolClientInput) (*api.UserPoolClientOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	doc := clientDoc{ClientName: in.ClientName, UserPoolClientSettings: in.UserPoolClientSettings}
	if err := normalizeClient(&doc.UserPoolClientSettings); err != nil {
		return nil, err
	}
	if err := checkClientSettings(p, &doc.UserPoolClientSettings, in.GenerateSecret || in.ClientSecret != "" || secret != ""); err != nil {
		return nil, err
	}
	if id == "" {
		id = NewClientID()
	}
	if in.ClientSecret != "" {
		if in.GenerateSecret {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgSecretGeneratedAndGiven)
		}
		// Silently dropping it would make a public client of one its owner
		// believes confidential.
		if secret == "" {
			secret = in.ClientSecret
		}
	}
	if in.GenerateSecret && secret == "" {
		secret = newClientSecret()
	}
	now := s.now()
	if secret != "" {
		doc.Secrets = []clientSecret{{ID: clientSecretID(id, now, nil), Value: s.seal.Encrypt([]byte(secret), secretLabel(id)), Created: now}}
	}
	rec := &store.Client{ID: id, PoolID: in.UserPoolId, Name: in.ClientName, Created: now, Updated: now, Settings: encodeDoc(doc)}
	if err := s.st.CreateClient(ctx, rec); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgClientExists, id)
		}
		if errors.Is(err, store.ErrNotFound) {
			return nil, api.Errorf(api.ErrResourceNotFound, api.MsgPoolNotFound, in.UserPoolId)
		}
		return nil, internal(err)
	}
	return &api.UserPoolClientOutput{UserPoolClient: describeClient(rec, doc, secret)}, nil
}

func describeClient(rec *store.Client, doc clientDoc, secret string) *api.UserPoolClientType {
	// Cognito answers these two switches off when never set (Terraform
	// reads them back after an import).
	no := false
	if doc.AllowedOAuthFlowsUserPoolClient == nil {
		doc.AllowedOAuthFlowsUserPoolClient = &no
	}
	if doc.EnablePropagateAdditionalUserContextData == nil {
		doc.EnablePropagateAdditionalUserContextData = &no
	}
	return &api.UserPoolClientType{UserPoolId: rec.PoolID, ClientId: rec.ID, ClientSecret: secret, ClientName: doc.ClientName,
		CreationDate: api.At(rec.Created), LastModifiedDate: api.At(rec.Updated), UserPoolClientSettings: doc.UserPoolClientSettings}
}

// DescribeUserPoolClient answers DescribeUserPoolClient.
func (s *Service) DescribeUserPoolClient(ctx context.Context, in *api.DescribeUserPoolClientInput) (*api.UserPoolClientOutput, error) {
	c, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	return &api.UserPoolClientOutput{UserPoolClient: describeClient(c.rec, c.doc, c.firstSecret())}, nil
}

// ListUserPoolClients answers ListUserPoolClients.
func (s *Service) ListUserPoolClients(ctx context.Context, in *api.ListUserPoolClientsInput) (*api.ListUserPoolClientsOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	after, err := decodePageToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageSize(in.MaxResults)
	recs, err := s.st.ListClients(ctx, in.UserPoolId, after, limit+1)
	if err != nil {
		return nil, internal(err)
	}
	out := &api.ListUserPoolClientsOutput{UserPoolClients: []api.UserPoolClientDescription{}}
	if len(recs) > limit {
		recs = recs[:limit]
		out.NextToken = encodePageToken(recs[limit-1].ID)
	}
	for _, r := range recs {
		out.UserPoolClients = append(out.UserPoolClients, api.UserPoolClientDescription{ClientId: r.ID, UserPoolId: r.PoolID, ClientName: r.Name})
	}
	return out, nil
}

// UpdateUserPoolClient replaces the client's settings; as in Cognito,
// members left out return to their defaults.
func (s *Service) UpdateUserPoolClient(ctx context.Context, in *api.UpdateUserPoolClientInput) (*api.UserPoolClientOutput, error) {
	loaded, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	var doc clientDoc
	var secret string
	rec, err := s.st.UpdateClient(ctx, in.ClientId, func(c *store.Client) error {
		if err := decodeDoc(c.Settings, &doc); err != nil {
			return err
		}
		doc.UserPoolClientSettings = in.UserPoolClientSettings
		if in.ClientName != "" {
			doc.ClientName = in.ClientName
		}
		if err := normalizeClient(&doc.UserPoolClientSettings); err != nil {
			return err
		}
		if err := checkClientSettings(loaded.pool, &doc.UserPoolClientSettings, doc.hasSecret()); err != nil {
			return err
		}
		c.Name = doc.ClientName
		c.Settings = encodeDoc(doc)
		c.Updated = s.now()
		return nil
	})
	if err != nil {
		return nil, internal(err)
	}
	secrets, err := s.openSecrets(rec, &doc)
	if err != nil {
		return nil, internal(err)
	}
	if len(secrets) > 0 {
		secret = secrets[0]
	}
	return &api.UserPoolClientOutput{UserPoolClient: describeClient(rec, doc, secret)}, nil
}

// DeleteUserPoolClient answers DeleteUserPoolClient.
func (s *Service) DeleteUserPoolClient(ctx context.Context, in *api.DeleteUserPoolClientInput) (*api.Empty, error) {
	if _, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId); err != nil {
		return nil, err
	}
	if err := s.st.DeleteClient(ctx, in.ClientId); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, internal(err)
	}
	// Its terms documents, branding style, UI customization and risk
	// configuration go with it.
	if err := s.dropClientExtras(ctx, in.UserPoolId, in.ClientId); err != nil {
		return nil, err
	}
	if err := s.dropClientBranding(ctx, in.UserPoolId, in.ClientId); err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

package idp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/token"
)

// poolDoc is the pool configuration kept in store.Pool.Settings.
type poolDoc struct {
	api.UserPoolSettings
	api.UserPoolIdentity
	Schema                  []api.SchemaAttribute `json:",omitempty"`
	SoftwareTokenMfaEnabled bool
	// SoftwareTokenMfaSet: a caller has named the factor (SetUserPoolMfaConfig);
	// until then Cognito leaves SoftwareTokenMfaConfiguration out of
	// GetUserPoolMfaConfig when the factor is off, and Terraform reads it so.
	SoftwareTokenMfaSet   bool                 `json:",omitempty"`
	SmsMfaConfiguration   json.RawMessage      `json:",omitempty"`
	EmailMfaConfiguration json.RawMessage      `json:",omitempty"`
	WebAuthnConfiguration json.RawMessage      `json:",omitempty"`
	Groups                map[string]*groupDoc `json:",omitempty"`
	// ResourceServers by identifier and Domains by name (oauth_resources.go).
	ResourceServers map[string]*resourceServerDoc `json:",omitempty"`
	Domains         map[string]*domainDoc         `json:",omitempty"`
	// UI customizations and risk configurations (extras.go).
	Extras *poolExtras `json:",omitempty"`
	// Providers are the identity providers, by name (providers.go).
	Providers map[string]*providerDoc `json:",omitempty"`
	// ProviderLinks are the provider identities linked to native users
	// (AdminLinkProviderForUser): "<ProviderName>|<subject>" to username.
	ProviderLinks map[string]string `json:",omitempty"`
}

// groupDoc is a group of the pool. Groups live in the pool's document and
// memberships in the users' documents, so no backend needs tables of its
// own for them.
type groupDoc struct {
	Description string `json:",omitempty"`
	RoleArn     string `json:",omitempty"`
	Precedence  *int32 `json:",omitempty"`
	Created     time.Time
	Updated     time.Time
}

func (s *Service) arn(poolID string) string {
	return fmt.Sprintf("arn:aws:cognito-idp:%s:000000000000:userpool/%s", s.region, poolID)
}

// defaultPasswordPolicy is Cognito's default: 8 characters, all four classes,
// temporary passwords valid 7 days.
func defaultPasswordPolicy() *api.PasswordPolicy {
	eight, seven := int32(8), int32(7)
	return &api.PasswordPolicy{MinimumLength: &eight, RequireUppercase: true, RequireLowercase: true,
		RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: &seven}
}

func normalizeSettings(st *api.UserPoolSettings) {
	if st.Policies == nil {
		st.Policies = &api.UserPoolPolicy{}
	}
	if st.Policies.PasswordPolicy == nil {
		st.Policies.PasswordPolicy = defaultPasswordPolicy()
	}
	if st.MfaConfiguration == "" {
		st.MfaConfiguration = "OFF"
	}
	if st.DeletionProtection == "" {
		st.DeletionProtection = "INACTIVE"
	}
}

// CreateUserPool answers CreateUserPool: a pool with a new id.
func (s *Service) CreateUserPool(ctx context.Context, in *api.CreateUserPoolInput) (*api.UserPoolOutput, error) {
	return s.CreatePool(ctx, "", in)
}

// CreatePool creates a pool with the given id ("" for a new one).
func (s *Service) CreatePool(ctx context.Context, id string, in *api.CreateUserPoolInput) (*api.UserPoolOutput, error) {
	if len(in.UsernameAttributes) > 0 && len(in.AliasAttributes) > 0 {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgAliasAndUsernameAttributes)
	}
	doc := poolDoc{UserPoolSettings: in.UserPoolSettings, UserPoolIdentity: in.UserPoolIdentity, Schema: in.Schema}
	normalizeSettings(&doc.UserPoolSettings)
	if err := checkUpdateSettings(&pool{doc: doc}); err != nil {
		return nil, err
	}
	// Choice: a pool created with MFA ON or OPTIONAL has authenticator-app MFA
	// enabled, since that is the one factor Cognate delivers without SMS.
	doc.SoftwareTokenMfaEnabled = doc.MfaConfiguration != "OFF"
	key, err := token.GenerateKey()
	if err != nil {
		return nil, internal(err)
	}
	der, err := key.Marshal()
	if err != nil {
		return nil, internal(err)
	}
	if id == "" {
		id = s.NewPoolID()
	}
	now := s.now()
	rec := &store.Pool{ID: id, Name: in.PoolName, Created: now, Updated: now, Settings: encodeDoc(doc),
		SigningKey: s.seal.Encrypt(der, seal.LabelSigningKey(id))}
	if err := s.st.CreatePool(ctx, rec); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgPoolExists, id)
		}
		return nil, internal(err)
	}
	return &api.UserPoolOutput{UserPool: s.describePool(&pool{rec: rec, doc: doc}, 0)}, nil
}

func (s *Service) describePool(p *pool, users int) *api.UserPoolType {
	return &api.UserPoolType{
		Id: p.rec.ID, Name: p.rec.Name, Arn: s.arn(p.rec.ID), CreationDate: api.At(p.rec.Created),
		LastModifiedDate: api.At(p.rec.Updated), EstimatedNumberOfUsers: int32(users),
		SchemaAttributes: describeSchema(p.doc.Schema), UserPoolSettings: p.doc.UserPoolSettings, UserPoolIdentity: p.doc.UserPoolIdentity,
		Domain: p.doc.domainName(false), CustomDomain: p.doc.domainName(true),
	}
}

// DescribeUserPool answers DescribeUserPool.
func (s *Service) DescribeUserPool(ctx context.Context, in *api.DescribeUserPoolInput) (*api.UserPoolOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	n, err := s.st.CountUsers(ctx, p.rec.ID)
	if err != nil {
		return nil, internal(err)
	}
	return &api.UserPoolOutput{UserPool: s.describePool(p, n)}, nil
}

// ListUserPools answers ListUserPools; NextToken is the last id returned.
func (s *Service) ListUserPools(ctx context.Context, in *api.ListUserPoolsInput) (*api.ListUserPoolsOutput, error) {
	after, err := decodePageToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageSize(in.MaxResults)
	recs, err := s.st.ListPools(ctx, after, limit+1)
	if err != nil {
		return nil, internal(err)
	}
	out := &api.ListUserPoolsOutput{UserPools: []api.UserPoolDescription{}}
	if len(recs) > limit {
		recs = recs[:limit]
		out.NextToken = encodePageToken(recs[limit-1].ID)
	}
	for _, r := range recs {
		var doc poolDoc
		decodeDoc(r.Settings, &doc)
		out.UserPools = append(out.UserPools, api.UserPoolDescription{Id: r.ID, Name: r.Name, LambdaConfig: doc.LambdaConfig,
			CreationDate: api.At(r.Created), LastModifiedDate: api.At(r.Updated)})
	}
	return out, nil
}

// UpdateUserPool replaces the pool's updatable settings: as in Cognito, a
// member left out returns to its default.
func (s *Service) UpdateUserPool(ctx context.Context, in *api.UpdateUserPoolInput) (*api.Empty, error) {
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		tags := d.UserPoolTags
		d.UserPoolSettings = in.UserPoolSettings
		if in.UserPoolTags == nil {
			// Tags are the tagging operations' (tags.go): an update that
			// names none keeps them.
			d.UserPoolTags = tags
		}
		normalizeSettings(&d.UserPoolSettings)
		if err := checkUpdateSettings(&pool{doc: *d}); err != nil {
			return err
		}
		if d.MfaConfiguration != "OFF" && !d.SoftwareTokenMfaEnabled {
			d.SoftwareTokenMfaEnabled = true
		}
		return nil
	})
	if err == nil && in.PoolName != nil {
		err = s.renamePool(ctx, in.UserPoolId, *in.PoolName)
	}
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

func (s *Service) updatePool(ctx context.Context, id string, fn func(*poolDoc) error) (*poolDoc, error) {
	var doc poolDoc
	_, err := s.st.UpdatePool(ctx, id, func(p *store.Pool) error {
		if err := decodeDoc(p.Settings, &doc); err != nil {
			return err
		}
		if err := fn(&doc); err != nil {
			return err
		}
		p.Settings = encodeDoc(doc)
		p.Updated = s.now()
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, api.Errorf(api.ErrResourceNotFound, api.MsgPoolNotFound, id)
	}
	if err != nil {
		return nil, internal(err)
	}
	return &doc, nil
}

// renamePool gives a pool a new name (UpdateUserPool's PoolName).
func (s *Service) renamePool(ctx context.Context, id, name string) error {
	_, err := s.st.UpdatePool(ctx, id, func(p *store.Pool) error {
		p.Name = name
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return api.Errorf(api.ErrResourceNotFound, api.MsgPoolNotFound, id)
	}
	if err != nil {
		return internal(err)
	}
	return nil
}

// DeleteUserPool deletes a pool and everything in it.
func (s *Service) DeleteUserPool(ctx context.Context, in *api.DeleteUserPoolInput) (*api.Empty, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if p.doc.DeletionProtection == "ACTIVE" {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgDeletionProtected)
	}
	if err := s.st.DeletePool(ctx, in.UserPoolId); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, internal(err)
	}
	return &api.Empty{}, nil
}

// SetUserPoolMfaConfig answers SetUserPoolMfaConfig.
func (s *Service) SetUserPoolMfaConfig(ctx context.Context, in *api.SetUserPoolMfaConfigInput) (*api.UserPoolMfaConfig, error) {
	doc, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		if in.SoftwareTokenMfaConfiguration != nil {
			d.SoftwareTokenMfaEnabled = in.SoftwareTokenMfaConfiguration.Enabled
			d.SoftwareTokenMfaSet = true
		}
		if in.SmsMfaConfiguration != nil {
			d.SmsMfaConfiguration = in.SmsMfaConfiguration
		}
		if in.EmailMfaConfiguration != nil {
			d.EmailMfaConfiguration = in.EmailMfaConfiguration
		}
		if in.WebAuthnConfiguration != nil {
			if err := checkWebAuthnConfig(in.WebAuthnConfiguration); err != nil {
				return err
			}
			d.WebAuthnConfiguration = in.WebAuthnConfiguration
		}
		if in.MfaConfiguration != "" {
			d.MfaConfiguration = in.MfaConfiguration
		}
		if d.MfaConfiguration != "OFF" && !d.SoftwareTokenMfaEnabled && d.SmsMfaConfiguration == nil && d.EmailMfaConfiguration == nil {
			return api.Errorf(api.ErrInvalidParameter, api.MsgMFAMethodRequired, strings.ToLower(d.MfaConfiguration))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return mfaConfigOf(doc), nil
}

func mfaConfigOf(d *poolDoc) *api.UserPoolMfaConfig {
	out := &api.UserPoolMfaConfig{
		SmsMfaConfiguration:   d.SmsMfaConfiguration,
		EmailMfaConfiguration: d.EmailMfaConfiguration,
		MfaConfiguration:      d.MfaConfiguration,
		WebAuthnConfiguration: d.WebAuthnConfiguration,
	}
	if d.SoftwareTokenMfaEnabled || d.SoftwareTokenMfaSet {
		out.SoftwareTokenMfaConfiguration = &api.SoftwareTokenMfaConfig{Enabled: d.SoftwareTokenMfaEnabled}
	}
	return out
}

// GetUserPoolMfaConfig answers GetUserPoolMfaConfig.
func (s *Service) GetUserPoolMfaConfig(ctx context.Context, in *api.GetUserPoolMfaConfigInput) (*api.UserPoolMfaConfig, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return mfaConfigOf(&p.doc), nil
}

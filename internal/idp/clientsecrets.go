package idp

import (
	"context"
	"crypto/subtle"
	"errors"
	"strconv"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// Client-secret rotation: a confidential client has one or two live
// secrets, and every one of them is accepted wherever the client
// authenticates (SECRET_HASH, ClientSecret, the token endpoint), so that
// its owner can add a new secret, move the applications to it, and delete
// the old one without a moment in which neither works.

// maxClientSecrets is Cognito's limit on a client's live secrets.
const maxClientSecrets = 2

// clientSecret is one live secret of an app client.
type clientSecret struct {
	ID      string
	Value   []byte // encrypted under secretLabel(client id)
	Created time.Time
}

func secretLabel(clientID string) string { return "client-secret|" + clientID }

// clientSecretID names a secret as Cognito does, <client-id>--<epoch
// create time>; Cognate writes the time in milliseconds, one later when
// taken already.
func clientSecretID(clientID string, created time.Time, taken []clientSecret) string {
	ms := created.UnixMilli()
	for {
		id := clientID + "--" + strconv.FormatInt(ms, 10)
		free := true
		for _, s := range taken {
			free = free && s.ID != id
		}
		if free {
			return id
		}
		ms++
	}
}

// liveSecrets returns the client's secrets, oldest first; a client written
// before rotation has its one secret in Secret, dated at the client's
// creation.
func (d *clientDoc) liveSecrets(rec *store.Client) []clientSecret {
	if len(d.Secrets) > 0 || len(d.Secret) == 0 {
		return d.Secrets
	}
	return []clientSecret{{ID: clientSecretID(rec.ID, rec.Created, nil), Value: d.Secret, Created: rec.Created}}
}

func (d *clientDoc) hasSecret() bool { return len(d.Secrets) > 0 || len(d.Secret) > 0 }

// openSecrets decrypts the client's live secrets, oldest first.
func (s *Service) openSecrets(rec *store.Client, d *clientDoc) ([]string, error) {
	var out []string
	for _, sec := range d.liveSecrets(rec) {
		b, err := s.seal.Decrypt(sec.Value, secretLabel(rec.ID))
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	return out, nil
}

// firstSecret is the client's oldest live secret, "" for none: the one
// DescribeUserPoolClient shows, which stays the same across reads until it
// is deleted.
func (c *client) firstSecret() string {
	if len(c.secrets) == 0 {
		return ""
	}
	return c.secrets[0]
}

// secretMatches compares a given client secret with each live secret in
// constant time; a client without a secret matches only "".
func (c *client) secretMatches(given string) bool {
	if len(c.secrets) == 0 {
		return given == ""
	}
	ok := 0
	for _, sec := range c.secrets {
		ok |= subtle.ConstantTimeCompare([]byte(given), []byte(sec))
	}
	return ok == 1
}

// updateSecrets applies fn to the client's live secrets atomically and
// stores what it returns.
func (s *Service) updateSecrets(ctx context.Context, poolID, clientID string, fn func(list []clientSecret) ([]clientSecret, error)) error {
	if _, err := s.loadPoolClient(ctx, poolID, clientID); err != nil {
		return err
	}
	_, err := s.st.UpdateClient(ctx, clientID, func(c *store.Client) error {
		var doc clientDoc
		if err := decodeDoc(c.Settings, &doc); err != nil {
			return err
		}
		list, err := fn(append([]clientSecret(nil), doc.liveSecrets(c)...))
		if err != nil {
			return err
		}
		doc.Secret, doc.Secrets = nil, list
		c.Settings = encodeDoc(doc)
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return api.Errorf(api.ErrResourceNotFound, api.MsgClientNotFound, clientID)
	}
	return internal(err)
}

// AddUserPoolClientSecret answers AddUserPoolClientSecret. Cognito speaks
// of "an existing confidential" client: Cognate refuses a client without a
// secret rather than make it confidential, which would break every
// application that calls it without one. The client's LastModifiedDate
// does not move: its settings did not change.
func (s *Service) AddUserPoolClientSecret(ctx context.Context, in *api.AddUserPoolClientSecretInput) (*api.AddUserPoolClientSecretOutput, error) {
	value, generated := in.ClientSecret, false
	if value == "" {
		value, generated = newClientSecret(), true
	}
	var added clientSecret
	err := s.updateSecrets(ctx, in.UserPoolId, in.ClientId, func(list []clientSecret) ([]clientSecret, error) {
		if len(list) == 0 {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgClientHasNoSecret, in.ClientId)
		}
		if len(list) >= maxClientSecrets {
			return nil, api.Errorf(api.ErrLimitExceeded, api.MsgClientSecretLimit, in.ClientId, maxClientSecrets)
		}
		for _, sec := range list {
			b, err := s.seal.Decrypt(sec.Value, secretLabel(in.ClientId))
			if err != nil {
				return nil, err
			}
			if subtle.ConstantTimeCompare(b, []byte(value)) == 1 {
				return nil, api.Errorf(api.ErrInvalidParameter, api.MsgClientSecretExists, in.ClientId)
			}
		}
		now := s.now()
		added = clientSecret{ID: clientSecretID(in.ClientId, now, list), Value: s.seal.Encrypt([]byte(value), secretLabel(in.ClientId)), Created: now}
		return append(list, added), nil
	})
	if err != nil {
		return nil, err
	}
	d := describeSecret(added)
	if generated {
		d.ClientSecretValue = value
	}
	return &api.AddUserPoolClientSecretOutput{ClientSecretDescriptor: &d}, nil
}

func describeSecret(sec clientSecret) api.ClientSecretDescriptorType {
	t := api.At(sec.Created)
	return api.ClientSecretDescriptorType{ClientSecretId: sec.ID, ClientSecretCreateDate: &t}
}

// ListUserPoolClientSecrets answers ListUserPoolClientSecrets: every live
// secret, oldest first, without its value. A client has two at most, so
// the answer is never paged and a NextToken, which Cognate never issues,
// is refused as invalid. A client without a secret has an empty list.
func (s *Service) ListUserPoolClientSecrets(ctx context.Context, in *api.ListUserPoolClientSecretsInput) (*api.ListUserPoolClientSecretsOutput, error) {
	c, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	if in.NextToken != "" {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgInvalidPaginationToken)
	}
	out := &api.ListUserPoolClientSecretsOutput{ClientSecrets: []api.ClientSecretDescriptorType{}}
	for _, sec := range c.doc.liveSecrets(c.rec) {
		out.ClientSecrets = append(out.ClientSecrets, describeSecret(sec))
	}
	return out, nil
}

// DeleteUserPoolClientSecret answers DeleteUserPoolClientSecret. The last
// secret cannot be deleted (Cognito's documentation says so): the client
// would turn public under its applications.
func (s *Service) DeleteUserPoolClientSecret(ctx context.Context, in *api.DeleteUserPoolClientSecretInput) (*api.Empty, error) {
	err := s.updateSecrets(ctx, in.UserPoolId, in.ClientId, func(list []clientSecret) ([]clientSecret, error) {
		for i, sec := range list {
			if sec.ID != in.ClientSecretId {
				continue
			}
			if len(list) == 1 {
				return nil, api.Errorf(api.ErrInvalidParameter, api.MsgLastClientSecret, in.ClientId)
			}
			return append(list[:i], list[i+1:]...), nil
		}
		return nil, api.Errorf(api.ErrResourceNotFound, api.MsgClientSecretNotFound, in.ClientSecretId, in.ClientId)
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

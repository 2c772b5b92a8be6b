package idp

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// This file holds AdminLinkProviderForUser and AdminDisableProviderForUser:
// a provider identity linked to a user of the pool signs in as that user
// (same sub, same groups), until the link is undone.

// maxLinks is Cognito's quota of identities linked to one user.
const maxLinks = 5

// checkSource checks a provider user identifier: a provider of the pool,
// named by its subject. Choice: Cognito also accepts another SAML attribute
// name for a SAML identity not yet signed in; Cognate takes only
// Cognito_Subject, the name every provider type accepts.
func checkSource(p *pool, id *api.ProviderUserIdentifierType) (*providerDoc, error) {
	pd, ok := p.doc.Providers[id.ProviderName]
	if !ok {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgLinkSourceProvider, id.ProviderName)
	}
	if id.ProviderAttributeName != "Cognito_Subject" || id.ProviderAttributeValue == "" || len(id.ProviderAttributeValue) > 128 {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgLinkSourceAttribute)
	}
	return pd, nil
}

// setIdentities rewrites a user's identities attribute with fn.
func (s *Service) setIdentities(ctx context.Context, u *store.User, fn func([]identity) []identity) error {
	_, err := s.updateUser(ctx, u, func(u *store.User) error {
		var list []identity
		if v := u.Attributes["identities"]; v != "" {
			json.Unmarshal([]byte(v), &list)
		}
		list = fn(list)
		if len(list) == 0 {
			delete(u.Attributes, "identities")
		} else {
			b, _ := json.Marshal(list)
			if u.Attributes == nil {
				u.Attributes = map[string]string{}
			}
			u.Attributes["identities"] = string(b)
		}
		u.Updated = s.now()
		return nil
	})
	return err
}

// AdminLinkProviderForUser answers AdminLinkProviderForUser: the source
// user (a provider's subject, not yet signed in on its own) becomes an
// identity of the destination user, a user of the pool.
func (s *Service) AdminLinkProviderForUser(ctx context.Context, in *api.AdminLinkProviderForUserInput) (*api.Empty, error) {
	dst, src := in.DestinationUser, in.SourceUser
	if dst.ProviderName != "Cognito" || dst.ProviderAttributeValue == "" {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgLinkDestinationCognito)
	}
	p, u, err := s.adminUser(ctx, in.UserPoolId, dst.ProviderAttributeValue)
	if err != nil {
		return nil, err
	}
	pd, err := checkSource(p, src)
	if err != nil {
		return nil, err
	}
	if u.Status == StatusExternalProvider {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgLinkDestinationExternal, u.Username)
	}
	subject := src.ProviderAttributeValue
	if _, err := s.st.GetUser(ctx, p.rec.ID, src.ProviderName+"_"+subject); err == nil {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgLinkMerging)
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, internal(err)
	}
	key := linkKey(src.ProviderName, subject)
	again := false
	_, err = s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		if to, ok := d.ProviderLinks[key]; ok {
			if to == u.Username {
				again = true // linking again changes nothing
				return nil
			}
			return api.Errorf(api.ErrAliasExists, api.MsgLinkExists)
		}
		n := 0
		for _, to := range d.ProviderLinks {
			if to == u.Username {
				n++
			}
		}
		if n >= maxLinks {
			return api.Errorf(api.ErrLimitExceeded, api.MsgLinkLimit, maxLinks)
		}
		if d.ProviderLinks == nil {
			d.ProviderLinks = map[string]string{}
		}
		d.ProviderLinks[key] = u.Username
		return nil
	})
	if err != nil || again {
		return &api.Empty{}, err
	}
	// The identity shows in the user's identities attribute (and so in its
	// ID tokens). Choice: primary is false, the user's own sign-in being
	// its primary one.
	err = s.setIdentities(ctx, u, func(list []identity) []identity {
		return append(list, identity{UserID: subject, ProviderName: src.ProviderName, ProviderType: pd.Type, DateCreated: s.now().UnixMilli()})
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// AdminDisableProviderForUser answers AdminDisableProviderForUser: a
// link of the provider's subject is removed (its next sign-in makes a user
// of its own), and the provider's own user of that subject, if any, is
// disabled.
func (s *Service) AdminDisableProviderForUser(ctx context.Context, in *api.AdminDisableProviderForUserInput) (*api.Empty, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if _, err := checkSource(p, in.User); err != nil {
		return nil, err
	}
	provider, subject := in.User.ProviderName, in.User.ProviderAttributeValue
	key := linkKey(provider, subject)
	var linked string
	if _, ok := p.doc.ProviderLinks[key]; ok {
		_, err = s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
			linked = d.ProviderLinks[key]
			delete(d.ProviderLinks, key)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if linked != "" {
		if u, err := s.st.GetUser(ctx, p.rec.ID, linked); err == nil {
			err = s.setIdentities(ctx, u, func(list []identity) []identity {
				return slices.DeleteFunc(list, func(i identity) bool { return i.ProviderName == provider && i.UserID == subject })
			})
			if err != nil {
				return nil, err
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, internal(err)
		}
	}
	external := provider + "_" + subject
	if _, err := s.st.GetUser(ctx, p.rec.ID, external); err == nil {
		return s.setEnabled(ctx, in.UserPoolId, external, false)
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, internal(err)
	}
	if linked == "" {
		return nil, api.Errorf(api.ErrUserNotFound, api.MsgUnlinkNotFound, provider, subject)
	}
	return &api.Empty{}, nil
}

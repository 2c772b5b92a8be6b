package idp

import (
	"context"
	"crypto/sha256"
	"fmt"

	"github.com/cognate-idp/cognate/internal/api"
)

// UI customization: CSS and a logo for the hosted pages, pool-wide
// (ClientId absent or "ALL") or for one app client. Cognate stores and
// returns them; the hosted pages do not show them yet (README, stored only).

// maxLogo is Cognito's limit on the logo image (100 KB).
const maxLogo = 100 * 1024

// uiClient checks an optional client id and returns the key it is stored
// under.
func (s *Service) uiClient(ctx context.Context, poolID, clientID string) (string, error) {
	if clientID == "" || clientID == allClients {
		if _, err := s.loadPool(ctx, poolID); err != nil {
			return "", err
		}
		return allClients, nil
	}
	if _, err := s.loadPoolClient(ctx, poolID, clientID); err != nil {
		return "", err
	}
	return clientID, nil
}

// SetUICustomization answers SetUICustomization. A call with neither CSS
// nor an image removes the customization.
func (s *Service) SetUICustomization(ctx context.Context, in *api.SetUICustomizationInput) (*api.UICustomizationOutput, error) {
	key, err := s.uiClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	if len(in.ImageFile) > maxLogo {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgLogoTooLarge, maxLogo)
	}
	if len(in.ImageFile) > 0 && imageType(in.ImageFile) == "" {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgLogoFormat)
	}
	now := s.now()
	var out *uiDoc
	_, err = s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		x := extrasOf(d)
		if in.CSS == "" && len(in.ImageFile) == 0 {
			delete(x.UI, key)
			out = nil
			return nil
		}
		if x.UI == nil {
			x.UI = map[string]*uiDoc{}
		}
		u := x.UI[key]
		if u == nil {
			u = &uiDoc{Created: now}
			x.UI[key] = u
		}
		u.CSS, u.Image, u.Modified = in.CSS, in.ImageFile, now
		h := sha256.Sum256(append([]byte(in.CSS), in.ImageFile...))
		u.Version = fmt.Sprintf("%x", h[:8])
		c := *u
		out = &c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.UICustomizationOutput{UICustomization: s.uiOf(in.UserPoolId, key, out)}, nil
}

// GetUICustomization answers GetUICustomization: the client's own
// customization, else the pool-wide one, else an empty one.
func (s *Service) GetUICustomization(ctx context.Context, in *api.GetUICustomizationInput) (*api.UICustomizationOutput, error) {
	key, err := s.uiClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	var u *uiDoc
	if p.doc.Extras != nil {
		u, key = perClient(p.doc.Extras.UI, key)
	}
	return &api.UICustomizationOutput{UICustomization: s.uiOf(in.UserPoolId, key, u)}, nil
}

// perClient returns a client's own entry of m, else the pool-wide one
// (and allClients as its key), else nil with the client's key.
func perClient[T any](m map[string]*T, key string) (*T, string) {
	if v := m[key]; v != nil {
		return v, key
	}
	if v := m[allClients]; v != nil {
		return v, allClients
	}
	return nil, key
}

func (s *Service) uiOf(poolID, key string, u *uiDoc) *api.UICustomizationType {
	out := &api.UICustomizationType{UserPoolId: poolID, ClientId: key}
	if u == nil {
		return out
	}
	created, modified := api.At(u.Created), api.At(u.Modified)
	out.CSS, out.CSSVersion, out.CreationDate, out.LastModifiedDate = u.CSS, u.Version, &created, &modified
	return out
}

// imageType names a PNG or JPEG image by its signature, "" for others.
func imageType(b []byte) string {
	switch {
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return "image/png"
	case len(b) >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff:
		return "image/jpeg"
	}
	return ""
}

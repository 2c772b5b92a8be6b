package idp

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/cognate-idp/cognate/internal/api"
)

// Managed login branding: one style per app client, a Settings document
// and images (Assets), as Cognito's branding editor makes them. Cognate
// checks, stores and returns them; its hosted pages do not apply them
// (README, stored only): Cognito's settings document describes its own
// managed login pages, which Cognate's pages are not.
//
// Styles live in the pool's document, which every request on the pool
// reads; so Cognate bounds the images a pool keeps (maxBrandingBytes), as
// it bounds a UI customization's logo.

// maxBrandingBytes bounds the images of all of a pool's styles together.
const maxBrandingBytes = 1 << 20

// brandingDoc is one style, kept in the pool's extras by id.
type brandingDoc struct {
	ClientID string
	// Default is UseCognitoProvidedValues: Cognito's own style, no
	// settings or images of the owner's.
	Default  bool            `json:",omitempty"`
	Settings json.RawMessage `json:",omitempty"`
	Assets   []api.AssetType `json:",omitempty"`
	Created  time.Time
	Modified time.Time
}

// checkAsset holds an image to its declared type: Cognate reads the file's
// signature, so that a style cannot carry, say, HTML named a PNG.
func checkAsset(a *api.AssetType) error {
	if len(a.Bytes) == 0 {
		return api.Errorf(api.ErrInvalidParameter, api.MsgAssetNoBytes, a.Category, a.ColorMode)
	}
	b := a.Bytes
	ok := false
	switch a.Extension {
	case "PNG":
		ok = bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n"))
	case "JPEG":
		ok = bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff})
	case "ICO":
		ok = bytes.HasPrefix(b, []byte{0, 0, 1, 0})
	case "WEBP":
		ok = len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
	case "SVG":
		head := b[:min(len(b), 1024)]
		ok = bytes.Contains(head, []byte("<svg"))
	}
	if !ok {
		return api.Errorf(api.ErrInvalidParameter, api.MsgAssetType, a.Category, a.ColorMode, a.Extension)
	}
	return nil
}

// checkBranding checks a request's members: default values exclude
// settings and images; settings are a JSON object; each image is what it
// says, once per category and colour mode.
func checkBranding(useDefault bool, settings json.RawMessage, assets []api.AssetType) error {
	hasSettings := len(settings) > 0 && string(settings) != "null"
	if useDefault && (hasSettings || len(assets) > 0) {
		return api.Errorf(api.ErrInvalidParameter, api.MsgBrandingDefaultAndValues)
	}
	if hasSettings {
		var obj map[string]json.RawMessage
		if json.Unmarshal(settings, &obj) != nil {
			return api.Errorf(api.ErrInvalidParameter, api.MsgBrandingSettingsObject)
		}
	}
	seen := map[string]bool{}
	for i := range assets {
		a := &assets[i]
		if err := checkAsset(a); err != nil {
			return err
		}
		k := a.Category + "/" + a.ColorMode
		if seen[k] {
			return api.Errorf(api.ErrInvalidParameter, api.MsgAssetTwice, a.Category, a.ColorMode)
		}
		seen[k] = true
	}
	return nil
}

// brandingBytes is the size of the images of a pool's styles.
func brandingBytes(x *poolExtras) int {
	n := 0
	for _, b := range x.Branding {
		for _, a := range b.Assets {
			n += len(a.Bytes)
		}
	}
	return n
}

// mergeSettings lays patch over base, object members recursively: what
// patch leaves out stays, as Cognito keeps the style settings a request
// does not give.
func mergeSettings(base, patch json.RawMessage) json.RawMessage {
	var b, p map[string]json.RawMessage
	if json.Unmarshal(base, &b) != nil || json.Unmarshal(patch, &p) != nil || b == nil {
		return patch
	}
	for k, v := range p {
		if old, ok := b[k]; ok {
			b[k] = mergeSettings(old, v)
		} else {
			b[k] = v
		}
	}
	out, err := json.Marshal(b)
	if err != nil {
		return patch
	}
	return out
}

// mergeAssets replaces base's images of the categories and colour modes
// patch gives, and keeps the others.
func mergeAssets(base, patch []api.AssetType) []api.AssetType {
	out := append([]api.AssetType(nil), patch...)
	for _, a := range base {
		replaced := false
		for _, p := range patch {
			replaced = replaced || (p.Category == a.Category && p.ColorMode == a.ColorMode)
		}
		if !replaced {
			out = append(out, a)
		}
	}
	return out
}

func describeBranding(poolID, id string, b *brandingDoc) *api.ManagedLoginBrandingType {
	created, modified := api.At(b.Created), api.At(b.Modified)
	assets := b.Assets
	if assets == nil {
		assets = []api.AssetType{}
	}
	return &api.ManagedLoginBrandingType{ManagedLoginBrandingId: id, UserPoolId: poolID, UseCognitoProvidedValues: b.Default,
		Settings: b.Settings, Assets: assets, CreationDate: &created, LastModifiedDate: &modified}
}

// CreateManagedLoginBranding answers CreateManagedLoginBranding: one style
// per client (ManagedLoginBrandingExistsException).
func (s *Service) CreateManagedLoginBranding(ctx context.Context, in *api.CreateManagedLoginBrandingInput) (*api.ManagedLoginBrandingOutput, error) {
	if _, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId); err != nil {
		return nil, err
	}
	if err := checkBranding(in.UseCognitoProvidedValues, in.Settings, in.Assets); err != nil {
		return nil, err
	}
	id, now := uuid.NewString(), s.now()
	b := &brandingDoc{ClientID: in.ClientId, Default: in.UseCognitoProvidedValues, Assets: in.Assets, Created: now, Modified: now}
	if string(in.Settings) != "null" {
		b.Settings = in.Settings
	}
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		x := extrasOf(d)
		for _, other := range x.Branding {
			if other.ClientID == in.ClientId {
				return api.Errorf(api.ErrManagedLoginBrandingExists, api.MsgBrandingExists, in.ClientId)
			}
		}
		if x.Branding == nil {
			x.Branding = map[string]*brandingDoc{}
		}
		x.Branding[id] = b
		if brandingBytes(x) > maxBrandingBytes {
			return api.Errorf(api.ErrLimitExceeded, api.MsgBrandingTooLarge, maxBrandingBytes)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ManagedLoginBrandingOutput{ManagedLoginBranding: describeBranding(in.UserPoolId, id, b)}, nil
}

// DescribeManagedLoginBranding answers DescribeManagedLoginBranding.
// ReturnMergedResources changes nothing: Cognate has no copy of Cognito's
// default style to merge in.
func (s *Service) DescribeManagedLoginBranding(ctx context.Context, in *api.DescribeManagedLoginBrandingInput) (*api.ManagedLoginBrandingOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if p.doc.Extras == nil || p.doc.Extras.Branding[in.ManagedLoginBrandingId] == nil {
		return nil, api.Errorf(api.ErrResourceNotFound, api.MsgBrandingNotFound, in.ManagedLoginBrandingId, in.UserPoolId)
	}
	return &api.ManagedLoginBrandingOutput{ManagedLoginBranding: describeBranding(in.UserPoolId, in.ManagedLoginBrandingId, p.doc.Extras.Branding[in.ManagedLoginBrandingId])}, nil
}

// DescribeManagedLoginBrandingByClient answers
// DescribeManagedLoginBrandingByClient: the client's style, if it has one.
func (s *Service) DescribeManagedLoginBrandingByClient(ctx context.Context, in *api.DescribeManagedLoginBrandingByClientInput) (*api.ManagedLoginBrandingOutput, error) {
	c, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	if x := c.pool.doc.Extras; x != nil {
		for id, b := range x.Branding {
			if b.ClientID == in.ClientId {
				return &api.ManagedLoginBrandingOutput{ManagedLoginBranding: describeBranding(in.UserPoolId, id, b)}, nil
			}
		}
	}
	return nil, api.Errorf(api.ErrResourceNotFound, api.MsgBrandingNoneForClient, in.ClientId)
}

// UpdateManagedLoginBranding answers UpdateManagedLoginBranding. Settings
// are merged into the style's and images replace those of their category
// and colour mode, the rest kept, as Cognito does so that a style larger
// than one request can be sent in several; UseCognitoProvidedValues puts
// the style back to Cognito's defaults. The model requires no member, but
// a style is named by its pool and its id.
func (s *Service) UpdateManagedLoginBranding(ctx context.Context, in *api.UpdateManagedLoginBrandingInput) (*api.ManagedLoginBrandingOutput, error) {
	for _, m := range []struct{ name, value string }{{"UserPoolId", in.UserPoolId}, {"ManagedLoginBrandingId", in.ManagedLoginBrandingId}} {
		if m.value == "" {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgMissingParameter, m.name)
		}
	}
	if err := checkBranding(in.UseCognitoProvidedValues, in.Settings, in.Assets); err != nil {
		return nil, err
	}
	var out brandingDoc
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		x := extrasOf(d)
		b := x.Branding[in.ManagedLoginBrandingId]
		if b == nil {
			return api.Errorf(api.ErrResourceNotFound, api.MsgBrandingNotFound, in.ManagedLoginBrandingId, in.UserPoolId)
		}
		c := *b
		switch {
		case in.UseCognitoProvidedValues:
			c.Default, c.Settings, c.Assets = true, nil, nil
		default:
			if len(in.Settings) > 0 && string(in.Settings) != "null" {
				c.Settings, c.Default = mergeSettings(c.Settings, in.Settings), false
			}
			if len(in.Assets) > 0 {
				c.Assets, c.Default = mergeAssets(c.Assets, in.Assets), false
			}
		}
		if len(c.Assets) > 40 {
			return api.Errorf(api.ErrLimitExceeded, api.MsgBrandingTooManyAssets)
		}
		c.Modified = s.now()
		x.Branding[in.ManagedLoginBrandingId] = &c
		if brandingBytes(x) > maxBrandingBytes {
			return api.Errorf(api.ErrLimitExceeded, api.MsgBrandingTooLarge, maxBrandingBytes)
		}
		out = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.ManagedLoginBrandingOutput{ManagedLoginBranding: describeBranding(in.UserPoolId, in.ManagedLoginBrandingId, &out)}, nil
}

// DeleteManagedLoginBranding answers DeleteManagedLoginBranding.
func (s *Service) DeleteManagedLoginBranding(ctx context.Context, in *api.DeleteManagedLoginBrandingInput) (*api.Empty, error) {
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		x := extrasOf(d)
		if x.Branding[in.ManagedLoginBrandingId] == nil {
			return api.Errorf(api.ErrResourceNotFound, api.MsgBrandingNotFound, in.ManagedLoginBrandingId, in.UserPoolId)
		}
		delete(x.Branding, in.ManagedLoginBrandingId)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

package idp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// Managed login branding: one style per app client, a Settings document
// and images (Assets), as Cognito's branding editor makes them. Cognate
// checks, stores and returns them; its hosted pages do not apply them
// (README, stored only): Cognito's settings document describes its own
// managed login pages, which Cognate's pages are not.
//
// A pool's styles are one value beside its document (store.UpdateBlob,
// under brandingKey), not in it: the document is read by every request on
// the pool, and a megabyte of images there made each sign-in four times
// as costly (BenchmarkBrandedPoolSignIn, BENCHMARKS.md).

// brandingKey names the pool's styles among its blobs.
const brandingKey = "managed-login-branding"

// maxBrandingBytes bounds the images of all of a pool's styles together,
// all of which one update rewrites.
const maxBrandingBytes = 4 << 20

// brandings are a pool's styles by id, as kept under brandingKey.
type brandings map[string]*brandingDoc

func decodeBrandings(b []byte) (brandings, error) {
	m := brandings{}
	if len(b) == 0 {
		return m, nil
	}
	return m, json.Unmarshal(b, &m)
}

// loadBrandings returns the pool's styles (none: an empty map).
func (s *Service) loadBrandings(ctx context.Context, poolID string) (brandings, error) {
	b, err := s.st.GetBlob(ctx, poolID, brandingKey)
	if errors.Is(err, store.ErrNotFound) {
		return brandings{}, nil
	}
	if err != nil {
		return nil, internal(err)
	}
	m, err := decodeBrandings(b)
	return m, internal(err)
}

// updateBrandings applies fn to the pool's styles atomically.
func (s *Service) updateBrandings(ctx context.Context, poolID string, fn func(brandings) error) error {
	err := s.st.UpdateBlob(ctx, poolID, brandingKey, func(b []byte) ([]byte, error) {
		m, err := decodeBrandings(b)
		if err != nil {
			return nil, err
		}
		if err := fn(m); err != nil {
			return nil, err
		}
		if len(m) == 0 {
			return nil, nil
		}
		return json.Marshal(m)
	})
	if errors.Is(err, store.ErrNotFound) {
		return api.Errorf(api.ErrResourceNotFound, api.MsgPoolNotFound, poolID)
	}
	return internal(err)
}

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
func brandingBytes(m brandings) int {
	n := 0
	for _, b := range m {
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
	err := s.updateBrandings(ctx, in.UserPoolId, func(m brandings) error {
		for _, other := range m {
			if other.ClientID == in.ClientId {
				return api.Errorf(api.ErrManagedLoginBrandingExists, api.MsgBrandingExists, in.ClientId)
			}
		}
		m[id] = b
		if brandingBytes(m) > maxBrandingBytes {
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
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	m, err := s.loadBrandings(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if m[in.ManagedLoginBrandingId] == nil {
		return nil, api.Errorf(api.ErrResourceNotFound, api.MsgBrandingNotFound, in.ManagedLoginBrandingId, in.UserPoolId)
	}
	return &api.ManagedLoginBrandingOutput{ManagedLoginBranding: describeBranding(in.UserPoolId, in.ManagedLoginBrandingId, m[in.ManagedLoginBrandingId])}, nil
}

// DescribeManagedLoginBrandingByClient answers
// DescribeManagedLoginBrandingByClient: the client's style, if it has one.
func (s *Service) DescribeManagedLoginBrandingByClient(ctx context.Context, in *api.DescribeManagedLoginBrandingByClientInput) (*api.ManagedLoginBrandingOutput, error) {
	if _, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId); err != nil {
		return nil, err
	}
	m, err := s.loadBrandings(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	for id, b := range m {
		if b.ClientID == in.ClientId {
			return &api.ManagedLoginBrandingOutput{ManagedLoginBranding: describeBranding(in.UserPoolId, id, b)}, nil
		}
	}
	return nil, api.Errorf(api.ErrResourceNotFound, api.MsgBrandingNoneForClient, in.ClientId)
}

// UpdateManagedLoginBranding answers UpdateManagedLoginBranding. Settings
// are merged into the style's and images replace those of their category
// and colour mode, the rest kept, as Cognito does so that a style larger
// than one request can be sent in several; UseCognitoProvidedValues puts
// the style back to Cognito's defaults. The model requires no member, but
// a style is named by its pool and its id. Its errors have no
// LimitExceededException, so the bounds CreateManagedLoginBranding answers
// with that are InvalidParameterException here.
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
	err := s.updateBrandings(ctx, in.UserPoolId, func(m brandings) error {
		b := m[in.ManagedLoginBrandingId]
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
			return api.Errorf(api.ErrInvalidParameter, api.MsgBrandingTooManyAssets)
		}
		c.Modified = s.now()
		m[in.ManagedLoginBrandingId] = &c
		if brandingBytes(m) > maxBrandingBytes {
			return api.Errorf(api.ErrInvalidParameter, api.MsgBrandingTooLarge, maxBrandingBytes)
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
	err := s.updateBrandings(ctx, in.UserPoolId, func(m brandings) error {
		if m[in.ManagedLoginBrandingId] == nil {
			return api.Errorf(api.ErrResourceNotFound, api.MsgBrandingNotFound, in.ManagedLoginBrandingId, in.UserPoolId)
		}
		delete(m, in.ManagedLoginBrandingId)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// dropClientBranding removes a deleted client's style.
func (s *Service) dropClientBranding(ctx context.Context, poolID, clientID string) error {
	m, err := s.loadBrandings(ctx, poolID)
	if err != nil {
		return err
	}
	has := false
	for _, b := range m {
		has = has || b.ClientID == clientID
	}
	if !has {
		return nil
	}
	err = s.updateBrandings(ctx, poolID, func(m brandings) error {
		for id, b := range m {
			if b.ClientID == clientID {
				delete(m, id)
			}
		}
		return nil
	})
	if api.IsCode(err, api.ErrResourceNotFound) {
		return nil // the pool went meanwhile, and its styles with it
	}
	return err
}

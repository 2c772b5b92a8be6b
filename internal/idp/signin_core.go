package idp

import (
	"context"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/tokens"
)

// What package signin, which runs the sign-in, asks of the user core: an
// app client with its pool (signin.Client, here *client) and the user
// operations (signin.Core, here signinCore).

func (c *client) ID() string     { return c.rec.ID }
func (c *client) PoolID() string { return c.pool.rec.ID }

// CheckSecretHash is checkSecretHash, for package signin.
func (c *client) CheckSecretHash(given string, names ...string) error {
	return c.checkSecretHash(given, names...)
}

// Allows is allows, for package signin.
func (c *client) Allows(flows ...string) bool { return c.allows(flows...) }

// SessionValidity is the client's AuthSessionValidity.
func (c *client) SessionValidity() time.Duration { return c.sessionValidity() }

// PreventExistence is PreventUserExistenceErrors ENABLED.
func (c *client) PreventExistence() bool { return c.preventExistence() }

// RefreshAuthAllowed is refreshAuthAllowed, for package signin.
func (c *client) RefreshAuthAllowed() error { return c.refreshAuthAllowed() }

// CanonicalName is a typed name as the pool stores it.
func (c *client) CanonicalName(typed string) string { return c.pool.canonicalName(typed) }

// SignsInByAttribute reports whether the pool's users sign in by email or
// phone and are known by a UUID.
func (c *client) SignsInByAttribute() bool { return len(c.pool.doc.UsernameAttributes) > 0 }

// MFAConfiguration is the pool's MfaConfiguration.
func (c *client) MFAConfiguration() string { return c.pool.doc.MfaConfiguration }

// SoftwareTokenMFA reports whether the pool offers TOTP.
func (c *client) SoftwareTokenMFA() bool { return c.pool.doc.SoftwareTokenMfaEnabled }

// PasskeyMFA reports whether a passkey with user verification satisfies
// the pool's MFA.
func (c *client) PasskeyMFA() bool { return passkeyMFA(c.pool) }

// AllowedFirstFactors is the pool's AllowedFirstAuthFactors.
func (c *client) AllowedFirstFactors() []string { return allowedFirstFactors(c.pool) }

// KeepsAuthEvents reports whether the pool keeps a sign-in history.
func (c *client) KeepsAuthEvents() bool { return c.pool.keepsAuthEvents() }

// signinCore is the user core as package signin sees it.
type signinCore struct{ s *Service }

func (k signinCore) ResolveUser(ctx context.Context, c signin.Client, name string) (*store.User, error) {
	return k.s.resolveUser(ctx, c.(*client).pool, name)
}

func (k signinCore) UpdateUser(ctx context.Context, u *store.User, fn func(*store.User) error) (*store.User, error) {
	return k.s.updateUser(ctx, u, fn)
}

func (k signinCore) PasswordMatches(u *store.User, pw string) (bool, error) {
	return k.s.passwordMatches(u, pw)
}

func (k signinCore) UserDevice(ctx context.Context, u *store.User, key string) (*store.Device, error) {
	return k.s.userDevice(ctx, u, key)
}

func (k signinCore) DeviceReplacesMFA(ctx context.Context, c signin.Client, u *store.User, key string) (bool, error) {
	return k.s.deviceReplacesMFA(ctx, c.(*client), u, key)
}

func (k signinCore) NewDevice(ctx context.Context, c signin.Client, u *store.User) (*api.NewDeviceMetadata, error) {
	return k.s.newDevice(ctx, c.(*client), u)
}

func (k signinCore) IssueTokens(ctx context.Context, c signin.Client, u *store.User, authTime time.Time, deviceKey string, custom *tokens.Customization) (*api.AuthenticationResult, error) {
	return k.s.issueTokens(ctx, grant{client: c.(*client), user: u, authTime: authTime, refresh: true, deviceKey: deviceKey, custom: custom})
}

func (k signinCore) Refresh(ctx context.Context, c signin.Client, raw, secretHash string) (*api.AuthenticationResult, error) {
	return k.s.refresh(ctx, c.(*client), raw, secretHash, true)
}

func (k signinCore) MissingRequired(c signin.Client, attrs map[string]string) []string {
	return missingRequired(c.(*client).pool, attrs)
}

// NewPasswordAttributes checks an answer to NEW_PASSWORD_REQUIRED: the
// password against the pool's policy and history, and the attributes
// given as userAttributes.<name>, which with the user's must hold every
// required one. It returns the attributes to set.
func (k signinCore) NewPasswordAttributes(sc signin.Client, u *store.User, pw string, r map[string]string) (map[string]string, error) {
	c := sc.(*client)
	if err := checkPassword(c.pool, pw); err != nil {
		return nil, err
	}
	var given []api.AttributeType
	for k, v := range r {
		if name, ok := strings.CutPrefix(k, "userAttributes."); ok {
			given = append(given, api.AttributeType{Name: name, Value: ptr(v)})
		}
	}
	attrs, err := checkAttributes(c.pool, given)
	if err == nil {
		err = c.checkWritable(given)
	}
	if err != nil {
		return nil, err
	}
	merged := map[string]string{}
	for _, m := range []map[string]string{u.Attributes, attrs} {
		for k, v := range m {
			merged[k] = v
		}
	}
	if missing := missingRequired(c.pool, merged); len(missing) > 0 {
		// Cognito's words for this case, unlike SignUp's.
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgAttributesMissing, strings.Join(missing, " and "))
	}
	if err := k.s.reusedPassword(c.pool, u, pw); err != nil {
		return nil, err
	}
	return attrs, nil
}

// SetNewPassword makes pw the own password of a user who had a temporary
// one, with attrs, and confirms the user.
func (k signinCore) SetNewPassword(ctx context.Context, sc signin.Client, u *store.User, pw string, attrs map[string]string) (*store.User, error) {
	c, s := sc.(*client), k.s
	return s.updateUser(ctx, u, func(u *store.User) error {
		if u.Status != StatusForceChange {
			return api.ErrBadSession
		}
		for k, v := range attrs {
			u.Attributes[k] = v
		}
		if err := requiredMissing(c.pool, u.Attributes); err != nil {
			return err // the stored attributes changed meanwhile
		}
		u.Status = StatusConfirmed
		u.PasswordExpires = time.Time{}
		u.Updated = s.now()
		return s.newPassword(c.pool, u, pw)
	})
}

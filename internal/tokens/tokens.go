// Package tokens is Cognate's one token issuer: every access and ID token
// the server hands out (API sign-in, refresh, the hosted pages' code and
// implicit grants with their scope and nonce, single sign-on sessions,
// client_credentials) is signed by Issuer.Issue, and nowhere else. It also
// keeps the refresh-token records: minting, lookup under every master key,
// rotation, revocation and global sign-out.
//
// The package takes plain input structs (Client, User, Grant) and knows
// nothing of pools or app clients as the domain (package idp) keeps them;
// the JOSE work is package token's.
package tokens

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/token"
	"github.com/google/uuid"
)

// APIScope is the scope of an access token issued through the Cognito API.
const APIScope = "aws.cognito.signin.user.admin"

// Client is the app client a token set is issued to.
type Client struct {
	ID, PoolID string
	// Issuer is the pool's iss claim.
	Issuer                                      string
	AccessValidity, IDValidity, RefreshValidity time.Duration
	// CanRead reports whether the client may read an attribute: only those
	// go into the ID token.
	CanRead func(name string) bool
}

// User is the user a token set speaks for.
type User struct {
	Sub, Username string
	Attributes    map[string]string
	// Groups in claim order, the roles of those that have one, and the
	// preferred role ("" for none).
	Groups, Roles []string
	PreferredRole string
}

// Grant is what one token set is issued for.
type Grant struct {
	Key    *token.Key // the pool's signing key
	Client Client
	// User is nil for the client_credentials grant: the token then speaks
	// for the app (sub is the client id), has no ID token and no refresh
	// token.
	User      *User
	AuthTime  time.Time
	OriginJTI string // "" for a new sign-in
	DeviceKey string
	// Scope is the access token's scope in the OAuth grants and
	// client_credentials; a user's token through the API has APIScope.
	Scope string
	// OAuth marks the tokens of an OAuth grant (code, implicit): the ID
	// token is issued only when Scope holds openid, and carries Nonce.
	OAuth bool
	Nonce string
	// Refresh asks for a new refresh token too.
	Refresh bool
	// Custom is what a pre token generation trigger changes (nil: nothing).
	Custom *Customization
}

// Issuer signs tokens and keeps refresh tokens.
type Issuer struct {
	st   store.Store
	seal *seal.Sealer
	now  func() time.Time

	signed atomic.Uint64
}

// New returns an Issuer over the store, with the sealer that hashes refresh
// tokens and the clock.
func New(st store.Store, sealer *seal.Sealer, now func() time.Time) *Issuer {
	return &Issuer{st: st, seal: sealer, now: now}
}

// Signed is the number of tokens Issue has signed since the Issuer was made.
func (i *Issuer) Signed() uint64 { return i.signed.Load() }

func (i *Issuer) sign(k *token.Key, claims map[string]any) (string, error) {
	raw, err := k.Sign(claims)
	if err != nil {
		return "", api.Internal(err)
	}
	i.signed.Add(1)
	return raw, nil
}

// Issue is the single entry point that signs access and ID tokens: it signs
// the tokens of g, and stores and returns a new refresh token if g asks for
// one.
func (i *Issuer) Issue(ctx context.Context, g Grant) (*api.AuthenticationResult, error) {
	c := g.Client
	now := i.now()
	res := &api.AuthenticationResult{TokenType: "Bearer", ExpiresIn: int32(c.AccessValidity / time.Second)}
	var err error
	if g.User == nil {
		access := appClaims(g, now)
		g.Custom.customize(access, nil)
		if res.AccessToken, err = i.sign(g.Key, access); err != nil {
			return nil, err
		}
		return res, nil
	}
	if g.OriginJTI == "" {
		g.OriginJTI = uuid.NewString()
	}
	g.User = g.Custom.groups(g.User)
	access, id := userClaims(g, now)
	g.Custom.customize(access, id)
	if res.AccessToken, err = i.sign(g.Key, access); err != nil {
		return nil, err
	}
	if !g.OAuth || HasScope(g.Scope, "openid") {
		if res.IdToken, err = i.sign(g.Key, id); err != nil {
			return nil, err
		}
	}
	if g.Refresh {
		raw, err := i.PutRefresh(ctx, &store.RefreshToken{PoolID: c.PoolID, ClientID: c.ID, Username: g.User.Username,
			OriginJTI: g.OriginJTI, DeviceKey: g.DeviceKey, AuthTime: g.AuthTime, Created: now, Expires: now.Add(c.RefreshValidity)})
		if err != nil {
			return nil, err
		}
		res.RefreshToken = raw
	}
	return res, nil
}

// appClaims are the claims of a client_credentials access token: it speaks
// for the app, so sub is the client id.
func appClaims(g Grant, now time.Time) map[string]any {
	c := g.Client
	return map[string]any{
		"sub": c.ID, "client_id": c.ID, "iss": c.Issuer, "token_use": "access",
		"scope": g.Scope, "auth_time": now.Unix(), "iat": now.Unix(),
		"exp": now.Add(c.AccessValidity).Unix(), "jti": uuid.NewString(), "version": 2,
	}
}

// userClaims are the claims of a user's access and ID tokens.
func userClaims(g Grant, now time.Time) (access, id map[string]any) {
	c, u := g.Client, g.User
	scope := g.Scope
	if !g.OAuth {
		scope = APIScope
	}
	eventID := uuid.NewString()
	access = map[string]any{
		"sub": u.Sub, "iss": c.Issuer, "client_id": c.ID, "origin_jti": g.OriginJTI, "event_id": eventID,
		"token_use": "access", "scope": scope, "auth_time": g.AuthTime.Unix(),
		"exp": now.Add(c.AccessValidity).Unix(), "iat": now.Unix(), "jti": uuid.NewString(), "username": u.Username,
	}
	if g.DeviceKey != "" {
		access["device_key"] = g.DeviceKey
	}
	id = map[string]any{
		"sub": u.Sub, "iss": c.Issuer, "aud": c.ID, "origin_jti": g.OriginJTI, "event_id": eventID,
		"token_use": "id", "auth_time": g.AuthTime.Unix(), "exp": now.Add(c.IDValidity).Unix(), "iat": now.Unix(),
		"jti": uuid.NewString(), "cognito:username": u.Username,
	}
	for k, v := range u.Attributes {
		if c.CanRead != nil && !c.CanRead(k) {
			continue
		}
		var list []map[string]any
		switch {
		case k == "email_verified" || k == "phone_number_verified":
			id[k] = v == "true"
		case k == "identities" && decodeIdentities(v, &list) == nil:
			// A federated user's identities are a JSON array in the ID
			// token, their values strings, as Cognito writes them there.
			for _, e := range list {
				for ek, ev := range e {
					if ev != nil {
						e[ek] = fmt.Sprint(ev)
					}
				}
			}
			id[k] = list
		default:
			id[k] = v
		}
	}
	if len(u.Groups) > 0 {
		access["cognito:groups"], id["cognito:groups"] = u.Groups, u.Groups
		if len(u.Roles) > 0 {
			id["cognito:roles"] = u.Roles
		}
		if u.PreferredRole != "" {
			id["cognito:preferred_role"] = u.PreferredRole
		}
	}
	if g.OAuth && g.Nonce != "" {
		id["nonce"] = g.Nonce
	}
	return access, id
}

// HasScope reports whether the space-separated scope holds want.
func HasScope(scope, want string) bool {
	for _, s := range strings.Fields(scope) {
		if s == want {
			return true
		}
	}
	return false
}

// ---- Refresh tokens ----

// randomToken is seal.RandomToken: never starting with '-'.
func randomToken(n int) string { return seal.RandomToken(n) }

// PutRefresh mints a raw refresh token for rec (whose Hash it sets), stores
// the record and returns the raw token, the only copy of it.
func (i *Issuer) PutRefresh(ctx context.Context, rec *store.RefreshToken) (string, error) {
	raw := randomToken(48)
	rec.Hash = i.seal.MAC(seal.MACRefreshToken, raw)
	if err := i.st.PutRefreshToken(ctx, rec); err != nil {
		return "", api.Internal(err)
	}
	return raw, nil
}

// FindRefresh looks a refresh token up by its hash under each master key,
// so tokens issued before a key rotation keep working. It returns
// store.ErrNotFound for an unknown token; other errors are the store's.
func (i *Issuer) FindRefresh(ctx context.Context, raw string) (*store.RefreshToken, error) {
	for _, h := range i.seal.MACs(seal.MACRefreshToken, raw) {
		rt, err := i.st.GetRefreshToken(ctx, h)
		if !errors.Is(err, store.ErrNotFound) {
			return rt, err
		}
	}
	return nil, store.ErrNotFound
}

// ErrInvalidRefresh is the answer to a refresh token that is unknown, or
// not the caller's.
var ErrInvalidRefresh = &api.Error{Code: api.ErrNotAuthorized, Message: api.MsgInvalidRefreshToken}

// Redeem finds the refresh token raw of clientID in poolID and checks that
// it is live: ErrInvalidRefresh for an unknown token or another client's,
// Cognito's words for a revoked or expired one.
func (i *Issuer) Redeem(ctx context.Context, raw, clientID, poolID string) (*store.RefreshToken, error) {
	rt, err := i.FindRefresh(ctx, raw)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvalidRefresh
	}
	if err != nil {
		return nil, api.Internal(err)
	}
	if rt.ClientID != clientID || rt.PoolID != poolID {
		return nil, ErrInvalidRefresh
	}
	if rt.Revoked {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgRefreshTokenRevoked)
	}
	if !i.now().Before(rt.Expires) {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgRefreshTokenExpired)
	}
	return rt, nil
}

// Rotate lets a refresh go on under rotation and records the token as
// replaced: the first use replaces it, and it keeps working until the grace
// period after that has passed; later uses answer RefreshTokenReuseException.
// A sign-in revoked through any of its refresh tokens ends them all.
func (i *Issuer) Rotate(ctx context.Context, rt *store.RefreshToken, grace time.Duration) error {
	revoked, err := i.st.OriginRevoked(ctx, rt.PoolID, rt.OriginJTI)
	if err != nil {
		return api.Internal(err)
	}
	if revoked {
		return api.Errorf(api.ErrNotAuthorized, api.MsgRefreshTokenRevoked)
	}
	now := i.now()
	rotated, first := rt.Rotated, false
	if rotated.IsZero() {
		if rotated, first, err = i.st.RotateRefreshToken(ctx, rt.Hash, now); err != nil {
			return api.Internal(err)
		}
	}
	if !first && !now.Before(rotated.Add(grace)) {
		return api.Errorf(api.ErrRefreshTokenReuse, api.MsgRefreshTokenReused)
	}
	return nil
}

// Revoke revokes the refresh token raw of clientID (RevokeToken, the
// revocation endpoint): the token, and every access and ID token issued
// from its sign-in, stop working. A JWT is refused as Cognito does; an
// unknown token is already as good as revoked (RFC 7009).
func (i *Issuer) Revoke(ctx context.Context, clientID, raw string) error {
	if IsJWT(raw) {
		return api.Errorf(api.ErrUnsupportedTokenType, api.MsgOnlyRefreshRevocable)
	}
	rt, err := i.FindRefresh(ctx, raw)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return api.Internal(err)
	}
	if rt.ClientID != clientID {
		return api.Errorf(api.ErrUnauthorized, api.MsgTokenNotIssuedToClient, clientID)
	}
	return i.End(ctx, rt)
}

// End revokes one refresh-token record (already revoked is fine).
func (i *Issuer) End(ctx context.Context, rt *store.RefreshToken) error {
	if err := i.st.RevokeRefreshToken(ctx, rt.Hash); err != nil && !errors.Is(err, store.ErrNotFound) {
		return api.Internal(err)
	}
	return nil
}

// SignOutEverywhere revokes every refresh token of a user (GlobalSignOut,
// AdminUserGlobalSignOut), and with them every access token issued from
// those sign-ins and every hosted single sign-on session.
func (i *Issuer) SignOutEverywhere(ctx context.Context, poolID, username string) error {
	if err := i.st.RevokeUserRefreshTokens(ctx, poolID, username); err != nil {
		return api.Internal(err)
	}
	return nil
}

// decodeIdentities reads the identities attribute, its numbers kept as
// written.
func decodeIdentities(v string, list *[]map[string]any) error {
	d := json.NewDecoder(strings.NewReader(v))
	d.UseNumber()
	return d.Decode(list)
}

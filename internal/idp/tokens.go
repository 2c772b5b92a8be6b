package idp

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/token"
	"github.com/cognate-idp/cognate/internal/tokens"
	"github.com/cognate-idp/cognate/internal/triggers"
)

// grant is what a token set is issued for.
type grant struct {
	client    *client
	user      *store.User // nil: client_credentials
	authTime  time.Time
	originJTI string // "" for a new sign-in
	deviceKey string
	refresh   bool // issue a refresh token too
	// scope, oauth and nonce are the OAuth grants' (see tokens.Grant).
	scope string
	oauth bool
	nonce string
	// custom is what the pre token generation trigger changes.
	custom *tokens.Customization
}

// issueTokens hands a grant to the token issuer, the one place where
// tokens are signed.
func (s *Service) issueTokens(ctx context.Context, g grant) (*api.AuthenticationResult, error) {
	c := g.client
	key, err := s.signingKey(c.pool)
	if err != nil {
		return nil, err
	}
	tg := tokens.Grant{Key: key, Client: tokens.Client{ID: c.rec.ID, PoolID: c.pool.rec.ID, Issuer: s.issuer(c.pool.rec.ID),
		AccessValidity: c.accessValidity(), IDValidity: c.idValidity(), RefreshValidity: c.refreshValidity(), CanRead: c.canRead},
		AuthTime: g.authTime, OriginJTI: g.originJTI, DeviceKey: g.deviceKey, Refresh: g.refresh,
		Scope: g.scope, OAuth: g.oauth, Nonce: g.nonce, Custom: g.custom}
	if u := g.user; u != nil {
		groups, roles, preferred := tokenGroups(c.pool, u)
		tg.User = &tokens.User{Sub: u.Sub, Username: u.Username, Attributes: u.Attributes, Groups: groups, Roles: roles, PreferredRole: preferred}
	}
	return s.tok.Issue(ctx, tg)
}

// Tokens is the service's token issuer.
func (s *Service) Tokens() *tokens.Issuer { return s.tok }

// findRefreshToken looks a refresh token up (store.ErrNotFound if unknown).
func (s *Service) findRefreshToken(ctx context.Context, raw string) (*store.RefreshToken, error) {
	return s.tok.FindRefresh(ctx, raw)
}

// authed is the caller of a token-authorized operation.
type authed struct {
	client *client
	user   *store.User
	claims map[string]any
}

// authorize checks an access token: signature by its pool's key, issuer,
// token_use, expiry, the user's state and global sign-out.
func (s *Service) authorize(ctx context.Context, raw string) (*authed, error) {
	if raw == "" {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgMissingParameter, "AccessToken")
	}
	unverified, err := token.Unverified(raw)
	if err != nil {
		return nil, api.ErrBadAccessToken
	}
	clientID, _ := unverified["client_id"].(string)
	if clientID == "" {
		return nil, api.ErrBadAccessToken
	}
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		if api.IsCode(err, api.ErrResourceNotFound) {
			return nil, api.ErrBadAccessToken
		}
		return nil, err
	}
	claims, err := token.Parse(raw, s.publicKey(c.pool))
	if err != nil {
		return nil, api.ErrBadAccessToken
	}
	if claims["token_use"] != "access" || claims["iss"] != s.issuer(c.pool.rec.ID) || claims["client_id"] != clientID {
		return nil, api.ErrBadAccessToken
	}
	exp, _ := claims["exp"].(float64)
	if float64(s.now().Unix()) >= exp {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgAccessTokenExpired)
	}
	// A token issued in the future (a clock set back, or a forgery) is not
	// valid yet; five minutes of skew are tolerated.
	if iat, _ := claims["iat"].(float64); iat > float64(s.now().Add(5*time.Minute).Unix()) {
		return nil, api.ErrBadAccessToken
	}
	username, _ := claims["username"].(string)
	if username == "" {
		// A client_credentials token: it speaks for an app, not a user.
		return nil, api.ErrBadAccessToken
	}
	u, err := s.st.GetUser(ctx, c.pool.rec.ID, username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, api.Errorf(api.ErrUserNotFound, api.MsgUserNotFound)
	}
	if err != nil {
		return nil, internal(err)
	}
	if sub, _ := claims["sub"].(string); subtle.ConstantTimeCompare([]byte(sub), []byte(u.Sub)) != 1 {
		// The name was reused by a new user after the old one was deleted.
		return nil, api.ErrBadAccessToken
	}
	if !u.Enabled {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgUserDisabled)
	}
	origin, _ := claims["origin_jti"].(string)
	revoked, err := s.st.OriginRevoked(ctx, c.pool.rec.ID, origin)
	if err != nil {
		return nil, internal(err)
	}
	if revoked {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgAccessTokenRevoked)
	}
	return &authed{client: c, user: u, claims: claims}, nil
}

// refresh issues new ID and access tokens from a refresh token.
func (s *Service) refresh(ctx context.Context, c *client, raw, secretHash string, checkHash bool) (*api.AuthenticationResult, error) {
	if raw == "" {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgMissingParameter, "REFRESH_TOKEN")
	}
	rt, err := s.tok.Redeem(ctx, raw, c.rec.ID, c.pool.rec.ID)
	if err != nil {
		return nil, err
	}
	u, err := s.st.GetUser(ctx, rt.PoolID, rt.Username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, tokens.ErrInvalidRefresh
	}
	if err != nil {
		return nil, internal(err)
	}
	if checkHash {
		if err := c.checkSecretHash(secretHash, u.Username, u.Sub); err != nil {
			return nil, err
		}
	}
	if !u.Enabled {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgUserDisabled)
	}
	// The trigger runs before the token is rotated: its refusal leaves the
	// refresh token as it was.
	custom, err := s.preTokenGeneration(ctx, c, u, triggers.SourceTokenRefresh, tokens.APIScope)
	if err != nil {
		return nil, err
	}
	rotating, grace := c.rotation()
	if rotating {
		if err := s.tok.Rotate(ctx, rt, grace); err != nil {
			return nil, err
		}
	}
	return s.issueTokens(ctx, grant{client: c, user: u, authTime: rt.AuthTime, originJTI: rt.OriginJTI, deviceKey: rt.DeviceKey, refresh: rotating,
		custom: custom})
}

// GetTokensFromRefreshToken answers GetTokensFromRefreshToken.
func (s *Service) GetTokensFromRefreshToken(ctx context.Context, in *api.GetTokensFromRefreshTokenInput) (*api.TokensOutput, error) {
	c, err := s.loadClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if len(c.secrets) > 0 {
		if in.ClientSecret == "" {
			return nil, api.Errorf(api.ErrNotAuthorized, api.MsgSecretNotReceived, c.rec.ID)
		}
		if !c.secretMatches(in.ClientSecret) {
			return nil, api.Errorf(api.ErrNotAuthorized, api.MsgClientSecretUnverified, c.rec.ID)
		}
	}
	res, err := s.refresh(withClientMetadata(ctx, in.ClientMetadata), c, in.RefreshToken, "", false)
	if err != nil {
		return nil, err
	}
	return &api.TokensOutput{AuthenticationResult: res}, nil
}

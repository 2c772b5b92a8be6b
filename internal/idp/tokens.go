package idp

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/token"
	"github.com/google/uuid"
)

// grant is what a token set is issued for.
type grant struct {
	client    *client
	user      *store.User
	authTime  time.Time
	originJTI string // "" for a new sign-in
	deviceKey string
	refresh   bool // issue a refresh token too
}

// issueTokens signs the ID and access tokens (and stores a refresh token).
func (s *Service) issueTokens(ctx context.Context, g grant) (*api.AuthenticationResult, error) {
	c, u := g.client, g.user
	key, err := s.signingKey(c.pool)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if g.originJTI == "" {
		g.originJTI = uuid.NewString()
	}
	iss := s.issuer(c.pool.rec.ID)
	eventID := uuid.NewString()
	access := map[string]any{
		"sub": u.Sub, "iss": iss, "client_id": c.rec.ID, "origin_jti": g.originJTI, "event_id": eventID,
		"token_use": "access", "scope": "aws.cognito.signin.user.admin", "auth_time": g.authTime.Unix(),
		"exp": now.Add(c.accessValidity()).Unix(), "iat": now.Unix(), "jti": uuid.NewString(), "username": u.Username,
	}
	if g.deviceKey != "" {
		access["device_key"] = g.deviceKey
	}
	id := map[string]any{
		"sub": u.Sub, "iss": iss, "aud": c.rec.ID, "origin_jti": g.originJTI, "event_id": eventID,
		"token_use": "id", "auth_time": g.authTime.Unix(), "exp": now.Add(c.idValidity()).Unix(), "iat": now.Unix(),
		"jti": uuid.NewString(), "cognito:username": u.Username,
	}
	for k, v := range u.Attributes {
		if !c.canRead(k) {
			continue
		}
		if k == "email_verified" || k == "phone_number_verified" {
			id[k] = v == "true"
		} else {
			id[k] = v
		}
	}
	if groups, roles, preferred := tokenGroups(c.pool, u); len(groups) > 0 {
		access["cognito:groups"], id["cognito:groups"] = groups, groups
		if len(roles) > 0 {
			id["cognito:roles"] = roles
		}
		if preferred != "" {
			id["cognito:preferred_role"] = preferred
		}
	}
	res := &api.AuthenticationResult{TokenType: "Bearer", ExpiresIn: int32(c.accessValidity() / time.Second)}
	if res.AccessToken, err = key.Sign(access); err != nil {
		return nil, internal(err)
	}
	if res.IdToken, err = key.Sign(id); err != nil {
		return nil, internal(err)
	}
	if g.refresh {
		raw := randomToken(48)
		rt := &store.RefreshToken{Hash: s.refreshHash(raw), PoolID: c.pool.rec.ID, ClientID: c.rec.ID, Username: u.Username,
			OriginJTI: g.originJTI, DeviceKey: g.deviceKey, AuthTime: g.authTime, Created: now, Expires: now.Add(c.refreshValidity())}
		if err := s.st.PutRefreshToken(ctx, rt); err != nil {
			return nil, internal(err)
		}
		res.RefreshToken = raw
	}
	return res, nil
}

func (s *Service) refreshHash(raw string) []byte { return s.seal.MAC("refresh-token", raw) }

// findRefreshToken looks a refresh token up by its hash under each master
// key, so tokens issued before a key rotation keep working.
func (s *Service) findRefreshToken(ctx context.Context, raw string) (*store.RefreshToken, error) {
	for _, h := range s.seal.MACs("refresh-token", raw) {
		rt, err := s.st.GetRefreshToken(ctx, h)
		if !errors.Is(err, store.ErrNotFound) {
			return rt, err
		}
	}
	return nil, store.ErrNotFound
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
		return nil, api.Errorf(api.ErrInvalidParameter, "Missing required parameter AccessToken")
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
		return nil, api.Errorf(api.ErrNotAuthorized, "Access Token has expired")
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
		return nil, api.Errorf(api.ErrUserNotFound, "User does not exist.")
	}
	if err != nil {
		return nil, internal(err)
	}
	if sub, _ := claims["sub"].(string); subtle.ConstantTimeCompare([]byte(sub), []byte(u.Sub)) != 1 {
		// The name was reused by a new user after the old one was deleted.
		return nil, api.ErrBadAccessToken
	}
	if !u.Enabled {
		return nil, api.Errorf(api.ErrNotAuthorized, "User is disabled.")
	}
	origin, _ := claims["origin_jti"].(string)
	revoked, err := s.st.OriginRevoked(ctx, c.pool.rec.ID, origin)
	if err != nil {
		return nil, internal(err)
	}
	if revoked {
		return nil, api.Errorf(api.ErrNotAuthorized, "Access Token has been revoked")
	}
	return &authed{client: c, user: u, claims: claims}, nil
}

// refresh issues new ID and access tokens from a refresh token.
func (s *Service) refresh(ctx context.Context, c *client, raw, secretHash string, checkHash bool) (*api.AuthenticationResult, error) {
	invalid := api.Errorf(api.ErrNotAuthorized, "Invalid Refresh Token")
	if raw == "" {
		return nil, api.Errorf(api.ErrInvalidParameter, "Missing required parameter REFRESH_TOKEN")
	}
	rt, err := s.findRefreshToken(ctx, raw)
	if errors.Is(err, store.ErrNotFound) {
		return nil, invalid
	}
	if err != nil {
		return nil, internal(err)
	}
	if rt.ClientID != c.rec.ID || rt.PoolID != c.pool.rec.ID {
		return nil, invalid
	}
	if rt.Revoked {
		return nil, api.Errorf(api.ErrNotAuthorized, "Refresh Token has been revoked")
	}
	if !s.now().Before(rt.Expires) {
		return nil, api.Errorf(api.ErrNotAuthorized, "Refresh Token has expired")
	}
	u, err := s.st.GetUser(ctx, rt.PoolID, rt.Username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, invalid
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
		return nil, api.Errorf(api.ErrNotAuthorized, "User is disabled.")
	}
	rotating, grace := c.rotation()
	if rotating {
		if err := s.rotate(ctx, rt, grace); err != nil {
			return nil, err
		}
	}
	return s.issueTokens(ctx, grant{client: c, user: u, authTime: rt.AuthTime, originJTI: rt.OriginJTI, deviceKey: rt.DeviceKey, refresh: rotating})
}

// GetTokensFromRefreshToken answers GetTokensFromRefreshToken.
func (s *Service) GetTokensFromRefreshToken(ctx context.Context, in *api.GetTokensFromRefreshTokenInput) (*api.TokensOutput, error) {
	c, err := s.loadClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if c.secret != "" {
		if in.ClientSecret == "" {
			return nil, api.Errorf(api.ErrNotAuthorized, "Client %s is configured for secret but secret was not received", c.rec.ID)
		}
		if subtle.ConstantTimeCompare([]byte(in.ClientSecret), []byte(c.secret)) != 1 {
			return nil, api.Errorf(api.ErrNotAuthorized, "Unable to verify client secret for client %s", c.rec.ID)
		}
	}
	res, err := s.refresh(ctx, c, in.RefreshToken, "", false)
	if err != nil {
		return nil, err
	}
	return &api.TokensOutput{AuthenticationResult: res}, nil
}

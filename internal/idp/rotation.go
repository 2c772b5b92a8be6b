package idp

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// rotation is the client's RefreshTokenRotation: whether refreshing
// replaces the refresh token, and for how long the replaced one still works
// (RetryGracePeriodSeconds, for clients that retry a lost answer).
func (c *client) rotation() (on bool, grace time.Duration) {
	if len(c.doc.RefreshTokenRotation) == 0 {
		return false, 0
	}
	var st struct {
		Feature                 string
		RetryGracePeriodSeconds int32
	}
	if json.Unmarshal(c.doc.RefreshTokenRotation, &st) != nil || st.Feature != "ENABLED" {
		return false, 0
	}
	return true, time.Duration(st.RetryGracePeriodSeconds) * time.Second
}

// refreshAuthAllowed refuses REFRESH_TOKEN_AUTH on a client that rotates
// refresh tokens: Cognito rotates only through GetTokensFromRefreshToken
// (and the token endpoint).
func (c *client) refreshAuthAllowed() error {
	if on, _ := c.rotation(); on {
		return api.Errorf(api.ErrInvalidParameter, "REFRESH_TOKEN_AUTH is not supported for an app client with refresh token rotation enabled; use GetTokensFromRefreshToken.")
	}
	return nil
}

// rotate lets a refresh go on under rotation and records the token as
// replaced: the first use replaces it, and it keeps working until the grace
// period after that has passed; later uses answer RefreshTokenReuseException.
// A sign-in revoked through any of its refresh tokens ends them all.
func (s *Service) rotate(ctx context.Context, rt *store.RefreshToken, grace time.Duration) error {
	revoked, err := s.st.OriginRevoked(ctx, rt.PoolID, rt.OriginJTI)
	if err != nil {
		return internal(err)
	}
	if revoked {
		return api.Errorf(api.ErrNotAuthorized, "Refresh Token has been revoked")
	}
	now := s.now()
	rotated, first := rt.Rotated, false
	if rotated.IsZero() {
		if rotated, first, err = s.st.RotateRefreshToken(ctx, rt.Hash, now); err != nil {
			return internal(err)
		}
	}
	if !first && !now.Before(rotated.Add(grace)) {
		return api.Errorf("RefreshTokenReuseException", "Refresh token has already been used.")
	}
	return nil
}

package idp

import (
	"encoding/json"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
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
		return api.Errorf(api.ErrInvalidParameter, api.MsgRefreshWithRotation)
	}
	return nil
}

package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
)

// passwordFlow is USER_PASSWORD_AUTH (admin false) and
// ADMIN_USER_PASSWORD_AUTH, formerly ADMIN_NO_SRP_AUTH (admin true): each
// belongs to its own form of InitiateAuth.
type passwordFlow struct{ admin bool }

func (f passwordFlow) initiate(ctx context.Context, s *Service, req *authRequest) (*api.AuthOutput, error) {
	if req.admin != f.admin {
		return nil, api.Errorf(api.ErrInvalidParameter, "Initiate Auth method not supported.")
	}
	c := req.client
	if !f.admin && !c.allows("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH") {
		return nil, api.Errorf(api.ErrInvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client")
	}
	if f.admin && !c.allows("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH") {
		return nil, api.Errorf(api.ErrInvalidParameter, "Auth flow not enabled for this client")
	}
	return s.passwordAuth(ctx, c, req.params)
}

// passwordAuth is USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH.
func (s *Service) passwordAuth(ctx context.Context, c *client, p map[string]string) (*api.AuthOutput, error) {
	u, phantom, err := s.signInUser(ctx, c, p)
	if err != nil {
		return nil, err
	}
	pw, ok := p["PASSWORD"]
	if !ok {
		return nil, missing("PASSWORD")
	}
	if err := s.checkLock(u); err != nil {
		return nil, err
	}
	match, err := s.passwordMatches(u, pw)
	if err != nil {
		return nil, err
	}
	if phantom {
		return nil, s.phantomFailure(ctx, c.pool, api.ErrBadCredentials)
	}
	if err := checkSignInState(u); err != nil {
		return nil, err
	}
	if !match {
		return nil, s.failedSignIn(ctx, c.pool, u, stepPassword, api.ErrBadCredentials)
	}
	if _, err := s.userDevice(ctx, u, p["DEVICE_KEY"]); err != nil {
		return nil, err
	}
	return s.afterPassword(ctx, c, u, s.now(), p["DEVICE_KEY"])
}

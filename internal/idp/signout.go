package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
)

// RevokeToken answers RevokeToken: the refresh token, and every access and
// ID token issued from its sign-in, stop working.
func (s *Service) RevokeToken(ctx context.Context, in *api.RevokeTokenInput) (*api.Empty, error) {
	c, err := s.loadClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	// RevokeToken declares no NotAuthorizedException: a client that fails
	// to authenticate is UnauthorizedException, as in OAuth's invalid_client.
	if len(c.secrets) > 0 {
		if in.ClientSecret == "" {
			return nil, api.Errorf(api.ErrUnauthorized, api.MsgSecretNotReceived, c.rec.ID)
		}
		if !c.secretMatches(in.ClientSecret) {
			return nil, api.Errorf(api.ErrUnauthorized, api.MsgClientSecretUnverified, c.rec.ID)
		}
	}
	if c.doc.EnableTokenRevocation != nil && !*c.doc.EnableTokenRevocation {
		return nil, api.Errorf(api.ErrUnsupportedOperation, api.MsgRevocationNotEnabled, c.rec.ID)
	}
	if err := s.tok.Revoke(ctx, c.rec.ID, in.Token); err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// GlobalSignOut answers GlobalSignOut: every refresh token of the user is
// revoked, and with them every access token issued from those sign-ins.
func (s *Service) GlobalSignOut(ctx context.Context, in *api.GlobalSignOutInput) (*api.Empty, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if err := s.tok.SignOutEverywhere(ctx, a.user.PoolID, a.user.Username); err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// AdminUserGlobalSignOut answers AdminUserGlobalSignOut.
func (s *Service) AdminUserGlobalSignOut(ctx context.Context, in *api.AdminUserGlobalSignOutInput) (*api.Empty, error) {
	_, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := s.tok.SignOutEverywhere(ctx, u.PoolID, u.Username); err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
)

func (s *Service) srpAuth(ctx context.Context, c *client, p map[string]string) (*api.AuthOutput, error) {
	return nil, api.Errorf(api.ErrInvalidParameter, "USER_SRP_AUTH is not available yet.")
}

func (s *Service) srpVerify(ctx context.Context, c *client, r map[string]string) (*api.AuthOutput, error) {
	return nil, api.Errorf(api.ErrInvalidParameter, "PASSWORD_VERIFIER is not available yet.")
}

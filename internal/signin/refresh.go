package signin

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
)

// refreshFlow is REFRESH_TOKEN_AUTH (and its old name REFRESH_TOKEN): new
// ID and access tokens from a refresh token (see tokens.go).
type refreshFlow struct{}

func (refreshFlow) initiate(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error) {
	c, p := req.client, req.params
	if err := c.RefreshAuthAllowed(); err != nil {
		return nil, err
	}
	res, err := e.core.Refresh(ctx, c, p["REFRESH_TOKEN"], p["SECRET_HASH"])
	if err != nil {
		return nil, err
	}
	return &api.AuthOutput{ChallengeParameters: map[string]string{}, AuthenticationResult: res}, nil
}

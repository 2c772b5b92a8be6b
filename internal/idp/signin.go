package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
)

// Challenge names the user core uses (MFA set-up and preference); the
// sign-in's are package signin's.
const (
	challengeTOTP     = signin.ChallengeTOTP
	challengeMFASetup = signin.ChallengeMFASetup
)

func missing(name string) error {
	return api.Errorf(api.ErrInvalidParameter, "Missing required parameter %s", name)
}

// authClient loads the client of an auth request; the admin forms also name
// the pool, which must be the client's.
func (s *Service) authClient(ctx context.Context, poolID, clientID string, admin bool) (*client, error) {
	if admin {
		if poolID == "" {
			return nil, api.Errorf(api.ErrInvalidParameter, "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null")
		}
		return s.loadPoolClient(ctx, poolID, clientID)
	}
	return s.loadClient(ctx, clientID)
}

// InitiateAuth answers InitiateAuth (admin false) and AdminInitiateAuth:
// package signin runs the sign-in for the client loaded here.
func (s *Service) InitiateAuth(ctx context.Context, in *api.InitiateAuthInput, admin bool) (*api.AuthOutput, error) {
	c, err := s.authClient(ctx, in.UserPoolId, in.ClientId, admin)
	if err != nil {
		return nil, err
	}
	return s.auth.Initiate(ctx, c, admin, in.AuthFlow, in.AuthParameters)
}

// RespondToAuthChallenge answers RespondToAuthChallenge (admin false) and
// AdminRespondToAuthChallenge, through package signin.
func (s *Service) RespondToAuthChallenge(ctx context.Context, in *api.RespondToAuthChallengeInput, admin bool) (*api.AuthOutput, error) {
	c, err := s.authClient(ctx, in.UserPoolId, in.ClientId, admin)
	if err != nil {
		return nil, err
	}
	return s.auth.Respond(ctx, c, admin, in.ChallengeName, in.Session, in.ChallengeResponses)
}

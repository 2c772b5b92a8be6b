package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
)

// Challenge names the user core uses (MFA set-up and preference); the
// sign-in's are package signin's.
const (
	challengeTOTP     = signin.ChallengeTOTP
	challengeMFASetup = signin.ChallengeMFASetup
)

// InitiateAuth answers InitiateAuth: package signin runs the sign-in for
// the client loaded here.
func (s *Service) InitiateAuth(ctx context.Context, in *api.InitiateAuthInput) (*api.AuthOutput, error) {
	c, err := s.signInClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	ctx = withSignInMetadata(ctx, true, in.ClientMetadata)
	return s.step(ctx, c, func(ctx context.Context) (*api.AuthOutput, error) {
		return s.auth.Initiate(ctx, c, in.AuthFlow, in.AuthParameters, in.Session)
	})
}

// AdminInitiateAuth answers AdminInitiateAuth: the pool it names must be
// the client's.
func (s *Service) AdminInitiateAuth(ctx context.Context, in *api.AdminInitiateAuthInput) (*api.AuthOutput, error) {
	c, err := s.signInPoolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	ctx = withSignInMetadata(ctx, true, in.ClientMetadata)
	return s.step(ctx, c, func(ctx context.Context) (*api.AuthOutput, error) {
		return s.auth.AdminInitiate(ctx, c, in.AuthFlow, in.AuthParameters, in.Session)
	})
}

// RespondToAuthChallenge answers RespondToAuthChallenge through package
// signin.
func (s *Service) RespondToAuthChallenge(ctx context.Context, in *api.RespondToAuthChallengeInput) (*api.AuthOutput, error) {
	c, err := s.signInClient(ctx, in.ClientId)
	if err != nil {
		return nil, err
	}
	ctx = withSignInMetadata(withClientMetadata(ctx, in.ClientMetadata), false, in.ClientMetadata)
	return s.step(ctx, c, func(ctx context.Context) (*api.AuthOutput, error) {
		return s.auth.Respond(ctx, c, in.ChallengeName, in.Session, in.ChallengeResponses)
	})
}

// AdminRespondToAuthChallenge answers AdminRespondToAuthChallenge: the
// pool it names must be the client's.
func (s *Service) AdminRespondToAuthChallenge(ctx context.Context, in *api.AdminRespondToAuthChallengeInput) (*api.AuthOutput, error) {
	c, err := s.signInPoolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	ctx = withSignInMetadata(withClientMetadata(ctx, in.ClientMetadata), false, in.ClientMetadata)
	return s.step(ctx, c, func(ctx context.Context) (*api.AuthOutput, error) {
		return s.auth.Respond(ctx, c, in.ChallengeName, in.Session, in.ChallengeResponses)
	})
}

// step runs one sign-in step (a request) with its writes in one unit of
// the store (store.Unit: one transaction on PostgreSQL) when the pool has
// no Lambda triggers. A unit holds the rows it wrote locked until the step
// ends, and a trigger may call back into Cognate for those rows (an
// AdminUpdateUserAttributes of the user signing in): so with triggers,
// each write commits on its own, as before.
func (s *Service) step(ctx context.Context, c *client, fn func(ctx context.Context) (*api.AuthOutput, error)) (*api.AuthOutput, error) {
	if c.pool.hasTriggers() {
		return fn(ctx)
	}
	var out *api.AuthOutput
	err := store.InUnit(ctx, s.st, func(ctx context.Context) error {
		var err error
		out, err = fn(ctx)
		return err
	})
	if err != nil {
		return nil, internal(err) // api errors pass as they are
	}
	return out, nil
}

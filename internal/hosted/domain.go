package hosted

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
)

// Domain is all the pages and the OAuth endpoints need of the domain: the
// Cognito operations a sign-in page drives, and a few trusted entries of
// the OAuth side (the client's OAuth view, its secret check, the code
// grant's tokens, single sign-on sessions, one-time codes). The pages run
// every request marked as the server's own (idp.PagesRequest): the app
// client is read once a request, and no SECRET_HASH is sent or computed
// here. *idp.Service implements it.
type Domain interface {
	// The OAuth side.
	HostedClient(ctx context.Context, clientID string) (*idp.HostedClient, error)
	CheckClientSecret(ctx context.Context, clientID, secret string) error
	HostedSignIn(ctx context.Context, clientID, username, password string, device func(user string) string) (*api.AuthOutput, error)
	HostedFirstFactor(ctx context.Context, clientID, username, factor string) (*api.AuthOutput, error)
	HostedPasswordRules(ctx context.Context, clientID, password string) ([]idp.PasswordRule, error)
	HostedPreTokenGeneration(ctx context.Context, clientID, refreshToken, scope string) (json.RawMessage, error)
	CodeTokens(ctx context.Context, clientID, refreshToken, nonce, scope string, custom json.RawMessage) (*api.AuthenticationResult, error)
	ClientCredentialsToken(ctx context.Context, clientID string, scopes []string) (*api.AuthenticationResult, error)
	StartHostedSession(ctx context.Context, refreshToken string, ttl time.Duration) (string, error)
	HostedSessionTokens(ctx context.Context, session, clientID string) (*api.AuthenticationResult, error)
	EndHostedSession(ctx context.Context, session string) error
	SpendOnce(ctx context.Context, key string, until time.Time) error
	UserInfo(ctx context.Context, accessToken string) (map[string]string, error)
	Now() time.Time
	FederationProvider(ctx context.Context, clientID, name, identifier string) (*idp.FederationProvider, error)
	SAMLKeys(ctx context.Context, poolID string) (*idp.SAMLKeys, error)
	FederatedSignIn(ctx context.Context, clientID, provider string, claims map[string]any) (*api.AuthenticationResult, string, error)

	// The Cognito operations the pages drive.
	RespondToAuthChallenge(ctx context.Context, in *api.RespondToAuthChallengeInput) (*api.AuthOutput, error)
	AssociateSoftwareToken(ctx context.Context, in *api.AssociateSoftwareTokenInput) (*api.AssociateSoftwareTokenOutput, error)
	VerifySoftwareToken(ctx context.Context, in *api.VerifySoftwareTokenInput) (*api.VerifySoftwareTokenOutput, error)
	SignUp(ctx context.Context, in *api.SignUpInput) (*api.SignUpOutput, error)
	ConfirmSignUp(ctx context.Context, in *api.ConfirmSignUpInput) (*api.ConfirmSignUpOutput, error)
	ResendConfirmationCode(ctx context.Context, in *api.ResendConfirmationCodeInput) (*api.CodeDeliveryOutput, error)
	ForgotPassword(ctx context.Context, in *api.ForgotPasswordInput) (*api.CodeDeliveryOutput, error)
	ConfirmForgotPassword(ctx context.Context, in *api.ConfirmForgotPasswordInput) (*api.Empty, error)
	ConfirmDevice(ctx context.Context, in *api.ConfirmDeviceInput) (*api.ConfirmDeviceOutput, error)
	UpdateDeviceStatus(ctx context.Context, in *api.UpdateDeviceStatusInput) (*api.Empty, error)
	ForgetDevice(ctx context.Context, in *api.ForgetDeviceInput) (*api.Empty, error)
	GetTokensFromRefreshToken(ctx context.Context, in *api.GetTokensFromRefreshTokenInput) (*api.TokensOutput, error)
	RevokeToken(ctx context.Context, in *api.RevokeTokenInput) (*api.Empty, error)
	GetUserAuthFactors(ctx context.Context, in *api.GetUserAuthFactorsInput) (*api.GetUserAuthFactorsOutput, error)
	StartWebAuthnRegistration(ctx context.Context, in *api.StartWebAuthnRegistrationInput) (*api.StartWebAuthnRegistrationOutput, error)
	CompleteWebAuthnRegistration(ctx context.Context, in *api.CompleteWebAuthnRegistrationInput) (*api.Empty, error)
}

var _ Domain = (*idp.Service)(nil)

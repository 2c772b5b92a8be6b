package sdk_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/srp"
)

// TestSecretHashOnEveryOperation: for a client with a secret, every
// operation that carries SECRET_HASH (or the raw ClientSecret) refuses the
// call when it is missing and when it is wrong, with Cognito's messages, and
// accepts it when right. A wrong hash is a well-formed one: the hash of
// another user name, or the raw secret of another client.
func TestSecretHashOnEveryOperation(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	sc := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("server"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t).UserPoolClient
	clientID, secret := *sc.ClientId, *sc.ClientSecret
	otherSecret := *must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("other"),
		GenerateSecret: true}))(t).UserPoolClient.ClientSecret
	missingMsg := "Client " + clientID + " is configured for secret but secret was not received"
	wrongMsg := "Unable to verify secret hash for client " + clientID
	hash := func(name string) string { return secretHash(secret, name, clientID) }
	// withHash returns the hash to send for a case: none, a wrong one, or
	// the right one for name.
	withHash := func(kind, name string) *string {
		switch kind {
		case "missing":
			return nil
		case "wrong":
			return aws.String(hash(name + "x"))
		}
		return aws.String(hash(name))
	}
	params := func(kind, name string, kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		if h := withHash(kind, name); h != nil {
			m["SECRET_HASH"] = *h
		}
		return m
	}
	const newPassword = "N3w-Passw0rd!"

	// State the later cases need, made with the right hashes.
	var (
		refreshToken, accessToken string
		sub                       string
		srpCl                     *srp.Client
		srpCh                     *cip.InitiateAuthOutput
		adminCl                   *srp.Client
		adminCh                   *cip.AdminInitiateAuthOutput
		newPwSession              *string
		adminNewPwSession         *string
	)
	invite := func(name string) {
		must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &name,
			TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress}))(t)
	}

	cases := []struct {
		op   string
		call func(kind string) error
	}{
		{"SignUp", func(kind string) error {
			_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("v"), Password: aws.String(password),
				SecretHash: withHash(kind, "v"), UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("v@example.com")}}})
			return err
		}},
		{"ResendConfirmationCode", func(kind string) error {
			_, err := e.c.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: &clientID, Username: aws.String("v"), SecretHash: withHash(kind, "v")})
			return err
		}},
		{"ConfirmSignUp", func(kind string) error {
			_, err := e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("v"), SecretHash: withHash(kind, "v"),
				ConfirmationCode: aws.String(e.code(poolID, "v"))})
			return err
		}},
		{"ForgotPassword", func(kind string) error {
			_, err := e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("v"), SecretHash: withHash(kind, "v")})
			return err
		}},
		{"ConfirmForgotPassword", func(kind string) error {
			_, err := e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: aws.String("v"), SecretHash: withHash(kind, "v"),
				ConfirmationCode: aws.String(e.code(poolID, "v")), Password: aws.String(newPassword)})
			return err
		}},
		{"InitiateAuth USER_PASSWORD_AUTH", func(kind string) error {
			out, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
				AuthParameters: params(kind, "v", "USERNAME", "v", "PASSWORD", newPassword)})
			if err == nil {
				refreshToken, accessToken = *out.AuthenticationResult.RefreshToken, *out.AuthenticationResult.AccessToken
				sub = claims(t, accessToken)["sub"].(string)
			}
			return err
		}},
		{"AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH", func(kind string) error {
			_, err := e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
				AuthParameters: params(kind, "v", "USERNAME", "v", "PASSWORD", newPassword)})
			return err
		}},
		{"InitiateAuth REFRESH_TOKEN_AUTH", func(kind string) error {
			// Refresh callers often know only the sub: a hash over it is right too.
			_, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
				AuthParameters: params(kind, sub, "REFRESH_TOKEN", refreshToken)})
			return err
		}},
		{"AdminInitiateAuth REFRESH_TOKEN_AUTH", func(kind string) error {
			_, err := e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
				AuthParameters: params(kind, "v", "REFRESH_TOKEN", refreshToken)})
			return err
		}},
		{"InitiateAuth USER_SRP_AUTH", func(kind string) error {
			cl, _ := srp.NewClient()
			out, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
				AuthParameters: params(kind, "v", "USERNAME", "v", "SRP_A", cl.PublicHex())})
			srpCl, srpCh = cl, out
			return err
		}},
		{"RespondToAuthChallenge PASSWORD_VERIFIER", func(kind string) error {
			proof := e.srpProof(srpCl, poolID, srpCh, newPassword)
			if h := withHash(kind, "v"); h != nil {
				proof["SECRET_HASH"] = *h
			}
			_, err := e.respond(clientID, types.ChallengeNameTypePasswordVerifier, srpCh.Session, proof)
			return err
		}},
		{"AdminInitiateAuth USER_SRP_AUTH", func(kind string) error {
			cl, _ := srp.NewClient()
			out, err := e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
				AuthParameters: params(kind, "v", "USERNAME", "v", "SRP_A", cl.PublicHex())})
			adminCl, adminCh = cl, out
			return err
		}},
		{"AdminRespondToAuthChallenge PASSWORD_VERIFIER", func(kind string) error {
			proof := e.srpProof(adminCl, poolID, &cip.InitiateAuthOutput{ChallengeParameters: adminCh.ChallengeParameters}, newPassword)
			if h := withHash(kind, "v"); h != nil {
				proof["SECRET_HASH"] = *h
			}
			_, err := e.c.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: &poolID, ClientId: &clientID,
				ChallengeName: types.ChallengeNameTypePasswordVerifier, Session: adminCh.Session, ChallengeResponses: proof})
			return err
		}},
		{"RespondToAuthChallenge NEW_PASSWORD_REQUIRED", func(kind string) error {
			if newPwSession == nil {
				invite("invitee")
				newPwSession = must(e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
					AuthParameters: params("right", "invitee", "USERNAME", "invitee", "PASSWORD", "Temp-Passw0rd!")}))(t).Session
			}
			_, err := e.respond(clientID, types.ChallengeNameTypeNewPasswordRequired, newPwSession,
				params(kind, "invitee", "USERNAME", "invitee", "NEW_PASSWORD", newPassword))
			return err
		}},
		{"AdminRespondToAuthChallenge NEW_PASSWORD_REQUIRED", func(kind string) error {
			if adminNewPwSession == nil {
				invite("invitee2")
				adminNewPwSession = must(e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID,
					AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: params("right", "invitee2", "USERNAME", "invitee2", "PASSWORD", "Temp-Passw0rd!")}))(t).Session
			}
			_, err := e.c.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: &poolID, ClientId: &clientID,
				ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: adminNewPwSession,
				ChallengeResponses: params(kind, "invitee2", "USERNAME", "invitee2", "NEW_PASSWORD", newPassword)})
			return err
		}},
	}
	for _, c := range cases {
		wantErr(t, c.call("missing"), "NotAuthorizedException", missingMsg)
		if err := c.call("wrong"); err == nil || !strings.Contains(err.Error(), wrongMsg) {
			t.Fatalf("%s with a wrong SECRET_HASH: %v", c.op, err)
		}
		if err := c.call("right"); err != nil {
			t.Fatalf("%s with the right SECRET_HASH: %v", c.op, err)
		}
	}

	// The raw ClientSecret of GetTokensFromRefreshToken and RevokeToken.
	getTokens := func(s *string) error {
		_, err := e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID, ClientSecret: s, RefreshToken: &refreshToken})
		return err
	}
	wantErr(t, getTokens(nil), "NotAuthorizedException", missingMsg)
	wantErr(t, getTokens(&otherSecret), "NotAuthorizedException", "Unable to verify client secret for client "+clientID)
	must(struct{}{}, getTokens(&secret))(t)
	revoke := func(s *string) error {
		_, err := e.c.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, ClientSecret: s, Token: &refreshToken})
		return err
	}
	// RevokeToken declares no NotAuthorizedException: a bad client is
	// UnauthorizedException, as for a token of another client.
	wantErr(t, revoke(nil), "UnauthorizedException", missingMsg)
	wantErr(t, revoke(&otherSecret), "UnauthorizedException", "Unable to verify client secret for client "+clientID)
	must(struct{}{}, getTokens(&secret))(t) // the failed calls revoked nothing
	must(struct{}{}, revoke(&secret))(t)
	wantErr(t, getTokens(&secret), "NotAuthorizedException", "revoked")
}

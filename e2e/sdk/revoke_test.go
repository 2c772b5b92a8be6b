package sdk_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestRevokeTokenRefusesAccessAndIDTokens: RevokeToken takes refresh tokens
// only. Given an access or an ID token it answers
// UnsupportedTokenTypeException, as Cognito does, instead of a success that
// revokes nothing; the sign-in stays valid, and its refresh token can still
// be revoked.
func TestRevokeTokenRefusesAccessAndIDTokens(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	tok := must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult

	for what, jwt := range map[string]*string{"access token": tok.AccessToken, "ID token": tok.IdToken} {
		_, err := e.c.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: jwt})
		if err == nil {
			t.Fatalf("RevokeToken accepted an %s", what)
		}
		wantErr(t, err, "UnsupportedTokenTypeException", "")
	}
	must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken}))(t)

	// A JWT of no sign-in at all is still not a refresh token.
	foreign := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
	_, err := e.c.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: aws.String(foreign)})
	wantErr(t, err, "UnsupportedTokenTypeException", "")

	// An unknown opaque token is as good as revoked (RFC 7009), and the
	// refresh token itself is revoked as before.
	must(e.c.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: aws.String("not-a-refresh-token")}))(t)
	must(e.c.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: tok.RefreshToken}))(t)
	_, err = e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken})
	wantErr(t, err, "NotAuthorizedException", "revoked")
}

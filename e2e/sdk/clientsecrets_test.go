package sdk_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// tokenEndpointAuth reports whether /oauth2/token authenticates the client
// with secret (HTTP Basic): a made-up refresh token is then refused as
// invalid_grant, after the client was accepted, rather than invalid_client.
func (e *env) tokenEndpointAuth(clientID, secret string) bool {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/oauth2/token",
		strings.NewReader(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"not-a-refresh-token"}}.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusBadRequest:
		return true
	case http.StatusUnauthorized:
		return false
	}
	e.t.Fatalf("token endpoint answered %d", resp.StatusCode)
	return false
}

// TestClientSecretRotation: a client's second secret works beside the
// first everywhere the client authenticates (SECRET_HASH in InitiateAuth,
// ClientSecret in GetTokensFromRefreshToken, the token endpoint); after the
// first is deleted only the second works. Two secrets at most, never none,
// the value shown only by the Add that generated it; every refusal and an
// unknown pool, client and secret.
func TestClientSecretRotation(t *testing.T) {
	e := newEnv(t)
	poolID, publicID := e.pool(types.UserPoolMfaTypeOff)
	sc := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("server"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t).UserPoolClient
	clientID, first := *sc.ClientId, *sc.ClientSecret
	const name = "rotating"
	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String(name), MessageAction: types.MessageActionTypeSuppress}))(t)
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String(name), Password: aws.String(password), Permanent: true}))(t)

	var live string // a secret that works, to get a refresh token with
	// check signs in with secret's SECRET_HASH, refreshes with the secret
	// itself and authenticates at the token endpoint: all pass or all fail.
	check := func(secret string, want bool) {
		t.Helper()
		out, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password, "SECRET_HASH": secretHash(secret, name, clientID)}})
		if !want {
			wantErr(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+clientID)
			// A refresh token of the client, to try the secret on.
			out = must(e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password, "SECRET_HASH": secretHash(live, name, clientID)}}))(t)
		} else if err != nil {
			t.Fatalf("sign-in with secret %.6s…: %v", secret, err)
		}
		_, err = e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID, ClientSecret: &secret,
			RefreshToken: out.AuthenticationResult.RefreshToken})
		if want && err != nil {
			t.Fatalf("refresh with secret %.6s…: %v", secret, err)
		}
		if !want {
			wantErr(t, err, "NotAuthorizedException", "Unable to verify client secret for client "+clientID)
		}
		if got := e.tokenEndpointAuth(clientID, secret); got != want {
			t.Fatalf("token endpoint with secret %.6s…: authenticated %v, want %v", secret, got, want)
		}
	}
	list := func() []types.ClientSecretDescriptorType {
		return must(e.c.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsInput{UserPoolId: &poolID, ClientId: &clientID}))(t).ClientSecrets
	}
	described := func() string {
		return aws.ToString(must(e.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID}))(t).UserPoolClient.ClientSecret)
	}

	secrets := list()
	if len(secrets) != 1 || !strings.HasPrefix(aws.ToString(secrets[0].ClientSecretId), clientID+"--") || secrets[0].ClientSecretValue != nil ||
		secrets[0].ClientSecretCreateDate == nil || !within(secrets[0].ClientSecretCreateDate, e.srv.Clock.Now()) {
		t.Fatalf("secrets of a new client: %+v", secrets)
	}
	firstID := *secrets[0].ClientSecretId
	live = first
	check(first, true)
	check("WrongSecretOfTheRightLength0123", false)

	// A second secret, generated: its value comes once, in this answer.
	e.srv.Clock.Advance(time.Second)
	added := must(e.c.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &clientID}))(t).ClientSecretDescriptor
	second := aws.ToString(added.ClientSecretValue)
	if len(second) < 24 || second == first || aws.ToString(added.ClientSecretId) == firstID || !within(added.ClientSecretCreateDate, e.srv.Clock.Now()) {
		t.Fatalf("added secret: %+v", added)
	}
	secrets = list()
	if len(secrets) != 2 || *secrets[0].ClientSecretId != firstID || *secrets[1].ClientSecretId != *added.ClientSecretId ||
		secrets[0].ClientSecretValue != nil || secrets[1].ClientSecretValue != nil {
		t.Fatalf("secrets after the add: %+v", secrets)
	}
	check(first, true)
	check(second, true)
	if got := described(); got != first {
		t.Fatalf("DescribeUserPoolClient shows %.6s…, want the oldest live secret", got)
	}

	// Two at most.
	_, err := e.c.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &clientID})
	wantErr(t, err, "LimitExceededException", "2 client secrets")

	// The old one goes: only the new one works.
	must(e.c.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &clientID, ClientSecretId: &firstID}))(t)
	live = second
	check(second, true)
	check(first, false)
	if got := described(); got != second {
		t.Fatalf("DescribeUserPoolClient shows %.6s… after the delete, want the remaining secret", got)
	}
	if s := list(); len(s) != 1 || *s[0].ClientSecretId != *added.ClientSecretId {
		t.Fatalf("secrets after the delete: %+v", s)
	}
	// Never none.
	_, err = e.c.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &clientID, ClientSecretId: added.ClientSecretId})
	wantErr(t, err, "InvalidParameterException", "last client secret")
	_, err = e.c.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &clientID, ClientSecretId: &firstID})
	wantErr(t, err, "ResourceNotFoundException", firstID)

	// A secret of the caller's choosing: accepted, its value not echoed;
	// one the client has already is refused.
	_, err = e.c.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &clientID, ClientSecret: &second})
	wantErr(t, err, "InvalidParameterException", "already has this client secret")
	const custom = "Chosen+by_the_0wner+0123456789"
	e.srv.Clock.Advance(time.Second)
	mine := must(e.c.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &clientID, ClientSecret: aws.String(custom)}))(t).ClientSecretDescriptor
	if mine.ClientSecretValue != nil || mine.ClientSecretId == nil || mine.ClientSecretCreateDate == nil {
		t.Fatalf("added custom secret: %+v", mine)
	}
	check(custom, true)
	check(second, true)

	// Validation, unknown pool, client and secret.
	_, err = e.c.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &clientID, ClientSecret: aws.String("short")})
	wantErr(t, err, "InvalidParameterException", "Member must have length greater than or equal to 24")
	_, err = e.c.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &clientID, ClientSecret: aws.String(strings.Repeat("a", 65))})
	wantErr(t, err, "InvalidParameterException", "Member must have length less than or equal to 64")
	_, err = e.c.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &clientID, ClientSecret: aws.String("has-a-dash-and-is-long-enough-0123")})
	wantErr(t, err, "InvalidParameterException", "regular expression pattern")
	_, err = e.c.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &publicID})
	wantErr(t, err, "InvalidParameterException", "has no client secret")
	if s := must(e.c.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsInput{UserPoolId: &poolID, ClientId: &publicID}))(t).ClientSecrets; len(s) != 0 {
		t.Fatalf("secrets of a public client: %+v", s)
	}
	_, err = e.c.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsInput{UserPoolId: &poolID, ClientId: &clientID, NextToken: aws.String("more")})
	wantErr(t, err, "InvalidParameterException", "pagination token")
	_, err = e.c.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: &clientID, ClientSecretId: aws.String(strings.Repeat("x", 129))})
	wantErr(t, err, "InvalidParameterException", "Member must have length less than or equal to 128")
	other := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("other")}))(t).UserPool.Id
	for _, c := range []struct{ pool, client string }{{"us-east-1_nothere1", clientID}, {poolID, "nosuchclient1234567890"}, {*other, clientID}} {
		_, err = e.c.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: aws.String(c.pool), ClientId: aws.String(c.client)})
		wantErr(t, err, "ResourceNotFoundException", "")
		_, err = e.c.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsInput{UserPoolId: aws.String(c.pool), ClientId: aws.String(c.client)})
		wantErr(t, err, "ResourceNotFoundException", "")
		_, err = e.c.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretInput{UserPoolId: aws.String(c.pool), ClientId: aws.String(c.client), ClientSecretId: mine.ClientSecretId})
		wantErr(t, err, "ResourceNotFoundException", "")
	}
	// The refusals changed nothing.
	if s := list(); len(s) != 2 {
		t.Fatalf("secrets after the refusals: %+v", s)
	}
}

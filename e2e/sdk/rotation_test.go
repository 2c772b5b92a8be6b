package sdk_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func rotating(grace int32) func(*cip.CreateUserPoolClientInput) {
	return func(in *cip.CreateUserPoolClientInput) {
		in.RefreshTokenRotation = &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(grace)}
	}
}

// TestRefreshTokenRotation: with RefreshTokenRotation ENABLED,
// GetTokensFromRefreshToken returns a new refresh token each time; the
// replaced one works again only within RetryGracePeriodSeconds, then answers
// RefreshTokenReuseException; REFRESH_TOKEN_AUTH is refused on such a client;
// revoking any token of the chain ends the sign-in. Without rotation a
// refresh token is reused and no new one is returned.
func TestRefreshTokenRotation(t *testing.T) {
	e := newEnv(t)
	poolID, plainID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, plainID)
	clientID := e.client(poolID, rotating(10))
	refresh := func(clientID, rt string) (*types.AuthenticationResultType, error) {
		out, err := e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID, RefreshToken: &rt})
		if err != nil {
			return nil, err
		}
		return out.AuthenticationResult, nil
	}
	const reuse = "RefreshTokenReuseException"

	// Without rotation: same token, used again and again.
	rt := *must(e.passwordAuth(plainID, name, password))(t).AuthenticationResult.RefreshToken
	for i := 0; i < 2; i++ {
		if res := must(refresh(plainID, rt))(t); res.RefreshToken != nil {
			t.Fatal("a client without rotation returned a new refresh token")
		}
	}

	rt0 := *must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult.RefreshToken
	_, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": rt0}})
	wantErr(t, err, "InvalidParameterException", "GetTokensFromRefreshToken")

	res := must(refresh(clientID, rt0))(t)
	if res.RefreshToken == nil || *res.RefreshToken == rt0 {
		t.Fatal("rotation did not return a new refresh token")
	}
	rt1 := *res.RefreshToken
	must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken}))(t)

	// A retry within the grace period works (and gets a token of its own).
	e.srv.Clock.Advance(9 * time.Second)
	retry := must(refresh(clientID, rt0))(t)
	if retry.RefreshToken == nil || *retry.RefreshToken == rt1 {
		t.Fatal("a retry within the grace period got no new refresh token")
	}
	// Past the grace period the replaced token is refused, every time.
	e.srv.Clock.Advance(time.Second)
	for i := 0; i < 2; i++ {
		_, err = refresh(clientID, rt0)
		wantErr(t, err, reuse, "")
	}
	// The new token rotates in turn.
	rt2 := *must(refresh(clientID, rt1))(t).RefreshToken
	e.srv.Clock.Advance(11 * time.Second)
	_, err = refresh(clientID, rt1)
	wantErr(t, err, reuse, "")
	last := must(refresh(clientID, rt2))(t)

	// Revoking the newest token ends the whole sign-in: its access tokens
	// and every other token of the chain, the retry's included.
	must(e.c.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &clientID, Token: last.RefreshToken}))(t)
	_, err = e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: last.AccessToken})
	wantErr(t, err, "NotAuthorizedException", "")
	_, err = refresh(clientID, *retry.RefreshToken)
	wantErr(t, err, "NotAuthorizedException", "revoked")

	// Grace 0: the first use replaces the token at once.
	strict := e.client(poolID, rotating(0))
	rt = *must(e.passwordAuth(strict, name, password))(t).AuthenticationResult.RefreshToken
	must(refresh(strict, rt))(t)
	_, err = refresh(strict, rt)
	wantErr(t, err, reuse, "")

	// The token endpoint's refresh_token grant rotates too.
	rt = *must(e.passwordAuth(strict, name, password))(t).AuthenticationResult.RefreshToken
	status, body := e.tokenEndpoint(url.Values{"grant_type": {"refresh_token"}, "client_id": {strict}, "refresh_token": {rt}})
	if status != http.StatusOK || body["refresh_token"] == nil || body["refresh_token"] == rt || body["access_token"] == nil {
		t.Fatalf("token endpoint refresh under rotation: %d %v", status, body)
	}
	status, body = e.tokenEndpoint(url.Values{"grant_type": {"refresh_token"}, "client_id": {strict}, "refresh_token": {rt}})
	if status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Fatalf("token endpoint reusing a replaced refresh token: %d %v", status, body)
	}
}

// tokenEndpoint posts a form to /oauth2/token and returns the status and
// the JSON answer.
func (e *env) tokenEndpoint(form url.Values) (int, map[string]any) {
	e.t.Helper()
	resp, err := http.Post(e.srv.URL+"/oauth2/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, out
}

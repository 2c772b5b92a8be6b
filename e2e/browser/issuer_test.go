package browser_test

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// payload returns the claims of a JWT without checking it (the other tests
// check signatures; this one counts who signed).
func payload(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// TestOneIssuer: the tokens of every way in (API sign-in, refresh through
// the API and the token endpoint, the hosted sign-in and its code exchange
// with scope and nonce, client_credentials) are signed by the server's one
// token issuer: each step moves the issuer's count by the tokens it returns,
// and no token is signed anywhere else in the process (the count of all
// signatures moves by the same amount).
func TestOneIssuer(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(nil)
	if _, err := s.admin.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("orders"),
		Name: aws.String("Orders"), Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")}}}); err != nil {
		t.Fatal(err)
	}
	s.user(poolID, "ivy")
	app := s.client(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	})
	m2m := s.client(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.GenerateSecret = true
		in.AllowedOAuthFlows = []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}
		in.AllowedOAuthScopes = []string{"orders/read"}
		in.CallbackURLs, in.LogoutURLs = nil, nil
	})
	user := cip.New(cip.Options{Region: s.srv.Region, BaseEndpoint: aws.String(s.srv.URL), RetryMaxAttempts: 1, Credentials: aws.AnonymousCredentials{}})

	step := func(name string, want uint64, f func()) {
		t.Helper()
		issuer0, all0 := s.srv.TokensSigned()
		f()
		issuer1, all1 := s.srv.TokensSigned()
		if issuer1-issuer0 != want || all1-all0 != want {
			t.Errorf("%s: the issuer signed %d tokens and the process %d, want %d and %d", name, issuer1-issuer0, all1-all0, want, want)
		}
	}

	var refresh string
	step("API sign-in", 2, func() {
		out, err := user.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: app.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "ivy", "PASSWORD": password}})
		if err != nil {
			t.Fatal(err)
		}
		refresh = *out.AuthenticationResult.RefreshToken
	})
	step("API refresh", 2, func() {
		out, err := user.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: app.ClientId, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": refresh}})
		if err != nil || out.AuthenticationResult.AccessToken == nil || out.AuthenticationResult.IdToken == nil {
			t.Fatalf("refresh: %v", err)
		}
	})
	step("token endpoint refresh", 2, func() {
		st, out := tokenCall(t, s, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {*app.ClientId}, "refresh_token": {refresh}}, "", "")
		if st != 200 || out["access_token"] == nil || out["id_token"] == nil {
			t.Fatalf("refresh_token grant: %d %v", st, out)
		}
	})

	pk := newPKCE("issuer")
	q := authorizeQuery(*app.ClientId, pk)
	q.Set("nonce", "n-0S6_WzA2Mj")
	var c string
	step("hosted sign-in", 2, func() { c = code(t, s.agent().signIn(q, "ivy", password)) })
	step("hosted code exchange", 2, func() {
		st, out := exchange(t, s, *app.ClientId, c, pk.verifier)
		if st != 200 {
			t.Fatalf("code exchange: %d %v", st, out)
		}
		access, id := payload(t, out["access_token"].(string)), payload(t, out["id_token"].(string))
		if access["scope"] != "openid email" || id["nonce"] != "n-0S6_WzA2Mj" || access["origin_jti"] != id["origin_jti"] {
			t.Errorf("code tokens: access %v, id %v", access, id)
		}
	})
	step("client_credentials", 1, func() {
		st, out := tokenCall(t, s, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}}, *m2m.ClientId, *m2m.ClientSecret)
		if st != 200 || out["id_token"] != nil {
			t.Fatalf("client_credentials: %d %v", st, out)
		}
		if claims := payload(t, out["access_token"].(string)); claims["scope"] != "orders/read" || claims["sub"] != *m2m.ClientId {
			t.Errorf("client_credentials claims %v", claims)
		}
	})
}

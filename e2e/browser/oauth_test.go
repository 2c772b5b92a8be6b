package browser_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"
)

// TestClientCredentials: a confidential client gets an access token for
// the custom scopes of a resource server, verifiable from the discovery
// document, with sub = its client id and no ID or refresh token; the
// grant's refusals follow RFC 6749.
func TestClientCredentials(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(nil)
	if _, err := s.admin.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("orders"),
		Name: aws.String("Orders"), Scopes: []types.ResourceServerScopeType{
			{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")},
			{ScopeName: aws.String("write"), ScopeDescription: aws.String("write")}}}); err != nil {
		t.Fatal(err)
	}
	m2m := s.client(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.GenerateSecret = true
		in.AllowedOAuthFlows = []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}
		in.AllowedOAuthScopes = []string{"orders/read", "orders/write"}
		in.CallbackURLs, in.LogoutURLs = nil, nil
	})
	id, secret := *m2m.ClientId, *m2m.ClientSecret

	st, out := tokenCall(t, s, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}}, id, secret)
	if st != 200 || out["token_type"] != "Bearer" || out["expires_in"] != float64(3600) || out["id_token"] != nil || out["refresh_token"] != nil {
		t.Fatalf("client_credentials: %d %v", st, out)
	}
	provider, err := oidc.NewProvider(ctx, s.srv.URL+"/"+poolID)
	if err != nil {
		t.Fatal(err)
	}
	var disco struct {
		Grants []string `json:"grant_types_supported"`
	}
	provider.Claims(&disco)
	if !slices.Contains(disco.Grants, "client_credentials") {
		t.Errorf("discovery grant types %v", disco.Grants)
	}
	tok, err := provider.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(ctx, out["access_token"].(string))
	if err != nil {
		t.Fatalf("verify the access token: %v", err)
	}
	var claims map[string]any
	tok.Claims(&claims)
	if claims["sub"] != id || claims["client_id"] != id || claims["token_use"] != "access" || claims["scope"] != "orders/read orders/write" ||
		claims["version"] != float64(2) || claims["username"] != nil || claims["jti"] == nil {
		t.Errorf("claims %v", claims)
	}

	// A subset, in the body instead of HTTP Basic.
	st, out = tokenCall(t, s, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {"orders/write"}}, "", "")
	if st != 200 {
		t.Fatalf("scope subset: %d %v", st, out)
	}
	tok, _ = provider.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(ctx, out["access_token"].(string))
	tok.Claims(&claims)
	if claims["scope"] != "orders/write" {
		t.Errorf("scope %v, want orders/write", claims["scope"])
	}
	// The token speaks for no user.
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/oauth2/userInfo", nil)
	req.Header.Set("Authorization", "Bearer "+out["access_token"].(string))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("userInfo with a client token: %v %v", resp.StatusCode, err)
	}
	_, err = cip.New(cip.Options{Region: s.srv.Region, BaseEndpoint: aws.String(s.srv.URL)}).GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(out["access_token"].(string))})
	if err == nil || !strings.Contains(err.Error(), "NotAuthorizedException") {
		t.Errorf("GetUser with a client token: %v", err)
	}

	for _, c := range []struct {
		name, scope, code string
	}{
		{"an OIDC scope", "openid", "invalid_scope"},
		{"an unknown custom scope", "orders/delete", "invalid_scope"},
		{"a scope of no server", "billing/read", "invalid_scope"},
	} {
		if st, out := tokenCall(t, s, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "scope": {c.scope}}, id, secret); st != 400 || out["error"] != c.code {
			t.Errorf("%s: %d %v, want %s", c.name, st, out, c.code)
		}
	}
	if st, out := tokenCall(t, s, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}}, id, secret+"x"); st != 401 || out["error"] != "invalid_client" {
		t.Errorf("wrong secret: %d %v", st, out)
	}
	// A public client cannot have the grant (Cognito refuses it at
	// creation), and a public client asking for it is refused.
	_, err = s.admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("public"),
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials},
		AllowedOAuthScopes: []string{"orders/read"}})
	if err == nil || !strings.Contains(err.Error(), "InvalidOAuthFlowException") {
		t.Errorf("a public client_credentials client: %v", err)
	}
	public := s.client(poolID, nil)
	if st, out := tokenCall(t, s, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {*public.ClientId}}, "", ""); st != 400 || out["error"] != "unauthorized_client" {
		t.Errorf("a public client: %d %v", st, out)
	}
	codeOnly := s.client(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.GenerateSecret = true
		in.AllowedOAuthScopes = []string{"orders/read"}
	})
	if st, out := tokenCall(t, s, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}}, *codeOnly.ClientId, *codeOnly.ClientSecret); st != 400 || out["error"] != "unauthorized_client" {
		t.Errorf("a client without the grant: %d %v", st, out)
	}
	// Deleting the resource server withdraws its scopes.
	if _, err := s.admin.DeleteResourceServer(ctx, &cip.DeleteResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	if st, out := tokenCall(t, s, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}}, id, secret); st != 400 || out["error"] != "invalid_scope" {
		t.Errorf("after the server is deleted: %d %v", st, out)
	}
}

// TestRevocationEndpoint: /oauth2/revoke (in discovery) revokes a refresh
// token and the access tokens of its sign-in; it refuses JWTs, tokens of
// another client, bad client credentials and a missing token.
func TestRevocationEndpoint(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(nil)
	s.user(poolID, "rita")
	app := s.client(poolID, nil)
	other := s.client(poolID, nil)
	conf := s.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })

	provider, err := oidc.NewProvider(ctx, s.srv.URL+"/"+poolID)
	if err != nil {
		t.Fatal(err)
	}
	var disco struct {
		Revocation string `json:"revocation_endpoint"`
	}
	provider.Claims(&disco)
	if disco.Revocation != s.srv.URL+"/oauth2/revoke" {
		t.Errorf("revocation_endpoint %q", disco.Revocation)
	}

	pk := newPKCE("revoke")
	b := s.agent()
	st, tokens := exchange(t, s, *app.ClientId, code(t, b.signIn(authorizeQuery(*app.ClientId, pk), "rita", password)), pk.verifier)
	if st != 200 {
		t.Fatalf("exchange: %d %v", st, tokens)
	}
	refresh, access := tokens["refresh_token"].(string), tokens["access_token"].(string)
	revoke := func(form url.Values, id, secret string) (int, map[string]any) {
		return tokenCall(t, s, "/oauth2/revoke", form, id, secret)
	}
	if st, out := revoke(url.Values{"client_id": {*app.ClientId}}, "", ""); st != 400 || out["error"] != "invalid_request" {
		t.Errorf("no token: %d %v", st, out)
	}
	if st, out := revoke(url.Values{"client_id": {*app.ClientId}, "token": {access}}, "", ""); st != 400 || out["error"] != "unsupported_token_type" {
		t.Errorf("an access token: %d %v", st, out)
	}
	if st, out := revoke(url.Values{"client_id": {*other.ClientId}, "token": {refresh}}, "", ""); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("another client's token: %d %v", st, out)
	}
	if st, out := revoke(url.Values{"token": {refresh}}, *conf.ClientId, "wrong"); st != 401 || out["error"] != "invalid_client" {
		t.Errorf("wrong secret: %d %v", st, out)
	}
	if st, out := revoke(url.Values{"client_id": {*app.ClientId}, "token": {"unknown-token"}}, "", ""); st != 200 {
		t.Errorf("an unknown token: %d %v, want 200 (RFC 7009)", st, out)
	}
	if st, out := revoke(url.Values{"client_id": {*app.ClientId}, "token": {refresh}}, "", ""); st != 200 {
		t.Fatalf("revoke: %d %v", st, out)
	}
	if st, out := tokenCall(t, s, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {*app.ClientId}, "refresh_token": {refresh}}, "", ""); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("refresh after revocation: %d %v", st, out)
	}
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/oauth2/userInfo", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("userInfo with the revoked sign-in's access token: %v", resp.StatusCode)
	}

	// A client with revocation turned off.
	off := s.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.EnableTokenRevocation = aws.Bool(false) })
	if st, out := revoke(url.Values{"client_id": {*off.ClientId}, "token": {"some-token"}}, "", ""); st != 400 || out["error"] != "invalid_request" {
		t.Errorf("revocation disabled: %d %v", st, out)
	}
}

// TestCodeBinding: a code is bound to its client and lives five minutes
// (a code of 4m59s is still good, one of 5m01s is not); a confidential
// client authenticating by HTTP Basic with a wrong secret is
// invalid_client, with the right one it gets its tokens.
func TestCodeBinding(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(nil)
	s.user(poolID, "cora")
	app := s.client(poolID, nil)
	other := s.client(poolID, nil)
	conf := s.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
	pk := newPKCE("binding")

	c := code(t, s.agent().signIn(authorizeQuery(*app.ClientId, pk), "cora", password))
	if st, out := exchange(t, s, *other.ClientId, c, pk.verifier); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("another client's code: %d %v", st, out)
	}
	s.srv.Clock.Advance(4*time.Minute + 59*time.Second)
	if st, out := exchange(t, s, *app.ClientId, c, pk.verifier); st != 200 {
		t.Errorf("a code of 4m59s: %d %v", st, out)
	}
	c = code(t, s.agent().signIn(authorizeQuery(*app.ClientId, pk), "cora", password))
	s.srv.Clock.Advance(5*time.Minute + time.Second)
	if st, out := exchange(t, s, *app.ClientId, c, pk.verifier); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("a code of 5m01s: %d %v", st, out)
	}

	q := authorizeQuery(*conf.ClientId, pk)
	c = code(t, s.agent().signIn(q, "cora", password))
	form := url.Values{"grant_type": {"authorization_code"}, "code": {c}, "redirect_uri": {cb}, "code_verifier": {pk.verifier}}
	st, out := tokenCall(t, s, "/oauth2/token", form, *conf.ClientId, *conf.ClientSecret+"x")
	if st != 401 || out["error"] != "invalid_client" {
		t.Errorf("HTTP Basic with a wrong secret: %d %v", st, out)
	}
	if st, out := tokenCall(t, s, "/oauth2/token", form, *conf.ClientId, *conf.ClientSecret); st != 200 || out["id_token"] == nil {
		t.Errorf("HTTP Basic with the secret: %d %v", st, out)
	}
}

// TestAuthorizeRefusals: the authorization errors of RFC 6749 §4.1.2.1,
// sent to the registered redirect URI with the state: an unsupported
// response type, the implicit grant for a client without it, a scope the client is not allowed, a client not enabled
// for OAuth, an identity provider other than the pool's; and login_hint
// filling the user name.
func TestAuthorizeRefusals(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(nil)
	app := s.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.SupportedIdentityProviders = []string{"COGNITO"} })
	disabled := s.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.AllowedOAuthFlowsUserPoolClient = false })
	// A client naming only a provider the pool does not have cannot be
	// made (Cognito's refusal; federation is issue 16, which brings back a
	// client without COGNITO to the refusals below).
	_, err := s.admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("federated"),
		SupportedIdentityProviders: []string{"Google"}})
	if err == nil || !strings.Contains(err.Error(), "The provider Google does not exist for User Pool "+poolID) {
		t.Errorf("a client of a provider the pool lacks: %v", err)
	}
	pk := newPKCE("refusals")
	b := s.agent()
	refused := func(name string, q url.Values, want string) {
		t.Helper()
		r := b.get("/oauth2/authorize?" + q.Encode())
		loc := r.location()
		if r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), cb+"?") || loc.Query().Get("error") != want ||
			loc.Query().Get("state") != "st" || loc.Query().Get("error_description") == "" {
			t.Errorf("%s: %d Location %q, want error=%s", name, r.StatusCode, r.Header.Get("Location"), want)
		}
	}
	with := func(id string, kv ...string) url.Values {
		q := authorizeQuery(id, pk)
		for i := 0; i < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		return q
	}
	refused("response_type=id_token", with(*app.ClientId, "response_type", "id_token"), "unsupported_response_type")
	refused("response_type=token without the implicit flow", with(*app.ClientId, "response_type", "token"), "unauthorized_client")
	refused("a scope not allowed", with(*app.ClientId, "scope", "openid phone"), "invalid_scope")
	refused("AllowedOAuthFlowsUserPoolClient false", with(*disabled.ClientId), "unauthorized_client")
	refused("identity_provider Google", with(*app.ClientId, "identity_provider", "Google"), "invalid_request")

	page := b.follow(b.get("/oauth2/authorize?" + with(*app.ClientId, "identity_provider", "COGNITO", "login_hint", "hint@example.com").Encode()))
	if page.StatusCode != 200 || b.field("username") != "hint@example.com" {
		t.Errorf("login_hint: %d, username field %q", page.StatusCode, b.field("username"))
	}
}

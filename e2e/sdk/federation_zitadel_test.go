package sdk_test

import (
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
)

// The upstream here is an OpenID Provider Cognate did not write: zitadel/oidc's
// op package, served by its example server (its storage, test user and
// login page), on loopback.
func TestFederatedOIDCZitadel(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + l.Addr().String()
	down := newEnv(t)
	storage.RegisterClients(storage.WebClient("cognate-"+l.Addr().String(), "zitadel-secret", down.srv.URL+"/oauth2/idpresponse"))
	router := exampleop.SetupServer(issuer, storage.NewStorage(storage.NewUserStore(issuer)), slog.New(slog.NewTextHandler(io.Discard, nil)), false)
	srv := &http.Server{Handler: router}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })

	poolID, _ := down.pool(types.UserPoolMfaTypeOff)
	must(down.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Zitadel"),
		ProviderType: types.IdentityProviderTypeTypeOidc, AttributeMapping: map[string]string{"email": "email"},
		ProviderDetails: map[string]string{"client_id": "cognate-" + l.Addr().String(), "client_secret": "zitadel-secret",
			"authorize_scopes": "openid email profile", "attributes_request_method": "GET", "oidc_issuer": issuer}}))(t)
	app := must(down.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		GenerateSecret: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{fedCallback},
		SupportedIdentityProviders: []string{"Zitadel"}}))(t).UserPoolClient
	f := &federation{down: down, downPool: poolID, app: *app.ClientId, appSecret: *app.ClientSecret}

	// The client offers only the provider: its sign-in page has the
	// button and no password form.
	a := newFedAgent(t)
	_, resp, body := a.follow(f.authorizeURL(nil), fedCallback)
	if m := fedButton.FindStringSubmatch(body); resp.StatusCode != http.StatusOK || m == nil || m[2] != "Zitadel" || strings.Contains(body, `name="password"`) {
		t.Fatalf("sign-in page of a provider-only client answered %d:\n%s", resp.StatusCode, body)
	}
	page, resp, body := a.follow(f.authorizeURL(url.Values{"identity_provider": {"Zitadel"}}), fedCallback)
	if !strings.HasPrefix(page, issuer+"/login/username") || resp.StatusCode != http.StatusOK {
		t.Fatalf("expected zitadel's login page, got %d at %s:\n%s", resp.StatusCode, page, body)
	}
	id := regexp.MustCompile(`name="id" value="([^"]*)"`).FindStringSubmatch(body)
	if id == nil {
		t.Fatalf("no login form:\n%s", body)
	}
	resp, body = a.post(issuer+"/login/username", url.Values{"username": {"test-user@127.0.0.1"}, "password": {"verysecure"}, "id": {html.UnescapeString(id[1])}})
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("zitadel login answered %d:\n%s", resp.StatusCode, body)
	}
	next, _ := resp.Request.URL.Parse(resp.Header.Get("Location"))
	claims := f.finish(t, a, next.String())
	if claims["email"] != "test-user@zitadel.ch" || !strings.HasPrefix(claims["cognito:username"].(string), "Zitadel_") {
		t.Fatalf("claims %v", claims)
	}
}

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

// startZitadel serves an OpenID Provider Cognate did not write on
// loopback: zitadel/oidc's op package, by its example server (its storage,
// test user and login page), with a web client whose redirect URI is
// down's /oauth2/idpresponse. It returns the issuer and the client's id;
// the client's secret is zitadelSecret.
func startZitadel(t *testing.T, down *env) (issuer, clientID string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer, clientID = "http://"+l.Addr().String(), "cognate-"+l.Addr().String()
	storage.RegisterClients(storage.WebClient(clientID, zitadelSecret, down.srv.URL+"/oauth2/idpresponse"))
	router := exampleop.SetupServer(issuer, storage.NewStorage(storage.NewUserStore(issuer)), slog.New(slog.NewTextHandler(io.Discard, nil)), false)
	srv := &http.Server{Handler: router}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return issuer, clientID
}

const zitadelSecret = "zitadel-secret"

// zitadelLogin signs zitadel's test user in on its login page (body, shown
// at page) and returns where zitadel sends the browser.
func zitadelLogin(t *testing.T, a *fedAgent, issuer, page, body string) string {
	t.Helper()
	id := regexp.MustCompile(`name="id" value="([^"]*)"`).FindStringSubmatch(body)
	if !strings.HasPrefix(page, issuer+"/login/username") || id == nil {
		t.Fatalf("expected zitadel's login page, got %s:\n%s", page, body)
	}
	resp, body := a.post(issuer+"/login/username", url.Values{"username": {"test-user@127.0.0.1"}, "password": {"verysecure"}, "id": {html.UnescapeString(id[1])}})
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("zitadel login answered %d:\n%s", resp.StatusCode, body)
	}
	next, _ := resp.Request.URL.Parse(resp.Header.Get("Location"))
	return next.String()
}

// The upstream here is zitadel's OP, as a generic OIDC provider.
func TestFederatedOIDCZitadel(t *testing.T) {
	down := newEnv(t)
	issuer, clientID := startZitadel(t, down)

	poolID, _ := down.pool(types.UserPoolMfaTypeOff)
	must(down.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Zitadel"),
		ProviderType: types.IdentityProviderTypeTypeOidc, AttributeMapping: map[string]string{"email": "email"},
		ProviderDetails: map[string]string{"client_id": clientID, "client_secret": zitadelSecret,
			"authorize_scopes": "openid email profile", "attributes_request_method": "GET", "oidc_issuer": issuer}}))(t)
	f := socialFederation(t, down, poolID, "Zitadel")

	// The client offers only the provider: its sign-in page has the
	// button and no password form.
	a := newFedAgent(t)
	_, resp, body := a.follow(f.authorizeURL(nil), fedCallback)
	if m := fedButton.FindStringSubmatch(body); resp.StatusCode != http.StatusOK || m == nil || m[2] != "Zitadel" || strings.Contains(body, `name="password"`) {
		t.Fatalf("sign-in page of a provider-only client answered %d:\n%s", resp.StatusCode, body)
	}
	page, resp, body := a.follow(f.authorizeURL(url.Values{"identity_provider": {"Zitadel"}}), fedCallback)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("expected zitadel's login page, got %d at %s", resp.StatusCode, page)
	}
	claims := f.finish(t, a, zitadelLogin(t, a, issuer, page, body))
	if claims["email"] != "test-user@zitadel.ch" || !strings.HasPrefix(claims["cognito:username"].(string), "Zitadel_") {
		t.Fatalf("claims %v", claims)
	}
}

package sdk_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
)

const implicitCallback = "http://app.test/implicit"

// browser drives the hosted pages (cognatetest.Browser) for this
// package's tests.
type browser struct{ *cognatetest.Browser }

func (e *env) browser() *browser { return &browser{cognatetest.NewBrowser(e.t, e.srv.URL)} }

// authorize starts an authorization request and, when the server shows the
// sign-in page, signs in; it returns the redirect to the client.
func (b *browser) authorize(q url.Values, username, pw string) *url.URL {
	b.T.Helper()
	resp, _ := b.Get("/oauth2/authorize?" + q.Encode())
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound {
		b.T.Fatalf("authorize answered %d", resp.StatusCode)
	}
	if strings.HasPrefix(loc, "/login") {
		_, page := b.Get(loc)
		m := regexp.MustCompile(`name="request" value="([^"]*)"`).FindStringSubmatch(page)
		if m == nil {
			b.T.Fatalf("no sign-in page:\n%s", page)
		}
		form := url.Values{"username": {username}, "password": {pw}, "request": {html.UnescapeString(m[1])}, "_csrf": {b.Cookies["XSRF-TOKEN"]}}
		req, _ := http.NewRequest(http.MethodPost, b.Base+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ = b.Do(req)
		loc = resp.Header.Get("Location")
	}
	u, err := url.Parse(loc)
	if err != nil || !strings.HasPrefix(loc, implicitCallback) {
		b.T.Fatalf("want a redirect to the callback, got %d %q", resp.StatusCode, loc)
	}
	return u
}

// TestImplicitGrant: a client allowed the implicit flow gets its tokens from
// /oauth2/authorize with response_type=token, through the hosted sign-in
// page, in the callback's fragment (no code, no refresh token, no PKCE
// needed); the tokens work with the API; a second request within the
// sign-in session gets tokens at once; and each grant is refused to a client
// not allowed it.
func TestImplicitGrant(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	e.adminUser(poolID, "imp", map[string]string{"email": "imp@example.com", "email_verified": "true"})
	oauthClient := func(flow types.OAuthFlowType) string {
		return e.client(poolID, func(in *cip.CreateUserPoolClientInput) {
			in.AllowedOAuthFlows = []types.OAuthFlowType{flow}
			in.AllowedOAuthFlowsUserPoolClient = true
			in.AllowedOAuthScopes = []string{"openid", "email", "aws.cognito.signin.user.admin"}
			in.CallbackURLs = []string{implicitCallback}
		})
	}
	implicitID, codeID := oauthClient(types.OAuthFlowTypeImplicit), oauthClient(types.OAuthFlowTypeCode)
	query := func(clientID, responseType string) url.Values {
		return url.Values{"response_type": {responseType}, "client_id": {clientID}, "redirect_uri": {implicitCallback},
			"state": {"st-1"}, "nonce": {"n-1"}, "scope": {"openid email aws.cognito.signin.user.admin"}}
	}

	b := e.browser()
	back := b.authorize(query(implicitID, "token"), "imp", password)
	if back.RawQuery != "" {
		t.Fatalf("the implicit grant put %q in the query", back.RawQuery)
	}
	frag, err := url.ParseQuery(back.Fragment)
	if err != nil {
		t.Fatal(err)
	}
	if frag.Get("access_token") == "" || frag.Get("id_token") == "" || frag.Get("token_type") != "Bearer" ||
		frag.Get("expires_in") != "3600" || frag.Get("state") != "st-1" {
		t.Fatalf("fragment %v lacks the tokens, type, lifetime or state", frag)
	}
	if frag.Has("refresh_token") || frag.Has("code") {
		t.Fatalf("the implicit grant returned a refresh token or a code: %v", frag)
	}
	id := claimsOf(t, frag.Get("id_token"))
	if id["aud"] != implicitID || id["nonce"] != "n-1" || id["email"] != "imp@example.com" || id["token_use"] != "id" {
		t.Fatalf("ID token claims %v", id)
	}
	user := must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(frag.Get("access_token"))}))(t)
	if *user.Username != "imp" {
		t.Fatalf("the access token is %s's", *user.Username)
	}

	// Within the sign-in session: straight back with new tokens.
	again := b.authorize(query(implicitID, "token"), "", "")
	if f, _ := url.ParseQuery(again.Fragment); f.Get("access_token") == "" || f.Get("access_token") == frag.Get("access_token") {
		t.Fatalf("a second request in the session got %q", again.Fragment)
	}

	// Refusals: each client gets only the grant it is allowed; the
	// implicit grant's errors are in the fragment.
	refused := func(clientID, responseType, where string) {
		t.Helper()
		resp, _ := e.browser().Get("/oauth2/authorize?" + query(clientID, responseType).Encode())
		loc, _ := url.Parse(resp.Header.Get("Location"))
		params := loc.Query()
		if where == "fragment" {
			params, _ = url.ParseQuery(loc.Fragment)
		}
		if resp.StatusCode != http.StatusFound || params.Get("error") != "unauthorized_client" || params.Get("state") != "st-1" {
			t.Fatalf("%s for %s: %d %q, want unauthorized_client in the %s", responseType, clientID, resp.StatusCode, resp.Header.Get("Location"), where)
		}
	}
	refused(codeID, "token", "query")
	refused(implicitID, "code", "query")
	q := query(implicitID, "token")
	q.Set("prompt", "none")
	resp, _ := e.browser().Get("/oauth2/authorize?" + q.Encode())
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if f, _ := url.ParseQuery(loc.Fragment); f.Get("error") != "login_required" {
		t.Fatalf("prompt=none without a session: %q", resp.Header.Get("Location"))
	}
}

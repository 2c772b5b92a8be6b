package sdk_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"
)

// This file signs in through an OpenID Connect provider on the hosted
// pages: the upstream is a second Cognate (its own pool, user and app
// client), and the browser is an HTTP client with a cookie jar that
// follows each redirect by hand, across both servers.

const fedCallback = "http://app.test/federated"

// fedAgent is a browser: a cookie jar, redirects seen one by one.
type fedAgent struct {
	t  *testing.T
	hc *http.Client
}

func newFedAgent(t *testing.T) *fedAgent {
	jar, _ := cookiejar.New(nil)
	return &fedAgent{t: t, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (a *fedAgent) do(req *http.Request) (*http.Response, string) {
	a.t.Helper()
	resp, err := a.hc.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (a *fedAgent) get(u string) (*http.Response, string) {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return a.do(req)
}

func (a *fedAgent) post(u string, form url.Values) (*http.Response, string) {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return a.do(req)
}

// follow follows redirects from u until one leaves for stop (returned)
// or a page is shown (its URL and body returned, stop "").
func (a *fedAgent) follow(u, stop string) (final string, resp *http.Response, body string) {
	a.t.Helper()
	for range 10 {
		resp, body = a.get(u)
		if resp.StatusCode != http.StatusFound {
			return u, resp, body
		}
		next, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
		if err != nil {
			a.t.Fatal(err)
		}
		if strings.HasPrefix(next.String(), stop) {
			return next.String(), resp, ""
		}
		u = next.String()
	}
	a.t.Fatalf("too many redirects from %s", u)
	return "", nil, ""
}

var (
	fedButton  = regexp.MustCompile(`<a class="provider" href="([^"]*)">Sign in with ([^<]*)</a>`)
	fedRequest = regexp.MustCompile(`name="request" value="([^"]*)"`)
	fedCSRF    = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)
)

// upstreamLogin signs in on the upstream's sign-in page (the page shown at
// pageURL) and returns where the upstream sends the browser.
func (a *fedAgent) upstreamLogin(pageURL, body, username string) string {
	a.t.Helper()
	rq, cs := fedRequest.FindStringSubmatch(body), fedCSRF.FindStringSubmatch(body)
	if rq == nil || cs == nil {
		a.t.Fatalf("no sign-in form at %s:\n%s", pageURL, body)
	}
	u, _ := url.Parse(pageURL)
	resp, body := a.post(u.Scheme+"://"+u.Host+"/login", url.Values{"username": {username}, "password": {password},
		"request": {html.UnescapeString(rq[1])}, "_csrf": {html.UnescapeString(cs[1])}})
	if resp.StatusCode != http.StatusFound {
		a.t.Fatalf("upstream sign-in answered %d:\n%s", resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

// federation is an upstream Cognate with a user, and a downstream one
// whose pool has the upstream as its OIDC provider "Upstream".
type federation struct {
	up, down                 *env
	upPool, upUser, upSecret string
	upClient                 string
	downPool, app, appSecret string
}

func newFederation(t *testing.T) *federation {
	f := &federation{up: newEnv(t), down: newEnv(t)}
	var upApp string
	f.upPool, upApp = f.up.pool(types.UserPoolMfaTypeOff)
	f.upUser = f.up.user(f.upPool, upApp)
	upc := must(f.up.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &f.upPool, ClientName: aws.String("downstream"),
		GenerateSecret: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{f.down.srv.URL + "/oauth2/idpresponse"},
		SupportedIdentityProviders: []string{"COGNITO"}}))(t).UserPoolClient
	f.upClient, f.upSecret = *upc.ClientId, *upc.ClientSecret
	f.downPool, _ = f.down.pool(types.UserPoolMfaTypeOff)
	f.provider(t, "Upstream", f.oidcDetails(), []string{"upstream.example.com"})
	dc := must(f.down.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &f.downPool, ClientName: aws.String("web"),
		GenerateSecret: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{fedCallback},
		SupportedIdentityProviders: []string{"COGNITO", "Upstream"}}))(t).UserPoolClient
	f.app, f.appSecret = *dc.ClientId, *dc.ClientSecret
	return f
}

func (f *federation) oidcDetails() map[string]string {
	return map[string]string{"client_id": f.upClient, "client_secret": f.upSecret, "authorize_scopes": "openid email",
		"attributes_request_method": "GET", "oidc_issuer": f.up.srv.URL + "/" + f.upPool}
}

func (f *federation) provider(t *testing.T, name string, details map[string]string, ids []string) {
	must(f.down.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &f.downPool, ProviderName: &name,
		ProviderType: types.IdentityProviderTypeTypeOidc, ProviderDetails: details,
		AttributeMapping: map[string]string{"email": "email"}, IdpIdentifiers: ids}))(t)
}

func (f *federation) authorizeURL(extra url.Values) string {
	q := url.Values{"client_id": {f.app}, "redirect_uri": {fedCallback}, "response_type": {"code"}, "scope": {"openid email"}, "state": {"app-state"}}
	for k, v := range extra {
		q[k] = v
	}
	return f.down.srv.URL + "/oauth2/authorize?" + q.Encode()
}

// signIn walks a federated sign-in from start (a downstream URL that
// leads to the upstream) and returns the app's verified ID token claims.
func (f *federation) signIn(t *testing.T, a *fedAgent, start string) map[string]any {
	t.Helper()
	page, resp, body := a.follow(start, fedCallback)
	if !strings.HasPrefix(page, f.up.srv.URL+"/login") || resp.StatusCode != http.StatusOK {
		t.Fatalf("expected the upstream's sign-in page, got %d at %s:\n%s", resp.StatusCode, page, body)
	}
	back := a.upstreamLogin(page, body, f.upUser)
	if !strings.HasPrefix(back, f.down.srv.URL+"/oauth2/idpresponse?") {
		t.Fatalf("upstream sent the browser to %s", back)
	}
	return f.finish(t, a, back)
}

// finish follows the upstream's answer (from back) to the app's callback,
// redeems the code and returns the verified ID token's claims.
func (f *federation) finish(t *testing.T, a *fedAgent, back string) map[string]any {
	t.Helper()
	final, resp, body := a.follow(back, fedCallback)
	if !strings.HasPrefix(final, fedCallback) {
		t.Fatalf("downstream answered %d at %s:\n%s", resp.StatusCode, final, body)
	}
	return f.redeem(t, final)
}

// redeem redeems the code of the app's callback URL final and returns the
// verified ID token's claims.
func (f *federation) redeem(t *testing.T, final string) map[string]any {
	t.Helper()
	cb, _ := url.Parse(final)
	if cb.Query().Get("state") != "app-state" || cb.Query().Get("code") == "" {
		t.Fatalf("callback %s", final)
	}
	// The app redeems the code and verifies the ID token from discovery alone.
	req, _ := http.NewRequest(http.MethodPost, f.down.srv.URL+"/oauth2/token", strings.NewReader(url.Values{"grant_type": {"authorization_code"},
		"code": {cb.Query().Get("code")}, "redirect_uri": {fedCallback}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(f.app, f.appSecret)
	tr, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Body.Close()
	var toks struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(tr.Body).Decode(&toks); err != nil || tr.StatusCode != http.StatusOK {
		t.Fatalf("token endpoint answered %d (%v)", tr.StatusCode, err)
	}
	p, err := oidc.NewProvider(ctx, f.down.srv.URL+"/"+f.downPool)
	if err != nil {
		t.Fatal(err)
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: f.app}).Verify(ctx, toks.IDToken)
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	must(0, idt.Claims(&claims))(t)
	return claims
}

// A user of the upstream signs in to the downstream's app through the
// "Sign in with Upstream" button and through identity_provider and
// idp_identifier, becoming the pool's EXTERNAL_PROVIDER user
// Upstream_<sub> with identities, the provider's group and the mapped email.
func TestFederatedOIDCSignIn(t *testing.T) {
	f := newFederation(t)
	upUser := must(f.up.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &f.upPool, Username: &f.upUser}))(t)
	var upSub string
	for _, at := range upUser.UserAttributes {
		if *at.Name == "sub" {
			upSub = *at.Value
		}
	}

	// The sign-in page offers the provider.
	a := newFedAgent(t)
	page, _, body := a.follow(f.authorizeURL(nil), fedCallback)
	m := fedButton.FindStringSubmatch(body)
	if m == nil || m[2] != "Upstream" {
		t.Fatalf("no provider button at %s:\n%s", page, body)
	}
	claims := f.signIn(t, a, f.down.srv.URL+html.UnescapeString(m[1]))
	username := "Upstream_" + upSub
	if claims["cognito:username"] != username || claims["email"] != f.upUser+"@example.com" {
		t.Fatalf("claims %v", claims)
	}
	groups, _ := claims["cognito:groups"].([]any)
	if !slices.Contains(groups, any(f.downPool+"_Upstream")) {
		t.Fatalf("groups %v", claims["cognito:groups"])
	}
	ids, _ := claims["identities"].([]any)
	if len(ids) != 1 {
		t.Fatalf("identities %v", claims["identities"])
	}
	id0 := ids[0].(map[string]any)
	if id0["userId"] != upSub || id0["providerName"] != "Upstream" || id0["providerType"] != "OIDC" || id0["primary"] != "true" {
		t.Fatalf("identity %v", id0)
	}
	got := must(f.down.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &f.downPool, Username: &username}))(t)
	if got.UserStatus != types.UserStatusTypeExternalProvider {
		t.Fatalf("status %s", got.UserStatus)
	}
	g := must(f.down.c.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &f.downPool, GroupName: aws.String(f.downPool + "_Upstream")}))(t)
	if g.Group == nil {
		t.Fatal("no provider group")
	}

	// Straight to the provider by name and by identifier, in fresh
	// browsers: the same user, the same sub; the email is mapped again.
	must(f.up.c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &f.upPool, Username: &f.upUser,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("moved@example.com")}}}))(t)
	again := f.signIn(t, newFedAgent(t), f.authorizeURL(url.Values{"identity_provider": {"Upstream"}}))
	if again["sub"] != claims["sub"] || again["email"] != "moved@example.com" {
		t.Fatalf("second sign-in %v", again)
	}
	byID := f.signIn(t, newFedAgent(t), f.authorizeURL(url.Values{"idp_identifier": {"upstream.example.com"}}))
	if byID["sub"] != claims["sub"] {
		t.Fatalf("by identifier %v", byID)
	}
}

// pageAt walks from start to the first page shown and checks its status
// and text.
func pageAt(t *testing.T, a *fedAgent, start string, status int, text string) {
	t.Helper()
	_, resp, body := a.follow(start, fedCallback)
	if resp.StatusCode != status || !strings.Contains(body, text) {
		t.Fatalf("want %d with %q, got %d:\n%s", status, text, resp.StatusCode, body)
	}
}

// A federated sign-in refuses what it cannot trust, on a clear page and
// never with a 500: a state not ours, a state from another browser, an ID
// token for another audience or from another issuer, a provider that is
// down; and an unknown provider goes back to the app as an OAuth error.
func TestFederatedOIDCRefusals(t *testing.T) {
	f := newFederation(t)

	// Unknown provider or identifier: an OAuth error for the app.
	a := newFedAgent(t)
	for _, q := range []url.Values{{"identity_provider": {"Nobody"}}, {"idp_identifier": {"nobody.example.com"}}} {
		final, _, _ := a.follow(f.authorizeURL(q), fedCallback)
		if u, _ := url.Parse(final); !strings.HasPrefix(final, fedCallback) || u.Query().Get("error") != "invalid_request" {
			t.Fatalf("%v answered %s", q, final)
		}
	}

	// Stop at the downstream's idpresponse to tamper with what comes back.
	toResponse := func(a *fedAgent, q url.Values) string {
		t.Helper()
		page, _, body := a.follow(f.authorizeURL(q), fedCallback)
		back := a.upstreamLogin(page, body, f.upUser)
		if !strings.HasPrefix(back, f.down.srv.URL+"/oauth2/idpresponse?") {
			t.Fatalf("upstream sent the browser to %s", back)
		}
		return back
	}
	byName := url.Values{"identity_provider": {"Upstream"}}
	back := toResponse(a, byName)
	u, _ := url.Parse(back)
	q := u.Query()
	q.Set("state", q.Get("state")+"x")
	pageAt(t, a, f.down.srv.URL+"/oauth2/idpresponse?"+q.Encode(), http.StatusBadRequest, "without a state this service issued")
	// The genuine answer in another browser: the state is not bound to it.
	pageAt(t, newFedAgent(t), back, http.StatusBadRequest, "was not started in this browser")

	// The provider refusing (the user cancelled there): the app hears
	// access_denied with its state.
	a4 := newFedAgent(t)
	resp, _ := a4.get(f.authorizeURL(byName))
	sent, _ := url.Parse(resp.Header.Get("Location"))
	if sent.Query().Get("code_challenge_method") != "S256" || sent.Query().Get("nonce") == "" || sent.Query().Get("redirect_uri") != f.down.srv.URL+"/oauth2/idpresponse" {
		t.Fatalf("sent to the provider with %s", sent)
	}
	final, _, _ := a4.follow(f.down.srv.URL+"/oauth2/idpresponse?"+url.Values{"state": {sent.Query().Get("state")}, "error": {"access_denied"}}.Encode(), fedCallback)
	if cb, _ := url.Parse(final); cb.Query().Get("error") != "access_denied" || cb.Query().Get("state") != "app-state" {
		t.Fatalf("refusal answered %s", final)
	}

	// Another issuer: the tokens of a second upstream pool, the provider
	// naming the first pool as its issuer with the second's endpoints.
	pool2, app2 := f.up.pool(types.UserPoolMfaTypeOff)
	user2 := f.up.user(pool2, app2)
	c2 := must(f.up.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &pool2, ClientName: aws.String("downstream"),
		GenerateSecret: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{f.down.srv.URL + "/oauth2/idpresponse"}}))(t).UserPoolClient
	d := f.oidcDetails()
	d["client_id"], d["client_secret"] = *c2.ClientId, *c2.ClientSecret
	d["authorize_url"], d["token_url"] = f.up.srv.URL+"/oauth2/authorize", f.up.srv.URL+"/oauth2/token"
	d["jwks_uri"] = f.up.srv.URL + "/" + pool2 + "/.well-known/jwks.json"
	f.provider(t, "Elsewhere", d, nil)
	must(f.down.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &f.downPool, ClientId: &f.app,
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{fedCallback},
		SupportedIdentityProviders: []string{"COGNITO", "Upstream", "Elsewhere"}}))(t)
	a2 := newFedAgent(t)
	page, _, body := a2.follow(f.authorizeURL(url.Values{"identity_provider": {"Elsewhere"}}), fedCallback)
	back = a2.upstreamLogin(page, body, user2)
	pageAt(t, a2, back, http.StatusBadRequest, "could not be verified")

	// An ID token for another audience: a token endpoint answering with a
	// genuine upstream ID token issued to another client of the pool.
	other := must(f.up.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &f.upPool, ClientName: aws.String("other"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t).UserPoolClient
	signed := must(f.up.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &f.upPool, ClientId: other.ClientId,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": f.upUser, "PASSWORD": password}}))(t)
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"id_token": *signed.AuthenticationResult.IdToken, "token_type": "Bearer"})
	}))
	defer foreign.Close()
	d = f.oidcDetails()
	d["authorize_url"], d["token_url"] = f.up.srv.URL+"/oauth2/authorize", foreign.URL
	d["jwks_uri"] = f.up.srv.URL + "/" + f.upPool + "/.well-known/jwks.json"
	must(f.down.c.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &f.downPool, ProviderName: aws.String("Elsewhere"),
		ProviderDetails: d}))(t)
	a3 := newFedAgent(t)
	page, _, body = a3.follow(f.authorizeURL(url.Values{"identity_provider": {"Elsewhere"}}), fedCallback)
	back = a3.upstreamLogin(page, body, f.upUser)
	pageAt(t, a3, back, http.StatusBadRequest, "could not be verified")

	// A provider that is down: a clear page, 502.
	down := f.oidcDetails()
	down["oidc_issuer"] = "http://127.0.0.1:1/" + f.upPool
	must(f.down.c.UpdateIdentityProvider(ctx, &cip.UpdateIdentityProviderInput{UserPoolId: &f.downPool, ProviderName: aws.String("Upstream"),
		ProviderDetails: down}))(t)
	pageAt(t, newFedAgent(t), f.authorizeURL(byName), http.StatusBadGateway, "cannot be reached")
}

// A provider identity linked to a user of the pool signs in as that user
// (the same sub either way); AdminDisableProviderForUser undoes the link,
// and the identity then signs in as a user of its own, which it disables
// in turn. Cognito's validation errors on the way.
func TestFederatedLinking(t *testing.T) {
	f := newFederation(t)
	upUser := must(f.up.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &f.upPool, Username: &f.upUser}))(t)
	var upSub string
	for _, at := range upUser.UserAttributes {
		if *at.Name == "sub" {
			upSub = *at.Value
		}
	}
	native, other := "native-user", "other-user"
	for _, n := range []string{native, other} {
		must(f.down.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &f.downPool, Username: aws.String(n), MessageAction: types.MessageActionTypeSuppress}))(t)
		must(f.down.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &f.downPool, Username: aws.String(n), Password: aws.String(password), Permanent: true}))(t)
	}
	pu := func(provider, attr, value string) *types.ProviderUserIdentifierType {
		return &types.ProviderUserIdentifierType{ProviderName: &provider, ProviderAttributeName: &attr, ProviderAttributeValue: &value}
	}
	link := func(dst, src *types.ProviderUserIdentifierType) error {
		_, err := f.down.c.AdminLinkProviderForUser(ctx, &cip.AdminLinkProviderForUserInput{UserPoolId: &f.downPool, DestinationUser: dst, SourceUser: src})
		return err
	}
	src := pu("Upstream", "Cognito_Subject", upSub)
	wantErr(t, link(pu("Upstream", "Cognito_Subject", native), src), "InvalidParameterException", "DestinationUser")
	wantErr(t, link(pu("Cognito", "", "nobody"), src), "UserNotFoundException", "")
	wantErr(t, link(pu("Cognito", "", native), pu("Nobody", "Cognito_Subject", upSub)), "InvalidParameterException", "Nobody")
	wantErr(t, link(pu("Cognito", "", native), pu("Upstream", "email", upSub)), "InvalidParameterException", "Cognito_Subject")
	must(0, link(pu("Cognito", "", native), src))(t)
	must(0, link(pu("Cognito", "", native), src))(t) // again: no change
	wantErr(t, link(pu("Cognito", "", other), src), "AliasExistsException", "")

	// Either way in, the same user.
	nat := must(f.down.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &f.downPool, Username: &native}))(t)
	var natSub string
	for _, at := range nat.UserAttributes {
		if *at.Name == "sub" {
			natSub = *at.Value
		}
	}
	claims := f.signIn(t, newFedAgent(t), f.authorizeURL(url.Values{"identity_provider": {"Upstream"}}))
	if claims["sub"] != natSub || claims["cognito:username"] != native {
		t.Fatalf("linked sign-in %v, native sub %s", claims, natSub)
	}
	ids, _ := claims["identities"].([]any)
	if len(ids) != 1 || ids[0].(map[string]any)["userId"] != upSub {
		t.Fatalf("identities %v", claims["identities"])
	}
	_, err := f.down.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &f.downPool, Username: aws.String("Upstream_" + upSub)})
	wantErr(t, err, "UserNotFoundException", "")

	// Undone: the identity signs in as a user of its own.
	disable := func(value string) error {
		_, err := f.down.c.AdminDisableProviderForUser(ctx, &cip.AdminDisableProviderForUserInput{UserPoolId: &f.downPool, User: pu("Upstream", "Cognito_Subject", value)})
		return err
	}
	wantErr(t, disable("no-such-subject"), "UserNotFoundException", "")
	must(0, disable(upSub))(t)
	own := f.signIn(t, newFedAgent(t), f.authorizeURL(url.Values{"identity_provider": {"Upstream"}}))
	if own["sub"] == natSub || own["cognito:username"] != "Upstream_"+upSub {
		t.Fatalf("unlinked sign-in %v", own)
	}
	nat = must(f.down.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &f.downPool, Username: &native}))(t)
	for _, at := range nat.UserAttributes {
		if *at.Name == "identities" {
			t.Fatalf("identities left on the unlinked user: %s", *at.Value)
		}
	}
	// An identity that signed in on its own cannot be linked (no merging).
	wantErr(t, link(pu("Cognito", "", native), src), "InvalidParameterException", "Merging")

	// Disabling it again disables its own user: its sign-in is refused.
	must(0, disable(upSub))(t)
	got := must(f.down.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &f.downPool, Username: aws.String("Upstream_" + upSub)}))(t)
	if got.Enabled {
		t.Fatal("the provider's user is still enabled")
	}
	a := newFedAgent(t)
	page, _, body := a.follow(f.authorizeURL(url.Values{"identity_provider": {"Upstream"}}), fedCallback)
	back := a.upstreamLogin(page, body, f.upUser)
	final, resp, body := a.follow(back, fedCallback)
	if resp.StatusCode >= 500 || strings.HasPrefix(final, fedCallback) || !strings.Contains(body, "disabled") {
		t.Fatalf("disabled user's sign-in answered %d at %s:\n%s", resp.StatusCode, final, body)
	}
}

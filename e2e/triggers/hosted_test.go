package triggers_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/lambdatest"
)

const callback = "http://app.test/callback"

// browser drives the hosted pages (cognatetest.Browser) for this
// package's tests.
type browser struct{ *cognatetest.Browser }

func (e *env) browser() *browser { return &browser{cognatetest.NewBrowser(e.t, e.srv.URL)} }

var requestField = regexp.MustCompile(`name="request" value="([^"]*)"`)

// page opens a hosted page for an authorization request and returns its
// sealed request.
func (b *browser) page(path string, q url.Values) string {
	b.T.Helper()
	resp, _ := b.Get("/oauth2/authorize?" + q.Encode())
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/login") {
		b.T.Fatalf("authorize answered %d %q", resp.StatusCode, loc)
	}
	_, body := b.Get(strings.Replace(loc, "/login", path, 1))
	m := requestField.FindStringSubmatch(body)
	if m == nil {
		b.T.Fatalf("no form on %s:\n%s", path, body)
	}
	return html.UnescapeString(m[1])
}

// signIn submits the sign-in page and returns the answer.
func (b *browser) signIn(q url.Values, username string) (*http.Response, string) {
	b.T.Helper()
	req := b.page("/login", q)
	return b.Post("/login", url.Values{"username": {username}, "password": {password}, "request": {req}, "_csrf": {b.Cookies["XSRF-TOKEN"]}})
}

// oauthClient adds a confidential client of the hosted pages allowing
// flow, with its secret.
func (e *env) oauthClient(poolID string, flow types.OAuthFlowType, scopes ...string) (id, secret string) {
	e.t.Helper()
	out, err := e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("web"),
		GenerateSecret: true, AllowedOAuthFlows: []types.OAuthFlowType{flow}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: scopes, CallbackURLs: []string{callback}, SupportedIdentityProviders: []string{"COGNITO"},
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		e.t.Fatal(err)
	}
	return *out.UserPoolClient.ClientId, *out.UserPoolClient.ClientSecret
}

// token posts to /oauth2/token as the client and decodes the answer.
func (e *env) token(clientID, secret string, form url.Values) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, m
}

// TokenGeneration_HostedAuth: a sign-in on the hosted pages calls the
// trigger once, with the granted OAuth scopes; its answer shapes the tokens
// the code is exchanged for; the refresh grant then calls it as
// TokenGeneration_RefreshTokens. A refusal shows the function's error on
// the sign-in page and sends no code.
func TestPreTokenGenerationHostedAuth(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(versioned(types.PreTokenGenerationLambdaVersionTypeV20))
	e.user(poolID, "hal", "staff")
	clientID, secret := e.oauthClient(poolID, types.OAuthFlowTypeCode, "openid", "email", "profile")
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsPreTokenGenResponseV2_0{ClaimsAndScopeOverrideDetails: events.ClaimsAndScopeOverrideDetailsV2_0{
			IDTokenGeneration:     events.IDTokenGenerationV2_0{ClaimsToAddOrOverride: map[string]any{"via": inv.Source()}},
			AccessTokenGeneration: events.AccessTokenGenerationV2_0{ClaimsToAddOrOverride: map[string]any{"via": inv.Source()}, ScopesToSuppress: []string{"profile"}},
			GroupOverrideDetails:  events.GroupConfigurationV2_0{GroupsToOverride: []string{"web"}},
		}}}
	})
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {callback}, "scope": {"openid email profile"},
		"state": {"s1"}, "nonce": {"n1"}}
	resp, body := e.browser().signIn(q, "hal")
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), callback) || loc.Query().Get("code") == "" {
		t.Fatalf("sign-in answered %d %q:\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "TokenGeneration_HostedAuth" {
		t.Fatalf("sources %s: the hosted sign-in calls the trigger once", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPreTokenGenV2_0
	_ = calls[0].Event(&ev)
	if ev.Version != "2" || ev.UserName != "hal" || ev.CallerContext.ClientID != clientID || !reflect.DeepEqual(ev.Request.Scopes, []string{"openid", "email", "profile"}) {
		t.Errorf("event %s", calls[0].Raw)
	}

	status, tok := e.token(clientID, secret, url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {callback}})
	if status != http.StatusOK {
		t.Fatalf("code exchange: %d %v", status, tok)
	}
	if n := len(emu.Calls()); n != 1 {
		t.Errorf("the code exchange called the trigger again (%d calls)", n)
	}
	id, access := claimsOf(t, tok["id_token"].(string)), claimsOf(t, tok["access_token"].(string))
	if id["via"] != "TokenGeneration_HostedAuth" || id["nonce"] != "n1" || !reflect.DeepEqual(strs(id["cognito:groups"]), []string{"web"}) {
		t.Errorf("ID token %v", id)
	}
	if access["via"] != "TokenGeneration_HostedAuth" || access["scope"] != "openid email" {
		t.Errorf("access token %v", access)
	}

	status, ref := e.token(clientID, secret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}})
	if status != http.StatusOK {
		t.Fatalf("refresh grant: %d %v", status, ref)
	}
	if v := claimsOf(t, ref["access_token"].(string))["via"]; v != "TokenGeneration_RefreshTokens" {
		t.Errorf("refreshed via %v", v)
	}
	calls = emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "TokenGeneration_HostedAuth,TokenGeneration_RefreshTokens" {
		t.Fatalf("sources %s", sources(calls))
	}

	// A refusal: the function's error on the sign-in page, no code.
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Error: "Not from this network"}
	})
	resp, body = e.browser().signIn(q, "hal")
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" ||
		!strings.Contains(body, "PreTokenGeneration failed with error Not from this network.") {
		t.Fatalf("refused sign-in answered %d %q:\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	checkLossless(t, emu.Calls())
}

// The implicit grant's tokens, sent from the page, carry the answer too.
func TestPreTokenGenerationHostedImplicit(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(v1())
	e.user(poolID, "ida")
	clientID, _ := e.oauthClient(poolID, types.OAuthFlowTypeImplicit, "openid", "email")
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsPreTokenGenResponse{ClaimsOverrideDetails: events.ClaimsOverrideDetails{
			ClaimsToAddOrOverride: map[string]string{"plan": "pro"}, ClaimsToSuppress: []string{"email"}}}}
	})
	resp, body := e.browser().signIn(url.Values{"response_type": {"token"}, "client_id": {clientID}, "redirect_uri": {callback},
		"scope": {"openid email"}, "nonce": {"n2"}}, "ida")
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc == nil {
		t.Fatalf("sign-in answered %d:\n%s", resp.StatusCode, body)
	}
	frag, _ := url.ParseQuery(loc.Fragment)
	id := claimsOf(t, frag.Get("id_token"))
	if id["plan"] != "pro" || id["nonce"] != "n2" {
		t.Errorf("ID token %v", id)
	}
	if _, ok := id["email"]; ok {
		t.Errorf("email not suppressed: %v", id)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "TokenGeneration_HostedAuth" {
		t.Fatalf("sources %s", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPreTokenGen
	_ = calls[0].Event(&ev)
	if ev.Version != "1" || strings.Contains(string(calls[0].Raw), `"scopes"`) {
		t.Errorf("V1_0 event %s", calls[0].Raw)
	}
}

// The hosted sign-up page runs PreSignUp_SignUp (through SignUp); a
// refusal shows the function's error on the page and creates no user.
func TestHostedSignUpCallsPreSignUp(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(&types.LambdaConfigType{PreSignUp: aws.String(fn)})
	clientID, _ := e.oauthClient(poolID, types.OAuthFlowTypeCode, "openid", "email")
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {callback}, "scope": {"openid email"}}
	signUp := func(name string) (*http.Response, string) {
		b := e.browser()
		req := b.page("/signup", q)
		return b.Post("/signup", url.Values{"username": {name}, "email": {name + "@example.com"}, "password": {password},
			"request": {req}, "_csrf": {b.Cookies["XSRF-TOKEN"]}})
	}
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsPreSignupResponse{AutoConfirmUser: true}}
	})
	if resp, body := signUp("joy"); resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-up answered %d:\n%s", resp.StatusCode, body)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "PreSignUp_SignUp" {
		t.Fatalf("sources %s", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPreSignup
	_ = calls[0].Event(&ev)
	if ev.UserName != "joy" || ev.Request.UserAttributes["email"] != "joy@example.com" || ev.CallerContext.ClientID != clientID {
		t.Errorf("event %s", calls[0].Raw)
	}
	u, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("joy")})
	if err != nil {
		t.Fatal(err)
	}
	if u.UserStatus != types.UserStatusTypeConfirmed {
		t.Errorf("status %s: autoConfirmUser not honoured", u.UserStatus)
	}

	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply { return lambdatest.Reply{Error: "Invitation only"} })
	resp, body := signUp("kim")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "PreSignUp failed with error Invitation only.") {
		t.Fatalf("refused sign-up answered %d:\n%s", resp.StatusCode, body)
	}
	checkLossless(t, emu.Calls())
	_, err = e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("kim")})
	wantErr(t, err, "UserNotFoundException", "")
}

// TokenGeneration_ClientCredentials: only a V3_0 function sees the
// client_credentials grant; its answer changes the app's access token. A
// V2_0 function is not called for it.
func TestPreTokenGenerationV3ClientCredentials(t *testing.T) {
	e := newEnv(t)
	for _, v := range []types.PreTokenGenerationLambdaVersionType{types.PreTokenGenerationLambdaVersionTypeV30, types.PreTokenGenerationLambdaVersionTypeV20} {
		poolID, _ := e.pool(versioned(v))
		if _, err := e.c.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: aws.String(poolID), Identifier: aws.String("orders"),
			Name: aws.String("orders"), Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")},
				{ScopeName: aws.String("write"), ScopeDescription: aws.String("write")}}}); err != nil {
			t.Fatal(err)
		}
		clientID, secret := e.oauthClient(poolID, types.OAuthFlowTypeClientCredentials, "orders/read", "orders/write")
		emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
			return lambdatest.Reply{Response: events.CognitoEventUserPoolsPreTokenGenResponseV2_0{ClaimsAndScopeOverrideDetails: events.ClaimsAndScopeOverrideDetailsV2_0{
				AccessTokenGeneration: events.AccessTokenGenerationV2_0{ClaimsToAddOrOverride: map[string]any{"partner": "acme", "sub": "forged"},
					ScopesToSuppress: []string{"orders/write"}}}}}
		})
		status, tok := e.token(clientID, secret, url.Values{"grant_type": {"client_credentials"}})
		if status != http.StatusOK {
			t.Fatalf("%s: client_credentials: %d %v", v, status, tok)
		}
		access := claimsOf(t, tok["access_token"].(string))
		calls := emu.Calls()
		checkLossless(t, calls)
		if v == types.PreTokenGenerationLambdaVersionTypeV20 {
			if len(calls) != 0 || access["partner"] != nil || access["scope"] != "orders/read orders/write" {
				t.Errorf("V2_0: %d calls, access token %v", len(calls), access)
			}
			continue
		}
		if sources(calls) != "TokenGeneration_ClientCredentials" {
			t.Fatalf("sources %s", sources(calls))
		}
		var ev events.CognitoEventUserPoolsPreTokenGenV2_0
		_ = calls[0].Event(&ev)
		if ev.Version != "3" || ev.CallerContext.ClientID != clientID || !reflect.DeepEqual(ev.Request.Scopes, []string{"orders/read", "orders/write"}) {
			t.Errorf("event %s", calls[0].Raw)
		}
		if access["partner"] != "acme" || access["sub"] != clientID || access["scope"] != "orders/read" {
			t.Errorf("access token %v", access)
		}
		// A refusal: no token.
		emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply { return lambdatest.Reply{Error: "unknown partner"} })
		status, tok = e.token(clientID, secret, url.Values{"grant_type": {"client_credentials"}})
		if status != http.StatusBadRequest || tok["access_token"] != nil || tok["error_description"] != "PreTokenGeneration failed with error unknown partner." {
			t.Errorf("refused: %d %v", status, tok)
		}
		checkLossless(t, emu.Calls())
	}
}

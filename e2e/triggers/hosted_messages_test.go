package triggers_test

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/lambdatest"
)

const hostedCallback = "http://app.test/cb"

// pkceChallenge is the S256 challenge of the verifier
// "a-verifier-of-at-least-forty-three-characters-long" (only the
// authorization step is exercised here).
var pkceChallenge = func() string {
	sum := sha256.Sum256([]byte("a-verifier-of-at-least-forty-three-characters-long"))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}()

// messagesAgent is a browser for the hosted pages: it keeps cookies and
// follows no redirects.
type messagesAgent struct {
	t       testing.TB
	base    string
	cookies map[string]string
	hc      *http.Client
}

func (e *env) messagesAgent() *messagesAgent {
	return &messagesAgent{t: e.t, base: e.srv.URL, cookies: map[string]string{},
		hc: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (a *messagesAgent) do(method, path string, form url.Values) (*http.Response, string) {
	a.t.Helper()
	var body io.Reader
	if form != nil {
		form.Set("_csrf", a.cookies["XSRF-TOKEN"])
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, a.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range a.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		a.cookies[c.Name] = c.Value
	}
	return resp, string(b)
}

// The hosted pages go through the same triggers: the sign-in page migrates
// a legacy user (UserMigration_Authentication) and the forgot-password page
// sends the CustomMessage function's text.
func TestHostedPagesCallMigrationAndCustomMessage(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(&types.LambdaConfigType{CustomMessage: aws.String(fn), UserMigration: aws.String(fn)})
	cl, err := e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("web"),
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{hostedCallback}})
	if err != nil {
		t.Fatal(err)
	}
	legacy := legacyDirectory("CONFIRMED", "SUPPRESS")
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		if strings.HasPrefix(inv.Source(), "UserMigration_") {
			return legacy(inv)
		}
		return customText(inv)
	})
	a := e.messagesAgent()
	q := url.Values{"response_type": {"code"}, "client_id": {*cl.UserPoolClient.ClientId}, "redirect_uri": {hostedCallback}, "scope": {"openid email"},
		"code_challenge": {pkceChallenge}, "code_challenge_method": {"S256"}}
	resp, _ := a.do(http.MethodGet, "/oauth2/authorize?"+q.Encode(), nil)
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/login") {
		t.Fatalf("authorize answered %d %q", resp.StatusCode, loc)
	}
	_, page := a.do(http.MethodGet, loc, nil)
	m := regexp.MustCompile(`name="request" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no sign-in page:\n%s", page)
	}
	request := html.UnescapeString(m[1])
	resp, page = a.do(http.MethodPost, "/login", url.Values{"username": {"oldhal"}, "password": {legacyPassword}, "request": {request}})
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, hostedCallback+"?code=") {
		t.Fatalf("sign-in answered %d %q:\n%s", resp.StatusCode, loc, page)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "UserMigration_Authentication" {
		t.Fatalf("sign-in page: sources %q", sources(calls))
	}

	emu.Handle(customText)
	resp, page = a.do(http.MethodPost, "/forgotPassword", url.Values{"username": {"oldhal"}, "request": {request}})
	if resp.StatusCode >= 400 {
		t.Fatalf("forgot-password page answered %d:\n%s", resp.StatusCode, page)
	}
	wantCustom(t, e, poolID, "oldhal", "CustomMessage_ForgotPassword", nil)
}

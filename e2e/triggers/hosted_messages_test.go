package triggers_test

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
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
	a := e.browser()
	q := url.Values{"response_type": {"code"}, "client_id": {*cl.UserPoolClient.ClientId}, "redirect_uri": {hostedCallback}, "scope": {"openid email"},
		"code_challenge": {pkceChallenge}, "code_challenge_method": {"S256"}}
	resp, _ := a.Get("/oauth2/authorize?" + q.Encode())
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/login") {
		t.Fatalf("authorize answered %d %q", resp.StatusCode, loc)
	}
	_, page := a.Get(loc)
	m := regexp.MustCompile(`name="request" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no sign-in page:\n%s", page)
	}
	request := html.UnescapeString(m[1])
	resp, page = a.Post("/login", url.Values{"username": {"oldhal"}, "password": {legacyPassword}, "request": {request}, "_csrf": {a.Cookies["XSRF-TOKEN"]}})
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, hostedCallback+"?code=") {
		t.Fatalf("sign-in answered %d %q:\n%s", resp.StatusCode, loc, page)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "UserMigration_Authentication" {
		t.Fatalf("sign-in page: sources %q", sources(calls))
	}

	emu.Handle(customText)
	resp, page = a.Post("/forgotPassword", url.Values{"username": {"oldhal"}, "request": {request}, "_csrf": {a.Cookies["XSRF-TOKEN"]}})
	if resp.StatusCode >= 400 {
		t.Fatalf("forgot-password page answered %d:\n%s", resp.StatusCode, page)
	}
	wantCustom(t, e, poolID, "oldhal", "CustomMessage_ForgotPassword", nil)
}

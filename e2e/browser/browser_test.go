// Package browser_test drives Cognate's hosted sign-in pages in a real
// browser (Debian's chromium, headless, through the DevTools protocol) on
// behalf of a relying party that knows Cognate only by its OpenID Connect
// discovery document: golang.org/x/oauth2 with PKCE and coreos/go-oidc.
package browser_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/chromedp/chromedp"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/pquerna/otp/totp"
	"golang.org/x/oauth2"
)

const chromiumPath = "/usr/bin/chromium"

// browser starts a headless chromium with a fresh profile, or skips the
// test when there is none (fails under CI=true).
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath
	if _, err := os.Stat(path); err != nil {
		if p, err := exec.LookPath("chromium"); err == nil {
			path = p
		} else if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is required in CI (apt-get install -y chromium): %v", err)
		} else {
			t.Skipf("chromium not found at %s: browser tests skipped", chromiumPath)
		}
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(720, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		chromedp.Cancel(bctx) // waits for chromium to exit before its profile is removed
		cancelBrowser()
		cancelAlloc()
	})
	if err := chromedp.Run(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// rp is a relying party: it starts sign-ins and checks what comes back.
type rp struct {
	srv      *httptest.Server
	provider *oidc.Provider
	conf     *oauth2.Config

	mu                     sync.Mutex
	state, nonce, verifier string
	results                chan result
}

// result is what one sign-in gave the relying party.
type result struct {
	err      error
	idToken  *oidc.IDToken
	claims   map[string]any
	userInfo map[string]any
	token    *oauth2.Token
	replay   error // exchanging the same code a second time
}

func (p *rp) start(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.state, p.nonce, p.verifier = oauth2.GenerateVerifier(), oauth2.GenerateVerifier(), oauth2.GenerateVerifier()
	u := p.conf.AuthCodeURL(p.state, oidc.Nonce(p.nonce), oauth2.S256ChallengeOption(p.verifier))
	p.mu.Unlock()
	http.Redirect(w, r, u, http.StatusFound)
}

func (p *rp) callback(w http.ResponseWriter, r *http.Request) {
	res := p.finish(r)
	if res.err != nil {
		http.Error(w, "sign-in failed: "+res.err.Error(), http.StatusBadRequest)
	} else {
		fmt.Fprintf(w, `<!doctype html><title>Signed in</title><h1 id="done">Signed in as %s</h1>`, res.claims["cognito:username"])
	}
	p.results <- res
}

func (p *rp) finish(r *http.Request) result {
	ctx := r.Context()
	p.mu.Lock()
	state, nonce, verifier := p.state, p.nonce, p.verifier
	p.mu.Unlock()
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return result{err: fmt.Errorf("%s: %s", e, q.Get("error_description"))}
	}
	if q.Get("state") != state {
		return result{err: errors.New("state does not match")}
	}
	tok, err := p.conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return result{err: fmt.Errorf("exchange: %w", err)}
	}
	_, replay := p.conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.provider.Verifier(&oidc.Config{ClientID: p.conf.ClientID}).Verify(ctx, raw)
	if err != nil {
		return result{err: fmt.Errorf("verify ID token: %w", err)}
	}
	if idt.Nonce != nonce {
		return result{err: fmt.Errorf("nonce %q, want %q", idt.Nonce, nonce)}
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return result{err: err}
	}
	ui, err := p.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return result{err: fmt.Errorf("userinfo: %w", err)}
	}
	var info map[string]any
	if err := ui.Claims(&info); err != nil {
		return result{err: err}
	}
	return result{idToken: idt, claims: claims, userInfo: info, token: tok, replay: replay}
}

func TestHostedSignInWithAuthenticator(t *testing.T) {
	bctx := browser(t)
	srv := cognatetest.Start(t)
	ctx := context.Background()
	admin := cip.New(cip.Options{Region: srv.Region, BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKeyID, srv.SecretAccessKey, "")})

	p := &rp{results: make(chan result, 4)}
	mux := http.NewServeMux()
	mux.HandleFunc("/start", p.start)
	mux.HandleFunc("/callback", p.callback)
	mux.HandleFunc("/bye", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>Signed out</title><h1 id="bye">Signed out</h1>`)
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)

	// A pool that requires an authenticator app, and a public OAuth client.
	pool, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("browser"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := *pool.UserPool.Id
	if _, err := admin.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}, MfaConfiguration: types.UserPoolMfaTypeOn}); err != nil {
		t.Fatal(err)
	}
	client, err := admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("Browser test app"),
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, SupportedIdentityProviders: []string{"COGNITO"},
		CallbackURLs: []string{p.srv.URL + "/callback"}, LogoutURLs: []string{p.srv.URL + "/bye"}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := *client.UserPoolClient.ClientId

	// The relying party knows Cognate by discovery alone.
	p.provider, err = oidc.NewProvider(ctx, srv.URL+"/"+poolID)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	p.conf = &oauth2.Config{ClientID: clientID, Endpoint: p.provider.Endpoint(), RedirectURL: p.srv.URL + "/callback",
		Scopes: []string{oidc.ScopeOpenID, "email"}}

	shots := filepath.Join("screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var png []byte
			if err := chromedp.CaptureScreenshot(&png).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644)
		})
	}
	run := func(step string, actions ...chromedp.Action) {
		t.Helper()
		sctx, cancel := context.WithTimeout(bctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Run(sctx, actions...); err != nil {
			var loc, body string
			chromedp.Run(bctx, chromedp.Location(&loc), chromedp.Text("body", &body, chromedp.ByQuery))
			t.Fatalf("%s: %v\nat %s\n%s", step, err, loc, body)
		}
	}
	text := func(sel string) string {
		t.Helper()
		var s string
		run("read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
		return strings.TrimSpace(s)
	}
	awaitResult := func() result {
		t.Helper()
		select {
		case res := <-p.results:
			if res.err != nil {
				t.Fatalf("relying party: %v", res.err)
			}
			return res
		case <-time.After(30 * time.Second):
			t.Fatal("the relying party got no callback")
		}
		return result{}
	}

	const username, email, password = "alice", "alice@example.com", "Corr3ct-Horse!"
	byQ := chromedp.ByQuery

	// Sign up, confirm with the emailed code.
	run("open the sign-in page",
		chromedp.Navigate(p.srv.URL+"/start"),
		chromedp.WaitVisible(`form[action="/login"]`, byQ), shot("01-login"),
		chromedp.Click(`a[href^="/signup"]`, byQ),
		chromedp.WaitVisible(`form[action="/signup"]`, byQ),
		chromedp.SendKeys("#username", username, byQ),
		chromedp.SendKeys("#email", email, byQ),
		chromedp.SendKeys("#password", "short", byQ),
		chromedp.Click(`form[action="/signup"] button`, byQ),
		chromedp.WaitVisible(`#password-error`, byQ), shot("02-signup-error"))
	if msg := text("#password-error"); !strings.Contains(msg, "Password did not conform") && !strings.Contains(msg, "assword") {
		t.Errorf("weak password error = %q", msg)
	}
	run("sign up",
		chromedp.SetValue("#password", password, byQ),
		chromedp.Click(`form[action="/signup"] button`, byQ),
		chromedp.WaitVisible(`form[action="/confirm"]`, byQ), shot("03-confirm"))
	confirmation := srv.LastCode(poolID, username)
	if confirmation == "" {
		t.Fatal("no confirmation code in the outbox")
	}
	run("confirm",
		chromedp.SendKeys("#code", confirmation, byQ),
		chromedp.Click(`form[action="/confirm"] button`, byQ),
		chromedp.WaitVisible(`form[action="/login"]`, byQ))

	// Sign in: the pool requires MFA and the user has none, so set-up.
	var secret string
	run("sign in and reach the authenticator set-up",
		chromedp.SendKeys("#password", password, byQ),
		chromedp.Click(`form[action="/login"] button`, byQ),
		chromedp.WaitVisible(`#secret`, byQ), shot("04-mfa-setup"),
		chromedp.Text("#secret", &secret, byQ))
	secret = strings.TrimSpace(secret)
	var svg int
	run("count the QR code", chromedp.Evaluate(`document.querySelectorAll(".qr svg path").length`, &svg))
	if svg != 1 || len(secret) < 16 {
		t.Fatalf("set-up page: secret %q, QR paths %d", secret, svg)
	}
	first, _ := totp.GenerateCode(secret, srv.Clock.Now())
	run("verify the authenticator",
		chromedp.SendKeys("#code", first, byQ),
		chromedp.Click(`form[action="/mfa/setup"] button`, byQ),
		chromedp.WaitVisible(`#done`, byQ), shot("05-callback"))
	res := awaitResult()
	if res.claims["cognito:username"] != username || res.claims["email"] != email || res.claims["token_use"] != "id" {
		t.Errorf("ID token claims: %v", res.claims)
	}
	if res.userInfo["email"] != email || res.userInfo["sub"] != res.idToken.Subject {
		t.Errorf("userInfo: %v", res.userInfo)
	}
	if res.token.RefreshToken == "" {
		t.Error("no refresh token")
	}
	var re *oauth2.RetrieveError
	if !errors.As(res.replay, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("a code used twice: %v, want invalid_grant", res.replay)
	}
	// The refresh token works at the token endpoint.
	fresh, err := p.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: res.token.RefreshToken}).Token()
	if err != nil || fresh.AccessToken == "" {
		t.Errorf("refresh_token grant: %v", err)
	}

	// Sign out through the hosted logout.
	run("sign out",
		chromedp.Navigate(srv.URL+"/logout?"+url.Values{"client_id": {clientID}, "logout_uri": {p.srv.URL + "/bye"}}.Encode()),
		chromedp.WaitVisible(`#bye`, byQ))

	// A second sign-in asks only for the code; a wrong code is refused on
	// the page. The code of the set-up is spent: the next one is a step on.
	srv.Clock.Advance(30 * time.Second)
	good, _ := totp.GenerateCode(secret, srv.Clock.Now())
	wrong := "000000"
	if wrong == good {
		wrong = "111111"
	}
	run("sign in again",
		chromedp.Navigate(p.srv.URL+"/start"),
		chromedp.WaitVisible(`form[action="/login"]`, byQ),
		chromedp.SendKeys("#username", username, byQ),
		chromedp.SendKeys("#password", password, byQ),
		chromedp.Click(`form[action="/login"] button`, byQ),
		chromedp.WaitVisible(`form[action="/mfa"]`, byQ),
		chromedp.SendKeys("#code", wrong, byQ),
		chromedp.Click(`form[action="/mfa"] button`, byQ),
		chromedp.WaitVisible(`#code-error`, byQ), shot("06-mfa-wrong-code"))
	if msg := text("#code-error"); msg != "Invalid code received for user" {
		t.Errorf("wrong code message = %q", msg)
	}
	var secretShown int
	run("check no set-up", chromedp.Evaluate(`document.querySelectorAll("#secret").length`, &secretShown))
	if secretShown != 0 {
		t.Error("the second sign-in showed the authenticator set-up again")
	}
	run("enter the right code",
		chromedp.SendKeys("#code", good, byQ),
		chromedp.Click(`form[action="/mfa"] button`, byQ),
		chromedp.WaitVisible(`#done`, byQ))
	res2 := awaitResult()
	if res2.idToken.Subject != res.idToken.Subject {
		t.Errorf("second sign-in sub %s, first %s", res2.idToken.Subject, res.idToken.Subject)
	}
}

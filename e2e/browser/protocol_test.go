package browser_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
)

// TestOAuthRefusals checks, without a browser, what the endpoints refuse:
// an unregistered redirect URI, a public client without PKCE, forms
// without their CSRF token, and codes presented with the wrong verifier or
// redirect URI.
func TestOAuthRefusals(t *testing.T) {
	srv := cognatetest.Start(t)
	ctx := context.Background()
	admin := cip.New(cip.Options{Region: srv.Region, BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKeyID, srv.SecretAccessKey, "")})
	pool, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("plain")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := *pool.UserPool.Id
	const cb, bye = "http://app.test/cb", "http://app.test/bye"
	client, err := admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("app"),
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid"}, CallbackURLs: []string{cb}, LogoutURLs: []string{bye}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := *client.UserPoolClient.ClientId
	if _, err := admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("bob"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String("bob"), Password: aws.String("Corr3ct-Horse!"), Permanent: true}); err != nil {
		t.Fatal(err)
	}

	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string, q url.Values) *http.Response {
		t.Helper()
		resp, err := hc.Get(srv.URL + path + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	verifier := "a-verifier-of-enough-length-0123456789-abcdefghij"
	sum := sha256.Sum256([]byte(verifier))
	authz := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {cb}, "state": {"st"},
		"scope": {"openid"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for key, vals := range authz {
			q[key] = vals
		}
		q.Set(k, v)
		return q
	}

	if r := get("/oauth2/authorize", with("redirect_uri", cb+"/other")); r.StatusCode != 400 || r.Header.Get("Location") != "" {
		t.Errorf("unregistered redirect_uri: %d, Location %q", r.StatusCode, r.Header.Get("Location"))
	}
	noPKCE := with("code_challenge", "")
	noPKCE.Del("code_challenge_method")
	if loc := get("/oauth2/authorize", noPKCE).Header.Get("Location"); !strings.HasPrefix(loc, cb+"?") || !strings.Contains(loc, "error=invalid_request") || !strings.Contains(loc, "state=st") {
		t.Errorf("public client without PKCE: Location %q", loc)
	}
	if loc := get("/logout", url.Values{"client_id": {clientID}, "logout_uri": {"http://evil.test/"}}).Header.Get("Location"); loc != "" {
		t.Errorf("unregistered logout_uri redirected to %q", loc)
	}

	r := get("/oauth2/authorize", authz)
	loginURL, _ := url.Parse(r.Header.Get("Location"))
	page := get(loginURL.Path, loginURL.Query())
	if page.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(page.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("login page headers: %v", page.Header)
	}
	if c := page.Header.Get("Set-Cookie"); !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
		t.Errorf("cookie %q", c)
	}
	var body strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := page.Body.Read(buf)
		body.Write(buf[:n])
		if err != nil {
			break
		}
	}
	field := func(name string) string {
		m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(body.String())
		if m == nil {
			t.Fatalf("no %s field in the page", name)
		}
		return html.UnescapeString(m[1])
	}
	form := url.Values{"request": {field("request")}, "username": {"bob"}, "password": {"Corr3ct-Horse!"}}
	post := func(path string, f url.Values) *http.Response {
		t.Helper()
		resp, err := hc.PostForm(srv.URL+path, f)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	if r := post("/login", form); r.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in without the CSRF token: %d", r.StatusCode)
	}
	form.Set("_csrf", field("_csrf"))
	back, _ := url.Parse(post("/login", form).Header.Get("Location"))
	code := back.Query().Get("code")
	if code == "" || back.Query().Get("state") != "st" {
		t.Fatalf("no code in %v", back)
	}
	exchange := func(redirect, verifier string) (int, map[string]any) {
		t.Helper()
		r := post("/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {clientID}, "code": {code},
			"redirect_uri": {redirect}, "code_verifier": {verifier}})
		var out map[string]any
		json.NewDecoder(r.Body).Decode(&out)
		return r.StatusCode, out
	}
	if st, out := exchange(cb, verifier+"x"); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("wrong verifier: %d %v", st, out)
	}
	if st, out := exchange(cb+"/other", verifier); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("wrong redirect_uri: %d %v", st, out)
	}
	if st, out := exchange(cb, verifier); st != 200 || out["id_token"] == nil || out["token_type"] != "Bearer" {
		t.Errorf("exchange: %d %v", st, out)
	}
	if st, out := exchange(cb, verifier); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("second exchange: %d %v", st, out)
	}
}

// Package browser_test tests Cognate's hosted pages and OAuth 2.0 / OIDC
// endpoints over HTTP, the way a browser without script or a relying party
// sees them. The walk through the pages in Chromium is hosted.test.mjs,
// beside these files, with the Go relying party in harness/.
package browser_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
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

var ctx = context.Background()

const password = "Corr3ct-Horse!"

// site is a server with an admin SDK client.
type site struct {
	t     *testing.T
	srv   *cognatetest.Server
	admin *cip.Client
}

func newSite(t *testing.T, opts ...cognatetest.Option) *site {
	t.Helper()
	srv := cognatetest.Start(t, opts...)
	return &site{t: t, srv: srv, admin: cip.New(cip.Options{Region: srv.Region, BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKeyID, srv.SecretAccessKey, "")})}
}

func (s *site) pool(in *cip.CreateUserPoolInput) string {
	s.t.Helper()
	if in == nil {
		in = &cip.CreateUserPoolInput{}
	}
	if in.PoolName == nil {
		in.PoolName = aws.String("hosted")
	}
	p, err := s.admin.CreateUserPool(ctx, in)
	if err != nil {
		s.t.Fatal(err)
	}
	return *p.UserPool.Id
}

const cb, bye = "http://app.test/cb", "http://app.test/bye"

// client creates an OAuth app client of the code grant; adjust changes the
// request before it is sent.
func (s *site) client(poolID string, adjust func(*cip.CreateUserPoolClientInput)) *types.UserPoolClientType {
	s.t.Helper()
	in := &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("app"),
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{cb}, LogoutURLs: []string{bye}}
	if adjust != nil {
		adjust(in)
	}
	c, err := s.admin.CreateUserPoolClient(ctx, in)
	if err != nil {
		s.t.Fatal(err)
	}
	return c.UserPoolClient
}

// user creates a confirmed user with the test password and a verified email.
func (s *site) user(poolID, name string) {
	s.t.Helper()
	_, err := s.admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &name, MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}, {Name: aws.String("email_verified"), Value: aws.String("true")}}})
	if err == nil {
		_, err = s.admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name, Password: aws.String(password), Permanent: true})
	}
	if err != nil {
		s.t.Fatal(err)
	}
}

// agent is a cookie-keeping HTTP client that follows no redirects and,
// unlike net/http/cookiejar, also sends Secure cookies over http, so that a
// server whose public URL is https can be driven on its loopback address.
type agent struct {
	t       *testing.T
	base    string
	cookies map[string]string
	hc      *http.Client
	last    string // the last page's body
}

func (s *site) agent() *agent {
	return &agent{t: s.t, base: s.srv.URL, cookies: map[string]string{},
		hc: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is an answer with its body read.
type response struct {
	*http.Response
	body string
}

// location is the redirect target, parsed.
func (r *response) location() *url.URL {
	u, _ := url.Parse(r.Header.Get("Location"))
	return u
}

// setCookie returns the Set-Cookie header of the named cookie, "" if none.
func (r *response) setCookie(name string) string {
	for _, c := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, name+"=") {
			return c
		}
	}
	return ""
}

func (b *agent) do(req *http.Request) *response {
	b.t.Helper()
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	r := &response{Response: resp, body: string(body)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		b.last = r.body
	}
	return r
}

// get fetches a path (or an absolute URL of the server).
func (b *agent) get(path string) *response {
	b.t.Helper()
	if strings.HasPrefix(path, "/") {
		path = b.base + path
	}
	req, _ := http.NewRequest(http.MethodGet, path, nil)
	return b.do(req)
}

// follow fetches redirects of the server until a page or a redirect
// elsewhere (the client's callback).
func (b *agent) follow(r *response) *response {
	b.t.Helper()
	for i := 0; i < 10 && r.StatusCode == http.StatusFound; i++ {
		loc := r.location()
		if loc.Host != "" && !strings.HasPrefix(r.Header.Get("Location"), b.base) {
			return r
		}
		r = b.get(loc.String())
	}
	return r
}

// post submits form to path, adding the CSRF token and, unless set, the
// sealed request and flow of the last page.
func (b *agent) post(path string, form url.Values) *response {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has("_csrf") {
		form.Set("_csrf", b.cookies["XSRF-TOKEN"])
	}
	for _, k := range []string{"request", "flow"} {
		if !form.Has(k) {
			if v := b.field(k); v != "" {
				form.Set(k, v)
			}
		}
	}
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// field returns the value of the last page's input named name ("" if none).
func (b *agent) field(name string) string {
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(b.last)
	if m == nil {
		m = regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" type="[a-z]+" value="([^"]*)"`).FindStringSubmatch(b.last)
	}
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// errorText returns the text of the element with the id, "" if none.
func errorText(body, id string) string {
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// pkce is a verifier with its S256 challenge.
type pkce struct{ verifier, challenge string }

func newPKCE(seed string) pkce {
	v := "verifier-" + seed + "-0123456789-abcdefghijklmnopqrstuvwxyz"
	sum := sha256.Sum256([]byte(v))
	return pkce{v, base64.RawURLEncoding.EncodeToString(sum[:])}
}

// authorizeQuery is a code request of clientID with PKCE.
func authorizeQuery(clientID string, pk pkce) url.Values {
	return url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {cb}, "state": {"st"},
		"scope": {"openid email"}, "code_challenge": {pk.challenge}, "code_challenge_method": {"S256"}}
}

// signIn goes from /oauth2/authorize through the password page and returns
// the answer to the password (a page, or the redirect to the callback).
func (b *agent) signIn(q url.Values, username, pw string) *response {
	b.t.Helper()
	page := b.follow(b.get("/oauth2/authorize?" + q.Encode()))
	if !strings.Contains(page.body, `action="/login"`) {
		b.t.Fatalf("no sign-in page: %d %s", page.StatusCode, page.body)
	}
	return b.post("/login", url.Values{"username": {username}, "password": {pw}})
}

// code returns the code of a redirect to the callback.
func code(t *testing.T, r *response) string {
	t.Helper()
	loc := r.location()
	if r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), cb+"?") || loc.Query().Get("code") == "" {
		t.Fatalf("want a redirect to the callback with a code, got %d %q\n%s", r.StatusCode, r.Header.Get("Location"), r.body)
	}
	return loc.Query().Get("code")
}

// tokenCall posts a form to a token-side endpoint (token, revoke) with
// optional HTTP Basic credentials; it returns the status and the JSON body.
func tokenCall(t *testing.T, s *site, path string, form url.Values, basicID, basicSecret string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// exchange redeems a code for clientID (a public client).
func exchange(t *testing.T, s *site, clientID, code, verifier string) (int, map[string]any) {
	t.Helper()
	return tokenCall(t, s, "/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {clientID}, "code": {code},
		"redirect_uri": {cb}, "code_verifier": {verifier}}, "", "")
}

package console_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/app"
	"github.com/cognate-idp/cognate/internal/console"
)

var ctx = context.Background()

const password = "Corr3ct-Horse!"

// site is a server, an admin SDK client, and a pool with an app client.
type site struct {
	t      *testing.T
	srv    *cognatetest.Server
	admin  *cip.Client
	pool   string
	client string
}

func newSite(t *testing.T) *site {
	t.Helper()
	srv := cognatetest.Start(t)
	s := &site{t: t, srv: srv, admin: cip.New(cip.Options{Region: srv.Region, BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKeyID, srv.SecretAccessKey, "")})}
	p, err := s.admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("console")})
	if err != nil {
		t.Fatal(err)
	}
	s.pool = *p.UserPool.Id
	c, err := s.admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &s.pool, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}
	s.client = *c.UserPoolClient.ClientId
	return s
}

func (s *site) user(name string) {
	s.t.Helper()
	_, err := s.admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &s.pool, Username: &name, MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")}}})
	if err == nil {
		_, err = s.admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &s.pool, Username: &name, Password: aws.String(password), Permanent: true})
	}
	if err != nil {
		s.t.Fatal(err)
	}
}

func (s *site) enabled(name string) bool {
	s.t.Helper()
	u, err := s.admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &s.pool, Username: &name})
	if err != nil {
		s.t.Fatal(err)
	}
	return u.Enabled
}

// browser is a cookie-keeping client that follows no redirects.
type browser struct {
	t       *testing.T
	base    string
	cookies map[string]string
	hc      *http.Client
}

func (s *site) browser() *browser {
	return &browser{t: s.t, base: s.srv.URL + console.Prefix, cookies: map[string]string{},
		hc: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	*http.Response
	body string
}

func (b *browser) do(req *http.Request) *response {
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
	return &response{Response: resp, body: string(body)}
}

func (b *browser) get(path string) *response {
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values, header ...string) *response {
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// csrf is the CSRF token of a page's forms.
func csrf(t *testing.T, r *response) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no CSRF token on the page (status %d): %.300s", r.StatusCode, r.body)
	}
	return html.UnescapeString(m[1])
}

// signIn signs in with the keys and returns the CSRF token of the session.
func (b *browser) signIn(id, secret string) *response {
	b.t.Helper()
	page := b.get("/login")
	return b.post("/login", url.Values{"_csrf": {csrf(b.t, page)}, "access_key_id": {id}, "secret_access_key": {secret}})
}

func (s *site) signedIn() (*browser, string) {
	s.t.Helper()
	b := s.browser()
	if r := b.signIn(s.srv.AccessKeyID, s.srv.SecretAccessKey); r.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("sign-in: %d %.300s", r.StatusCode, r.body)
	}
	home := b.get("/")
	if home.StatusCode != http.StatusOK {
		s.t.Fatalf("home after sign-in: %d", home.StatusCode)
	}
	return b, csrf(s.t, home)
}

func TestConsoleSignIn(t *testing.T) {
	s := newSite(t)
	for _, tc := range []struct{ name, id, secret string }{
		{"wrong secret", s.srv.AccessKeyID, s.srv.SecretAccessKey + "x"},
		{"secret cut short", s.srv.AccessKeyID, s.srv.SecretAccessKey[:len(s.srv.SecretAccessKey)-1]},
		{"unknown key id", "AKNOTTHEKEY", s.srv.SecretAccessKey},
		{"empty secret", s.srv.AccessKeyID, ""},
		{"key id as secret", s.srv.AccessKeyID, s.srv.AccessKeyID},
		{"last character changed", s.srv.AccessKeyID, s.srv.SecretAccessKey[:len(s.srv.SecretAccessKey)-1] + "!"},
		{"first character changed", s.srv.AccessKeyID, "!" + s.srv.SecretAccessKey[1:]},
	} {
		b := s.browser()
		r := b.signIn(tc.id, tc.secret)
		if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.body, "is wrong") {
			t.Errorf("%s: %d %.200s", tc.name, r.StatusCode, r.body)
		}
		if _, ok := b.cookies["cognate_console"]; ok {
			t.Errorf("%s: a session cookie was set", tc.name)
		}
		if r := b.get("/"); r.StatusCode != http.StatusSeeOther || !strings.HasSuffix(r.Header.Get("Location"), "/login") {
			t.Errorf("%s: the console answered %d without a session", tc.name, r.StatusCode)
		}
	}

	b := s.browser()
	r := b.signIn(s.srv.AccessKeyID, s.srv.SecretAccessKey)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in with the admin keys: %d %.300s", r.StatusCode, r.body)
	}
	var set string
	for _, c := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "cognate_console=") {
			set = c
		}
	}
	for _, attr := range []string{"HttpOnly", "SameSite=Strict", "Path=/_cognate/console", "Max-Age=28800"} {
		if !strings.Contains(set, attr) {
			t.Errorf("session cookie %q lacks %s", set, attr)
		}
	}
	if strings.Contains(set, s.srv.SecretAccessKey) || strings.Contains(set, s.srv.AccessKeyID) {
		t.Error("the session cookie carries the keys in clear")
	}
	home := b.get("/")
	if home.StatusCode != http.StatusOK || !strings.Contains(home.body, s.pool) {
		t.Fatalf("pools page: %d %.300s", home.StatusCode, home.body)
	}
	// Signing out ends the session in this browser.
	if r := b.post("/logout", url.Values{"_csrf": {csrf(t, home)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", r.StatusCode)
	}
	if r := b.get("/"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out: %d", r.StatusCode)
	}
}

// The sign-in form itself is protected: a POST without the form's own token
// (a login CSRF, planting the attacker's session) is refused.
func TestConsoleSignInNeedsItsForm(t *testing.T) {
	s := newSite(t)
	keys := url.Values{"access_key_id": {s.srv.AccessKeyID}, "secret_access_key": {s.srv.SecretAccessKey}}
	b := s.browser()
	if r := b.post("/login", keys); r.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in without the form's cookie: %d", r.StatusCode)
	}
	b = s.browser()
	b.get("/login")
	keys.Set("_csrf", "forged")
	if r := b.post("/login", keys); r.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in with a forged token: %d", r.StatusCode)
	}
	if _, ok := b.cookies["cognate_console"]; ok {
		t.Error("a session cookie was set")
	}
}

func TestConsoleCSRF(t *testing.T) {
	s := newSite(t)
	s.user("alice")
	b, token := s.signedIn()
	other, otherToken := s.signedIn()
	_ = other
	disable := func(tok string, header ...string) *response {
		f := url.Values{"pool": {s.pool}, "u": {"alice"}, "action": {"disable"}}
		if tok != "" {
			f.Set("_csrf", tok)
		}
		return b.post("/user", f, header...)
	}
	for _, tc := range []struct {
		name   string
		token  string
		header []string
	}{
		{"no token", "", nil},
		{"forged token", strings.Repeat("A", len(token)), nil},
		{"token of another session", otherToken, nil},
		{"token cut short", token[:len(token)-1], nil},
		{"cross-origin POST", token, []string{"Origin", "http://evil.test"}},
	} {
		r := disable(tc.token, tc.header...)
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d", tc.name, r.StatusCode)
		}
		if !s.enabled("alice") {
			t.Fatalf("%s: the user was disabled", tc.name)
		}
	}
	r := disable(token, "Origin", s.srv.URL)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable with the session's token: %d %.300s", r.StatusCode, r.body)
	}
	if s.enabled("alice") {
		t.Fatal("the user is still enabled")
	}
	// Without a session a POST is refused whatever it carries.
	anon := s.browser()
	if r := anon.post("/user", url.Values{"pool": {s.pool}, "u": {"alice"}, "action": {"enable"}, "_csrf": {token}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("POST without a session: %d", r.StatusCode)
	}
	if s.enabled("alice") {
		t.Fatal("a POST without a session enabled the user")
	}
}

func TestConsoleCookieTampering(t *testing.T) {
	s := newSite(t)
	b, _ := s.signedIn()
	good := b.cookies["cognate_console"]
	refused := func(name, value string) {
		t.Helper()
		b.cookies["cognate_console"] = value
		if r := b.get("/"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: %d", name, r.StatusCode)
		}
	}
	for i := 0; i < len(good); i += 7 {
		c := []byte(good)
		if c[i] == 'A' {
			c[i] = 'B'
		} else {
			c[i] = 'A'
		}
		refused(fmt.Sprintf("byte %d changed", i), string(c))
	}
	refused("cut", good[:len(good)-4])
	refused("extended", good+"AAAA")
	refused("empty", "")
	// The sign-in form's cookie is sealed for another purpose.
	b2 := s.browser()
	b2.get("/login")
	refused("the login cookie as a session", b2.cookies["cognate_console_login"])
	// A session of another server (another master key) with the same keys.
	other := newSite(t)
	ob, _ := other.signedIn()
	refused("another server's session", ob.cookies["cognate_console"])

	b.cookies["cognate_console"] = good
	if r := b.get("/"); r.StatusCode != http.StatusOK {
		t.Fatalf("the genuine cookie: %d", r.StatusCode)
	}
	// Sessions expire.
	s.srv.Clock.Advance(console.SessionTTL - time.Minute)
	if r := b.get("/"); r.StatusCode != http.StatusOK {
		t.Fatalf("before expiry: %d", r.StatusCode)
	}
	s.srv.Clock.Advance(2 * time.Minute)
	refused("expired", good)
}

// newApp assembles a server without a listener, so that a request can come
// from any address.
func newApp(t *testing.T, mode string) http.Handler {
	return newAppIn(t, t.TempDir(), mode, "console-secret")
}

func newAppIn(t *testing.T, dir, mode, secret string) http.Handler {
	t.Helper()
	a, err := app.New(ctx, app.Options{DataDir: dir, AccessKeyID: "AKCONSOLE", SecretAccessKey: secret, Console: mode,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, "http://127.0.0.1:9229")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Shutdown(ctx) })
	return a.Handler
}

func TestConsoleLoopbackOnly(t *testing.T) {
	get := func(h http.Handler, remote string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9229/_cognate/console/login", nil)
		req.RemoteAddr = remote
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	for _, mode := range []string{"", app.ConsoleLoopback} {
		h := newApp(t, mode)
		for _, remote := range []string{"127.0.0.1:5000", "[::1]:5000"} {
			if w := get(h, remote); w.Code != http.StatusOK {
				t.Errorf("mode %q, %s: %d", mode, remote, w.Code)
			}
		}
		for _, remote := range []string{"192.0.2.7:5000", "[2001:db8::1]:5000", "10.0.0.1:1"} {
			if w := get(h, remote); w.Code != http.StatusForbidden {
				t.Errorf("mode %q, %s: %d", mode, remote, w.Code)
			}
		}
		// Forwarding headers are not believed.
		if w := get(h, "192.0.2.7:5000", "X-Forwarded-For", "127.0.0.1", "X-Real-IP", "127.0.0.1"); w.Code != http.StatusForbidden {
			t.Errorf("mode %q, forwarded from loopback: %d", mode, w.Code)
		}
		// The static files are the console's too.
		req := httptest.NewRequest(http.MethodGet, "http://x/_cognate/console/static/console.css", nil)
		req.RemoteAddr = "192.0.2.7:5000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusForbidden {
			t.Errorf("mode %q, static file from afar: %d", mode, w.Code)
		}
	}
	h := newApp(t, app.ConsoleAnywhere)
	if w := get(h, "192.0.2.7:5000"); w.Code != http.StatusOK {
		t.Errorf("anywhere: %d", w.Code)
	}
	h = newApp(t, app.ConsoleOff)
	if w := get(h, "127.0.0.1:5000"); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "access_key_id") {
		t.Errorf("off: %d", w.Code)
	}
	if _, err := app.New(ctx, app.Options{DataDir: t.TempDir(), Console: "everywhere"}, "http://127.0.0.1:9229"); err == nil {
		t.Error("an unknown console mode was accepted")
	}
}

func TestConsoleUserSearch(t *testing.T) {
	s := newSite(t)
	for i := range 70 {
		s.user(fmt.Sprintf("user%03d", i))
	}
	s.user("zed")
	b, _ := s.signedIn()
	r := b.get("/users?" + url.Values{"pool": {s.pool}, "attr": {"username"}, "match": {"prefix"}, "q": {"user06"}}.Encode())
	if r.StatusCode != http.StatusOK {
		t.Fatalf("search: %d %.300s", r.StatusCode, r.body)
	}
	for i := range 10 {
		if !strings.Contains(r.body, fmt.Sprintf(">user06%d<", i)) {
			t.Errorf("user06%d not found", i)
		}
	}
	if strings.Contains(r.body, ">user059<") || strings.Contains(r.body, ">zed<") {
		t.Error("the search found users that do not match")
	}
	r = b.get("/users?" + url.Values{"pool": {s.pool}, "attr": {"email"}, "match": {"equals"}, "q": {"zed@example.com"}}.Encode())
	if !strings.Contains(r.body, ">zed<") || strings.Contains(r.body, ">user000<") {
		t.Errorf("search by email: %.300s", r.body)
	}
	// A page holds one ListUsers call's worth; the rest is a link away.
	all := b.get("/users?pool=" + s.pool)
	if n := strings.Count(all.body, `data-label="Username"`); n != 60 {
		t.Errorf("first page holds %d users, want 60", n)
	}
	next := regexp.MustCompile(`href="([^"]*)">Next page`).FindStringSubmatch(all.body)
	if next == nil {
		t.Fatal("no next page")
	}
	u := html.UnescapeString(next[1])
	second := b.get(strings.TrimPrefix(u, console.Prefix))
	if n := strings.Count(second.body, `data-label="Username"`); n != 11 {
		t.Errorf("second page holds %d users, want 11", n)
	}
	// Filters are ListUsers' own: a quote in the value cannot break out.
	r = b.get("/users?" + url.Values{"pool": {s.pool}, "attr": {"username"}, "q": {`" or username ^= "`}}.Encode())
	if r.StatusCode != http.StatusOK || strings.Contains(r.body, ">zed<") {
		t.Errorf("quoted search: %d", r.StatusCode)
	}
	if r := b.get("/users?" + url.Values{"pool": {s.pool}, "attr": {"password"}, "q": {"x"}}.Encode()); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "InvalidParameterException") {
		t.Errorf("unknown attribute: %d", r.StatusCode)
	}
	if r := b.get("/users?pool=us-east-1_nothere1"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown pool: %d", r.StatusCode)
	}
}

func TestConsoleTokenInspector(t *testing.T) {
	s := newSite(t)
	s.user("alice")
	auth, err := cip.New(cip.Options{Region: s.srv.Region, BaseEndpoint: aws.String(s.srv.URL), RetryMaxAttempts: 1}).InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: &s.client, AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": password}})
	if err != nil {
		t.Fatal(err)
	}
	access, id := *auth.AuthenticationResult.AccessToken, *auth.AuthenticationResult.IdToken
	b, token := s.signedIn()
	inspect := func(jwt string) string {
		t.Helper()
		r := b.post("/tokens", url.Values{"_csrf": {token}, "token": {jwt}})
		if r.StatusCode != http.StatusOK {
			t.Fatalf("inspect: %d %.300s", r.StatusCode, r.body)
		}
		m := regexp.MustCompile(`id="verdict">([^<]*)<`).FindStringSubmatch(r.body)
		if m == nil {
			return html.UnescapeString(r.body)
		}
		return html.UnescapeString(m[1])
	}
	expect := func(name, jwt, want string) {
		t.Helper()
		if got := inspect(jwt); !strings.Contains(got, want) {
			t.Errorf("%s: verdict %q, want %q", name, got, want)
		}
	}
	expect("access token", access, "Accepted: a genuine token of pool "+s.pool)
	expect("ID token", id, "Accepted")
	if r := b.post("/tokens", url.Values{"_csrf": {token}, "token": {access}}); !strings.Contains(r.body, "alice") || !strings.Contains(r.body, "token_use") {
		t.Error("the claims are not shown")
	}
	parts := strings.Split(access, ".")
	sig := []byte(parts[2])
	sig[10] ^= 1
	expect("signature changed", parts[0]+"."+parts[1]+"."+string(sig), "does not verify")
	expect("not a JWT", "abc.def", "Not a JWT")
	// Another server's token names a pool this one does not have.
	other := newSite(t)
	other.user("alice")
	oa, err := cip.New(cip.Options{Region: other.srv.Region, BaseEndpoint: aws.String(other.srv.URL), RetryMaxAttempts: 1}).InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: &other.client, AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": password}})
	if err != nil {
		t.Fatal(err)
	}
	expect("another server's token", *oa.AuthenticationResult.AccessToken, "No pool of this server")

	if _, err := s.admin.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: &s.pool, Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	expect("signed out everywhere", access, "revoked")
	s.srv.Clock.Advance(2 * time.Hour)
	expect("expired", id, "Expired at")
	// Without the session's CSRF token nothing is inspected.
	if r := b.post("/tokens", url.Values{"token": {access}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("inspect without CSRF: %d", r.StatusCode)
	}
}

// A session ends when the admin secret it was opened with is replaced, even
// on a server keeping the same master key.
func TestConsoleSessionEndsWhenKeysChange(t *testing.T) {
	dir := t.TempDir()
	do := func(h http.Handler, method, path, cookie string, form url.Values) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "http://127.0.0.1:9229"+console.Prefix+path, strings.NewReader(form.Encode()))
		req.RemoteAddr = "127.0.0.1:5000"
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	h := newAppIn(t, dir, "", "first-secret")
	page := do(h, http.MethodGet, "/login", "", nil)
	token := csrf(t, &response{body: page.Body.String()})
	login := strings.Split(page.Header().Get("Set-Cookie"), ";")[0]
	w := do(h, http.MethodPost, "/login", login, url.Values{"_csrf": {token}, "access_key_id": {"AKCONSOLE"}, "secret_access_key": {"first-secret"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", w.Code)
	}
	var session string
	for _, c := range w.Result().Cookies() {
		if c.Name == "cognate_console" {
			session = c.Name + "=" + c.Value
		}
	}
	if w := do(h, http.MethodGet, "/", session, nil); w.Code != http.StatusOK {
		t.Fatalf("with the session: %d", w.Code)
	}
	same := newAppIn(t, dir, "", "first-secret")
	if w := do(same, http.MethodGet, "/", session, nil); w.Code != http.StatusOK {
		t.Fatalf("a restarted server with the same keys: %d", w.Code)
	}
	changed := newAppIn(t, dir, "", "second-secret")
	if w := do(changed, http.MethodGet, "/", session, nil); w.Code != http.StatusSeeOther {
		t.Errorf("a server with a new secret took the old session: %d", w.Code)
	}
}

func TestConsoleUserActions(t *testing.T) {
	s := newSite(t)
	s.user("alice")
	anon := cip.New(cip.Options{Region: s.srv.Region, BaseEndpoint: aws.String(s.srv.URL), RetryMaxAttempts: 1})
	if _, err := anon.SignUp(ctx, &cip.SignUpInput{ClientId: &s.client, Username: aws.String("bob"), Password: aws.String(password),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("bob@example.com")},
			{Name: aws.String("name"), Value: aws.String(`<script>alert(1)</script>`)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.admin.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &s.pool, GroupName: aws.String("staff")}); err != nil {
		t.Fatal(err)
	}
	b, token := s.signedIn()
	act := func(user, action string, extra ...string) *response {
		t.Helper()
		f := url.Values{"_csrf": {token}, "pool": {s.pool}, "u": {user}, "action": {action}}
		for i := 0; i+1 < len(extra); i += 2 {
			f.Set(extra[i], extra[i+1])
		}
		return b.post("/user", f)
	}
	status := func(user string) string {
		t.Helper()
		u, err := s.admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &s.pool, Username: &user})
		if err != nil {
			t.Fatal(err)
		}
		return string(u.UserStatus)
	}

	page := b.get("/user?" + url.Values{"pool": {s.pool}, "u": {"bob"}}.Encode())
	if strings.Contains(page.body, "<script>alert(1)") || !strings.Contains(page.body, "&lt;script&gt;alert(1)") {
		t.Error("an attribute value reached the page unescaped")
	}
	if !strings.Contains(page.body, "Confirm sign-up") {
		t.Error("no confirm action for an unconfirmed user")
	}
	if r := act("bob", "confirm"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d %.300s", r.StatusCode, r.body)
	}
	if got := status("bob"); got != "CONFIRMED" {
		t.Errorf("after confirm: %s", got)
	}
	if r := act("bob", "confirm"); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "NotAuthorizedException") {
		t.Errorf("confirming twice: %d", r.StatusCode)
	}

	if r := act("alice", "reset-password"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset password: %d %s", r.StatusCode, regexp.MustCompile(`role="alert"[^<]*`).FindString(r.body))
	}
	if got := status("alice"); got != "RESET_REQUIRED" {
		t.Errorf("after reset: %s", got)
	}
	if s.srv.LastCode(s.pool, "alice") == "" {
		t.Error("no reset code was sent")
	}

	if r := act("alice", "add-to-group", "group", "staff"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add to group: %d %.300s", r.StatusCode, r.body)
	}
	groups, err := s.admin.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &s.pool, Username: aws.String("alice")})
	if err != nil || len(groups.Groups) != 1 || *groups.Groups[0].GroupName != "staff" {
		t.Errorf("groups after add: %v %v", groups, err)
	}
	if r := act("alice", "add-to-group", "group", "nope"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown group: %d", r.StatusCode)
	}
	if r := act("alice", "fly"); r.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown action: %d", r.StatusCode)
	}
	// Input is checked as the API checks it.
	if r := act(strings.Repeat("x", 200), "disable"); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "InvalidParameterException") {
		t.Errorf("a 200-character username: %d %.200s", r.StatusCode, r.body)
	}

	if r := act("alice", "delete"); r.StatusCode != http.StatusBadRequest {
		t.Errorf("delete without the tick: %d", r.StatusCode)
	}
	status("alice")
	if r := act("alice", "delete", "sure", "yes"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	if _, err := s.admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &s.pool, Username: aws.String("alice")}); err == nil {
		t.Error("the user still exists")
	}
	if r := b.get("/user?" + url.Values{"pool": {s.pool}, "u": {"alice"}}.Encode()); r.StatusCode != http.StatusNotFound {
		t.Errorf("a deleted user's page: %d", r.StatusCode)
	}
}

// API calls stay with the API whatever their path, the console's included.
func TestConsolePathKeepsAPICalls(t *testing.T) {
	s := newSite(t)
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+console.Prefix+"/", strings.NewReader(`{"ClientId":"x","AuthFlow":"USER_PASSWORD_AUTH"}`))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("x-amzn-ErrorType") == "" {
		t.Errorf("API call on the console's path: %d %q", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"))
	}
}

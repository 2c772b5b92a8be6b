package browser_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/app"
	"github.com/pquerna/otp/totp"
)

// These tests drive the hosted pages over plain HTTP, as a browser without
// script would, for what needs no rendering: the single sign-on session,
// sign-out, cookies, sealed state, lockout, TOTP replay, password reset,
// the new-password step and remembered devices. The browser suite
// (hosted.test.mjs) walks the same pages in Chromium.

// TestSingleSignOn: after a sign-in, /oauth2/authorize for another client
// of the pool answers with a code at once; prompt=login asks again;
// /logout ends the session, also for a copy of its cookie kept elsewhere;
// GlobalSignOut ends it too.
func TestSingleSignOn(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(nil)
	s.user(poolID, "sam")
	app1, app2 := s.client(poolID, nil), s.client(poolID, nil)
	pk := newPKCE("sso")
	b := s.agent()
	first := b.signIn(authorizeQuery(*app1.ClientId, pk), "sam", password)
	code(t, first)
	if c := first.setCookie("cognate_session_" + poolID); !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") || strings.Contains(c, "Secure") {
		t.Errorf("session cookie %q", c)
	}
	stolen := b.cookies["cognate_session_"+poolID]

	second := b.get("/oauth2/authorize?" + authorizeQuery(*app2.ClientId, pk).Encode())
	st, tokens := exchange(t, s, *app2.ClientId, code(t, second), pk.verifier)
	if st != 200 || tokens["refresh_token"] == nil {
		t.Fatalf("code of the single sign-on: %d %v", st, tokens)
	}
	if r := b.get("/oauth2/authorize?" + authorizeQuery(*app2.ClientId, pk).Encode() + "&prompt=login"); !strings.HasPrefix(r.Header.Get("Location"), "/login?") {
		t.Errorf("prompt=login: Location %q, want the sign-in page", r.Header.Get("Location"))
	}

	out := b.get("/logout?" + url.Values{"client_id": {*app1.ClientId}, "logout_uri": {bye}}.Encode())
	if out.Header.Get("Location") != bye || !strings.Contains(out.setCookie("cognate_session_"+poolID), "Max-Age=0") {
		t.Fatalf("logout: %q, cookie %q", out.Header.Get("Location"), out.setCookie("cognate_session_"+poolID))
	}
	if r := b.get("/oauth2/authorize?" + authorizeQuery(*app2.ClientId, pk).Encode()); !strings.HasPrefix(r.Header.Get("Location"), "/login?") {
		t.Errorf("after logout: Location %q, want the sign-in page", r.Header.Get("Location"))
	}
	thief := s.agent()
	thief.cookies["cognate_session_"+poolID] = stolen
	if r := thief.get("/oauth2/authorize?" + authorizeQuery(*app2.ClientId, pk).Encode()); !strings.HasPrefix(r.Header.Get("Location"), "/login?") {
		t.Errorf("the ended session's cookie replayed: Location %q", r.Header.Get("Location"))
	}
	if r := thief.get("/oauth2/authorize?" + authorizeQuery(*app2.ClientId, pk).Encode() + "&prompt=none"); r.location().Query().Get("error") != "login_required" {
		t.Errorf("prompt=none without a session: Location %q", r.Header.Get("Location"))
	}

	// GlobalSignOut ends the session as well.
	code(t, b.signIn(authorizeQuery(*app1.ClientId, pk), "sam", password))
	st, tokens = exchange(t, s, *app1.ClientId, code(t, b.get("/oauth2/authorize?"+authorizeQuery(*app1.ClientId, pk).Encode())), pk.verifier)
	if st != 200 {
		t.Fatal(tokens)
	}
	if _, err := cip.New(cip.Options{Region: s.srv.Region, BaseEndpoint: aws.String(s.srv.URL)}).GlobalSignOut(ctx,
		&cip.GlobalSignOutInput{AccessToken: aws.String(tokens["access_token"].(string))}); err != nil {
		t.Fatal(err)
	}
	if r := b.get("/oauth2/authorize?" + authorizeQuery(*app1.ClientId, pk).Encode()); !strings.HasPrefix(r.Header.Get("Location"), "/login?") {
		t.Errorf("after GlobalSignOut: Location %q, want the sign-in page", r.Header.Get("Location"))
	}
}

// TestLogoutToSignIn: /logout with redirect_uri and the authorization
// parameters (Cognito's "sign in again") ends the session and shows the
// sign-in page of the same request; a redirect_uri that is no callback URL
// is refused on the page, without a redirect.
func TestLogoutToSignIn(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(nil)
	s.user(poolID, "lou")
	c := s.client(poolID, nil)
	pk := newPKCE("logout")
	b := s.agent()
	code(t, b.signIn(authorizeQuery(*c.ClientId, pk), "lou", password))

	q := authorizeQuery(*c.ClientId, pk)
	r := b.get("/logout?" + q.Encode())
	if loc := r.location(); r.StatusCode != http.StatusFound || loc.Path != "/login" || loc.Query().Get("client_id") != *c.ClientId || loc.Query().Get("state") != "st" {
		t.Fatalf("logout with redirect_uri: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	page := b.follow(r)
	if !strings.Contains(page.body, `action="/login"`) {
		t.Fatalf("no sign-in page after logout: %s", page.body)
	}
	code(t, b.post("/login", url.Values{"username": {"lou"}, "password": {password}}))

	bad := authorizeQuery(*c.ClientId, pk)
	bad.Set("redirect_uri", "http://evil.test/cb")
	if r := b.get("/logout?" + bad.Encode()); r.StatusCode != 400 || r.Header.Get("Location") != "" {
		t.Errorf("logout to an unregistered redirect_uri: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	noType := authorizeQuery(*c.ClientId, pk)
	noType.Del("response_type")
	if r := b.get("/logout?" + noType.Encode()); r.StatusCode != 400 {
		t.Errorf("logout with redirect_uri and no response_type: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestSecureCookies: with an https public URL every cookie the pages set
// is Secure (besides HttpOnly and SameSite).
func TestSecureCookies(t *testing.T) {
	s := newSite(t, func(o *app.Options) { o.PublicURL = "https://auth.example.test" })
	poolID := s.pool(nil)
	s.user(poolID, "sue")
	c := s.client(poolID, nil)
	b := s.agent()
	page := b.follow(b.get("/oauth2/authorize?" + authorizeQuery(*c.ClientId, newPKCE("secure")).Encode()))
	done := b.post("/login", url.Values{"username": {"sue"}, "password": {password}})
	code(t, done)
	for _, sc := range []string{page.setCookie("XSRF-TOKEN"), done.setCookie("cognate_session_" + poolID)} {
		if !strings.Contains(sc, "; Secure") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
			t.Errorf("cookie %q, want Secure, HttpOnly, SameSite=Lax", sc)
		}
	}
}

// TestTamperedState: a sealed request, flow or code changed by one
// character is refused.
func TestTamperedState(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(&cip.CreateUserPoolInput{MfaConfiguration: types.UserPoolMfaTypeOn})
	s.user(poolID, "ted")
	c := s.client(poolID, nil)
	pk := newPKCE("tamper")
	b := s.agent()
	flip := func(v string) string {
		i := len(v) / 2
		ch := byte('A')
		if v[i] == 'A' {
			ch = 'B'
		}
		return v[:i] + string(ch) + v[i+1:]
	}
	b.follow(b.get("/oauth2/authorize?" + authorizeQuery(*c.ClientId, pk).Encode()))
	sealed := b.field("request")
	if r := b.post("/login", url.Values{"request": {flip(sealed)}, "username": {"ted"}, "password": {password}}); r.StatusCode != 400 || !strings.Contains(r.body, "could not be read") || strings.Contains(r.body, "expired") {
		t.Errorf("tampered request: %d", r.StatusCode)
	}
	if r := b.get("/login?request=" + url.QueryEscape(flip(sealed))); r.StatusCode != 400 {
		t.Errorf("tampered request on GET: %d", r.StatusCode)
	}
	setup := b.post("/login", url.Values{"request": {sealed}, "username": {"ted"}, "password": {password}})
	if !strings.Contains(setup.body, `id="secret"`) {
		t.Fatalf("no set-up page: %s", setup.body)
	}
	if r := b.post("/mfa/setup", url.Values{"flow": {flip(b.field("flow"))}, "code": {"123456"}}); r.StatusCode != 400 || !strings.Contains(r.body, "could not be read") || strings.Contains(r.body, "expired") {
		t.Errorf("tampered flow: %d", r.StatusCode)
	}
	// A code, tampered, is no code; the same code untouched still works.
	plainPool := s.pool(nil)
	s.user(plainPool, "tia")
	plain := s.client(plainPool, nil)
	got := code(t, s.agent().signIn(authorizeQuery(*plain.ClientId, pk), "tia", password))
	if st, out := exchange(t, s, *plain.ClientId, flip(got), pk.verifier); st != 400 || out["error"] != "invalid_grant" {
		t.Errorf("tampered code: %d %v", st, out)
	}
	if st, out := exchange(t, s, *plain.ClientId, got, pk.verifier); st != 200 {
		t.Errorf("the code untouched: %d %v", st, out)
	}
}

// TestLockoutThroughPages: five wrong passwords on the sign-in page lock
// the user as in the API; the right password is then refused with
// Cognito's message until the lockout ends.
func TestLockoutThroughPages(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(nil)
	s.user(poolID, "lee")
	c := s.client(poolID, nil)
	q := authorizeQuery(*c.ClientId, newPKCE("lockout"))
	b := s.agent()
	for i := 0; i < 5; i++ {
		r := b.signIn(q, "lee", "Wrong-Passw0rd!")
		if r.StatusCode != 400 || errorText(r.body, "password-error") != "Incorrect username or password." {
			t.Fatalf("wrong password %d: %d %q", i+1, r.StatusCode, errorText(r.body, "password-error"))
		}
	}
	r := b.signIn(q, "lee", password)
	if msg := errorText(r.body, "password-error"); r.StatusCode != 400 || msg != "Password attempts exceeded" {
		t.Fatalf("right password while locked: %d %q", r.StatusCode, msg)
	}
	if !strings.Contains(r.body, `aria-describedby="password-error"`) {
		t.Error("the error is not tied to its field")
	}
	s.srv.Clock.Advance(2 * time.Second)
	code(t, b.signIn(q, "lee", password))
}

// enrolled creates a user of an MFA-ON pool with an authenticator, set up
// through the API, and returns its secret.
func enrolled(t *testing.T, s *site, poolID, clientID, name string) string {
	t.Helper()
	s.user(poolID, name)
	pub := cip.New(cip.Options{Region: s.srv.Region, BaseEndpoint: aws.String(s.srv.URL), RetryMaxAttempts: 1})
	out, err := s.admin.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := pub.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: out.Session})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := totp.GenerateCode(*a.SecretCode, s.srv.Clock.Now())
	v, err := pub.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: a.Session, UserCode: &c})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.admin.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: &poolID, ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypeMfaSetup, Session: v.Session, ChallengeResponses: map[string]string{"USERNAME": name}}); err != nil {
		t.Fatal(err)
	}
	s.srv.Clock.Advance(30 * time.Second)
	return *a.SecretCode
}

// TestTOTPReplayThroughPages: a TOTP code accepted once is refused on the
// code page of a later sign-in with Cognito's message; a wrong code is
// refused next to the field, and the same page then takes the right one.
func TestTOTPReplayThroughPages(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(&cip.CreateUserPoolInput{MfaConfiguration: types.UserPoolMfaTypeOn})
	c := s.client(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	})
	secret := enrolled(t, s, poolID, *c.ClientId, "tom")
	q := authorizeQuery(*c.ClientId, newPKCE("replay"))
	now, _ := totp.GenerateCode(secret, s.srv.Clock.Now())

	b := s.agent()
	if r := b.signIn(q, "tom", password); !strings.Contains(r.body, `action="/mfa"`) {
		t.Fatalf("no code page: %s", r.body)
	}
	code(t, b.post("/mfa", url.Values{"code": {now}}))

	b = s.agent()
	b.signIn(q, "tom", password)
	r := b.post("/mfa", url.Values{"code": {now}})
	if msg := errorText(r.body, "code-error"); r.StatusCode != 400 || msg != "Your software token has already been used once." {
		t.Fatalf("replayed code: %d %q", r.StatusCode, msg)
	}
	if r := b.post("/mfa", url.Values{"code": {"12345"}}); errorText(r.body, "code-error") != "Enter the 6-digit code from your authenticator app." {
		t.Errorf("a five-digit code: %q", errorText(r.body, "code-error"))
	}
	s.srv.Clock.Advance(30 * time.Second)
	next, _ := totp.GenerateCode(secret, s.srv.Clock.Now())
	code(t, b.post("/mfa", url.Values{"code": {next}}))
}

// TestPasswordResetPages: forgot password and reset with the emailed code
// for a client with a secret (the pages send SECRET_HASH); a wrong code and
// mismatched passwords are shown next to their fields; the new password
// then signs in.
func TestPasswordResetPages(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(&cip.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}})
	s.user(poolID, "rae")
	c := s.client(poolID, func(in *cip.CreateUserPoolClientInput) { in.GenerateSecret = true })
	q := authorizeQuery(*c.ClientId, newPKCE("reset"))
	b := s.agent()
	b.follow(b.get("/oauth2/authorize?" + q.Encode()))
	forgot := b.get("/forgotPassword?request=" + url.QueryEscape(b.field("request")))
	if !strings.Contains(forgot.body, `action="/forgotPassword"`) {
		t.Fatalf("no forgot-password page: %d %s", forgot.StatusCode, forgot.body)
	}
	sent := b.post("/forgotPassword", url.Values{"username": {"rae"}})
	if sent.StatusCode != 200 || !strings.Contains(sent.body, `action="/confirmForgotPassword"`) || !strings.Contains(sent.body, "r***@e***") {
		t.Fatalf("after forgot password: %d %s", sent.StatusCode, sent.body)
	}
	resetCode := s.srv.LastCode(poolID, "rae")
	const fresh = "N3w-Passw0rd!"
	r := b.post("/confirmForgotPassword", url.Values{"username": {"rae"}, "code": {"000000"}, "password": {fresh}, "password2": {fresh}})
	if msg := errorText(r.body, "code-error"); r.StatusCode != 400 || msg != "That code is not right. Check it and try again." {
		t.Errorf("wrong code: %d %q", r.StatusCode, msg)
	}
	r = b.post("/confirmForgotPassword", url.Values{"username": {"rae"}, "code": {resetCode}, "password": {fresh}, "password2": {fresh + "x"}})
	if msg := errorText(r.body, "password2-error"); msg != "The passwords do not match." {
		t.Errorf("mismatched passwords: %q", msg)
	}
	r = b.post("/confirmForgotPassword", url.Values{"username": {"rae"}, "code": {resetCode}, "password": {fresh}, "password2": {fresh}})
	if r.StatusCode != 200 || !strings.Contains(r.body, "Your password has been reset") {
		t.Fatalf("reset: %d %s", r.StatusCode, r.body)
	}
	code(t, b.post("/login", url.Values{"username": {"rae"}, "password": {fresh}}))
}

// TestNewPasswordPage: a user created by an administrator signs in with
// the temporary password, is asked for a new one and the attributes the
// pool requires, and lands on the callback.
func TestNewPasswordPage(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(&cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{{Name: aws.String("given_name"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true), Mutable: aws.Bool(true)}}})
	c := s.client(poolID, nil)
	if _, err := s.admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("nina"),
		TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	b := s.agent()
	r := b.signIn(authorizeQuery(*c.ClientId, newPKCE("newpw")), "nina", "Temp-Passw0rd!")
	if !strings.Contains(r.body, `action="/newPassword"`) || !strings.Contains(r.body, `name="userAttributes.given_name"`) {
		t.Fatalf("no new-password page with the required attribute: %s", r.body)
	}
	r = b.post("/newPassword", url.Values{"password": {"short"}, "password2": {"short"}, "userAttributes.given_name": {"Nina"}})
	if msg := errorText(r.body, "password-error"); r.StatusCode != 400 || !strings.Contains(msg, "This password is missing: at least 8 characters; an uppercase letter; a number;") {
		t.Errorf("weak password: %d %q", r.StatusCode, msg)
	}
	r = b.post("/newPassword", url.Values{"password": {password}, "password2": {password}})
	if msg := errorText(r.body, "userAttributes.given_name-error"); msg == "" {
		t.Errorf("missing required attribute: no error")
	}
	code(t, b.post("/newPassword", url.Values{"password": {password}, "password2": {password}, "userAttributes.given_name": {"Nina"}}))
	u, err := s.admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("nina")})
	if err != nil || u.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("user after the new password: %v %v", u.UserStatus, err)
	}
}

// TestRememberedDevicePages: in a pool that remembers devices on the
// user's say, the page asks after the TOTP code; "remember" confirms the
// device and keeps its secret in an HttpOnly cookie, and a later sign-in
// from that browser skips the code page (device SRP done by the server).
// "Don't remember" leaves no device; a device forgotten through the API
// brings the code page back.
func TestRememberedDevicePages(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(&cip.CreateUserPoolInput{MfaConfiguration: types.UserPoolMfaTypeOn,
		DeviceConfiguration: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}})
	c := s.client(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	})
	secret := enrolled(t, s, poolID, *c.ClientId, "dee")
	q := authorizeQuery(*c.ClientId, newPKCE("device"))
	devices := func() []types.DeviceType {
		out, err := s.admin.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: &poolID, Username: aws.String("dee")})
		if err != nil {
			t.Fatal(err)
		}
		return out.Devices
	}
	mfa := func(b *agent) *response {
		t.Helper()
		if r := b.signIn(q, "dee", password); !strings.Contains(r.body, `action="/mfa"`) {
			t.Fatalf("no code page: %s", r.body)
		}
		s.srv.Clock.Advance(30 * time.Second)
		now, _ := totp.GenerateCode(secret, s.srv.Clock.Now())
		return b.post("/mfa", url.Values{"code": {now}})
	}

	// Declined: nothing remembered.
	b := s.agent()
	ask := mfa(b)
	if !strings.Contains(ask.body, `action="/device"`) {
		t.Fatalf("no device question: %s", ask.body)
	}
	code(t, b.post("/device", url.Values{"remember": {"no"}}))
	if d := devices(); len(d) != 0 {
		t.Errorf("declined device kept: %v", d)
	}

	// Remembered: the next sign-in skips the code.
	b = s.agent()
	mfa(b)
	done := b.post("/device", url.Values{"remember": {"yes"}})
	code(t, done)
	if ck := done.setCookie("cognate_device_" + poolID); !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
		t.Errorf("device cookie %q", ck)
	}
	d := devices()
	if len(d) != 1 {
		t.Fatalf("devices %v", d)
	}
	status := ""
	for _, a := range d[0].DeviceAttributes {
		if *a.Name == "dev:device_remembered_status" {
			status = *a.Value
		}
	}
	if status != "remembered" {
		t.Errorf("device status %q", status)
	}
	b.get("/logout?" + url.Values{"client_id": {*c.ClientId}, "logout_uri": {bye}}.Encode())
	code(t, b.signIn(q, "dee", password))

	// Another browser, without the cookie, is asked for the code.
	if r := s.agent().signIn(q, "dee", password); !strings.Contains(r.body, `action="/mfa"`) {
		t.Errorf("a browser without the device skipped the code: %s", r.body)
	}

	// Forgotten through the API: the code page comes back.
	if _, err := s.admin.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{UserPoolId: &poolID, Username: aws.String("dee"), DeviceKey: d[0].DeviceKey}); err != nil {
		t.Fatal(err)
	}
	b.get("/logout?" + url.Values{"client_id": {*c.ClientId}, "logout_uri": {bye}}.Encode())
	if r := b.signIn(q, "dee", password); !strings.Contains(r.body, `action="/mfa"`) {
		t.Errorf("a forgotten device skipped the code: %s", r.body)
	}
}

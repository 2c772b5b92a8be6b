package browser_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The pages' passwordless and code steps without script: the factor
// buttons, the code page and its refusals, the passkey offer's "Not now"
// and a malformed registration, and the MFA choice. passkeys.test.mjs
// walks them in Chromium, with a virtual authenticator for the passkeys.

// wantPage fails unless r is a page with the status that contains every
// text given.
func wantPage(t *testing.T, r *response, status int, texts ...string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("status %d, want %d\n%s", r.StatusCode, status, r.body)
	}
	for _, x := range texts {
		if !strings.Contains(r.body, x) {
			t.Fatalf("the page lacks %q\n%s", x, r.body)
		}
	}
}

// TestPagesFirstFactors: a client allowing USER_AUTH shows the pool's
// first factors as buttons; an emailed code signs in, after refusals of a
// malformed and a wrong code that leak no code; the passkey offer that
// follows can be declined, and a malformed credential is refused on it.
func TestPagesFirstFactors(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(&cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
		AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp, types.AuthFactorTypeWebAuthn}}}})
	if _, err := s.admin.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID,
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost")}}); err != nil {
		t.Fatal(err)
	}
	s.user(poolID, "ann")
	userAuth := s.client(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.ExplicitAuthFlows = []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}
	})
	passwordOnly := s.client(poolID, nil)
	pk := newPKCE("factors")

	b := s.agent()
	if r := b.follow(b.get("/oauth2/authorize?" + authorizeQuery(*passwordOnly.ClientId, pk).Encode())); strings.Contains(r.body, `name="factor"`) {
		t.Fatalf("a client without USER_AUTH offers other factors:\n%s", r.body)
	}
	login := b.follow(b.get("/oauth2/authorize?" + authorizeQuery(*userAuth.ClientId, pk).Encode()))
	wantPage(t, login, http.StatusOK, `value="EMAIL_OTP"`, "Email me a code", `value="WEB_AUTHN"`, "Sign in with a passkey")
	if strings.Contains(login.body, "SMS_OTP") {
		t.Fatalf("SMS_OTP offered though the pool does not allow it")
	}
	if csp := login.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-eval") {
		t.Fatalf("CSP %q", csp)
	}
	request := b.field("request")

	wantPage(t, b.post("/login", url.Values{"factor": {"EMAIL_OTP"}}), http.StatusBadRequest, "Enter your username.")
	wantPage(t, b.post("/login", url.Values{"factor": {"SMS_OTP"}, "username": {"ann"}, "request": {request}}), http.StatusBadRequest, "not offered here")
	wantPage(t, b.post("/login", url.Values{"factor": {"WEB_AUTHN"}, "username": {"ann"}, "request": {request}}), http.StatusBadRequest,
		"not set up for this account")
	wantPage(t, b.post("/login", url.Values{"factor": {"EMAIL_OTP"}, "username": {"nobody"}, "request": {request}}), http.StatusBadRequest)

	page := b.post("/login", url.Values{"factor": {"EMAIL_OTP"}, "username": {"ann"}, "request": {request}})
	wantPage(t, page, http.StatusOK, `action="/code"`, "We sent a code by email to a***@e***")
	sent := s.srv.LastCode(poolID, "ann")
	if sent == "" || strings.Contains(page.body, sent) {
		t.Fatalf("code %q missing from the outbox or shown on the page", sent)
	}
	flow := b.field("flow")
	wantPage(t, b.post("/code", url.Values{"code": {"12"}}), http.StatusBadRequest, "Enter the 6-digit code we sent you.")
	wrong := "000000"
	if sent == wrong {
		wrong = "000001"
	}
	wantPage(t, b.post("/code", url.Values{"code": {wrong}, "flow": {flow}}), http.StatusBadRequest, "That code is not right.")
	wantPage(t, b.post("/code", url.Values{"code": {sent}, "flow": {flow[:len(flow)-4] + "AAAA"}}), http.StatusBadRequest, "could not be read")
	// The code page's flow does not open the passkey or choice pages.
	wantPage(t, b.post("/passkey", url.Values{"credential": {"{}"}, "flow": {flow}}), http.StatusBadRequest, "could not be read")
	wantPage(t, b.post("/mfa/select", url.Values{"answer": {"EMAIL_OTP"}, "flow": {flow}}), http.StatusBadRequest, "could not be read")

	// A first factor's code can be sent again; the new one signs in.
	resent := b.post("/code", url.Values{"action": {"resend"}, "flow": {flow}})
	wantPage(t, resent, http.StatusOK, "Send a new code", "We sent a code by email to a***@e***")
	if n := len(s.srv.Outbox(poolID, "ann")); n != 2 {
		t.Fatalf("%d messages after a resend, want 2", n)
	}
	sent, flow = s.srv.LastCode(poolID, "ann"), b.field("flow")

	// The right code; ann has no passkey, so she is offered one.
	offer := b.post("/code", url.Values{"code": {sent}, "flow": {flow}})
	wantPage(t, offer, http.StatusOK, "Add a passkey?", `action="/passkey/add"`, `data-options="{`, `src="/passkey.js"`)
	if strings.Contains(offer.body, "<script>") {
		t.Fatalf("an inline script:\n%s", offer.body)
	}
	offerFlow := b.field("flow")
	wantPage(t, b.post("/passkey/add", url.Values{"credential": {"not json"}}), http.StatusBadRequest, "The passkey was not added")
	wantPage(t, b.post("/passkey/add", url.Values{"credential": {`{"id":"AAAA","type":"public-key"}`}}), http.StatusBadRequest, "The passkey was not added")
	wantPage(t, b.post("/passkey/add", url.Values{"flow": {"garbage"}}), http.StatusBadRequest, "could not be read")
	st, tokens := exchange(t, s, *userAuth.ClientId, code(t, b.post("/passkey/add", url.Values{"flow": {offerFlow}})), pk.verifier)
	if st != http.StatusOK || tokens["id_token"] == nil {
		t.Fatalf("after Not now: %d %v", st, tokens)
	}

	js := b.get("/passkey.js")
	if js.StatusCode != http.StatusOK || !strings.HasPrefix(js.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(js.body, "navigator.credentials") {
		t.Fatalf("passkey.js: %d %q", js.StatusCode, js.Header.Get("Content-Type"))
	}
}

// TestPagesMFAChoice: a user with a phone number and an email address in a
// pool requiring MFA by either chooses; a factor not offered is refused,
// the chosen one's code signs in.
func TestPagesMFAChoice(t *testing.T) {
	s := newSite(t)
	sms := &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sns-caller")}
	poolID := s.pool(&cip.CreateUserPoolInput{SmsConfiguration: sms})
	if _, err := s.admin.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		SmsMfaConfiguration:   &types.SmsMfaConfigType{SmsConfiguration: sms},
		EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("Code: {####}"), Subject: aws.String("Code")}}); err != nil {
		t.Fatal(err)
	}
	s.user(poolID, "max")
	if _, err := s.admin.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: aws.String("max"),
		UserAttributes: []types.AttributeType{{Name: aws.String("phone_number"), Value: aws.String("+15555550199")}}}); err != nil {
		t.Fatal(err)
	}
	app := s.client(poolID, nil)
	pk := newPKCE("choice")
	b := s.agent()
	choose := b.signIn(authorizeQuery(*app.ClientId, pk), "max", password)
	wantPage(t, choose, http.StatusOK, `action="/mfa/select"`, `value="SMS_MFA"`, `value="EMAIL_OTP"`)
	if strings.Contains(choose.body, `value="SOFTWARE_TOKEN_MFA"`) {
		t.Fatalf("an authenticator app offered to a user without one")
	}
	flow := b.field("flow")
	wantPage(t, b.post("/mfa/select", url.Values{"answer": {"SOFTWARE_TOKEN_MFA"}}), http.StatusBadRequest, "not one this page offered")
	wantPage(t, b.post("/code", url.Values{"code": {"123456"}, "flow": {flow}}), http.StatusBadRequest, "could not be read")
	page := b.post("/mfa/select", url.Values{"answer": {"SMS_MFA"}, "flow": {flow}})
	wantPage(t, page, http.StatusOK, "We sent a code by text message to &#43;*******0199")
	if strings.Contains(page.body, "Send a new code") {
		t.Fatalf("an MFA code offered again (Cognito has no resend for them)")
	}
	if got := len(s.srv.Outbox(poolID, "max")); got != 1 {
		t.Fatalf("%d messages sent, want 1", got)
	}
	st, tokens := exchange(t, s, *app.ClientId, code(t, b.post("/code", url.Values{"code": {s.srv.LastCode(poolID, "max")}})), pk.verifier)
	if st != http.StatusOK || tokens["id_token"] == nil {
		t.Fatalf("after the texted code: %d %v", st, tokens)
	}
}

// TestPagesMFASetupEmail: in a pool requiring MFA by email only, a user
// with no email address (a user with a verified one gets its code at once)
// names an address on the pages (MFA_SETUP's EMAIL answer),
// gets a code there, and signs in with it; an empty or malformed address
// is refused on the page.
func TestPagesMFASetupEmail(t *testing.T) {
	s := newSite(t)
	poolID := s.pool(&cip.CreateUserPoolInput{})
	if _, err := s.admin.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("Code: {####}"), Subject: aws.String("Code")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("ida"),
		MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.admin.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String("ida"),
		Password: aws.String(password), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	app := s.client(poolID, nil)
	pk := newPKCE("email-setup")
	b := s.agent()
	page := b.signIn(authorizeQuery(*app.ClientId, pk), "ida", password)
	wantPage(t, page, http.StatusOK, `action="/mfa/email"`, "Email address")
	if strings.Contains(page.body, "authenticator") {
		t.Fatalf("an authenticator app offered in a pool whose MFA is email only:\n%s", page.body)
	}
	flow := b.field("flow")
	wantPage(t, b.post("/mfa/email", url.Values{"email": {" "}, "flow": {flow}}), http.StatusBadRequest, "Enter your email address.")
	wantPage(t, b.post("/mfa/email", url.Values{"email": {"not-an-address"}, "flow": {flow}}), http.StatusBadRequest)
	if n := len(s.srv.Outbox(poolID, "ida")); n != 0 {
		t.Fatalf("%d messages sent before a usable address", n)
	}
	sent := b.post("/mfa/email", url.Values{"email": {"ida.codes@example.com"}, "flow": {flow}})
	wantPage(t, sent, http.StatusOK, `action="/code"`, "We sent a code by email")
	st, tokens := exchange(t, s, *app.ClientId, code(t, b.post("/code", url.Values{"code": {s.srv.LastCode(poolID, "ida")}})), pk.verifier)
	if st != http.StatusOK || tokens["id_token"] == nil {
		t.Fatalf("after the emailed code: %d %v", st, tokens)
	}
	u, err := s.admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("ida")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(u.PreferredMfaSetting) != "EMAIL_OTP" {
		t.Fatalf("preferred MFA %q after setting up email MFA on the pages", aws.ToString(u.PreferredMfaSetting))
	}
	email := ""
	for _, a := range u.UserAttributes {
		if aws.ToString(a.Name) == "email" {
			email = aws.ToString(a.Value)
		}
	}
	if email != "ida.codes@example.com" {
		t.Fatalf("email %q, want the address set up", email)
	}
}

package triggers_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/lambdatest"
	"github.com/cognate-idp/cognate/internal/srp"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// The lifecycle triggers: PostConfirmation, PreAuthentication and
// PostAuthentication.

// lcPool creates a pool with the given triggers (adjust may change the
// request) and a public client allowing password and SRP sign-in, hiding
// user existence when prevent is set.
func (e *env) lcPool(lc *types.LambdaConfigType, adjust func(*cip.CreateUserPoolInput), prevent bool) (poolID, clientID string) {
	e.t.Helper()
	in := &cip.CreateUserPoolInput{PoolName: aws.String("lifecycle"), LambdaConfig: lc,
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}
	if adjust != nil {
		adjust(in)
	}
	p, err := e.c.CreateUserPool(ctx, in)
	if err != nil {
		e.t.Fatal(err)
	}
	cin := &cip.CreateUserPoolClientInput{UserPoolId: p.UserPool.Id, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth, types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth}}
	if prevent {
		cin.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
	}
	cl, err := e.c.CreateUserPoolClient(ctx, cin)
	if err != nil {
		e.t.Fatal(err)
	}
	return *p.UserPool.Id, *cl.UserPoolClient.ClientId
}

// lcUser creates a confirmed user with the test password and a verified
// email, through admin operations that call none of these triggers.
func (e *env) lcUser(poolID, name string) {
	e.t.Helper()
	_, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &name, MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{attr("email", name+"@example.com"), attr("email_verified", "true")}})
	if err == nil {
		_, err = e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name, Password: aws.String(password), Permanent: true})
	}
	if err != nil {
		e.t.Fatal(err)
	}
}

// lcSignUp signs a user up (unconfirmed, a code sent to the email).
func (e *env) lcSignUp(clientID, name string) {
	e.t.Helper()
	if err := signUp(e, clientID, name); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) lcPasswordAuth(clientID, name, pw string, meta map[string]string) (*cip.InitiateAuthOutput, error) {
	return e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw}, ClientMetadata: meta})
}

// lcStatus is the user's status.
func (e *env) lcStatus(poolID, name string) types.UserStatusType {
	e.t.Helper()
	u, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name})
	if err != nil {
		e.t.Fatal(err)
	}
	return u.UserStatus
}

// rawRequest is the request member of the document Cognate sent, as JSON
// members: what was sent, not what a typed decoding makes of it.
func rawRequest(t *testing.T, inv *lambdatest.Invocation) map[string]json.RawMessage {
	t.Helper()
	var doc struct {
		Request map[string]json.RawMessage `json:"request"`
	}
	if err := json.Unmarshal(inv.Raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Request
}

// wantUserAttributes checks the attributes Cognito puts in every lifecycle
// event: the stored ones with sub and cognito:user_status.
func wantUserAttributes(t *testing.T, got map[string]string, email, status string) {
	t.Helper()
	if got["email"] != email || got["email_verified"] != "true" || got["cognito:user_status"] != status || len(got["sub"]) != 36 {
		t.Errorf("userAttributes %v: want email %s verified, status %s and a sub", got, email, status)
	}
}

// PostConfirmation_ConfirmSignUp runs after ConfirmSignUp has confirmed the
// user: it sees the confirmed user's attributes and the ClientMetadata.
func TestPostConfirmationConfirmSignUp(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.lcPool(&types.LambdaConfigType{PostConfirmation: aws.String(fn)}, nil, false)
	emu.Handle(nil)
	e.lcSignUp(clientID, "pat")
	if calls := emu.Calls(); len(calls) != 0 {
		t.Fatalf("SignUp without auto-confirmation called %s", sources(calls))
	}
	var status string
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		// What the function sees of the user, read while it runs: the
		// confirmation is written before the function is called.
		u, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("pat")})
		if err == nil {
			status = string(u.UserStatus)
		}
		return lambdatest.Reply{}
	})
	if _, err := e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("pat"),
		ConfirmationCode: aws.String(e.srv.LastCode(poolID, "pat")), ClientMetadata: map[string]string{"plan": "gold"}}); err != nil {
		t.Fatal(err)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "PostConfirmation_ConfirmSignUp" {
		t.Fatalf("sources %q", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPostConfirmation
	if err := calls[0].Event(&ev); err != nil {
		t.Fatal(err)
	}
	if ev.UserPoolID != poolID || ev.UserName != "pat" || ev.CallerContext.ClientID != clientID || ev.Version != "1" || ev.Region != "us-east-1" {
		t.Errorf("header %+v", ev.CognitoEventUserPoolsHeader)
	}
	wantUserAttributes(t, ev.Request.UserAttributes, "pat@example.com", "CONFIRMED")
	if ev.Request.ClientMetadata["plan"] != "gold" || len(ev.Request.ClientMetadata) != 1 {
		t.Errorf("clientMetadata %v", ev.Request.ClientMetadata)
	}
	if status != "CONFIRMED" {
		t.Errorf("the function saw the user %q, want CONFIRMED", status)
	}
}

// AdminConfirmSignUp calls PostConfirmation with the same trigger source
// (Cognito has none of its own for it) and no app client.
func TestPostConfirmationAdminConfirmSignUp(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.lcPool(&types.LambdaConfigType{PostConfirmation: aws.String(fn)}, nil, false)
	e.lcSignUp(clientID, "quinn")
	emu.Handle(nil)
	if _, err := e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &poolID, Username: aws.String("quinn"),
		ClientMetadata: map[string]string{"by": "support"}}); err != nil {
		t.Fatal(err)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "PostConfirmation_ConfirmSignUp" {
		t.Fatalf("sources %q", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPostConfirmation
	_ = calls[0].Event(&ev)
	if ev.CallerContext.ClientID != "CLIENT_ID_NOT_APPLICABLE" || ev.UserName != "quinn" || ev.Request.ClientMetadata["by"] != "support" {
		t.Errorf("event %+v", ev)
	}
	if got := ev.Request.UserAttributes; got["cognito:user_status"] != "CONFIRMED" || got["email"] != "quinn@example.com" || got["sub"] == "" {
		t.Errorf("userAttributes %v", got)
	}
}

// PostConfirmation_ConfirmForgotPassword runs after a password reset; a
// call without ClientMetadata sends no clientMetadata member.
func TestPostConfirmationConfirmForgotPassword(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.lcPool(&types.LambdaConfigType{PostConfirmation: aws.String(fn)}, nil, false)
	e.lcUser(poolID, "rae")
	if _, err := e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("rae")}); err != nil {
		t.Fatal(err)
	}
	emu.Handle(nil)
	const fresh = "N3w-Passw0rd!"
	if _, err := e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: aws.String("rae"),
		ConfirmationCode: aws.String(e.srv.LastCode(poolID, "rae")), Password: aws.String(fresh)}); err != nil {
		t.Fatal(err)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "PostConfirmation_ConfirmForgotPassword" {
		t.Fatalf("sources %q", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPostConfirmation
	_ = calls[0].Event(&ev)
	wantUserAttributes(t, ev.Request.UserAttributes, "rae@example.com", "CONFIRMED")
	if ev.CallerContext.ClientID != clientID {
		t.Errorf("clientId %q", ev.CallerContext.ClientID)
	}
	if _, sent := rawRequest(t, calls[0])["clientMetadata"]; sent {
		t.Errorf("clientMetadata sent without ClientMetadata: %s", calls[0].Raw)
	}
}

// A PostConfirmation error reaches the caller in Cognito's words, and the
// confirmation stands: the user is CONFIRMED, a second ConfirmSignUp is
// refused as for any confirmed user, and the user signs in.
func TestPostConfirmationFailureKeepsConfirmation(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.lcPool(&types.LambdaConfigType{PostConfirmation: aws.String(fn)}, nil, false)
	e.lcSignUp(clientID, "sam")
	code := e.srv.LastCode(poolID, "sam")
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Error: "profile store down"}
	})
	_, err := e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("sam"), ConfirmationCode: aws.String(code)})
	wantErr(t, err, "UserLambdaValidationException", "PostConfirmation failed with error profile store down.")
	checkLossless(t, emu.Calls())
	if s := e.lcStatus(poolID, "sam"); s != types.UserStatusTypeConfirmed {
		t.Fatalf("status after a refused PostConfirmation %s, want CONFIRMED", s)
	}
	_, err = e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("sam"), ConfirmationCode: aws.String(code)})
	wantErr(t, err, "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")
	if _, err := e.lcPasswordAuth(clientID, "sam", password, nil); err != nil {
		t.Fatal(err)
	}
	// A reset's new password stands too.
	emu.Handle(nil)
	if _, err := e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("sam")}); err != nil {
		t.Fatal(err)
	}
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Raw: []byte(`"not an event"`)}
	})
	const fresh = "N3w-Passw0rd!"
	_, err = e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: aws.String("sam"),
		ConfirmationCode: aws.String(e.srv.LastCode(poolID, "sam")), Password: aws.String(fresh)})
	wantErr(t, err, "InvalidLambdaResponseException", "Unrecognizable lambda output")
	emu.Handle(nil)
	if _, err := e.lcPasswordAuth(clientID, "sam", fresh, nil); err != nil {
		t.Fatalf("the reset password: %v", err)
	}
}

// A user PreSignUp auto-confirms is confirmed by SignUp, which then calls
// PostConfirmation_ConfirmSignUp with SignUp's ClientMetadata (Cognito's
// SignUp reference lists post confirmation among the triggers it calls).
func TestPostConfirmationAfterAutoConfirm(t *testing.T) {
	e := newEnv(t)
	_, clientID := e.lcPool(&types.LambdaConfigType{PreSignUp: aws.String(fn), PostConfirmation: aws.String(fn)}, nil, false)
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		if strings.HasPrefix(inv.Source(), "PreSignUp_") {
			return lambdatest.Reply{Response: events.CognitoEventUserPoolsPreSignupResponse{AutoConfirmUser: true, AutoVerifyEmail: true}}
		}
		return lambdatest.Reply{}
	})
	out, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("tia"), Password: aws.String(password),
		UserAttributes: []types.AttributeType{attr("email", "tia@example.com")}, ClientMetadata: map[string]string{"ref": "ad"}})
	if err != nil {
		t.Fatal(err)
	}
	if !out.UserConfirmed {
		t.Fatal("not auto-confirmed")
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "PreSignUp_SignUp,PostConfirmation_ConfirmSignUp" {
		t.Fatalf("sources %q", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPostConfirmation
	_ = calls[1].Event(&ev)
	wantUserAttributes(t, ev.Request.UserAttributes, "tia@example.com", "CONFIRMED")
	if ev.Request.ClientMetadata["ref"] != "ad" || ev.Request.UserAttributes["sub"] != *out.UserSub {
		t.Errorf("request %+v, sub %s", ev.Request, *out.UserSub)
	}
}

// The hosted pages' confirmation goes through ConfirmSignUp: the same
// trigger, with the page's app client.
func TestPostConfirmationHostedConfirmPage(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.lcPool(&types.LambdaConfigType{PostConfirmation: aws.String(fn)}, nil, false)
	cl, err := e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{"http://app.test/cb"}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := *cl.UserPoolClient.ClientId
	e.lcSignUp(clientID, "uma")
	b := newPageAgent(t, e.srv.URL)
	b.get("/oauth2/authorize?" + url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {"http://app.test/cb"},
		"scope": {"openid email"}, "state": {"st"}, "code_challenge_method": {"S256"},
		"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}}.Encode())
	req := b.field("request")
	if req == "" {
		t.Fatalf("no sealed request on the sign-in page: %s", b.last)
	}
	b.get("/confirm?request=" + url.QueryEscape(req))
	emu.Handle(nil)
	status, body := b.post("/confirm", url.Values{"request": {req}, "username": {"uma"}, "code": {e.srv.LastCode(poolID, "uma")}})
	if status != http.StatusOK || !strings.Contains(body, "Your account is confirmed") {
		t.Fatalf("confirm page: %d %s", status, body)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "PostConfirmation_ConfirmSignUp" {
		t.Fatalf("sources %q", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPostConfirmation
	_ = calls[0].Event(&ev)
	if ev.CallerContext.ClientID != clientID || ev.UserName != "uma" || ev.Request.UserAttributes["cognito:user_status"] != "CONFIRMED" {
		t.Errorf("event %+v", ev)
	}
}

// The hosted sign-in page runs the same sign-in: PreAuthentication, then
// PostAuthentication before the code is issued, each once, with the
// page's app client; a PreAuthentication refusal shows its message.
func TestLifecycleHostedSignIn(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.lcPool(&types.LambdaConfigType{PreAuthentication: aws.String(fn), PostAuthentication: aws.String(fn)}, nil, false)
	cl, err := e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode}, AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{"http://app.test/cb"}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := *cl.UserPoolClient.ClientId
	e.lcUser(poolID, "hal")
	signIn := func() (*pageAgent, int, string) {
		b := newPageAgent(t, e.srv.URL)
		b.get("/oauth2/authorize?" + url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {"http://app.test/cb"},
			"scope": {"openid email"}, "state": {"st"}, "code_challenge_method": {"S256"},
			"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}}.Encode())
		status, body := b.post("/login", url.Values{"request": {b.field("request")}, "username": {"hal"}, "password": {password}})
		return b, status, body
	}
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		if strings.HasPrefix(inv.Source(), "PreAuthentication_") {
			return lambdatest.Reply{Error: "closed for maintenance"}
		}
		return lambdatest.Reply{}
	})
	if _, status, body := signIn(); status != http.StatusBadRequest || !strings.Contains(body, "PreAuthentication failed with error closed for maintenance.") {
		t.Fatalf("refused sign-in page: %d %s", status, body)
	}
	if got := sources(emu.Calls()); got != "PreAuthentication_Authentication" {
		t.Fatalf("refused: sources %q", got)
	}
	emu.Handle(nil)
	if b, status, _ := signIn(); status != http.StatusFound || !strings.HasPrefix(b.location, "http://app.test/cb?code=") {
		t.Fatalf("sign-in page: %d, to %q", status, b.location)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if got := sources(calls); got != "PreAuthentication_Authentication,PostAuthentication_Authentication" {
		t.Fatalf("sources %q", got)
	}
	for _, c := range calls {
		var hdr events.CognitoEventUserPoolsHeader
		_ = c.Event(&hdr)
		if hdr.CallerContext.ClientID != clientID || hdr.UserName != "hal" {
			t.Errorf("%s: header %+v", c.Source(), hdr)
		}
	}
}

// PreAuthentication_Authentication runs before the password check of
// USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH, with the ClientMetadata
// of the InitiateAuth as validationData, and for USER_SRP_AUTH at
// InitiateAuth, not at PASSWORD_VERIFIER. A client that does not hide user
// existence sends no userNotFound.
func TestPreAuthenticationSources(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.lcPool(&types.LambdaConfigType{PreAuthentication: aws.String(fn)}, nil, false)
	e.lcUser(poolID, "val")
	check := func(what string, calls []*lambdatest.Invocation, meta map[string]string) {
		t.Helper()
		checkLossless(t, calls)
		if sources(calls) != "PreAuthentication_Authentication" {
			t.Fatalf("%s: sources %q", what, sources(calls))
		}
		var ev events.CognitoEventUserPoolsPreAuthentication
		_ = calls[0].Event(&ev)
		if ev.UserName != "val" || ev.CallerContext.ClientID != clientID || ev.UserPoolID != poolID || ev.Version != "1" {
			t.Errorf("%s: header %+v", what, ev.CognitoEventUserPoolsHeader)
		}
		wantUserAttributes(t, ev.Request.UserAttributes, "val@example.com", "CONFIRMED")
		if len(ev.Request.ValidationData) != len(meta) || ev.Request.ValidationData["captcha"] != meta["captcha"] {
			t.Errorf("%s: validationData %v, want %v", what, ev.Request.ValidationData, meta)
		}
		if _, sent := rawRequest(t, calls[0])["userNotFound"]; sent {
			t.Errorf("%s: userNotFound sent by a client that shows user existence: %s", what, calls[0].Raw)
		}
	}

	emu.Handle(nil)
	meta := map[string]string{"captcha": "ok"}
	if _, err := e.lcPasswordAuth(clientID, "val", password, meta); err != nil {
		t.Fatal(err)
	}
	check("USER_PASSWORD_AUTH", emu.Calls(), meta)

	emu.Handle(nil)
	if _, err := e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "val", "PASSWORD": password}}); err != nil {
		t.Fatal(err)
	}
	check("ADMIN_USER_PASSWORD_AUTH", emu.Calls(), nil)

	emu.Handle(nil)
	a, err := srp.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	ch, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": "val", "SRP_A": a.PublicHex()}, ClientMetadata: meta})
	if err != nil {
		t.Fatal(err)
	}
	check("USER_SRP_AUTH InitiateAuth", emu.Calls(), meta)
	emu.Handle(nil)
	p := ch.ChallengeParameters
	proof, err := a.Respond(srp.Challenge{PoolName: strings.SplitN(poolID, "_", 2)[1], UserID: p["USER_ID_FOR_SRP"], Salt: p["SALT"],
		B: p["SRP_B"], SecretBlock: p["SECRET_BLOCK"]}, password, e.srv.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypePasswordVerifier,
		Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": proof.SecretBlock,
			"PASSWORD_CLAIM_SIGNATURE": proof.Signature, "TIMESTAMP": proof.Timestamp}})
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("no tokens after PASSWORD_VERIFIER: %+v", out)
	}
	if calls := emu.Calls(); len(calls) != 0 {
		t.Errorf("PASSWORD_VERIFIER called %s again", sources(calls))
	}
	// Refreshing a session is no sign-in: no trigger.
	emu.Handle(nil)
	if _, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *out.AuthenticationResult.RefreshToken}}); err != nil {
		t.Fatal(err)
	}
	if calls := emu.Calls(); len(calls) != 0 {
		t.Errorf("REFRESH_TOKEN_AUTH called %s", sources(calls))
	}
}

// A PreAuthentication error refuses the sign-in with Cognito's words,
// before the password is checked: a wrong password is not counted.
func TestPreAuthenticationRefuses(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.lcPool(&types.LambdaConfigType{PreAuthentication: aws.String(fn)}, nil, false)
	e.lcUser(poolID, "wes")
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Error: "outside office hours"}
	})
	_, err := e.lcPasswordAuth(clientID, "wes", password, nil)
	wantErr(t, err, "UserLambdaValidationException", "PreAuthentication failed with error outside office hours.")
	// Six refusals with a wrong password: no lockout follows, the password
	// was never checked.
	for range 6 {
		_, err = e.lcPasswordAuth(clientID, "wes", "Wr0ng-Password!", nil)
		wantErr(t, err, "UserLambdaValidationException", "PreAuthentication failed with error outside office hours.")
	}
	a, _ := srp.NewClient()
	_, err = e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": "wes", "SRP_A": a.PublicHex()}})
	wantErr(t, err, "UserLambdaValidationException", "PreAuthentication failed with error outside office hours.")
	checkLossless(t, emu.Calls())
	if n := len(emu.Calls()); n != 8 {
		t.Errorf("%d calls, want 8", n)
	}
	emu.Handle(nil)
	if _, err := e.lcPasswordAuth(clientID, "wes", password, nil); err != nil {
		t.Fatalf("after the function lets the user in: %v", err)
	}
}

// With PreventUserExistenceErrors, Cognito calls PreAuthentication for an
// unknown user too, with userNotFound true (false for a known one), and
// the caller still gets the answer of a wrong password. Without it, an
// unknown user calls no function.
func TestPreAuthenticationUserNotFound(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.lcPool(&types.LambdaConfigType{PreAuthentication: aws.String(fn)}, nil, true)
	e.lcUser(poolID, "xia")
	emu.Handle(nil)
	_, err := e.lcPasswordAuth(clientID, "nobody", password, map[string]string{"k": "v"})
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	a, _ := srp.NewClient()
	if _, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": "nobody", "SRP_A": a.PublicHex()}}); err != nil {
		t.Fatalf("SRP for an unknown user of a hiding client: %v", err)
	}
	if _, err := e.lcPasswordAuth(clientID, "xia", password, nil); err != nil {
		t.Fatal(err)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "PreAuthentication_Authentication,PreAuthentication_Authentication,PreAuthentication_Authentication" {
		t.Fatalf("sources %q", sources(calls))
	}
	for i, want := range []bool{true, true, false} {
		var ev events.CognitoEventUserPoolsPreAuthentication
		_ = calls[i].Event(&ev)
		if _, sent := rawRequest(t, calls[i])["userNotFound"]; !sent || ev.Request.UserNotFound != want {
			t.Errorf("call %d: userNotFound %v (sent %v), want %v: %s", i, ev.Request.UserNotFound, sent, want, calls[i].Raw)
		}
		if want && (len(ev.Request.UserAttributes) != 0 || ev.UserName != "nobody") {
			t.Errorf("call %d: an unknown user's event %+v", i, ev)
		}
	}
	var ev events.CognitoEventUserPoolsPreAuthentication
	_ = calls[0].Event(&ev)
	if ev.Request.ValidationData["k"] != "v" {
		t.Errorf("validationData %v", ev.Request.ValidationData)
	}

	// A client that shows user existence: no call for an unknown user.
	cl, err := e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("open"),
		ExplicitAuthFlows:          []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesLegacy})
	if err != nil {
		t.Fatal(err)
	}
	emu.Handle(nil)
	_, err = e.lcPasswordAuth(*cl.UserPoolClient.ClientId, "nobody", password, nil)
	wantErr(t, err, "UserNotFoundException", "")
	if calls := emu.Calls(); len(calls) != 0 {
		t.Errorf("unknown user of an open client called %s", sources(calls))
	}
}

// PostAuthentication_Authentication runs once the sign-in is complete:
// without ClientMetadata at InitiateAuth (Cognito gives it none of
// InitiateAuth's), without newDeviceUsed in a pool that remembers no
// devices, and with it (true for a sign-in that named no device) in one
// that does.
func TestPostAuthentication(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.lcPool(&types.LambdaConfigType{PostAuthentication: aws.String(fn)}, nil, false)
	e.lcUser(poolID, "yan")
	emu.Handle(nil)
	out, err := e.lcPasswordAuth(clientID, "yan", password, map[string]string{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil {
		t.Fatal("no tokens")
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "PostAuthentication_Authentication" {
		t.Fatalf("sources %q", sources(calls))
	}
	var ev events.CognitoEventUserPoolsPostAuthentication
	_ = calls[0].Event(&ev)
	if ev.UserName != "yan" || ev.CallerContext.ClientID != clientID || ev.UserPoolID != poolID {
		t.Errorf("header %+v", ev.CognitoEventUserPoolsHeader)
	}
	wantUserAttributes(t, ev.Request.UserAttributes, "yan@example.com", "CONFIRMED")
	req := rawRequest(t, calls[0])
	if _, sent := req["clientMetadata"]; sent {
		t.Errorf("InitiateAuth's ClientMetadata given to PostAuthentication: %s", calls[0].Raw)
	}
	if _, sent := req["newDeviceUsed"]; sent {
		t.Errorf("newDeviceUsed sent by a pool that remembers no devices: %s", calls[0].Raw)
	}

	devPool, devClient := e.lcPool(&types.LambdaConfigType{PostAuthentication: aws.String(fn)}, func(in *cip.CreateUserPoolInput) {
		in.DeviceConfiguration = &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: true}
	}, false)
	e.lcUser(devPool, "yan")
	emu.Handle(nil)
	out, err = e.lcPasswordAuth(devClient, "yan", password, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil || out.AuthenticationResult.NewDeviceMetadata == nil {
		t.Fatalf("want tokens with a new device: %+v", out.AuthenticationResult)
	}
	calls = emu.Calls()
	checkLossless(t, calls)
	_ = calls[0].Event(&ev)
	if _, sent := rawRequest(t, calls[0])["newDeviceUsed"]; !sent || !ev.Request.NewDeviceUsed {
		t.Errorf("newDeviceUsed %v (sent %v), want true: %s", ev.Request.NewDeviceUsed, sent, calls[0].Raw)
	}
}

// A PostAuthentication error fails the sign-in: Cognito's words, no
// tokens, and nothing of the sign-in recorded (no new device, no history
// event, no failure counted).
func TestPostAuthenticationFailure(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.lcPool(&types.LambdaConfigType{PostAuthentication: aws.String(fn)}, func(in *cip.CreateUserPoolInput) {
		in.DeviceConfiguration = &types.DeviceConfigurationType{}
		in.UserPoolAddOns = &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}
	}, false)
	e.lcUser(poolID, "zed")
	history := func() int {
		t.Helper()
		ev, err := e.c.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: &poolID, Username: aws.String("zed")})
		if err != nil {
			t.Fatal(err)
		}
		return len(ev.AuthEvents)
	}
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Error: "audit log unavailable"}
	})
	for range 6 {
		out, err := e.lcPasswordAuth(clientID, "zed", password, nil)
		wantErr(t, err, "UserLambdaValidationException", "PostAuthentication failed with error audit log unavailable.")
		if out != nil {
			t.Fatalf("an answer with the error: %+v", out)
		}
	}
	checkLossless(t, emu.Calls())
	devices, err := e.c.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: &poolID, Username: aws.String("zed")})
	if err != nil {
		t.Fatal(err)
	}
	if len(devices.Devices) != 0 {
		t.Errorf("%d devices after refused sign-ins", len(devices.Devices))
	}
	if n := history(); n != 0 {
		t.Errorf("%d sign-in events recorded for refused sign-ins", n)
	}
	// Six refusals are no wrong passwords: the user is not locked out.
	emu.Handle(nil)
	if out, err := e.lcPasswordAuth(clientID, "zed", password, nil); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("after the function lets the user in: %v", err)
	}
	if n := history(); n != 1 {
		t.Errorf("%d sign-in events after one sign-in, want 1", n)
	}
}

// The order of the sources for a sign-in with TOTP MFA:
// PreAuthentication at InitiateAuth, PostAuthentication only once the code
// is accepted, with RespondToAuthChallenge's ClientMetadata; a wrong code
// calls neither.
func TestLifecycleOrderWithTOTP(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.lcPool(&types.LambdaConfigType{PreAuthentication: aws.String(fn), PostAuthentication: aws.String(fn)}, func(in *cip.CreateUserPoolInput) {
		in.MfaConfiguration = types.UserPoolMfaTypeOptional
	}, false)
	if _, err := e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	e.lcUser(poolID, "ola")
	emu.Handle(nil)
	first, err := e.lcPasswordAuth(clientID, "ola", password, nil)
	if err != nil {
		t.Fatal(err)
	}
	access := first.AuthenticationResult.AccessToken
	assoc, err := e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: access})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: access, UserCode: aws.String(lcTOTP(t, *assoc.SecretCode, e.srv.Clock.Now()))}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: access,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatal(err)
	}
	e.srv.Clock.Advance(30 * time.Second) // the next TOTP step

	emu.Handle(nil)
	ch, err := e.lcPasswordAuth(clientID, "ola", password, map[string]string{"at": "initiate"})
	if err != nil {
		t.Fatal(err)
	}
	if ch.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("want SOFTWARE_TOKEN_MFA, got %q", ch.ChallengeName)
	}
	if got := sources(emu.Calls()); got != "PreAuthentication_Authentication" {
		t.Fatalf("after the password: sources %q", got)
	}
	code := lcTOTP(t, *assoc.SecretCode, e.srv.Clock.Now())
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	_, err = e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": "ola", "SOFTWARE_TOKEN_MFA_CODE": wrong}})
	wantErr(t, err, "CodeMismatchException", "")
	if got := sources(emu.Calls()); got != "PreAuthentication_Authentication" {
		t.Fatalf("after a wrong code: sources %q", got)
	}
	out, err := e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": "ola", "SOFTWARE_TOKEN_MFA_CODE": code},
		ClientMetadata: map[string]string{"at": "respond"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil {
		t.Fatal("no tokens after the code")
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if got := sources(calls); got != "PreAuthentication_Authentication,PostAuthentication_Authentication" {
		t.Fatalf("after the code: sources %q", got)
	}
	var pre events.CognitoEventUserPoolsPreAuthentication
	_ = calls[0].Event(&pre)
	var post events.CognitoEventUserPoolsPostAuthentication
	_ = calls[1].Event(&post)
	if pre.Request.ValidationData["at"] != "initiate" || post.Request.ClientMetadata["at"] != "respond" {
		t.Errorf("validationData %v, clientMetadata %v", pre.Request.ValidationData, post.Request.ClientMetadata)
	}
}

func lcTOTP(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// pageAgent drives the hosted pages as a browser without script: cookies
// kept, no redirect followed but the server's own.
type pageAgent struct {
	t        *testing.T
	base     string
	hc       *http.Client
	last     string // the last body
	location string // the last redirect's target
}

func newPageAgent(t *testing.T, base string) *pageAgent {
	jar, _ := cookiejar.New(nil)
	return &pageAgent{t: t, base: base, hc: &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if !strings.HasPrefix(r.URL.String(), base) {
			return http.ErrUseLastResponse
		}
		return nil
	}}}
}

func (b *pageAgent) do(req *http.Request) (int, string) {
	b.t.Helper()
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.last, b.location = string(body), resp.Header.Get("Location")
	return resp.StatusCode, b.last
}

func (b *pageAgent) get(path string) (int, string) {
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

// post submits a form with the CSRF token of the cookie.
func (b *pageAgent) post(path string, form url.Values) (int, string) {
	u, _ := url.Parse(b.base)
	for _, c := range b.hc.Jar.Cookies(u) {
		if c.Name == "XSRF-TOKEN" {
			form.Set("_csrf", c.Value)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// field is the value of the last page's input named name.
func (b *pageAgent) field(name string) string {
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `"(?: type="[a-z]+")? value="([^"]*)"`).FindStringSubmatch(b.last)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// An administrator's user who sets a password at NEW_PASSWORD_REQUIRED
// becomes CONFIRMED without PostConfirmation (Cognito calls it only for
// users who signed up); the sign-in's PostAuthentication runs after the
// new password, with that answer's ClientMetadata.
func TestNoPostConfirmationForAdminCreatedUsers(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.lcPool(&types.LambdaConfigType{PostConfirmation: aws.String(fn), PostAuthentication: aws.String(fn)}, nil, false)
	emu.Handle(nil)
	if _, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("ida"), MessageAction: types.MessageActionTypeSuppress,
		TemporaryPassword: aws.String("Temp-Passw0rd!"), UserAttributes: []types.AttributeType{attr("email", "ida@example.com"), attr("email_verified", "true")}}); err != nil {
		t.Fatal(err)
	}
	ch, err := e.lcPasswordAuth(clientID, "ida", "Temp-Passw0rd!", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("want NEW_PASSWORD_REQUIRED, got %q", ch.ChallengeName)
	}
	if calls := emu.Calls(); len(calls) != 0 {
		t.Fatalf("before the new password: %s", sources(calls))
	}
	out, err := e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
		Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": "ida", "NEW_PASSWORD": password}, ClientMetadata: map[string]string{"step": "new-password"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil {
		t.Fatal("no tokens")
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if got := sources(calls); got != "PostAuthentication_Authentication" {
		t.Fatalf("sources %q", got)
	}
	var ev events.CognitoEventUserPoolsPostAuthentication
	_ = calls[0].Event(&ev)
	wantUserAttributes(t, ev.Request.UserAttributes, "ida@example.com", "CONFIRMED")
	if ev.Request.ClientMetadata["step"] != "new-password" {
		t.Errorf("clientMetadata %v", ev.Request.ClientMetadata)
	}
	if s := e.lcStatus(poolID, "ida"); s != types.UserStatusTypeConfirmed {
		t.Errorf("status %s", s)
	}
}

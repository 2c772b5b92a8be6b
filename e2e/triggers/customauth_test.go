package triggers_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/lambdatest"
	"github.com/cognate-idp/cognate/internal/srp"
	"github.com/pquerna/otp/totp"
)

// customTriggers names the function for the three custom challenge
// triggers.
var customTriggers = &types.LambdaConfigType{DefineAuthChallenge: aws.String(fn), CreateAuthChallenge: aws.String(fn),
	VerifyAuthChallengeResponse: aws.String(fn)}

// fixedCode is lambdatest.OneTimeCode with a fixed code: a custom challenge as
// the functions of Cognito's examples write it (PASSWORD_VERIFIER after
// SRP_A, tokens after a right answer, failure after three wrong ones, the
// code in the private parameters).
type fixedCode struct {
	code string
}

func (o fixedCode) handle(inv *lambdatest.Invocation) lambdatest.Reply {
	return lambdatest.OneTimeCode{Code: func(string) string { return o.code }}.Handle(inv)
}

// customClient makes an app client of the pool with the given flows.
func (e *env) customClient(poolID string, prevent bool, flows ...types.ExplicitAuthFlowsType) string {
	e.t.Helper()
	in := &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("custom"), ExplicitAuthFlows: flows}
	if prevent {
		in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
	} else {
		in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesLegacy
	}
	cl, err := e.c.CreateUserPoolClient(ctx, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return *cl.UserPoolClient.ClientId
}

func (e *env) customStart(clientID, name string, meta map[string]string) (*cip.InitiateAuthOutput, error) {
	return e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeCustomAuth,
		AuthParameters: map[string]string{"USERNAME": name}, ClientMetadata: meta})
}

func (e *env) customAnswer(clientID, name string, session *string, answer string, meta map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	return e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypeCustomChallenge,
		Session: session, ChallengeResponses: map[string]string{"USERNAME": name, "ANSWER": answer}, ClientMetadata: meta})
}

// customSRPStart starts CUSTOM_AUTH with SRP_A, as amazon-cognito-identity-js
// and Amplify's CUSTOM_WITH_SRP do.
func (e *env) customSRPStart(clientID, name string, cl *srp.Client) (*cip.InitiateAuthOutput, error) {
	return e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeCustomAuth,
		AuthParameters: map[string]string{"USERNAME": name, "SRP_A": cl.PublicHex(), "CHALLENGE_NAME": "SRP_A"}})
}

// srpProof answers PASSWORD_VERIFIER with a proof of pw.
func (e *env) srpProof(poolID, clientID string, cl *srp.Client, ch *cip.InitiateAuthOutput, pw string) (*cip.RespondToAuthChallengeOutput, error) {
	e.t.Helper()
	p := ch.ChallengeParameters
	r, err := cl.Respond(srp.Challenge{PoolName: strings.SplitN(poolID, "_", 2)[1], UserID: p["USER_ID_FOR_SRP"], Salt: p["SALT"],
		B: p["SRP_B"], SecretBlock: p["SECRET_BLOCK"]}, pw, e.srv.Clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypePasswordVerifier,
		Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": r.SecretBlock,
			"PASSWORD_CLAIM_SIGNATURE": r.Signature, "TIMESTAMP": r.Timestamp}})
}

// noSecrets fails the test when a private parameter or the metadata shows
// in what the client was given.
func noSecrets(t *testing.T, what string, params map[string]string, session *string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for k, v := range params {
			if strings.Contains(k, s) || strings.Contains(v, s) {
				t.Errorf("%s: %q shows in the challenge parameters %v", what, s, params)
			}
		}
		if session != nil && strings.Contains(*session, s) {
			t.Errorf("%s: %q shows in the session", what, s)
		}
	}
}

// A one-time code: DefineAuthChallenge, CreateAuthChallenge (whose private
// parameters stay with Cognate), VerifyAuthChallengeResponse, then
// DefineAuthChallenge again, which issues the tokens; each trigger sees
// the session, the user and the client metadata as Cognito documents.
func TestCustomAuthOneTimeCode(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(customTriggers)
	e.user(poolID, "cara")
	o := fixedCode{code: "739184"}
	emu.Handle(o.handle)
	meta := map[string]string{"app": "web"}
	ch, err := e.customStart(clientID, "cara", meta)
	if err != nil {
		t.Fatal(err)
	}
	if ch.ChallengeName != types.ChallengeNameTypeCustomChallenge || ch.ChallengeParameters["hint"] != lambdatest.Hint ||
		ch.ChallengeParameters["USERNAME"] != "cara" || ch.Session == nil {
		t.Fatalf("challenge %s %v", ch.ChallengeName, ch.ChallengeParameters)
	}
	noSecrets(t, "InitiateAuth", ch.ChallengeParameters, ch.Session, o.code, "CODE-1")
	out, err := e.customAnswer(clientID, "cara", ch.Session, o.code, map[string]string{"step": "answer"})
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil || out.AuthenticationResult.IdToken == nil || out.AuthenticationResult.RefreshToken == nil {
		t.Fatalf("no tokens: %+v", out)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if got := sources(calls); got != "DefineAuthChallenge_Authentication,CreateAuthChallenge_Authentication,VerifyAuthChallengeResponse_Authentication,DefineAuthChallenge_Authentication" {
		t.Fatalf("calls %s", got)
	}
	var d1, d2 events.CognitoEventUserPoolsDefineAuthChallenge
	var c1 events.CognitoEventUserPoolsCreateAuthChallenge
	var v1 events.CognitoEventUserPoolsVerifyAuthChallenge
	for i, v := range []any{&d1, &c1, &v1, &d2} {
		if err := calls[i].Event(v); err != nil {
			t.Fatal(err)
		}
	}
	if d1.UserPoolID != poolID || d1.UserName != "cara" || d1.CallerContext.ClientID != clientID || d1.Version != "1" || d1.Region != "us-east-1" {
		t.Errorf("header %+v", d1.CognitoEventUserPoolsHeader)
	}
	if len(d1.Request.Session) != 0 || d1.Request.UserNotFound || d1.Request.ClientMetadata["app"] != "web" ||
		d1.Request.UserAttributes["email"] != "cara@example.com" || d1.Request.UserAttributes["sub"] == "" {
		t.Errorf("first DefineAuthChallenge request %+v", d1.Request)
	}
	if !strings.Contains(string(calls[0].Raw), `"session":[]`) {
		t.Errorf("the first session is not an empty array: %s", calls[0].Raw)
	}
	if c1.Request.ChallengeName != "CUSTOM_CHALLENGE" || len(c1.Request.Session) != 0 || c1.Request.ClientMetadata["app"] != "web" ||
		c1.Request.UserAttributes["email"] != "cara@example.com" {
		t.Errorf("CreateAuthChallenge request %+v", c1.Request)
	}
	if v1.Request.ChallengeAnswer != o.code || v1.Request.PrivateChallengeParameters["code"] != o.code ||
		v1.Request.ClientMetadata["step"] != "answer" || v1.Request.UserAttributes["email"] != "cara@example.com" {
		t.Errorf("VerifyAuthChallengeResponse request %+v", v1.Request)
	}
	if s := d2.Request.Session; len(s) != 1 || s[0].ChallengeName != "CUSTOM_CHALLENGE" || !s[0].ChallengeResult || s[0].ChallengeMetadata != "CODE-1" ||
		d2.Request.ClientMetadata["step"] != "answer" {
		t.Errorf("second DefineAuthChallenge request %+v", d2.Request)
	}

	// The same through AdminInitiateAuth and AdminRespondToAuthChallenge.
	emu.Handle(o.handle)
	ach, err := e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
		AuthFlow: types.AuthFlowTypeCustomAuth, AuthParameters: map[string]string{"USERNAME": "cara"}})
	if err != nil {
		t.Fatal(err)
	}
	aout, err := e.c.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
		ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: ach.Session, ChallengeResponses: map[string]string{"USERNAME": "cara", "ANSWER": o.code}})
	if err != nil {
		t.Fatal(err)
	}
	if aout.AuthenticationResult == nil {
		t.Fatalf("no tokens from the admin flow: %+v", aout)
	}
	checkLossless(t, emu.Calls())
}

// A wrong answer is told to DefineAuthChallenge, which gives another
// challenge with a new Session; the old Session is refused; three wrong
// answers and the function fails the sign-in.
func TestCustomAuthRetriesAndFailure(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(customTriggers)
	e.user(poolID, "dan")
	o := fixedCode{code: "246810"}
	emu.Handle(o.handle)
	ch, err := e.customStart(clientID, "dan", nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.customAnswer(clientID, "dan", ch.Session, "000000", nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.ChallengeName != types.ChallengeNameTypeCustomChallenge || again.Session == nil || *again.Session == *ch.Session {
		t.Fatalf("after a wrong answer: %+v", again)
	}
	noSecrets(t, "RespondToAuthChallenge", again.ChallengeParameters, again.Session, o.code, "CODE-")
	// The answered Session is spent, right answer or not.
	_, err = e.customAnswer(clientID, "dan", ch.Session, o.code, nil)
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	out, err := e.customAnswer(clientID, "dan", again.Session, o.code, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("no tokens after the right answer: %+v", out)
	}
	// The Session that gave tokens is spent too.
	_, err = e.customAnswer(clientID, "dan", again.Session, o.code, nil)
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	calls := emu.Calls()
	checkLossless(t, calls)
	var d events.CognitoEventUserPoolsDefineAuthChallenge
	last := calls[len(calls)-1]
	if err := last.Event(&d); err != nil {
		t.Fatal(err)
	}
	if s := d.Request.Session; len(s) != 2 || s[0].ChallengeResult || s[0].ChallengeMetadata != "CODE-1" || !s[1].ChallengeResult || s[1].ChallengeMetadata != "CODE-2" {
		t.Errorf("session after wrong then right: %+v", s)
	}

	// Three wrong answers: the function fails the sign-in.
	emu.Handle(o.handle)
	ch, err = e.customStart(clientID, "dan", nil)
	if err != nil {
		t.Fatal(err)
	}
	s := ch.Session
	for i := 0; i < 2; i++ {
		r, err := e.customAnswer(clientID, "dan", s, "wrong", nil)
		if err != nil {
			t.Fatalf("wrong answer %d: %v", i+1, err)
		}
		s = r.Session
	}
	_, err = e.customAnswer(clientID, "dan", s, "wrong", nil)
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	checkLossless(t, emu.Calls())
	// A Session lives the client's AuthSessionValidity (3 minutes).
	emu.Handle(o.handle)
	ch, err = e.customStart(clientID, "dan", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Clock.Advance(3*time.Minute + time.Second)
	_, err = e.customAnswer(clientID, "dan", ch.Session, o.code, nil)
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	// A Session of another user, or a missing ANSWER, is refused.
	e.user(poolID, "eve")
	emu.Handle(o.handle)
	ch, err = e.customStart(clientID, "dan", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.customAnswer(clientID, "eve", ch.Session, o.code, nil)
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	_, err = e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypeCustomChallenge,
		Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": "dan"}})
	wantErr(t, err, "InvalidParameterException", "ANSWER")
}

// With SRP_A first, DefineAuthChallenge sees {SRP_A, true} and asks for
// PASSWORD_VERIFIER; after the proof it sees {PASSWORD_VERIFIER, true} and
// asks for the custom challenge. A wrong password ends the sign-in.
func TestCustomAuthWithSRP(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(customTriggers)
	e.user(poolID, "fay")
	o := fixedCode{code: "135790"}
	start := func(cl *srp.Client) *cip.InitiateAuthOutput {
		t.Helper()
		ch, err := e.customSRPStart(clientID, "fay", cl)
		if err != nil {
			t.Fatal(err)
		}
		if ch.ChallengeName != types.ChallengeNameTypePasswordVerifier || ch.ChallengeParameters["SRP_B"] == "" {
			t.Fatalf("want PASSWORD_VERIFIER, got %s %v", ch.ChallengeName, ch.ChallengeParameters)
		}
		return ch
	}
	proof := func(cl *srp.Client, ch *cip.InitiateAuthOutput, pw string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.srpProof(poolID, clientID, cl, ch, pw)
	}
	emu.Handle(o.handle)
	cl, _ := srp.NewClient()
	ch := start(cl)
	custom, err := proof(cl, ch, password)
	if err != nil {
		t.Fatal(err)
	}
	if custom.ChallengeName != types.ChallengeNameTypeCustomChallenge {
		t.Fatalf("after the proof: %s", custom.ChallengeName)
	}
	out, err := e.customAnswer(clientID, "fay", custom.Session, o.code, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("no tokens: %+v", out)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if got := sources(calls); got != "DefineAuthChallenge_Authentication,DefineAuthChallenge_Authentication,CreateAuthChallenge_Authentication,VerifyAuthChallengeResponse_Authentication,DefineAuthChallenge_Authentication" {
		t.Fatalf("calls %s", got)
	}
	var d1, d2, d3 events.CognitoEventUserPoolsDefineAuthChallenge
	for i, v := range map[int]any{0: &d1, 1: &d2, 4: &d3} {
		if err := calls[i].Event(v); err != nil {
			t.Fatal(err)
		}
	}
	if s := d1.Request.Session; len(s) != 1 || s[0].ChallengeName != "SRP_A" || !s[0].ChallengeResult {
		t.Errorf("first session %+v", s)
	}
	if s := d2.Request.Session; len(s) != 2 || s[1].ChallengeName != "PASSWORD_VERIFIER" || !s[1].ChallengeResult {
		t.Errorf("second session %+v", s)
	}
	if s := d3.Request.Session; len(s) != 3 || s[2].ChallengeName != "CUSTOM_CHALLENGE" || !s[2].ChallengeResult {
		t.Errorf("third session %+v", s)
	}

	// A wrong password: refused as in USER_SRP_AUTH, no custom challenge.
	emu.Handle(o.handle)
	cl, _ = srp.NewClient()
	ch = start(cl)
	_, err = proof(cl, ch, "Wr0ng-Password!")
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if got := sources(emu.Calls()); got != "DefineAuthChallenge_Authentication" {
		t.Errorf("calls after a wrong password: %s", got)
	}
	checkLossless(t, emu.Calls())
	// CHALLENGE_NAME SRP_A without SRP_A.
	_, err = e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeCustomAuth,
		AuthParameters: map[string]string{"USERNAME": "fay", "CHALLENGE_NAME": "SRP_A"}})
	wantErr(t, err, "InvalidParameterException", "SRP_A")
}

// The refusals: a client that does not allow CUSTOM_AUTH, a pool without
// DefineAuthChallenge, an unknown user, a function that fails or answers
// nothing usable.
func TestCustomAuthRefusals(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(customTriggers)
	e.user(poolID, "gil")
	o := fixedCode{code: "111222"}
	emu.Handle(o.handle)
	srpOnly := e.customClient(poolID, false, types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth)
	_, err := e.customStart(srpOnly, "gil", nil)
	wantErr(t, err, "InvalidParameterException", "Auth flow not enabled for this client")
	// The legacy name of the flow is allowed too.
	legacy := e.customClient(poolID, false, types.ExplicitAuthFlowsTypeCustomAuthFlowOnly)
	if ch, err := e.customStart(legacy, "gil", nil); err != nil || ch.ChallengeName != types.ChallengeNameTypeCustomChallenge {
		t.Fatalf("CUSTOM_AUTH_FLOW_ONLY client: %v %+v", err, ch)
	}
	// Unknown user, existence not hidden.
	_, err = e.customStart(clientID, "nobody", nil)
	wantErr(t, err, "UserNotFoundException", "")
	// A disabled user, an unconfirmed one: refused before any function runs.
	e.user(poolID, "hidden")
	if _, err := e.c.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("hidden")}); err != nil {
		t.Fatal(err)
	}
	emu.Handle(o.handle)
	_, err = e.customStart(clientID, "hidden", nil)
	wantErr(t, err, "NotAuthorizedException", "User is disabled.")
	if err := signUp(e, clientID, "newbie"); err != nil {
		t.Fatal(err)
	}
	_, err = e.customStart(clientID, "newbie", nil)
	wantErr(t, err, "UserNotConfirmedException", "")
	if n := len(emu.Calls()); n != 0 {
		t.Errorf("%d function calls for refused users", n)
	}
	// A pool without the triggers.
	_, bare := e.pool(nil)
	_, err = e.customStart(bare, "gil", nil)
	wantErr(t, err, "InvalidParameterException", "Custom auth lambda trigger is not configured for the user pool.")
	// A failing function, and an answer with neither tokens nor failure
	// nor a challenge.
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply { return lambdatest.Reply{Error: "no sign-in today"} })
	_, err = e.customStart(clientID, "gil", nil)
	wantErr(t, err, "UserLambdaValidationException", "DefineAuthChallenge failed with error no sign-in today.")
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsDefineAuthChallengeResponse{}}
	})
	_, err = e.customStart(clientID, "gil", nil)
	wantErr(t, err, "InvalidLambdaResponseException", "Unrecognizable lambda output")
	// PASSWORD_VERIFIER asked for a sign-in that sent no SRP_A.
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsDefineAuthChallengeResponse{ChallengeName: "PASSWORD_VERIFIER"}}
	})
	_, err = e.customStart(clientID, "gil", nil)
	wantErr(t, err, "InvalidLambdaResponseException", "Unrecognizable lambda output")
	// Private parameters too large to carry in a Session.
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		if inv.Source() == "CreateAuthChallenge_Authentication" {
			return lambdatest.Reply{Response: events.CognitoEventUserPoolsCreateAuthChallengeResponse{
				PrivateChallengeParameters: map[string]string{"blob": strings.Repeat("x", 3000)}}}
		}
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsDefineAuthChallengeResponse{ChallengeName: "CUSTOM_CHALLENGE"}}
	})
	_, err = e.customStart(clientID, "gil", nil)
	wantErr(t, err, "InvalidLambdaResponseException", "too large")
	// A function that never ends the sign-in: it stops after 8 challenges.
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		switch inv.Source() {
		case "CreateAuthChallenge_Authentication":
			return lambdatest.Reply{Response: events.CognitoEventUserPoolsCreateAuthChallengeResponse{ChallengeMetadata: "ROUND"}}
		case "VerifyAuthChallengeResponse_Authentication":
			return lambdatest.Reply{Response: events.CognitoEventUserPoolsVerifyAuthChallengeResponse{AnswerCorrect: true}}
		}
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsDefineAuthChallengeResponse{ChallengeName: "CUSTOM_CHALLENGE"}}
	})
	ch, err := e.customStart(clientID, "gil", nil)
	if err != nil {
		t.Fatal(err)
	}
	s := ch.Session
	t.Logf("a custom challenge's Session: %d characters", len(*s))
	for i := 1; i < 8; i++ {
		r, err := e.customAnswer(clientID, "gil", s, "yes", nil)
		if err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
		s = r.Session
	}
	t.Logf("the 8th challenge's Session: %d characters", len(*s))
	_, err = e.customAnswer(clientID, "gil", s, "yes", nil)
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if n := strings.Count(sources(emu.Calls()), "CreateAuthChallenge"); n != 8 {
		t.Errorf("%d challenges, want 8", n)
	}
	// failAuthentication at once.
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsDefineAuthChallengeResponse{FailAuthentication: true, IssueTokens: true}}
	})
	_, err = e.customStart(clientID, "gil", nil)
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	checkLossless(t, emu.Calls())
}

// With PreventUserExistenceErrors, an unknown user goes through the same
// triggers (userNotFound true, no attributes) and never gets tokens, even
// when the function would issue them.
func TestCustomAuthUnknownUserHidden(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(customTriggers)
	clientID := e.customClient(poolID, true, types.ExplicitAuthFlowsTypeAllowCustomAuth)
	o := fixedCode{code: "999000"} // issues tokens after a right answer, whoever the user
	emu.Handle(o.handle)
	ch, err := e.customStart(clientID, "ghost", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.ChallengeName != types.ChallengeNameTypeCustomChallenge || ch.ChallengeParameters["USERNAME"] != "ghost" {
		t.Fatalf("unknown user's challenge %s %v", ch.ChallengeName, ch.ChallengeParameters)
	}
	_, err = e.customAnswer(clientID, "ghost", ch.Session, o.code, nil)
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	calls := emu.Calls()
	checkLossless(t, calls)
	if got := sources(calls); got != "DefineAuthChallenge_Authentication,CreateAuthChallenge_Authentication,VerifyAuthChallengeResponse_Authentication,DefineAuthChallenge_Authentication" {
		t.Fatalf("calls %s", got)
	}
	var d events.CognitoEventUserPoolsDefineAuthChallenge
	var v events.CognitoEventUserPoolsVerifyAuthChallenge
	if err := calls[0].Event(&d); err != nil {
		t.Fatal(err)
	}
	if err := calls[2].Event(&v); err != nil {
		t.Fatal(err)
	}
	if !d.Request.UserNotFound || len(d.Request.UserAttributes) != 0 || d.UserName != "ghost" || !v.Request.UserNotFound {
		t.Errorf("unknown user's events: %+v / %+v", d, v.Request)
	}
	// With SRP_A first, the unknown user gets PASSWORD_VERIFIER like a
	// real one, and the proof fails as a wrong password.
	emu.Handle(o.handle)
	cl, _ := srp.NewClient()
	pv, err := e.customSRPStart(clientID, "ghost", cl)
	if err != nil {
		t.Fatal(err)
	}
	if pv.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("unknown user with SRP_A: %s", pv.ChallengeName)
	}
	_, err = e.srpProof(poolID, clientID, cl, pv, password)
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	checkLossless(t, emu.Calls())
}

// Wrong answers count towards the failed-attempt lockout as wrong
// passwords do: after five, the user is locked out for a while.
func TestCustomAuthLockout(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(customTriggers)
	e.user(poolID, "hal")
	o := fixedCode{code: "424242"}
	emu.Handle(o.handle)
	// Four wrong answers, then tokens: the count starts afresh, so one more
	// wrong answer does not lock the user.
	answers := func(list ...string) (*cip.RespondToAuthChallengeOutput, error) {
		t.Helper()
		ch, err := e.customStart(clientID, "hal", nil)
		if err != nil {
			t.Fatal(err)
		}
		s := ch.Session
		var r *cip.RespondToAuthChallengeOutput
		for _, a := range list {
			if r, err = e.customAnswer(clientID, "hal", s, a, nil); err != nil {
				return nil, err
			}
			s = r.Session
		}
		return r, nil
	}
	_, err := answers("nope", "nope", "nope")
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if r, err := answers("nope", o.code); err != nil || r.AuthenticationResult == nil {
		t.Fatalf("after four wrong answers, the right one: %v", err)
	}
	if r, err := answers("nope", o.code); err != nil || r.AuthenticationResult == nil {
		t.Fatalf("the count did not start afresh: %v", err)
	}
	wrong := 0
	for wrong < 5 {
		ch, err := e.customStart(clientID, "hal", nil)
		if err != nil {
			t.Fatalf("after %d wrong answers: %v", wrong, err)
		}
		s := ch.Session
		for i := 0; i < 3 && wrong < 5; i++ {
			r, err := e.customAnswer(clientID, "hal", s, "nope", nil)
			wrong++
			if err != nil {
				wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
				break
			}
			s = r.Session
		}
	}
	_, err = e.customStart(clientID, "hal", nil)
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	// The password flow is locked too: the count is the user's.
	_, err = e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "hal", "PASSWORD": password}})
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	checkLossless(t, emu.Calls())
}

// In a pool that keeps a sign-in history, a custom sign-in is one event:
// passed when the function issues tokens (after wrong answers too), failed
// when it fails the sign-in.
func TestCustomAuthSignInHistory(t *testing.T) {
	e := newEnv(t)
	p, err := e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("history"), LambdaConfig: customTriggers,
		UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := *p.UserPool.Id
	clientID := e.customClient(poolID, false, types.ExplicitAuthFlowsTypeAllowCustomAuth)
	e.user(poolID, "ivy")
	o := fixedCode{code: "808080"}
	emu.Handle(o.handle)
	ch, err := e.customStart(clientID, "ivy", nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.customAnswer(clientID, "ivy", ch.Session, "wrong", nil)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := e.customAnswer(clientID, "ivy", r.Session, o.code, nil); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("right answer: %v %+v", err, out)
	}
	s := ""
	ch, err = e.customStart(clientID, "ivy", nil)
	if err != nil {
		t.Fatal(err)
	}
	sess := ch.Session
	for i := 0; i < 3; i++ {
		r, err := e.customAnswer(clientID, "ivy", sess, "wrong", nil)
		if i < 2 {
			if err != nil {
				t.Fatal(err)
			}
			sess = r.Session
			continue
		}
		wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}
	ev, err := e.c.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: aws.String(poolID), Username: aws.String("ivy")})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ev.AuthEvents {
		s += string(a.EventType) + ":" + string(a.EventResponse) + ","
	}
	// Newest first.
	if s != "SignIn:Fail,SignIn:Pass," {
		t.Errorf("events %s, want SignIn:Fail,SignIn:Pass,", s)
	}
	checkLossless(t, emu.Calls())
}

// In a pool that asks the user for MFA, the custom flow asks for it right
// after PASSWORD_VERIFIER, in place of the next DefineAuthChallenge, and the
// code gives tokens (what Cognito is reported to do); a passwordless custom
// flow asks no MFA.
func TestCustomAuthMFAAfterPasswordVerifier(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(customTriggers)
	if _, err := e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID), MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	e.user(poolID, "jon")
	// jon sets up an authenticator app.
	in, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "jon", "PASSWORD": password}})
	if err != nil {
		t.Fatal(err)
	}
	access := in.AuthenticationResult.AccessToken
	assoc, err := e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: access})
	if err != nil {
		t.Fatal(err)
	}
	code := func() string {
		c, err := totp.GenerateCode(*assoc.SecretCode, e.srv.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if _, err := e.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: access, UserCode: aws.String(code())}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: access,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		t.Fatal(err)
	}
	o := fixedCode{code: "575757"}
	emu.Handle(o.handle)
	cl, _ := srp.NewClient()
	ch, err := e.customSRPStart(clientID, "jon", cl)
	if err != nil {
		t.Fatal(err)
	}
	mfa, err := e.srpProof(poolID, clientID, cl, ch, password)
	if err != nil {
		t.Fatal(err)
	}
	if mfa.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("after the password: %s, want SOFTWARE_TOKEN_MFA", mfa.ChallengeName)
	}
	e.srv.Clock.Advance(30 * time.Second) // the set-up's code is spent
	out, err := e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		Session: mfa.Session, ChallengeResponses: map[string]string{"USERNAME": "jon", "SOFTWARE_TOKEN_MFA_CODE": code()}})
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("no tokens after the code: %+v", out)
	}
	if got := sources(emu.Calls()); got != "DefineAuthChallenge_Authentication" {
		t.Errorf("calls %s: want DefineAuthChallenge once", got)
	}
	checkLossless(t, emu.Calls())
	// Without the password, no MFA.
	emu.Handle(o.handle)
	ch, err = e.customStart(clientID, "jon", nil)
	if err != nil {
		t.Fatal(err)
	}
	done, err := e.customAnswer(clientID, "jon", ch.Session, o.code, nil)
	if err != nil || done.AuthenticationResult == nil {
		t.Fatalf("passwordless custom sign-in: %v %+v", err, done)
	}
	checkLossless(t, emu.Calls())
}

// An app client with a secret: the SECRET_HASH is checked on InitiateAuth
// and on the answer, as in the other flows.
func TestCustomAuthSecretHash(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(customTriggers)
	e.user(poolID, "kim")
	cl, err := e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("server"),
		GenerateSecret: true, ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowCustomAuth}})
	if err != nil {
		t.Fatal(err)
	}
	clientID, secret := *cl.UserPoolClient.ClientId, *cl.UserPoolClient.ClientSecret
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("kim" + clientID))
	hash := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	o := fixedCode{code: "313131"}
	emu.Handle(o.handle)
	_, err = e.customStart(clientID, "kim", nil)
	wantErr(t, err, "NotAuthorizedException", "is configured for secret but secret was not received")
	ch, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeCustomAuth,
		AuthParameters: map[string]string{"USERNAME": "kim", "SECRET_HASH": hash}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.customAnswer(clientID, "kim", ch.Session, o.code, nil)
	wantErr(t, err, "NotAuthorizedException", "is configured for secret but secret was not received")
	out, err := e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypeCustomChallenge,
		Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": "kim", "ANSWER": o.code, "SECRET_HASH": hash}})
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("no tokens: %+v", out)
	}
	checkLossless(t, emu.Calls())
}

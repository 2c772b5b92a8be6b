package triggers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/lambdatest"
)

// customText is the message the tests' CustomMessage function writes: the
// trigger source, the code placeholder and, for an invitation, the
// username placeholder, as the event gave them.
func customText(inv *lambdatest.Invocation) lambdatest.Reply {
	var ev events.CognitoEventUserPoolsCustomMessage
	if err := inv.Event(&ev); err != nil {
		return lambdatest.Reply{Error: err.Error()}
	}
	body := ev.TriggerSource + ": your code is " + ev.Request.CodeParameter
	if ev.Request.UsernameParameter != "" {
		body += " for " + ev.Request.UsernameParameter
	}
	return lambdatest.Reply{Response: events.CognitoEventUserPoolsCustomMessageResponse{
		EmailMessage: body, EmailSubject: "Subject of " + ev.TriggerSource, SMSMessage: body}}
}

// lastMessage is the newest message the outbox holds for a user.
func (e *env) lastMessage(poolID, username string) cognatetest.Message {
	e.t.Helper()
	msgs := e.srv.Outbox(poolID, username)
	if len(msgs) == 0 {
		e.t.Fatalf("no message for %s", username)
	}
	return msgs[len(msgs)-1]
}

// wantCustom checks the one CustomMessage call (its source, placeholders,
// user and client metadata) and that the message sent is its text with the
// real code in place.
func wantCustom(t *testing.T, e *env, poolID, username, source string, meta map[string]string) cognatetest.Message {
	t.Helper()
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != source {
		t.Fatalf("sources %q, want %s", sources(calls), source)
	}
	var ev events.CognitoEventUserPoolsCustomMessage
	if err := calls[0].Event(&ev); err != nil {
		t.Fatal(err)
	}
	if ev.Request.CodeParameter != "{####}" || ev.UserPoolID != poolID || ev.Version != "1" {
		t.Errorf("codeParameter %q, pool %q, version %q", ev.Request.CodeParameter, ev.UserPoolID, ev.Version)
	}
	wantUser := ""
	if source == "CustomMessage_AdminCreateUser" {
		wantUser = "{username}"
	}
	if ev.Request.UsernameParameter != wantUser || !strings.Contains(string(calls[0].Raw), `"usernameParameter":`) {
		t.Errorf("usernameParameter %q, want %q: %s", ev.Request.UsernameParameter, wantUser, calls[0].Raw)
	}
	if ev.Request.UserAttributes["sub"] == nil || ev.Request.UserAttributes["cognito:user_status"] == nil {
		t.Errorf("userAttributes %v: want sub and cognito:user_status", ev.Request.UserAttributes)
	}
	for k, v := range meta {
		if ev.Request.ClientMetadata[k] != v {
			t.Errorf("clientMetadata %v, want %v", ev.Request.ClientMetadata, meta)
		}
	}
	m := e.lastMessage(poolID, username)
	want := source + ": your code is " + m.Code
	if source == "CustomMessage_AdminCreateUser" {
		want += " for " + username
	}
	if m.Body != want || m.Subject != "Subject of "+source {
		t.Errorf("message sent %q / %q, want %q / %q", m.Subject, m.Body, "Subject of "+source, want)
	}
	return m
}

// signedUpUser signs a user up (email verified by code) through the
// function's messages and confirms them with the code sent.
func (e *env) signedUpUser(poolID, clientID, name string) {
	e.t.Helper()
	if err := signUp(e, clientID, name); err != nil {
		e.t.Fatal(err)
	}
	code := e.lastMessage(poolID, name).Code
	if _, err := e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String(name), ConfirmationCode: aws.String(code)}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) accessToken(clientID, name string) string {
	e.t.Helper()
	out, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}})
	if err != nil {
		e.t.Fatal(err)
	}
	return *out.AuthenticationResult.AccessToken
}

// CustomMessage_SignUp: the function's text and subject go out with the
// code in place, and that code confirms the user.
func TestCustomMessageSignUp(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{CustomMessage: aws.String(fn)})
	emu.Handle(customText)
	if _, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("ann"), Password: aws.String(password),
		UserAttributes: []types.AttributeType{attr("email", "ann@example.com")}, ClientMetadata: map[string]string{"app": "web"}}); err != nil {
		t.Fatal(err)
	}
	m := wantCustom(t, e, poolID, "ann", "CustomMessage_SignUp", map[string]string{"app": "web"})
	var ev events.CognitoEventUserPoolsCustomMessage
	_ = emu.Calls()[0].Event(&ev)
	if ev.UserName != "ann" || ev.CallerContext.ClientID != clientID || ev.Request.UserAttributes["email"] != "ann@example.com" ||
		ev.Request.UserAttributes["cognito:user_status"] != "UNCONFIRMED" {
		t.Errorf("event %+v", ev)
	}
	// The development outbox over HTTP shows the same subject and body.
	resp, err := http.Get(e.srv.URL + "/_cognate/outbox?" + url.Values{"pool": {poolID}, "username": {"ann"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	var sent []struct{ Subject, Body, Code string }
	err = json.NewDecoder(resp.Body).Decode(&sent)
	resp.Body.Close()
	if err != nil || len(sent) != 1 || sent[0].Subject != m.Subject || sent[0].Body != m.Body || !strings.Contains(sent[0].Body, sent[0].Code) {
		t.Errorf("/_cognate/outbox: %v %+v", err, sent)
	}
	if _, err := e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("ann"), ConfirmationCode: aws.String(m.Code)}); err != nil {
		t.Fatal(err)
	}
}

// CustomMessage_ResendCode.
func TestCustomMessageResendCode(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{CustomMessage: aws.String(fn)})
	emu.Handle(customText)
	if err := signUp(e, clientID, "bob"); err != nil {
		t.Fatal(err)
	}
	emu.Handle(customText)
	if _, err := e.c.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: aws.String(clientID), Username: aws.String("bob"),
		ClientMetadata: map[string]string{"why": "lost"}}); err != nil {
		t.Fatal(err)
	}
	m := wantCustom(t, e, poolID, "bob", "CustomMessage_ResendCode", map[string]string{"why": "lost"})
	if _, err := e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("bob"), ConfirmationCode: aws.String(m.Code)}); err != nil {
		t.Fatal(err)
	}
}

// CustomMessage_ForgotPassword, from ForgotPassword and from
// AdminResetUserPassword (whose callerContext names no client).
func TestCustomMessageForgotPassword(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{CustomMessage: aws.String(fn)})
	emu.Handle(customText)
	e.signedUpUser(poolID, clientID, "cy")
	emu.Handle(customText)
	if _, err := e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("cy"),
		ClientMetadata: map[string]string{"flow": "forgot"}}); err != nil {
		t.Fatal(err)
	}
	m := wantCustom(t, e, poolID, "cy", "CustomMessage_ForgotPassword", map[string]string{"flow": "forgot"})
	if _, err := e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("cy"),
		ConfirmationCode: aws.String(m.Code), Password: aws.String(password + "2")}); err != nil {
		t.Fatal(err)
	}
	emu.Handle(customText)
	if _, err := e.c.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("cy")}); err != nil {
		t.Fatal(err)
	}
	wantCustom(t, e, poolID, "cy", "CustomMessage_ForgotPassword", nil)
	var ev events.CognitoEventUserPoolsCustomMessage
	_ = emu.Calls()[0].Event(&ev)
	if ev.CallerContext.ClientID != "CLIENT_ID_NOT_APPLICABLE" {
		t.Errorf("admin reset: clientId %q", ev.CallerContext.ClientID)
	}
}

// CustomMessage_AdminCreateUser: the invitation carries the username and
// the temporary password in the function's words, and that password signs
// the user in (to NEW_PASSWORD_REQUIRED).
func TestCustomMessageAdminCreateUser(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{CustomMessage: aws.String(fn)})
	emu.Handle(customText)
	if _, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("dora"),
		UserAttributes: []types.AttributeType{attr("email", "dora@example.com")}, ClientMetadata: map[string]string{"by": "admin"}}); err != nil {
		t.Fatal(err)
	}
	m := wantCustom(t, e, poolID, "dora", "CustomMessage_AdminCreateUser", map[string]string{"by": "admin"})
	out, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "dora", "PASSWORD": m.Code}})
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("challenge %s", out.ChallengeName)
	}
	// RESEND sends a new password through the same trigger source.
	emu.Handle(customText)
	if _, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("dora"),
		MessageAction: types.MessageActionTypeResend}); err != nil {
		t.Fatal(err)
	}
	if again := wantCustom(t, e, poolID, "dora", "CustomMessage_AdminCreateUser", nil); again.Code == m.Code {
		t.Errorf("RESEND sent the same password")
	}
}

// CustomMessage_UpdateUserAttribute: a changed email gets its code in the
// function's words, and the code verifies it.
func TestCustomMessageUpdateUserAttribute(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{CustomMessage: aws.String(fn)})
	emu.Handle(customText)
	e.signedUpUser(poolID, clientID, "eli")
	token := e.accessToken(clientID, "eli")
	emu.Handle(customText)
	if _, err := e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: aws.String(token),
		UserAttributes: []types.AttributeType{attr("email", "eli@example.org"), attr("name", "Eli")}, ClientMetadata: map[string]string{"page": "profile"}}); err != nil {
		t.Fatal(err)
	}
	m := wantCustom(t, e, poolID, "eli", "CustomMessage_UpdateUserAttribute", map[string]string{"page": "profile"})
	if m.Destination != "eli@example.org" {
		t.Errorf("sent to %s", m.Destination)
	}
	if _, err := e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: aws.String(token), AttributeName: aws.String("email"), Code: aws.String(m.Code)}); err != nil {
		t.Fatal(err)
	}
	// A change that sends no code calls no function.
	emu.Handle(customText)
	if _, err := e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: aws.String(token),
		UserAttributes: []types.AttributeType{attr("name", "Elias")}}); err != nil {
		t.Fatal(err)
	}
	if n := len(emu.Calls()); n != 0 {
		t.Errorf("%d calls for a change without a code", n)
	}
}

// CustomMessage_VerifyUserAttribute: GetUserAttributeVerificationCode.
func TestCustomMessageVerifyUserAttribute(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{CustomMessage: aws.String(fn)})
	emu.Handle(customText)
	e.signedUpUser(poolID, clientID, "fay")
	token := e.accessToken(clientID, "fay")
	emu.Handle(customText)
	if _, err := e.c.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: aws.String(token),
		AttributeName: aws.String("email"), ClientMetadata: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	m := wantCustom(t, e, poolID, "fay", "CustomMessage_VerifyUserAttribute", map[string]string{"k": "v"})
	if _, err := e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: aws.String(token), AttributeName: aws.String("email"), Code: aws.String(m.Code)}); err != nil {
		t.Fatal(err)
	}
}

// A text without the code placeholder (or, for an invitation, without the
// username one) is not used: the pool's message goes out, under the
// function's subject. A function that changes nothing leaves the pool's
// message and subject.
func TestCustomMessageWithoutPlaceholderFallsBack(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{CustomMessage: aws.String(fn)})
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsCustomMessageResponse{EmailMessage: "Welcome! {####}", EmailSubject: "Hello"}}
	})
	if _, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("gil"),
		UserAttributes: []types.AttributeType{attr("email", "gil@example.com")}}); err != nil {
		t.Fatal(err)
	}
	checkLossless(t, emu.Calls())
	m := e.lastMessage(poolID, "gil")
	if m.Subject != "Hello" || m.Body != "Your username is gil and temporary password is "+m.Code+". " {
		t.Errorf("invitation without {username}: %q / %q", m.Subject, m.Body)
	}
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsCustomMessageResponse{EmailMessage: "no code here", EmailSubject: "Hi"}}
	})
	if err := signUp(e, clientID, "hal"); err != nil {
		t.Fatal(err)
	}
	checkLossless(t, emu.Calls())
	m = e.lastMessage(poolID, "hal")
	if m.Subject != "Hi" || m.Body != "Your verification code is "+m.Code+". " {
		t.Errorf("sign-up message without {####}: %q / %q", m.Subject, m.Body)
	}
	emu.Handle(nil) // the event back as it came: every response member null
	if err := signUp(e, clientID, "ida"); err != nil {
		t.Fatal(err)
	}
	checkLossless(t, emu.Calls())
	if m := e.lastMessage(poolID, "ida"); m.Subject != "Your verification code" || m.Body != "Your verification code is "+m.Code+". " {
		t.Errorf("untouched response: %q / %q", m.Subject, m.Body)
	}
}

// A text outside Cognito's limits for an email (its character classes, its
// 20,000 characters) is refused as Cognito refuses it, before anything is
// written: no user.
func TestCustomMessageOutsideLimitsIsRefused(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{CustomMessage: aws.String(fn)})
	for name, body := range map[string]string{
		"bell": "Ding \u0007 {####}",
		"long": "{####}" + strings.Repeat("x", 20000),
	} {
		emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
			return lambdatest.Reply{Response: events.CognitoEventUserPoolsCustomMessageResponse{EmailMessage: body}}
		})
		wantErr(t, signUp(e, clientID, name), "InvalidParameterException", "1 validation error detected")
		checkLossless(t, emu.Calls())
		_, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name)})
		wantErr(t, err, "UserNotFoundException", "")
	}
}

// A function error refuses the operation with Cognito's wording and leaves
// nothing behind: no user for SignUp, no code sent for ForgotPassword.
func TestCustomMessageFunctionError(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{CustomMessage: aws.String(fn)})
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Error: "template store down"}
	})
	wantErr(t, signUp(e, clientID, "jo"), "UserLambdaValidationException", "CustomMessage failed with error template store down.")
	checkLossless(t, emu.Calls())
	_, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("jo")})
	wantErr(t, err, "UserNotFoundException", "")

	emu.Handle(customText)
	e.signedUpUser(poolID, clientID, "kim")
	sent := len(e.srv.Outbox(poolID, "kim"))
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply { return lambdatest.Reply{Error: "nope"} })
	_, err = e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("kim")})
	wantErr(t, err, "UserLambdaValidationException", "CustomMessage failed with error nope.")
	checkLossless(t, emu.Calls())
	if n := len(e.srv.Outbox(poolID, "kim")); n != sent {
		t.Errorf("%d messages after a refused ForgotPassword, want %d", n, sent)
	}
}

// A code by SMS goes out in the function's smsMessage; one over 140
// characters (the code counted) is refused, and no user is created.
func TestCustomMessageSMS(t *testing.T) {
	e := newEnv(t)
	p, err := e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("sms"),
		LambdaConfig:           &types.LambdaConfigType{CustomMessage: aws.String(fn)},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypePhoneNumber},
		SmsConfiguration:       &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/cognito-sms"), ExternalId: aws.String("x")}})
	if err != nil {
		t.Fatal(err)
	}
	poolID := *p.UserPool.Id
	cl, err := e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: p.UserPool.Id, ClientName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	clientID := *cl.UserPoolClient.ClientId
	sms := func(name, body string) error {
		emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
			return lambdatest.Reply{Response: events.CognitoEventUserPoolsCustomMessageResponse{SMSMessage: body, EmailMessage: "email {####}"}}
		})
		_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String(name), Password: aws.String(password),
			UserAttributes: []types.AttributeType{attr("phone_number", "+15555550100")}})
		checkLossless(t, emu.Calls())
		return err
	}
	if err := sms("lou", "Your Acme code: {####}"); err != nil {
		t.Fatal(err)
	}
	if m := e.lastMessage(poolID, "lou"); m.Medium != "SMS" || m.Body != "Your Acme code: "+m.Code {
		t.Errorf("SMS sent %s %q", m.Medium, m.Body)
	}
	// 134 characters and the code: 140, allowed; one more is refused.
	if err := sms("max", strings.Repeat("a", 134)+"{####}"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, sms("ned", strings.Repeat("a", 135)+"{####}"), "InvalidParameterException", "140")
	_, err = e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ned")})
	wantErr(t, err, "UserNotFoundException", "")
}

// In a pool with email as an alias, the event's userAttributes carry
// cognito:email_alias for a verified email, as Cognito's do.
func TestCustomMessageAliasAttribute(t *testing.T) {
	e := newEnv(t)
	p, err := e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("alias"),
		LambdaConfig: &types.LambdaConfigType{CustomMessage: aws.String(fn)}, AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}})
	if err != nil {
		t.Fatal(err)
	}
	emu.Handle(customText)
	if _, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: p.UserPool.Id, Username: aws.String("pia"),
		UserAttributes: []types.AttributeType{attr("email", "pia@example.com"), attr("email_verified", "true")}}); err != nil {
		t.Fatal(err)
	}
	wantCustom(t, e, *p.UserPool.Id, "pia", "CustomMessage_AdminCreateUser", nil)
	var ev events.CognitoEventUserPoolsCustomMessage
	_ = emu.Calls()[0].Event(&ev)
	if ev.Request.UserAttributes["cognito:email_alias"] != "pia@example.com" || ev.Request.UserAttributes["cognito:user_status"] != "FORCE_CHANGE_PASSWORD" {
		t.Errorf("userAttributes %v", ev.Request.UserAttributes)
	}
}

// CustomMessage_Authentication: an email MFA code goes out in the
// function's text, with InitiateAuth's ClientMetadata, and signs in.
func TestCustomMessageAuthentication(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{CustomMessage: aws.String(fn)})
	emu.Handle(customText)
	e.signedUpUser(poolID, clientID, "otto")
	if _, err := e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID), MfaConfiguration: types.UserPoolMfaTypeOptional,
		EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("Pool text {####}")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(poolID), Username: aws.String("otto"),
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	emu.Handle(customText)
	ch, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "otto", "PASSWORD": password}, ClientMetadata: map[string]string{"step": "mfa"}})
	if err != nil {
		t.Fatal(err)
	}
	if ch.ChallengeName != types.ChallengeNameTypeEmailOtp {
		t.Fatalf("want EMAIL_OTP, got %q", ch.ChallengeName)
	}
	m := wantCustom(t, e, poolID, "otto", "CustomMessage_Authentication", map[string]string{"step": "mfa"})
	out, err := e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID), ChallengeName: ch.ChallengeName,
		Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": "otto", "EMAIL_OTP_CODE": m.Code}})
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("answering the code: %v", err)
	}
}

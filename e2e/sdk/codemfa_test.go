package sdk_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
)

// codeMFAPool creates a pool whose MFA is mode with the factors named
// (sms, email, totp), and a public client allowing password sign-in.
func (e *env) codeMFAPool(mode types.UserPoolMfaType, factors ...string) (poolID, clientID string) {
	e.t.Helper()
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("codemfa")}))(e.t)
	poolID = *p.UserPool.Id
	in := &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: mode}
	for _, f := range factors {
		switch f {
		case "sms":
			in.SmsMfaConfiguration = &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("Your sign-in code: {####}"),
				SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sns-caller")}}
		case "email":
			in.EmailMfaConfiguration = &types.EmailMfaConfigType{Message: aws.String("Here is your code: {####}"), Subject: aws.String("Sign-in code")}
		case "totp":
			in.SoftwareTokenMfaConfiguration = &types.SoftwareTokenMfaConfigType{Enabled: true}
		}
	}
	must(e.c.SetUserPoolMfaConfig(ctx, in))(e.t)
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(e.t)
	return poolID, *c.UserPoolClient.ClientId
}

// codeMFAUser creates a confirmed user with a password and the given
// attributes (unverified).
func (e *env) codeMFAUser(poolID string, attrs ...string) string {
	e.t.Helper()
	name := fmt.Sprintf("codemfa%d", userSeq.Add(1))
	var ua []types.AttributeType
	for i := 0; i+1 < len(attrs); i += 2 {
		ua = append(ua, types.AttributeType{Name: aws.String(attrs[i]), Value: aws.String(attrs[i+1])})
	}
	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &name, UserAttributes: ua,
		MessageAction: types.MessageActionTypeSuppress}))(e.t)
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name, Password: aws.String(password), Permanent: true}))(e.t)
	return name
}

// lastMessage is the newest message the outbox holds for the user.
func (e *env) lastMessage(poolID, name string) cognatetest.Message {
	e.t.Helper()
	msgs := e.srv.Outbox(poolID, name)
	if len(msgs) == 0 {
		e.t.Fatalf("no message in the outbox for %s", name)
	}
	return msgs[len(msgs)-1]
}

func (e *env) answer(clientID, name string, ch *cip.InitiateAuthOutput, key, value string) (*cip.RespondToAuthChallengeOutput, error) {
	return e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: ch.ChallengeName,
		Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": name, key: value}})
}

func attrOf(attrs []types.AttributeType, name string) string {
	for _, a := range attrs {
		if *a.Name == name {
			return aws.ToString(a.Value)
		}
	}
	return ""
}

// TestSMSMFASignIn: a pool with MFA ON and only SMS configured signs in a
// user with a phone number by a code sent by text message, with the pool's
// message and a masked destination; the phone becomes verified and the
// Session cannot be answered twice.
func TestSMSMFASignIn(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.codeMFAPool(types.UserPoolMfaTypeOn, "sms")
	name := e.codeMFAUser(poolID, "phone_number", "+15555550123")
	ch := must(e.passwordAuth(clientID, name, password))(t)
	if ch.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("want SMS_MFA, got %q", ch.ChallengeName)
	}
	if got := ch.ChallengeParameters["CODE_DELIVERY_DESTINATION"]; got != "+*******0123" {
		t.Fatalf("destination %q", got)
	}
	if got := ch.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"]; got != "SMS" {
		t.Fatalf("medium %q", got)
	}
	m := e.lastMessage(poolID, name)
	if m.Medium != "SMS" || m.Destination != "+15555550123" || m.Body != "Your sign-in code: "+m.Code || len(m.Code) != 6 {
		t.Fatalf("message %+v", m)
	}
	out := must(e.answer(clientID, name, ch, "SMS_MFA_CODE", m.Code))(t)
	if out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == nil {
		t.Fatalf("no tokens: %+v", out)
	}
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	if attrOf(u.UserAttributes, "phone_number_verified") != "true" {
		t.Fatalf("phone not verified after SMS MFA: %v", u.UserAttributes)
	}
	// The same code and Session again: spent.
	_, err := e.answer(clientID, name, ch, "SMS_MFA_CODE", m.Code)
	wantErr(t, err, "NotAuthorizedException", "")
	// The admin flow asks the same challenge, answered through
	// AdminRespondToAuthChallenge.
	ach := must(e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}}))(t)
	if ach.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("AdminInitiateAuth: want SMS_MFA, got %q", ach.ChallengeName)
	}
	aout := must(e.c.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: &poolID, ClientId: &clientID,
		ChallengeName: ach.ChallengeName, Session: ach.Session,
		ChallengeResponses: map[string]string{"USERNAME": name, "SMS_MFA_CODE": e.lastMessage(poolID, name).Code}}))(t)
	if aout.AuthenticationResult == nil {
		t.Fatalf("AdminRespondToAuthChallenge: no tokens")
	}
	// The answer's member is checked.
	ch = must(e.passwordAuth(clientID, name, password))(t)
	_, err = e.answer(clientID, name, ch, "EMAIL_OTP_CODE", e.lastMessage(poolID, name).Code)
	wantErr(t, err, "InvalidParameterException", "SMS_MFA_CODE")
}

// TestEmailMFASignIn: a user turns on email MFA in a pool with MFA
// OPTIONAL; the sign-in asks EMAIL_OTP, the email carries the pool's
// subject and message, and GetUser lists the factor.
func TestEmailMFASignIn(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.codeMFAPool(types.UserPoolMfaTypeOptional, "email")
	got := must(e.c.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &poolID}))(t)
	if got.EmailMfaConfiguration == nil || aws.ToString(got.EmailMfaConfiguration.Subject) != "Sign-in code" ||
		aws.ToString(got.EmailMfaConfiguration.Message) != "Here is your code: {####}" {
		t.Fatalf("GetUserPoolMfaConfig %+v", got.EmailMfaConfiguration)
	}
	name := e.codeMFAUser(poolID, "email", "ursula@example.com")
	// No factor turned on yet: OPTIONAL signs in with the password alone.
	tokens := must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult
	_, err := e.c.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: tokens.AccessToken,
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: false, PreferredMfa: true}})
	wantErr(t, err, "InvalidParameterException", "")
	must(e.c.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: tokens.AccessToken,
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true}}))(t)
	gu := must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tokens.AccessToken}))(t)
	if aws.ToString(gu.PreferredMfaSetting) != "EMAIL_OTP" || !slices.Equal(gu.UserMFASettingList, []string{"EMAIL_OTP"}) {
		t.Fatalf("GetUser MFA %q %v", aws.ToString(gu.PreferredMfaSetting), gu.UserMFASettingList)
	}

	ch := must(e.passwordAuth(clientID, name, password))(t)
	if ch.ChallengeName != types.ChallengeNameTypeEmailOtp {
		t.Fatalf("want EMAIL_OTP, got %q", ch.ChallengeName)
	}
	if d, m := ch.ChallengeParameters["CODE_DELIVERY_DESTINATION"], ch.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"]; d != "u***@e***.com" || m != "EMAIL" {
		t.Fatalf("destination %q medium %q", d, m)
	}
	msg := e.lastMessage(poolID, name)
	if msg.Medium != "EMAIL" || msg.Subject != "Sign-in code" || msg.Body != "Here is your code: "+msg.Code {
		t.Fatalf("message %+v", msg)
	}
	out := must(e.answer(clientID, name, ch, "EMAIL_OTP_CODE", msg.Code))(t)
	if out.AuthenticationResult == nil {
		t.Fatalf("no tokens: %+v", out)
	}
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	if attrOf(u.UserAttributes, "email_verified") != "true" || aws.ToString(u.PreferredMfaSetting) != "EMAIL_OTP" {
		t.Fatalf("AdminGetUser %v %q", u.UserAttributes, aws.ToString(u.PreferredMfaSetting))
	}
	// Turning it off signs in without MFA again.
	must(e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &name,
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: false}}))(t)
	if r := must(e.passwordAuth(clientID, name, password))(t); r.AuthenticationResult == nil {
		t.Fatalf("want tokens without MFA, got %q", r.ChallengeName)
	}
}

// TestSelectMFAType: a user with two factors and no preferred one chooses
// (SELECT_MFA_TYPE, MFAS_CAN_CHOOSE, ANSWER); a preferred one is asked
// directly.
func TestSelectMFAType(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.codeMFAPool(types.UserPoolMfaTypeOptional, "sms", "email", "totp")
	name := e.codeMFAUser(poolID, "email", "sam@example.org", "phone_number", "+447700900456")
	// Neither needs a verified attribute; SMS needs a phone, email an address.
	must(e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &name,
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}, EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}}))(t)
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	if !slices.Equal(u.UserMFASettingList, []string{"SMS_MFA", "EMAIL_OTP"}) || u.PreferredMfaSetting != nil {
		t.Fatalf("AdminGetUser MFA %v %v", u.UserMFASettingList, u.PreferredMfaSetting)
	}
	ch := must(e.passwordAuth(clientID, name, password))(t)
	if ch.ChallengeName != types.ChallengeNameTypeSelectMfaType {
		t.Fatalf("want SELECT_MFA_TYPE, got %q", ch.ChallengeName)
	}
	var choices []string
	if err := json.Unmarshal([]byte(ch.ChallengeParameters["MFAS_CAN_CHOOSE"]), &choices); err != nil || !slices.Equal(choices, []string{"SMS_MFA", "EMAIL_OTP"}) {
		t.Fatalf("MFAS_CAN_CHOOSE %q", ch.ChallengeParameters["MFAS_CAN_CHOOSE"])
	}
	before := len(e.srv.Outbox(poolID, name))
	_, err := e.answer(clientID, name, ch, "ANSWER", "SOFTWARE_TOKEN_MFA")
	wantErr(t, err, "InvalidParameterException", "SOFTWARE_TOKEN_MFA")
	if n := len(e.srv.Outbox(poolID, name)); n != before {
		t.Fatalf("a code was sent before a choice: %d messages", n-before)
	}
	r := must(e.answer(clientID, name, ch, "ANSWER", "EMAIL_OTP"))(t)
	if r.ChallengeName != types.ChallengeNameTypeEmailOtp || r.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "s***@e***.org" {
		t.Fatalf("after choosing EMAIL_OTP: %q %v", r.ChallengeName, r.ChallengeParameters)
	}
	// The choosing Session is spent.
	_, err = e.answer(clientID, name, ch, "ANSWER", "SMS_MFA")
	wantErr(t, err, "NotAuthorizedException", "")
	code := e.lastMessage(poolID, name).Code
	out := must(e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: r.ChallengeName,
		Session: r.Session, ChallengeResponses: map[string]string{"USERNAME": name, "EMAIL_OTP_CODE": code}}))(t)
	if out.AuthenticationResult == nil {
		t.Fatalf("no tokens")
	}
	// A preferred factor is asked without a choice.
	must(e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &name,
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}}))(t)
	if ch := must(e.passwordAuth(clientID, name, password))(t); ch.ChallengeName != types.ChallengeNameTypeSmsMfa ||
		ch.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "+*******0456" {
		t.Fatalf("with SMS preferred: %q %v", ch.ChallengeName, ch.ChallengeParameters)
	}
}

// TestCodeMFAFailures: a wrong code, an expired one, the lockout after
// five wrong codes, and the preferences a user cannot have.
func TestCodeMFAFailures(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.codeMFAPool(types.UserPoolMfaTypeOn, "sms")
	name := e.codeMFAUser(poolID, "phone_number", "+15555550199")

	// Expired: the code lives as long as the Session (3 minutes by default).
	ch := must(e.passwordAuth(clientID, name, password))(t)
	code := e.lastMessage(poolID, name).Code
	e.srv.Clock.Advance(3*time.Minute + time.Second)
	_, err := e.answer(clientID, name, ch, "SMS_MFA_CODE", code)
	wantErr(t, err, "NotAuthorizedException", "session")

	// Wrong codes: CodeMismatchException, five times; the sixth attempt
	// meets the lockout, even with the right code.
	ch = must(e.passwordAuth(clientID, name, password))(t)
	code = e.lastMessage(poolID, name).Code
	wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1_000_000)
	for i := 0; i < 5; i++ {
		_, err = e.answer(clientID, name, ch, "SMS_MFA_CODE", wrong)
		wantErr(t, err, "CodeMismatchException", "Invalid code received for user")
	}
	_, err = e.answer(clientID, name, ch, "SMS_MFA_CODE", code)
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	// Once the lockout is over the right code still works.
	e.srv.Clock.Advance(2 * time.Second)
	if out := must(e.answer(clientID, name, ch, "SMS_MFA_CODE", code))(t); out.AuthenticationResult == nil {
		t.Fatalf("no tokens after the lockout")
	}

	// Preferences a user cannot have: SMS without a phone, email without
	// an address.
	bare := e.codeMFAUser(poolID)
	_, err = e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &bare,
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}})
	wantErr(t, err, "InvalidParameterException", "SMS_MFA")
	_, err = e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &bare,
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}})
	wantErr(t, err, "InvalidParameterException", "EMAIL_OTP")
	// MFA ON and no factor the user can prove, nor one to set up.
	_, err = e.passwordAuth(clientID, bare, password)
	wantErr(t, err, "InvalidUserPoolConfigurationException", "")

	// Pool messages without the code's placeholder are refused.
	_, err = e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		SmsMfaConfiguration: &types.SmsMfaConfigType{SmsAuthenticationMessage: aws.String("no code here")}})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("no code here")}})
	wantErr(t, err, "InvalidParameterException", "")
}

func atoi(s string) int {
	n := 0
	for _, r := range strings.TrimSpace(s) {
		n = n*10 + int(r-'0')
	}
	return n
}

// TestSmsAuthenticationMessage: the pool's own SmsAuthenticationMessage
// (CreateUserPool) is the text of SMS MFA codes when SmsMfaConfiguration
// gives none.
func TestSmsAuthenticationMessage(t *testing.T) {
	e := newEnv(t)
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("smsmsg"), SmsAuthenticationMessage: aws.String("{####} is your code")}))(t)
	poolID := *p.UserPool.Id
	must(e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		SmsMfaConfiguration: &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sns-caller")}}}))(t)
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t)
	name := e.codeMFAUser(poolID, "phone_number", "+15555550111")
	if ch := must(e.passwordAuth(*c.UserPoolClient.ClientId, name, password))(t); ch.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("want SMS_MFA, got %q", ch.ChallengeName)
	}
	if m := e.lastMessage(poolID, name); m.Body != m.Code+" is your code" {
		t.Fatalf("message %+v", m)
	}
}

// TestSmsVerificationMessage: a sign-up code sent by text message has the
// pool's SmsVerificationMessage, unless VerificationMessageTemplate's
// SmsMessage gives one.
func TestSmsVerificationMessage(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		in   *cip.CreateUserPoolInput
		want string
	}{
		{&cip.CreateUserPoolInput{SmsVerificationMessage: aws.String("Verify with {####}")}, "Verify with "},
		{&cip.CreateUserPoolInput{SmsVerificationMessage: aws.String("Verify with {####}"),
			VerificationMessageTemplate: &types.VerificationMessageTemplateType{SmsMessage: aws.String("Template code {####}")}}, "Template code "},
	} {
		in := tc.in
		in.PoolName = aws.String("smsverify")
		in.AutoVerifiedAttributes = []types.VerifiedAttributeType{types.VerifiedAttributeTypePhoneNumber}
		p := must(e.c.CreateUserPool(ctx, in))(t)
		c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: p.UserPool.Id, ClientName: aws.String("app")}))(t)
		name := fmt.Sprintf("smsverify%d", userSeq.Add(1))
		out := must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: c.UserPoolClient.ClientId, Username: &name, Password: aws.String(password),
			UserAttributes: []types.AttributeType{{Name: aws.String("phone_number"), Value: aws.String("+15555550133")}}}))(t)
		if out.CodeDeliveryDetails == nil || out.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeSms {
			t.Fatalf("code delivery %+v", out.CodeDeliveryDetails)
		}
		if m := e.lastMessage(*p.UserPool.Id, name); m.Medium != "SMS" || m.Body != tc.want+m.Code {
			t.Fatalf("message %+v, want body %q", m, tc.want+m.Code)
		}
	}
}

// TestLegacySMSMFAOptions: SetUserSettings / AdminSetUserSettings turn SMS
// MFA on (SMS to phone_number) and off (an empty list); other options are
// refused.
func TestLegacySMSMFAOptions(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.codeMFAPool(types.UserPoolMfaTypeOptional, "sms")
	name := e.codeMFAUser(poolID, "phone_number", "+15555550166", "email", "leg@example.com")
	tokens := must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult
	_, err := e.c.SetUserSettings(ctx, &cip.SetUserSettingsInput{AccessToken: tokens.AccessToken,
		MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeEmail, AttributeName: aws.String("email")}}})
	wantErr(t, err, "InvalidParameterException", "phone_number")
	must(e.c.SetUserSettings(ctx, &cip.SetUserSettingsInput{AccessToken: tokens.AccessToken,
		MFAOptions: []types.MFAOptionType{{DeliveryMedium: types.DeliveryMediumTypeSms, AttributeName: aws.String("phone_number")}}}))(t)
	if ch := must(e.passwordAuth(clientID, name, password))(t); ch.ChallengeName != types.ChallengeNameTypeSmsMfa {
		t.Fatalf("after SetUserSettings: want SMS_MFA, got %q", ch.ChallengeName)
	}
	must(e.c.AdminSetUserSettings(ctx, &cip.AdminSetUserSettingsInput{UserPoolId: &poolID, Username: &name, MFAOptions: []types.MFAOptionType{}}))(t)
	if r := must(e.passwordAuth(clientID, name, password))(t); r.AuthenticationResult == nil {
		t.Fatalf("after clearing MFAOptions: want tokens, got %q", r.ChallengeName)
	}
}

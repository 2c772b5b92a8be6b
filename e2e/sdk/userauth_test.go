package sdk_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/srp"
)

// userAuthPool creates a pool allowing the first factors named, with MFA
// mode (TOTP offered when not OFF), and a client allowing USER_AUTH.
func (e *env) userAuthPool(mode types.UserPoolMfaType, factors ...types.AuthFactorType) (poolID, clientID string) {
	e.t.Helper()
	in := &cip.CreateUserPoolInput{PoolName: aws.String("userauth")}
	if len(factors) > 0 {
		in.Policies = &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: factors}}
	}
	p := must(e.c.CreateUserPool(ctx, in))(e.t)
	poolID = *p.UserPool.Id
	if mode != types.UserPoolMfaTypeOff {
		must(e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: mode,
			SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))(e.t)
	}
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(e.t)
	return poolID, *c.UserPoolClient.ClientId
}

func (e *env) userAuth(clientID string, p map[string]string) (*cip.InitiateAuthOutput, error) {
	return e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserAuth, AuthParameters: p})
}

func challengeNames(l []types.ChallengeNameType) []string {
	var out []string
	for _, c := range l {
		out = append(out, string(c))
	}
	return out
}

// TestUserAuthSelectChallenge: without PREFERRED_CHALLENGE, USER_AUTH asks
// SELECT_CHALLENGE listing exactly the factors the pool allows and the
// user can use; each is then answered through ANSWER.
func TestUserAuthSelectChallenge(t *testing.T) {
	e := newEnv(t)
	all := []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp, types.AuthFactorTypeSmsOtp}
	poolID, clientID := e.userAuthPool(types.UserPoolMfaTypeOff, all...)
	both := e.codeMFAUser(poolID, "email", "both@example.com", "phone_number", "+15555550111")
	mailOnly := e.codeMFAUser(poolID, "email", "mail@example.com")
	bare := e.codeMFAUser(poolID)
	for _, c := range []struct {
		name string
		want []string
	}{
		{both, []string{"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"}},
		{mailOnly, []string{"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"}},
		{bare, []string{"PASSWORD", "PASSWORD_SRP"}},
	} {
		ch := must(e.userAuth(clientID, map[string]string{"USERNAME": c.name}))(t)
		if ch.ChallengeName != types.ChallengeNameTypeSelectChallenge || !slices.Equal(challengeNames(ch.AvailableChallenges), c.want) {
			t.Fatalf("%s: %q %v, want SELECT_CHALLENGE %v", c.name, ch.ChallengeName, ch.AvailableChallenges, c.want)
		}
	}

	// ANSWER=PASSWORD with the password: tokens. A wrong one first.
	ch := must(e.userAuth(clientID, map[string]string{"USERNAME": both}))(t)
	_, err := e.respond(clientID, types.ChallengeNameTypeSelectChallenge, ch.Session, map[string]string{"USERNAME": both, "ANSWER": "PASSWORD", "PASSWORD": "Wrong-pass1!"})
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password")
	out := must(e.respond(clientID, types.ChallengeNameTypeSelectChallenge, ch.Session, map[string]string{"USERNAME": both, "ANSWER": "PASSWORD", "PASSWORD": password}))(t)
	if out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == nil {
		t.Fatalf("PASSWORD: no tokens: %+v", out)
	}

	// ANSWER=PASSWORD_SRP with SRP_A: PASSWORD_VERIFIER, then tokens.
	cl := must(srp.NewClient())(t)
	ch = must(e.userAuth(clientID, map[string]string{"USERNAME": both}))(t)
	v := must(e.respond(clientID, types.ChallengeNameTypeSelectChallenge, ch.Session, map[string]string{"USERNAME": both, "ANSWER": "PASSWORD_SRP", "SRP_A": cl.PublicHex()}))(t)
	if v.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("PASSWORD_SRP: want PASSWORD_VERIFIER, got %q", v.ChallengeName)
	}
	proof := e.srpProof(cl, poolID, &cip.InitiateAuthOutput{ChallengeParameters: v.ChallengeParameters}, password)
	out = must(e.respond(clientID, types.ChallengeNameTypePasswordVerifier, v.Session, proof))(t)
	if out.AuthenticationResult == nil {
		t.Fatalf("PASSWORD_SRP: no tokens")
	}

	// ANSWER=EMAIL_OTP: a code by email, answered as EMAIL_OTP_CODE.
	ch = must(e.userAuth(clientID, map[string]string{"USERNAME": both}))(t)
	otp := must(e.respond(clientID, types.ChallengeNameTypeSelectChallenge, ch.Session, map[string]string{"USERNAME": both, "ANSWER": "EMAIL_OTP"}))(t)
	m := e.lastMessage(poolID, both)
	if otp.ChallengeName != types.ChallengeNameTypeEmailOtp || m.Medium != "EMAIL" || m.Destination != "both@example.com" ||
		otp.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "b***@e***.com" {
		t.Fatalf("EMAIL_OTP: %q %v, message %+v", otp.ChallengeName, otp.ChallengeParameters, m)
	}
	out = must(e.respond(clientID, types.ChallengeNameTypeEmailOtp, otp.Session, map[string]string{"USERNAME": both, "EMAIL_OTP_CODE": m.Code}))(t)
	if out.AuthenticationResult == nil {
		t.Fatalf("EMAIL_OTP: no tokens")
	}
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &both}))(t)
	if attrOf(u.UserAttributes, "email_verified") != "true" {
		t.Fatalf("email not verified after EMAIL_OTP")
	}
	// The code and its Session are spent; so is the choosing Session.
	_, err = e.respond(clientID, types.ChallengeNameTypeEmailOtp, otp.Session, map[string]string{"USERNAME": both, "EMAIL_OTP_CODE": m.Code})
	wantErr(t, err, "NotAuthorizedException", "")
	_, err = e.respond(clientID, types.ChallengeNameTypeSelectChallenge, ch.Session, map[string]string{"USERNAME": both, "ANSWER": "EMAIL_OTP"})
	wantErr(t, err, "NotAuthorizedException", "")

	// A factor not offered to this user, and one USER_AUTH does not know.
	ch = must(e.userAuth(clientID, map[string]string{"USERNAME": mailOnly}))(t)
	_, err = e.respond(clientID, types.ChallengeNameTypeSelectChallenge, ch.Session, map[string]string{"USERNAME": mailOnly, "ANSWER": "SMS_OTP"})
	wantErr(t, err, "InvalidParameterException", "SMS_OTP")
	_, err = e.respond(clientID, types.ChallengeNameTypeSelectChallenge, ch.Session, map[string]string{"USERNAME": mailOnly})
	wantErr(t, err, "InvalidParameterException", "ANSWER")
}

// TestUserAuthPreferredChallenge: with a usable PREFERRED_CHALLENGE the
// sign-in goes straight to it, on InitiateAuth and AdminInitiateAuth; an
// unusable one falls back to SELECT_CHALLENGE.
func TestUserAuthPreferredChallenge(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.userAuthPool(types.UserPoolMfaTypeOptional, types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp, types.AuthFactorTypeSmsOtp)
	name := e.codeMFAUser(poolID, "phone_number", "+15555550122")

	out := must(e.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": password}))(t)
	if out.AuthenticationResult == nil {
		t.Fatalf("PASSWORD: no tokens: %q", out.ChallengeName)
	}
	_, err := e.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "PASSWORD"})
	wantErr(t, err, "InvalidParameterException", "PASSWORD")

	cl := must(srp.NewClient())(t)
	v := must(e.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": cl.PublicHex()}))(t)
	if v.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("PASSWORD_SRP: got %q", v.ChallengeName)
	}
	if o := must(e.respond(clientID, types.ChallengeNameTypePasswordVerifier, v.Session, e.srpProof(cl, poolID, v, password)))(t); o.AuthenticationResult == nil {
		t.Fatalf("PASSWORD_SRP: no tokens")
	}

	// SMS_OTP through AdminInitiateAuth and AdminRespondToAuthChallenge;
	// no MFA follows a one-time code.
	ach := must(e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "SMS_OTP"}}))(t)
	m := e.lastMessage(poolID, name)
	if ach.ChallengeName != types.ChallengeNameTypeSmsOtp || m.Medium != "SMS" || ach.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "+*******0122" {
		t.Fatalf("SMS_OTP: %q %v %+v", ach.ChallengeName, ach.ChallengeParameters, m)
	}
	aout := must(e.c.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: &poolID, ClientId: &clientID,
		ChallengeName: ach.ChallengeName, Session: ach.Session, ChallengeResponses: map[string]string{"USERNAME": name, "SMS_OTP_CODE": m.Code}}))(t)
	if aout.AuthenticationResult == nil {
		t.Fatalf("SMS_OTP: no tokens")
	}

	// EMAIL_OTP preferred by a user without an email: the choice instead.
	ch := must(e.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "EMAIL_OTP"}))(t)
	if ch.ChallengeName != types.ChallengeNameTypeSelectChallenge || !slices.Equal(challengeNames(ch.AvailableChallenges), []string{"PASSWORD", "PASSWORD_SRP", "SMS_OTP"}) {
		t.Fatalf("unusable preference: %q %v", ch.ChallengeName, ch.AvailableChallenges)
	}
	_, err = e.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "SOFTWARE_TOKEN_MFA"})
	wantErr(t, err, "InvalidParameterException", "SOFTWARE_TOKEN_MFA")
}

// TestUserAuthRefusals: a client without ALLOW_USER_AUTH, factors the
// pool does not allow (PASSWORD only by default; no one-time codes with
// MFA ON), wrong and expired codes with the lockout.
func TestUserAuthRefusals(t *testing.T) {
	e := newEnv(t)
	// The pool's default: PASSWORD only.
	poolID, clientID := e.userAuthPool(types.UserPoolMfaTypeOff)
	name := e.codeMFAUser(poolID, "email", "a@example.com", "phone_number", "+15555550133")
	ch := must(e.userAuth(clientID, map[string]string{"USERNAME": name}))(t)
	if !slices.Equal(challengeNames(ch.AvailableChallenges), []string{"PASSWORD", "PASSWORD_SRP"}) {
		t.Fatalf("default pool offers %v", ch.AvailableChallenges)
	}
	ch = must(e.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "EMAIL_OTP"}))(t)
	if ch.ChallengeName != types.ChallengeNameTypeSelectChallenge || len(e.srv.Outbox(poolID, name)) != 0 {
		t.Fatalf("EMAIL_OTP not allowed by the pool, got %q", ch.ChallengeName)
	}
	_, err := e.respond(clientID, types.ChallengeNameTypeSelectChallenge, ch.Session, map[string]string{"USERNAME": name, "ANSWER": "EMAIL_OTP"})
	wantErr(t, err, "InvalidParameterException", "EMAIL_OTP")

	// A client without ALLOW_USER_AUTH.
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("pw"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t)
	_, err = e.userAuth(*c.UserPoolClient.ClientId, map[string]string{"USERNAME": name})
	wantErr(t, err, "InvalidParameterException", "not enabled")

	// A client that hides user existence: an unknown name is offered what
	// a user with only a password is, and fails as a wrong password does;
	// without the hiding it is UserNotFoundException.
	_, err = e.userAuth(clientID, map[string]string{"USERNAME": "nobody-here"})
	wantErr(t, err, "UserNotFoundException", "")
	hc := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("hiding"),
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
		ExplicitAuthFlows:          []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t)
	hiding := *hc.UserPoolClient.ClientId
	for _, who := range []string{name, "nobody-here"} {
		ch := must(e.userAuth(hiding, map[string]string{"USERNAME": who}))(t)
		if ch.ChallengeName != types.ChallengeNameTypeSelectChallenge || !slices.Equal(challengeNames(ch.AvailableChallenges), []string{"PASSWORD", "PASSWORD_SRP"}) {
			t.Fatalf("%s: %q %v", who, ch.ChallengeName, ch.AvailableChallenges)
		}
		_, err = e.respond(hiding, types.ChallengeNameTypeSelectChallenge, ch.Session, map[string]string{"USERNAME": who, "ANSWER": "PASSWORD", "PASSWORD": "Wrong-pass1!"})
		wantErr(t, err, "NotAuthorizedException", "Incorrect username or password")
		cl := must(srp.NewClient())(t)
		v := must(e.respond(hiding, types.ChallengeNameTypeSelectChallenge, ch.Session, map[string]string{"USERNAME": who, "ANSWER": "PASSWORD_SRP", "SRP_A": cl.PublicHex()}))(t)
		if v.ChallengeName != types.ChallengeNameTypePasswordVerifier {
			t.Fatalf("%s: PASSWORD_SRP gave %q", who, v.ChallengeName)
		}
		_, err = e.respond(hiding, types.ChallengeNameTypeSelectChallenge, ch.Session, map[string]string{"USERNAME": who, "ANSWER": "EMAIL_OTP"})
		wantErr(t, err, "InvalidParameterException", "EMAIL_OTP")
	}

	// MFA ON: no one-time code as a first factor.
	onPool, onClient := e.userAuthPool(types.UserPoolMfaTypeOn, types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp)
	onUser := e.codeMFAUser(onPool, "email", "b@example.com")
	ch = must(e.userAuth(onClient, map[string]string{"USERNAME": onUser}))(t)
	if !slices.Equal(challengeNames(ch.AvailableChallenges), []string{"PASSWORD", "PASSWORD_SRP"}) {
		t.Fatalf("MFA ON pool offers %v", ch.AvailableChallenges)
	}

	// Wrong codes: five CodeMismatchException, then the lockout even for
	// the right code; an expired Session after that.
	mPool, mClient := e.userAuthPool(types.UserPoolMfaTypeOff, types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp)
	mUser := e.codeMFAUser(mPool, "email", "c@example.com")
	otp := must(e.userAuth(mClient, map[string]string{"USERNAME": mUser, "PREFERRED_CHALLENGE": "EMAIL_OTP"}))(t)
	code := e.lastMessage(mPool, mUser).Code
	wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1_000_000)
	for i := 0; i < 5; i++ {
		_, err = e.respond(mClient, types.ChallengeNameTypeEmailOtp, otp.Session, map[string]string{"USERNAME": mUser, "EMAIL_OTP_CODE": wrong})
		wantErr(t, err, "CodeMismatchException", "Invalid code received for user")
	}
	_, err = e.respond(mClient, types.ChallengeNameTypeEmailOtp, otp.Session, map[string]string{"USERNAME": mUser, "EMAIL_OTP_CODE": code})
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	e.srv.Clock.Advance(3*time.Minute + time.Second)
	_, err = e.respond(mClient, types.ChallengeNameTypeEmailOtp, otp.Session, map[string]string{"USERNAME": mUser, "EMAIL_OTP_CODE": code})
	wantErr(t, err, "NotAuthorizedException", "session")
	// The code of one Session does not answer another's (a fresh user:
	// the first is still locked out).
	mUser = e.codeMFAUser(mPool, "email", "d@example.com")
	first := must(e.userAuth(mClient, map[string]string{"USERNAME": mUser, "PREFERRED_CHALLENGE": "EMAIL_OTP"}))(t)
	oldCode := e.lastMessage(mPool, mUser).Code
	second := must(e.userAuth(mClient, map[string]string{"USERNAME": mUser, "PREFERRED_CHALLENGE": "EMAIL_OTP"}))(t)
	newCode := e.lastMessage(mPool, mUser).Code
	if oldCode != newCode {
		_, err = e.respond(mClient, types.ChallengeNameTypeEmailOtp, second.Session, map[string]string{"USERNAME": mUser, "EMAIL_OTP_CODE": oldCode})
		wantErr(t, err, "CodeMismatchException", "")
	}
	if o := must(e.respond(mClient, types.ChallengeNameTypeEmailOtp, first.Session, map[string]string{"USERNAME": mUser, "EMAIL_OTP_CODE": oldCode}))(t); o.AuthenticationResult == nil {
		t.Fatalf("no tokens")
	}
}

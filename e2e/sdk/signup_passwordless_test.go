package sdk_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// passwordlessPool creates a pool that verifies email addresses and allows
// the first factors named, and two clients allowing USER_AUTH.
func (e *env) passwordlessPool(factors ...types.AuthFactorType) (poolID, clientID, otherClient string) {
	e.t.Helper()
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("passwordless"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Policies:               &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: factors}}}))(e.t)
	poolID = *p.UserPool.Id
	var ids []string
	for range 2 {
		c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("app"),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(e.t)
		ids = append(ids, *c.UserPoolClient.ClientId)
	}
	return poolID, ids[0], ids[1]
}

// signUpNoPassword signs a user up with an email address and no password.
func (e *env) signUpNoPassword(clientID, name, email string) *cip.SignUpOutput {
	e.t.Helper()
	return must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: &name,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}}}))(e.t)
}

func (e *env) sessionSignIn(clientID, name, session string) (*cip.InitiateAuthOutput, error) {
	return e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserAuth,
		AuthParameters: map[string]string{"USERNAME": name}, Session: &session})
}

// TestSignUpPasswordlessAutoSignIn: in a pool allowing EMAIL_OTP, SignUp
// takes no password and hands out a Session; ConfirmSignUp (with or
// without it) hands out another, which signs the user in once through
// InitiateAuth USER_AUTH with no further factor. The user then signs in by
// an emailed code, and has no password to sign in with.
func TestSignUpPasswordlessAutoSignIn(t *testing.T) {
	e := newEnv(t)
	poolID, clientID, _ := e.passwordlessPool(types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp)
	name := fmt.Sprintf("nopass%d", userSeq.Add(1))
	su := e.signUpNoPassword(clientID, name, name+"@example.com")
	if su.UserConfirmed || su.CodeDeliveryDetails == nil || aws.ToString(su.Session) == "" {
		t.Fatalf("SignUp: %+v", su)
	}
	code := e.lastMessage(poolID, name).Code

	// A Session that is not SignUp's is refused, and spends nothing.
	_, err := e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: &name, ConfirmationCode: &code,
		Session: aws.String("not-a-session-of-this-server-at-all")})
	wantErr(t, err, "NotAuthorizedException", "Invalid session")
	cf := must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: &name, ConfirmationCode: &code, Session: su.Session}))(t)
	if aws.ToString(cf.Session) == "" {
		t.Fatalf("ConfirmSignUp gave no Session")
	}
	// SignUp's Session is not a sign-in Session.
	_, err = e.sessionSignIn(clientID, name, *su.Session)
	wantErr(t, err, "NotAuthorizedException", "Invalid session")

	out := must(e.sessionSignIn(clientID, name, *cf.Session))(t)
	if out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == nil {
		t.Fatalf("sign-in with ConfirmSignUp's Session: %q, no tokens", out.ChallengeName)
	}
	u := must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken}))(t)
	if *u.Username != name || attrOf(u.UserAttributes, "email_verified") != "true" {
		t.Fatalf("GetUser: %s %v", *u.Username, u.UserAttributes)
	}
	// Once only.
	_, err = e.sessionSignIn(clientID, name, *cf.Session)
	wantErr(t, err, "NotAuthorizedException", "Invalid session")

	// Later: EMAIL_OTP is the way in; there is no password to offer.
	ch := must(e.userAuth(clientID, map[string]string{"USERNAME": name}))(t)
	if !slices.Equal(challengeNames(ch.AvailableChallenges), []string{"EMAIL_OTP"}) {
		t.Fatalf("AvailableChallenges %v, want [EMAIL_OTP]", ch.AvailableChallenges)
	}
	otp := must(e.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "EMAIL_OTP"}))(t)
	res := must(e.answer(clientID, name, otp, "EMAIL_OTP_CODE", e.lastMessage(poolID, name).Code))(t)
	if res.AuthenticationResult == nil {
		t.Fatalf("EMAIL_OTP: no tokens")
	}
}

// TestSignUpSessionBound: ConfirmSignUp's Session signs in only its user,
// through its client, within the client's AuthSessionValidity; ConfirmSignUp
// refuses another user's SignUp Session.
func TestSignUpSessionBound(t *testing.T) {
	e := newEnv(t)
	poolID, clientID, otherClient := e.passwordlessPool(types.AuthFactorTypeEmailOtp)
	var names, signUpSessions, sessions []string
	for range 2 {
		name := fmt.Sprintf("bound%d", userSeq.Add(1))
		su := e.signUpNoPassword(clientID, name, name+"@example.com")
		names, signUpSessions = append(names, name), append(signUpSessions, *su.Session)
	}
	code := e.lastMessage(poolID, names[0]).Code
	_, err := e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: &names[0], ConfirmationCode: &code, Session: &signUpSessions[1]})
	wantErr(t, err, "NotAuthorizedException", "Invalid session")
	for _, name := range names {
		code := e.lastMessage(poolID, name).Code
		cf := must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: &name, ConfirmationCode: &code}))(t)
		sessions = append(sessions, aws.ToString(cf.Session))
	}
	_, err = e.sessionSignIn(clientID, names[0], sessions[1])
	wantErr(t, err, "NotAuthorizedException", "Invalid session")
	_, err = e.sessionSignIn(otherClient, names[0], sessions[0])
	wantErr(t, err, "NotAuthorizedException", "Invalid session")
	// AdminInitiateAuth takes it as well (the second user's, still unused).
	out := must(e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserAuth,
		AuthParameters: map[string]string{"USERNAME": names[1]}, Session: &sessions[1]}))(t)
	if out.AuthenticationResult == nil {
		t.Fatalf("AdminInitiateAuth with ConfirmSignUp's Session: %q, no tokens", out.ChallengeName)
	}
	e.srv.Clock.Advance(3*time.Minute + time.Second)
	_, err = e.sessionSignIn(clientID, names[0], sessions[0])
	wantErr(t, err, "NotAuthorizedException", "Invalid session")
}

// TestSignUpWithoutPasswordRefused: a pool without passwordless sign-in,
// or a user without the attribute of an allowed passwordless factor, must
// give a password; a pool allowing only PASSWORD gives no Sessions.
func TestSignUpWithoutPasswordRefused(t *testing.T) {
	e := newEnv(t)
	_, pwOnly, _ := e.passwordlessPool(types.AuthFactorTypePassword)
	_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &pwOnly, Username: aws.String("nopw1"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("nopw1@example.com")}}})
	wantErr(t, err, "InvalidParameterException", "password")
	su := must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &pwOnly, Username: aws.String("pw1"), Password: aws.String(password),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("pw1@example.com")}}}))(t)
	if su.Session != nil {
		t.Fatalf("SignUp in a password-only pool gave a Session")
	}

	_, smsOnly, _ := e.passwordlessPool(types.AuthFactorTypePassword, types.AuthFactorTypeSmsOtp)
	_, err = e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &smsOnly, Username: aws.String("nopw2"), Password: aws.String(""),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("nopw2@example.com")}}})
	wantErr(t, err, "InvalidParameterException", "A password is required")

	_, mail, _ := e.passwordlessPool(types.AuthFactorTypeEmailOtp)
	_, err = e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &mail, Username: aws.String("nopw3")})
	wantErr(t, err, "InvalidParameterException", "A password is required")
}

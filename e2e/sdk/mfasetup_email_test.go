package sdk_test

import (
	"slices"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestMFASetupEmail: a pool that requires MFA and offers email and TOTP
// asks a user with no factor MFA_SETUP listing both; MFA_SETUP answered with
// EMAIL sends a code to that address and asks EMAIL_OTP, whose right code
// makes the address the user's verified email and email MFA the user's.
func TestMFASetupEmail(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.codeMFAPool(types.UserPoolMfaTypeOn, "email", "totp")
	name := e.codeMFAUser(poolID)
	ch := must(e.passwordAuth(clientID, name, password))(t)
	if ch.ChallengeName != types.ChallengeNameTypeMfaSetup || ch.ChallengeParameters["MFAS_CAN_SETUP"] != `["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]` {
		t.Fatalf("%q %v, want MFA_SETUP with TOTP and email", ch.ChallengeName, ch.ChallengeParameters)
	}
	_, err := e.answer(clientID, name, ch, "EMAIL", "not-an-address")
	wantErr(t, err, "InvalidParameterException", "email")

	otp := must(e.answer(clientID, name, ch, "EMAIL", "new.address@example.com"))(t)
	m := e.lastMessage(poolID, name)
	if otp.ChallengeName != types.ChallengeNameTypeEmailOtp || otp.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "n***@e***.com" ||
		m.Destination != "new.address@example.com" {
		t.Fatalf("after EMAIL: %q %v, message to %q", otp.ChallengeName, otp.ChallengeParameters, m.Destination)
	}
	// The set-up Session is spent; the address is not the user's yet.
	_, err = e.answer(clientID, name, ch, "EMAIL", "other@example.com")
	wantErr(t, err, "NotAuthorizedException", "session")
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	if attrOf(u.UserAttributes, "email") != "" {
		t.Fatalf("email set before the code came back")
	}
	_, err = e.respond(clientID, types.ChallengeNameTypeEmailOtp, otp.Session, map[string]string{"USERNAME": name, "EMAIL_OTP_CODE": "000000"})
	wantErr(t, err, "CodeMismatchException", "")
	done := must(e.respond(clientID, types.ChallengeNameTypeEmailOtp, otp.Session, map[string]string{"USERNAME": name, "EMAIL_OTP_CODE": m.Code}))(t)
	if done.AuthenticationResult == nil {
		t.Fatalf("EMAIL_OTP after set-up: no tokens")
	}
	u = must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	if attrOf(u.UserAttributes, "email") != "new.address@example.com" || attrOf(u.UserAttributes, "email_verified") != "true" ||
		!slices.Equal(u.UserMFASettingList, []string{"EMAIL_OTP"}) || u.PreferredMfaSetting == nil || *u.PreferredMfaSetting != "EMAIL_OTP" {
		t.Fatalf("after set-up: %v %v %v", u.UserAttributes, u.UserMFASettingList, u.PreferredMfaSetting)
	}
	// The next sign-in asks the email code.
	if ch := must(e.passwordAuth(clientID, name, password))(t); ch.ChallengeName != types.ChallengeNameTypeEmailOtp {
		t.Fatalf("next sign-in: %q, want EMAIL_OTP", ch.ChallengeName)
	}
}

// TestMFASetupFactors: MFAS_CAN_SETUP lists the pool's MFA factors; a pool
// with email MFA only asks MFA_SETUP (it used to have no way to sign a
// user without a factor in), and EMAIL is refused where the pool has no
// email MFA.
func TestMFASetupFactors(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.codeMFAPool(types.UserPoolMfaTypeOn, "email")
	name := e.codeMFAUser(poolID)
	ch := must(e.passwordAuth(clientID, name, password))(t)
	if ch.ChallengeName != types.ChallengeNameTypeMfaSetup || ch.ChallengeParameters["MFAS_CAN_SETUP"] != `["EMAIL_OTP"]` {
		t.Fatalf("email-only pool: %q %v", ch.ChallengeName, ch.ChallengeParameters)
	}

	poolID, clientID = e.codeMFAPool(types.UserPoolMfaTypeOn, "sms", "totp")
	name = e.codeMFAUser(poolID)
	ch = must(e.passwordAuth(clientID, name, password))(t)
	if ch.ChallengeName != types.ChallengeNameTypeMfaSetup || ch.ChallengeParameters["MFAS_CAN_SETUP"] != `["SMS_MFA","SOFTWARE_TOKEN_MFA"]` {
		t.Fatalf("SMS and TOTP pool: %q %v", ch.ChallengeName, ch.ChallengeParameters)
	}
	_, err := e.answer(clientID, name, ch, "EMAIL", "someone@example.com")
	wantErr(t, err, "InvalidParameterException", "Email MFA is not enabled")
}

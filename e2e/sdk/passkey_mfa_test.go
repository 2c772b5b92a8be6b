package sdk_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestPasskeyMFA: in a pool whose MFA is ON (email codes), a passkey
// sign-in is followed by the MFA challenge unless the pool's
// FactorConfiguration is MULTI_FACTOR_WITH_USER_VERIFICATION and the
// authenticator verified the user. WebAuthnMfaSettings needs that setting
// and another MFA factor, and makes user verification required.
func TestPasskeyMFA(t *testing.T) {
	e := newEnv(t)
	poolID, _, name, access := passkeyPool(t, e, "example.com", "preferred")
	a := newSoftAuthenticator(t)
	opts := startRegistration(t, e, access)
	must(completeRegistration(e, access, a.create(opts.Challenge, "https://example.com", "example.com")))(t)
	sub := attrOf(must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t).UserAttributes, "sub")
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("passwordless"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t)
	clientID := *c.UserPoolClient.ClientId

	mfaOn := func(factor types.WebAuthnFactorConfigurationType) {
		t.Helper()
		must(e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
			EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("Code: {####}"), Subject: aws.String("Code")},
			WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("example.com"),
				UserVerification: types.UserVerificationTypePreferred, FactorConfiguration: factor}}))(t)
	}
	counter := uint32(0)
	var ro requestOptions // the request options passkey last answered
	// passkey signs in with the passkey (flags as given) and returns what
	// follows it.
	passkey := func(flags byte) (*cip.RespondToAuthChallengeOutput, error) {
		t.Helper()
		ch := must(e.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "WEB_AUTHN"}))(t)
		ro = requestOptions{}
		if err := json.Unmarshal([]byte(ch.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"]), &ro); err != nil {
			t.Fatalf("%q: %v", ch.ChallengeName, err)
		}
		counter++
		return e.respond(clientID, types.ChallengeNameTypeWebAuthn, ch.Session,
			map[string]string{"USERNAME": name, "CREDENTIAL": a.assert(ro.Challenge, "https://example.com", "example.com", flags, counter, sub)})
	}
	setPref := func(in *cip.SetUserMFAPreferenceInput) error {
		in.AccessToken = &access
		_, err := e.c.SetUserMFAPreference(ctx, in)
		return err
	}
	webAuthnOn := &types.WebAuthnMfaSettingsType{Enabled: true}

	// SINGLE_FACTOR: a verified passkey is one factor; the email code follows.
	mfaOn(types.WebAuthnFactorConfigurationTypeSingleFactor)
	out := must(passkey(flagUP | flagUV | flagBE | flagBS))(t)
	if out.ChallengeName != types.ChallengeNameTypeEmailOtp || out.AuthenticationResult != nil {
		t.Fatalf("SINGLE_FACTOR, UV: %q, want EMAIL_OTP", out.ChallengeName)
	}
	done := must(e.respond(clientID, types.ChallengeNameTypeEmailOtp, out.Session,
		map[string]string{"USERNAME": name, "EMAIL_OTP_CODE": e.lastMessage(poolID, name).Code}))(t)
	if done.AuthenticationResult == nil {
		t.Fatalf("EMAIL_OTP after the passkey: no tokens")
	}
	access = *done.AuthenticationResult.AccessToken
	wantErr(t, setPref(&cip.SetUserMFAPreferenceInput{WebAuthnMfaSettings: webAuthnOn}), "InvalidParameterException", "MULTI_FACTOR_WITH_USER_VERIFICATION")

	// MULTI_FACTOR_WITH_USER_VERIFICATION: a verified passkey is enough;
	// one that did not verify the user is still one factor.
	mfaOn(types.WebAuthnFactorConfigurationTypeMultiFactorWithUserVerification)
	out = must(passkey(flagUP | flagUV | flagBE | flagBS))(t)
	if out.AuthenticationResult == nil {
		t.Fatalf("MULTI_FACTOR_WITH_USER_VERIFICATION, UV: %q, want tokens", out.ChallengeName)
	}
	out = must(passkey(flagUP | flagBE | flagBS))(t)
	if out.ChallengeName != types.ChallengeNameTypeEmailOtp {
		t.Fatalf("MULTI_FACTOR_WITH_USER_VERIFICATION, no UV: %q, want EMAIL_OTP", out.ChallengeName)
	}

	// Passkey MFA alone is refused; with email MFA it is kept, and is not
	// one of the listed MFA settings (Cognito lists SMS, TOTP and email).
	wantErr(t, setPref(&cip.SetUserMFAPreferenceInput{WebAuthnMfaSettings: webAuthnOn}), "InvalidParameterException", "another MFA method")
	must(0, setPref(&cip.SetUserMFAPreferenceInput{WebAuthnMfaSettings: webAuthnOn,
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true}}))(t)
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	if !slices.Equal(u.UserMFASettingList, []string{"EMAIL_OTP"}) {
		t.Fatalf("UserMFASettingList %v", u.UserMFASettingList)
	}
	// Now user verification is required: asked for, and an assertion
	// without it fails.
	_, err := passkey(flagUP | flagBE | flagBS)
	wantErr(t, err, "NotAuthorizedException", "Passkey authentication failed")
	if ro.UserVerification != "required" {
		t.Fatalf("userVerification %q with passkey MFA on", ro.UserVerification)
	}
	if out := must(passkey(flagUP | flagUV | flagBE | flagBS))(t); out.AuthenticationResult == nil {
		t.Fatalf("passkey MFA on, UV: %q, want tokens", out.ChallengeName)
	}
	// The last other factor cannot be turned off while passkey MFA is on
	// (for the admin neither), and can once it is off.
	off := &types.EmailMfaSettingsType{Enabled: false}
	wantErr(t, setPref(&cip.SetUserMFAPreferenceInput{EmailMfaSettings: off}), "InvalidParameterException", "another MFA method")
	_, err = e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &name, EmailMfaSettings: off})
	wantErr(t, err, "InvalidParameterException", "another MFA method")
	must(0, setPref(&cip.SetUserMFAPreferenceInput{EmailMfaSettings: off, WebAuthnMfaSettings: &types.WebAuthnMfaSettingsType{Enabled: false}}))(t)
	if _, _ = passkey(flagUP | flagUV | flagBE | flagBS); ro.UserVerification != "preferred" {
		t.Fatalf("userVerification %q with passkey MFA off", ro.UserVerification)
	}
}

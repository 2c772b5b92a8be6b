package sdk_test

import (
	"slices"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestUserAuthFactorsAgree: GetUserAuthFactors lists exactly the first
// factors USER_AUTH offers the user (PASSWORD_SRP aside, which is no
// AuthFactorType): an unverified email and phone count for both, and once
// the pool requires MFA, neither offers the one-time codes.
func TestUserAuthFactorsAgree(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.userAuthPool(types.UserPoolMfaTypeOff, types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp, types.AuthFactorTypeSmsOtp)
	name := e.codeMFAUser(poolID, "email", "agree@example.com", "phone_number", "+15555550133")
	out := must(e.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": password}))(t)
	access := out.AuthenticationResult.AccessToken

	check := func(want []string) {
		t.Helper()
		f := must(e.c.GetUserAuthFactors(ctx, &cip.GetUserAuthFactorsInput{AccessToken: access}))(t)
		var got []string
		for _, x := range f.ConfiguredUserAuthFactors {
			got = append(got, string(x))
		}
		ch := must(e.userAuth(clientID, map[string]string{"USERNAME": name}))(t)
		offered := slices.DeleteFunc(challengeNames(ch.AvailableChallenges), func(s string) bool { return s == "PASSWORD_SRP" })
		if !slices.Equal(got, want) || !slices.Equal(offered, want) {
			t.Fatalf("GetUserAuthFactors %v, USER_AUTH offers %v, want both %v", got, offered, want)
		}
	}
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	if attrOf(u.UserAttributes, "email_verified") == "true" || attrOf(u.UserAttributes, "phone_number_verified") == "true" {
		t.Fatalf("the test wants unverified attributes: %v", u.UserAttributes)
	}
	check([]string{"PASSWORD", "EMAIL_OTP", "SMS_OTP"})

	must(e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))(t)
	check([]string{"PASSWORD"})
}

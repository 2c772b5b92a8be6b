package sdk_test

import (
	"slices"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/srp"
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

// TestUserAuthPasswordChallenge: SELECT_CHALLENGE answered with PASSWORD
// or PASSWORD_SRP alone asks that factor as a challenge of its own
// (ChallengeName PASSWORD with PASSWORD, PASSWORD_SRP with SRP_A), for a
// real user and, alike, for an unknown one when the client hides user
// existence.
func TestUserAuthPasswordChallenge(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.userAuthPool(types.UserPoolMfaTypeOff, types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp)
	name := e.codeMFAUser(poolID, "email", "pwchallenge@example.com")
	choose := func(user, answer string) *cip.RespondToAuthChallengeOutput {
		t.Helper()
		ch := must(e.userAuth(clientID, map[string]string{"USERNAME": user}))(t)
		out := must(e.respond(clientID, types.ChallengeNameTypeSelectChallenge, ch.Session, map[string]string{"USERNAME": user, "ANSWER": answer}))(t)
		if string(out.ChallengeName) != answer || out.Session == nil {
			t.Fatalf("ANSWER=%s alone: %q, want the %s challenge", answer, out.ChallengeName, answer)
		}
		return out
	}

	pw := choose(name, "PASSWORD")
	_, err := e.respond(clientID, types.ChallengeNameTypePassword, pw.Session, map[string]string{"USERNAME": name})
	wantErr(t, err, "InvalidParameterException", "PASSWORD")
	_, err = e.respond(clientID, types.ChallengeNameTypePassword, pw.Session, map[string]string{"USERNAME": name, "PASSWORD": "Wrong-pass1!"})
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password")
	out := must(e.respond(clientID, types.ChallengeNameTypePassword, pw.Session, map[string]string{"USERNAME": name, "PASSWORD": password}))(t)
	if out.AuthenticationResult == nil {
		t.Fatalf("PASSWORD challenge: no tokens")
	}
	// Its session answers no other challenge.
	_, err = e.respond(clientID, types.ChallengeNameTypePasswordSrp, pw.Session, map[string]string{"USERNAME": name, "SRP_A": "abc"})
	wantErr(t, err, "InvalidParameterException", "")

	cl := must(srp.NewClient())(t)
	sp := choose(name, "PASSWORD_SRP")
	v := must(e.respond(clientID, types.ChallengeNameTypePasswordSrp, sp.Session, map[string]string{"USERNAME": name, "SRP_A": cl.PublicHex()}))(t)
	if v.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("PASSWORD_SRP challenge: %q, want PASSWORD_VERIFIER", v.ChallengeName)
	}
	proof := e.srpProof(cl, poolID, &cip.InitiateAuthOutput{ChallengeParameters: v.ChallengeParameters}, password)
	if out := must(e.respond(clientID, types.ChallengeNameTypePasswordVerifier, v.Session, proof))(t); out.AuthenticationResult == nil {
		t.Fatalf("PASSWORD_SRP challenge: no tokens")
	}

	// An unknown user behind a client that hides existence: the same
	// steps, failing as a wrong password.
	must(e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID, PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t)
	ghost := choose("nobody-here", "PASSWORD")
	_, err = e.respond(clientID, types.ChallengeNameTypePassword, ghost.Session, map[string]string{"USERNAME": "nobody-here", "PASSWORD": password})
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password")
}

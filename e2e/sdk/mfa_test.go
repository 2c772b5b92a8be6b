package sdk_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
)

// TestSignedInEnrolment covers steps 4 and 7: on an OPTIONAL pool a user
// signs in without MFA, adds an authenticator with the access token, turns
// it on with SetUserMFAPreference, and is asked for codes from then on.
func TestSignedInEnrolment(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOptional)
	name := e.user(poolID, clientID)

	// OPTIONAL and nothing enabled: tokens at once.
	first := must(e.passwordAuth(clientID, name, password))(t)
	if first.ChallengeName != "" || first.AuthenticationResult == nil {
		t.Fatalf("want tokens, got %+v", first)
	}
	access := first.AuthenticationResult.AccessToken

	// Turning TOTP on before verifying an authenticator is refused.
	_, err := e.c.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: access,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})
	wantErr(t, err, "InvalidParameterException", "User has not verified software token mfa")

	assoc := must(e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: access}))(t)
	if assoc.Session != nil {
		t.Fatalf("access-token association returned a session")
	}
	_, err = e.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: access, UserCode: aws.String(badCode(e.totpCode(*assoc.SecretCode, 0)))})
	wantErr(t, err, "EnableSoftwareTokenMFAException", "")
	ver := must(e.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: access, UserCode: aws.String(e.totpCode(*assoc.SecretCode, 0))}))(t)
	if ver.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		t.Fatalf("status %q", ver.Status)
	}
	secret := *assoc.SecretCode
	e.nextStep()

	// Verified but not enabled: OPTIONAL still signs in without a code.
	if r := must(e.passwordAuth(clientID, name, password))(t); r.ChallengeName != "" {
		t.Fatalf("MFA asked before it was enabled: %q", r.ChallengeName)
	}
	must(e.c.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: access,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}))(t)
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	if !slices.Contains(u.UserMFASettingList, "SOFTWARE_TOKEN_MFA") || aws.ToString(u.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("AdminGetUser after preference %+v", u)
	}
	e.mfaSignIn(clientID, name, secret)

	// A second association does not replace the verified authenticator
	// until it is verified itself.
	tokens := e.mfaSignIn(clientID, name, secret)
	must(e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: tokens.AccessToken}))(t)
	e.mfaSignIn(clientID, name, secret)

	// The admin turns it off: tokens at once again.
	must(e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &name,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: false, PreferredMfa: false}}))(t)
	if r := must(e.passwordAuth(clientID, name, password))(t); r.ChallengeName != "" || r.AuthenticationResult == nil {
		t.Fatalf("after admin disabled MFA: %+v", r)
	}
	u = must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	if len(u.UserMFASettingList) != 0 || u.PreferredMfaSetting != nil {
		t.Fatalf("MFA settings after disable %+v", u)
	}
	// SMS MFA needs a phone number, which this user does not have.
	_, err = e.c.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: tokens.AccessToken,
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true}})
	wantErr(t, err, "InvalidParameterException", "")
}

// TestPoolMfaConfig covers Set/GetUserPoolMfaConfig and the pool switch.
func TestPoolMfaConfig(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	got := must(e.c.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &poolID}))(t)
	// A fresh pool with MFA off names no factor (as Cognito answers; Terraform
	// reads an absent software_token_mfa_configuration block from it).
	if got.MfaConfiguration != types.UserPoolMfaTypeOff || got.SoftwareTokenMfaConfiguration != nil {
		t.Fatalf("initial MFA config %+v", got)
	}
	name := e.user(poolID, clientID)
	tokens := must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult
	_, err := e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: tokens.AccessToken})
	wantErr(t, err, "SoftwareTokenMFANotFoundException", "")

	set := must(e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))(t)
	if set.MfaConfiguration != types.UserPoolMfaTypeOn || !set.SoftwareTokenMfaConfiguration.Enabled {
		t.Fatalf("set output %+v", set)
	}
	if d := must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(t); d.UserPool.MfaConfiguration != types.UserPoolMfaTypeOn {
		t.Fatalf("DescribeUserPool MfaConfiguration %q", d.UserPool.MfaConfiguration)
	}
	// The existing user must now set up MFA.
	if r := must(e.passwordAuth(clientID, name, password))(t); r.ChallengeName != types.ChallengeNameTypeMfaSetup {
		t.Fatalf("want MFA_SETUP, got %q", r.ChallengeName)
	}
	_, err = e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: false}})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = e.c.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String("us-east-1_nothere1")})
	wantErr(t, err, "ResourceNotFoundException", "")
}

// TestTokenIsolation: only this pool's access tokens open token operations.
func TestTokenIsolation(t *testing.T) {
	e := newEnv(t)
	poolA, clientA := e.pool(types.UserPoolMfaTypeOff)
	poolB, clientB := e.pool(types.UserPoolMfaTypeOff)
	a := must(e.passwordAuth(clientA, e.user(poolA, clientA), password))(t).AuthenticationResult
	b := must(e.passwordAuth(clientB, e.user(poolB, clientB), password))(t).AuthenticationResult

	must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: a.AccessToken}))(t)
	refused := func(what, tok string) {
		t.Helper()
		_, err := e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: &tok})
		if err == nil {
			t.Fatalf("%s accepted", what)
		}
		wantErr(t, err, "NotAuthorizedException", "")
	}
	refused("ID token", *a.IdToken)
	// Pool B's signed token with its claims moved to pool A's client.
	pa, pb := strings.Split(*a.AccessToken, "."), strings.Split(*b.AccessToken, ".")
	refused("spliced token", pa[0]+"."+pa[1]+"."+pb[2])
	refused("token with B's header", pb[0]+"."+pa[1]+"."+pb[2])
	// A token signed by a stranger's key, naming A's kid and A's claims.
	var header struct{ Kid string }
	hb, _ := base64.RawURLEncoding.DecodeString(pa[0])
	json.Unmarshal(hb, &header)
	stranger, _ := rsa.GenerateKey(rand.Reader, 2048)
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: stranger}, (&jose.SignerOptions{}).WithHeader("kid", header.Kid))
	forged, _ := josejwt.Signed(signer).Claims(claims(t, *a.AccessToken)).Serialize()
	refused("forged token", forged)
	hs, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte("0123456789abcdef0123456789abcdef")}, (&jose.SignerOptions{}).WithHeader("kid", header.Kid))
	hmacTok, _ := josejwt.Signed(hs).Claims(claims(t, *a.AccessToken)).Serialize()
	refused("HS256 token", hmacTok)
	refused("alg none", base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"`+header.Kid+`"}`))+"."+pa[1]+".")
	refused("garbage", "abc.def.ghi")
	// Not yet valid: the server's clock is set back an hour before it.
	e.srv.Clock.Advance(-time.Hour)
	refused("token from the future", *a.AccessToken)
	e.srv.Clock.Advance(time.Hour)
	must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: a.AccessToken}))(t)
}

// TestAdminEnablesTOTP: an administrator's AdminSetUserMFAPreference
// (Enabled, PreferredMfa) turns on a verified authenticator, and the next
// sign-in asks for its code.
func TestAdminEnablesTOTP(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOptional)
	name := e.user(poolID, clientID)
	on := &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}

	// Nothing to turn on yet.
	_, err := e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &name, SoftwareTokenMfaSettings: on})
	wantErr(t, err, "InvalidParameterException", "User has not verified software token mfa")
	_, err = e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: aws.String("ghost"), SoftwareTokenMfaSettings: on})
	wantErr(t, err, "UserNotFoundException", "")

	// The user verifies an authenticator but does not turn it on.
	access := must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult.AccessToken
	assoc := must(e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: access}))(t)
	must(e.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: access, UserCode: aws.String(e.totpCode(*assoc.SecretCode, 0))}))(t)
	e.nextStep()
	if r := must(e.passwordAuth(clientID, name, password))(t); r.ChallengeName != "" || r.AuthenticationResult == nil {
		t.Fatalf("verified but not enabled: %+v", r)
	}

	must(e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &name, SoftwareTokenMfaSettings: on}))(t)
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	if !slices.Contains(u.UserMFASettingList, "SOFTWARE_TOKEN_MFA") || aws.ToString(u.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("AdminGetUser after the admin's preference %+v", u)
	}
	e.mfaSignIn(clientID, name, *assoc.SecretCode)
	adm := must(e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}}))(t)
	if adm.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("admin sign-in after the admin's preference: %q", adm.ChallengeName)
	}
}

// TestPoolMfaOffIgnoresTOTP: with the pool's MFA OFF, a user whose
// authenticator is enabled gets tokens at once; turned back to OPTIONAL,
// the pool asks for the code again, the user's setting kept.
func TestPoolMfaOffIgnoresTOTP(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	name := e.user(poolID, clientID)
	secret, _ := e.enrol(clientID, name)

	mfa := func(m types.UserPoolMfaType) {
		t.Helper()
		must(e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: m,
			SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))(t)
	}
	mfa(types.UserPoolMfaTypeOff)
	if r := must(e.passwordAuth(clientID, name, password))(t); r.ChallengeName != "" || r.AuthenticationResult == nil {
		t.Fatalf("MFA OFF, TOTP enabled: want tokens, got %+v", r)
	}
	adm := must(e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}}))(t)
	if adm.ChallengeName != "" || adm.AuthenticationResult == nil {
		t.Fatalf("MFA OFF, admin sign-in: want tokens, got %+v", adm)
	}
	cl, ch := e.srpStart(clientID, name, nil)
	if r := must(e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, e.srpProof(cl, poolID, ch, password)))(t); r.AuthenticationResult == nil {
		t.Fatalf("MFA OFF, SRP sign-in: want tokens, got %+v", r)
	}
	if u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t); !slices.Contains(u.UserMFASettingList, "SOFTWARE_TOKEN_MFA") {
		t.Fatalf("the pool switch dropped the user's setting: %+v", u)
	}
	mfa(types.UserPoolMfaTypeOptional)
	e.mfaSignIn(clientID, name, secret)
}

package sdk_test

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// TestSignUpAndConfirm covers step 1: SignUp, ConfirmSignUp with the emailed
// code, ResendConfirmationCode, AdminConfirmSignUp, and their failures.
func TestSignUpAndConfirm(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)

	out := e.signUp(clientID, "alice")
	if out.UserConfirmed || out.UserSub == nil || out.CodeDeliveryDetails == nil ||
		out.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeEmail || *out.CodeDeliveryDetails.Destination != "a***@e***" {
		t.Fatalf("SignUp output %+v", out)
	}
	_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("alice"), Password: aws.String(password)})
	wantErr(t, err, "UsernameExistsException", "")
	_, err = e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("weak"), Password: aws.String("short")})
	wantErr(t, err, "InvalidPasswordException", "Password not long enough")
	_, err = e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("weak"), Password: aws.String("nouppercase1!")})
	wantErr(t, err, "InvalidPasswordException", "uppercase")

	// An unconfirmed user is told so, even with a wrong password.
	_, err = e.passwordAuth(clientID, "alice", "wrong-Passw0rd!")
	wantErr(t, err, "UserNotConfirmedException", "")

	code := e.code(poolID, "alice")
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	_, err = e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("alice"), ConfirmationCode: &wrong})
	wantErr(t, err, "CodeMismatchException", "")
	must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("alice"), ConfirmationCode: &code}))(t)
	// Codes are one-shot.
	_, err = e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("alice"), ConfirmationCode: &code})
	wantErr(t, err, "NotAuthorizedException", "Current status is CONFIRMED")

	got := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("alice")}))(t)
	if got.UserStatus != types.UserStatusTypeConfirmed || !got.Enabled || attr(got.UserAttributes, "email_verified") != "true" || attr(got.UserAttributes, "sub") != *out.UserSub {
		t.Fatalf("AdminGetUser %+v", got)
	}

	// Resend replaces the code; the old one no longer works.
	e.signUp(clientID, "bob")
	first := e.code(poolID, "bob")
	res := must(e.c.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: &clientID, Username: aws.String("bob")}))(t)
	if res.CodeDeliveryDetails == nil || res.CodeDeliveryDetails.AttributeName == nil || *res.CodeDeliveryDetails.AttributeName != "email" {
		t.Fatalf("Resend output %+v", res)
	}
	second := e.code(poolID, "bob")
	if first != second {
		_, err = e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("bob"), ConfirmationCode: &first})
		wantErr(t, err, "CodeMismatchException", "")
	}
	// Codes expire after 24 hours.
	e.srv.Clock.Advance(24*time.Hour + time.Minute)
	_, err = e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("bob"), ConfirmationCode: &second})
	wantErr(t, err, "ExpiredCodeException", "")

	must(e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &poolID, Username: aws.String("bob")}))(t)
	_, err = e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &poolID, Username: aws.String("bob")})
	wantErr(t, err, "NotAuthorizedException", "")
	_, err = e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("nobody"), ConfirmationCode: aws.String("123456")})
	wantErr(t, err, "UserNotFoundException", "")

	// MFA OFF: a confirmed user gets tokens at once.
	tok := must(e.passwordAuth(clientID, "bob", password))(t)
	if tok.ChallengeName != "" || tok.AuthenticationResult == nil {
		t.Fatalf("MFA OFF sign-in %+v", tok)
	}
}

func attr(list []types.AttributeType, name string) string {
	for _, a := range list {
		if *a.Name == name {
			return *a.Value
		}
	}
	return ""
}

// TestTOTPWalkthrough covers steps 2, 3, 5 and 6 on a pool with MFA ON.
func TestTOTPWalkthrough(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	name := e.user(poolID, clientID)

	_, err := e.passwordAuth(clientID, name, "Wrong-Passw0rd!")
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = e.passwordAuth(clientID, "ghost", password)
	wantErr(t, err, "UserNotFoundException", "")

	// Step 2: MFA ON and no authenticator yet -> MFA_SETUP.
	start := must(e.passwordAuth(clientID, name, password))(t)
	if start.ChallengeName != types.ChallengeNameTypeMfaSetup || start.ChallengeParameters["MFAS_CAN_SETUP"] != `["SOFTWARE_TOKEN_MFA"]` {
		t.Fatalf("want MFA_SETUP, got %+v", start)
	}
	if n := len(*start.Session); n < 20 || n > 2048 {
		t.Fatalf("session length %d", n)
	}
	// Finishing MFA_SETUP before verifying an authenticator is refused.
	_, err = e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeMfaSetup,
		Session: start.Session, ChallengeResponses: map[string]string{"USERNAME": name}})
	wantErr(t, err, "InvalidParameterException", "")

	// Step 3: associate, verify (wrong code first), answer MFA_SETUP.
	assoc := must(e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: start.Session}))(t)
	if len(*assoc.SecretCode) < 16 || assoc.Session == nil || *assoc.Session == *start.Session {
		t.Fatalf("associate output %+v", assoc)
	}
	wrong := badCode(e.totpCode(*assoc.SecretCode, 0))
	_, err = e.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session, UserCode: &wrong})
	wantErr(t, err, "EnableSoftwareTokenMFAException", "")
	// A session from before the association is not a verify session.
	_, err = e.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: start.Session, UserCode: aws.String(e.totpCode(*assoc.SecretCode, 0))})
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	ver := must(e.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session,
		UserCode: aws.String(e.totpCode(*assoc.SecretCode, 0)), FriendlyDeviceName: aws.String("my phone")}))(t)
	if ver.Status != types.VerifySoftwareTokenResponseTypeSuccess || ver.Session == nil {
		t.Fatalf("verify output %+v", ver)
	}
	done := must(e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeMfaSetup,
		Session: ver.Session, ChallengeResponses: map[string]string{"USERNAME": name}}))(t)
	res := done.AuthenticationResult
	if res == nil || *res.TokenType != "Bearer" || res.ExpiresIn != 3600 || res.IdToken == nil || res.AccessToken == nil || res.RefreshToken == nil {
		t.Fatalf("MFA_SETUP result %+v", done)
	}
	// A session that yielded tokens is spent.
	_, err = e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeMfaSetup,
		Session: ver.Session, ChallengeResponses: map[string]string{"USERNAME": name}})
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	secret := *assoc.SecretCode

	// The tokens verify with a standard JWT library using only the JWKS.
	e.checkTokens(poolID, clientID, name, res)

	// Step 4 (read side): the user now has TOTP enabled and preferred.
	u := must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken}))(t)
	if *u.Username != name || !slices.Contains(u.UserMFASettingList, "SOFTWARE_TOKEN_MFA") || *u.PreferredMfaSetting != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("GetUser %+v", u)
	}
	au := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	if !slices.Contains(au.UserMFASettingList, "SOFTWARE_TOKEN_MFA") || au.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("AdminGetUser %+v", au)
	}

	// Step 5: the next sign-in asks for the code.
	e.nextStep()
	start = must(e.passwordAuth(clientID, name, password))(t)
	if start.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("want SOFTWARE_TOKEN_MFA, got %q", start.ChallengeName)
	}
	answer := func(session *string, code string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
			Session: session, ChallengeResponses: map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code}})
	}
	code := e.totpCode(secret, 0)
	_, err = answer(start.Session, badCode(code))
	wantErr(t, err, "CodeMismatchException", "")
	_, err = answer(start.Session, e.totpCode(secret, 2)) // two steps ahead: outside the window
	wantErr(t, err, "CodeMismatchException", "")
	// The session survives a wrong code.
	ok := must(answer(start.Session, code))(t)
	if ok.AuthenticationResult == nil || ok.AuthenticationResult.AccessToken == nil {
		t.Fatalf("SOFTWARE_TOKEN_MFA result %+v", ok)
	}
	// The same code in a new sign-in is a replay.
	again := must(e.passwordAuth(clientID, name, password))(t)
	_, err = answer(again.Session, code)
	wantErr(t, err, "ExpiredCodeException", "Your software token has already been used once.")
	// So is a code from an earlier step still inside the window.
	e.nextStep()
	_, err = answer(again.Session, e.totpCode(secret, -1))
	wantErr(t, err, "ExpiredCodeException", "already been used")
	// The next step's code works.
	must(answer(again.Session, e.totpCode(secret, 0)))(t)

	// An expired session is refused; the clock moves past AuthSessionValidity (3 min).
	e.nextStep()
	late := must(e.passwordAuth(clientID, name, password))(t)
	e.srv.Clock.Advance(3*time.Minute + time.Second)
	_, err = answer(late.Session, e.totpCode(secret, 0))
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	// A tampered session is refused.
	fresh := must(e.passwordAuth(clientID, name, password))(t)
	tampered := []byte(*fresh.Session)
	tampered[len(tampered)/2] ^= 1
	_, err = answer(aws.String(string(tampered)), e.totpCode(secret, 0))
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	// A session is bound to its user.
	other := e.user(poolID, clientID)
	_, err = e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID, ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa,
		Session: fresh.Session, ChallengeResponses: map[string]string{"USERNAME": other, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(secret, 0)}})
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")

	// Admin flavour: AdminInitiateAuth + AdminRespondToAuthChallenge.
	adm := must(e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}}))(t)
	if adm.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("admin sign-in challenge %q", adm.ChallengeName)
	}
	admDone := must(e.c.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: &poolID, ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, Session: adm.Session,
		ChallengeResponses: map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(secret, 0)}}))(t)
	if admDone.AuthenticationResult == nil {
		t.Fatal("admin respond gave no tokens")
	}
	_, err = e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": "Wrong-Passw0rd!"}})
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")

	// Step 6: refresh, three ways.
	refresh := res.RefreshToken
	for _, flow := range []types.AuthFlowType{types.AuthFlowTypeRefreshTokenAuth, types.AuthFlowTypeRefreshToken} {
		r := must(e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: flow,
			AuthParameters: map[string]string{"REFRESH_TOKEN": *refresh}}))(t)
		if r.AuthenticationResult == nil || r.AuthenticationResult.AccessToken == nil || r.AuthenticationResult.RefreshToken != nil {
			t.Fatalf("%s result %+v", flow, r.AuthenticationResult)
		}
		e.checkTokens(poolID, clientID, name, r.AuthenticationResult)
	}
	g := must(e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID, RefreshToken: refresh}))(t)
	if g.AuthenticationResult == nil || g.AuthenticationResult.IdToken == nil {
		t.Fatalf("GetTokensFromRefreshToken %+v", g)
	}
	_, err = e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": "not-a-token"}})
	wantErr(t, err, "NotAuthorizedException", "Invalid Refresh Token")
	_, otherClient := e.pool(types.UserPoolMfaTypeOff)
	_, err = e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &otherClient, RefreshToken: refresh})
	wantErr(t, err, "NotAuthorizedException", "")

	// Disabled users cannot sign in, refresh, or use their access token.
	must(e.c.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &poolID, Username: &name}))(t)
	_, err = e.passwordAuth(clientID, name, password)
	wantErr(t, err, "NotAuthorizedException", "User is disabled.")
	_, err = e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID, RefreshToken: refresh})
	wantErr(t, err, "NotAuthorizedException", "")
	_, err = e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: ok.AuthenticationResult.AccessToken})
	wantErr(t, err, "NotAuthorizedException", "")
	must(e.c.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: &poolID, Username: &name}))(t)
	e.nextStep()
	e.mfaSignIn(clientID, name, secret)

	// Access tokens expire after an hour.
	e.srv.Clock.Advance(time.Hour + time.Second)
	_, err = e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: ok.AuthenticationResult.AccessToken})
	wantErr(t, err, "NotAuthorizedException", "Access Token has expired")

	// A deleted user is gone.
	must(e.c.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &poolID, Username: &name}))(t)
	_, err = e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name})
	wantErr(t, err, "UserNotFoundException", "")
}

// badCode returns a six-digit code other than code.
func badCode(code string) string {
	b := []byte(code)
	b[0] = '0' + (b[0]-'0'+5)%10
	return string(b)
}

// checkTokens verifies the ID and access tokens with lestrrat-go/jwx, using
// only the JWKS the server publishes, and checks Cognito's claims.
func (e *env) checkTokens(poolID, clientID, username string, res *types.AuthenticationResultType) {
	t := e.t
	t.Helper()
	set, err := jwk.Fetch(ctx, e.srv.URL+"/"+poolID+"/.well-known/jwks.json")
	if err != nil {
		t.Fatalf("fetch JWKS: %v", err)
	}
	iss := e.srv.URL + "/" + poolID
	clock := jwt.WithClock(jwt.ClockFunc(e.srv.Clock.Now))
	if _, err := jwt.Parse([]byte(*res.AccessToken), jwt.WithKeySet(set), jwt.WithValidate(true), jwt.WithIssuer(iss), clock); err != nil {
		t.Fatalf("access token does not verify: %v", err)
	}
	if _, err := jwt.Parse([]byte(*res.IdToken), jwt.WithKeySet(set), jwt.WithValidate(true), jwt.WithIssuer(iss), jwt.WithAudience(clientID), clock); err != nil {
		t.Fatalf("ID token does not verify: %v", err)
	}
	access, id := claims(t, *res.AccessToken), claims(t, *res.IdToken)
	if access["token_use"] != "access" || access["client_id"] != clientID || access["username"] != username ||
		access["scope"] != "aws.cognito.signin.user.admin" || access["origin_jti"] == nil || access["jti"] == nil || access["aud"] != nil {
		t.Fatalf("access claims %v", access)
	}
	if id["token_use"] != "id" || id["cognito:username"] != username || id["email_verified"] != true || id["aud"] != clientID ||
		id["email"] != username+"@example.com" || id["sub"] != access["sub"] || id["auth_time"] == nil || id["origin_jti"] != access["origin_jti"] {
		t.Fatalf("id claims %v", id)
	}
	if d := access["exp"].(float64) - access["iat"].(float64); d != 3600 {
		t.Fatalf("access lifetime %vs", d)
	}
}

// claims decodes a JWT's payload (after its signature was checked).
func claims(t *testing.T, raw string) map[string]any {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %q", raw)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestAdminSignInMFASetup covers step 2 in its admin form: on an MFA ON pool,
// AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH, and its legacy name
// ADMIN_NO_SRP_AUTH, ask for MFA_SETUP; AssociateSoftwareToken,
// VerifySoftwareToken and AdminRespondToAuthChallenge MFA_SETUP give tokens,
// and later admin sign-ins ask for the code.
func TestAdminSignInMFASetup(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	// A client that allows the flow by its legacy name only.
	legacy := *must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("legacy"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAdminNoSrpAuth}}))(t).UserPoolClient.ClientId
	otherPool, _ := e.pool(types.UserPoolMfaTypeOn)

	for _, c := range []struct {
		flow   types.AuthFlowType
		client string
	}{
		{types.AuthFlowTypeAdminUserPasswordAuth, clientID},
		{types.AuthFlowTypeAdminNoSrpAuth, clientID},
		{types.AuthFlowTypeAdminUserPasswordAuth, legacy},
		{types.AuthFlowTypeAdminNoSrpAuth, legacy},
	} {
		name := e.user(poolID, clientID)
		signIn := func() *cip.AdminInitiateAuthOutput {
			t.Helper()
			return must(e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &c.client,
				AuthFlow: c.flow, AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}}))(t)
		}
		start := signIn()
		if start.ChallengeName != types.ChallengeNameTypeMfaSetup || start.ChallengeParameters["MFAS_CAN_SETUP"] != `["SOFTWARE_TOKEN_MFA"]` ||
			start.Session == nil || start.AuthenticationResult != nil {
			t.Fatalf("%s on %s: want MFA_SETUP, got %+v", c.flow, c.client, start)
		}
		assoc := must(e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: start.Session}))(t)
		ver := must(e.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session,
			UserCode: aws.String(e.totpCode(*assoc.SecretCode, 0)), FriendlyDeviceName: aws.String("phone")}))(t)
		if ver.Status != types.VerifySoftwareTokenResponseTypeSuccess {
			t.Fatalf("verify status %q", ver.Status)
		}
		respond := func(pool string, name types.ChallengeNameType, session *string, r map[string]string) (*cip.AdminRespondToAuthChallengeOutput, error) {
			return e.c.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: &pool, ClientId: &c.client,
				ChallengeName: name, Session: session, ChallengeResponses: r})
		}
		// The admin answer names the pool, which must be the client's.
		_, err := respond(otherPool, types.ChallengeNameTypeMfaSetup, ver.Session, map[string]string{"USERNAME": name})
		wantErr(t, err, "ResourceNotFoundException", "")
		done := must(respond(poolID, types.ChallengeNameTypeMfaSetup, ver.Session, map[string]string{"USERNAME": name}))(t)
		if done.ChallengeName != "" || done.AuthenticationResult == nil {
			t.Fatalf("MFA_SETUP answer %+v", done)
		}
		e.checkTokens(poolID, c.client, name, done.AuthenticationResult)
		_, err = respond(poolID, types.ChallengeNameTypeMfaSetup, ver.Session, map[string]string{"USERNAME": name})
		wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")

		e.nextStep()
		next := signIn()
		if next.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
			t.Fatalf("after set-up: want SOFTWARE_TOKEN_MFA, got %q", next.ChallengeName)
		}
		res := must(respond(poolID, types.ChallengeNameTypeSoftwareTokenMfa, next.Session,
			map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(*assoc.SecretCode, 0)}))(t)
		e.checkTokens(poolID, c.client, name, res.AuthenticationResult)
		e.nextStep()
	}

	// The admin flows are the admin operation's, and need the client's leave.
	name := e.user(poolID, clientID)
	_, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}})
	wantErr(t, err, "InvalidParameterException", "")
	userOnly := *must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("user-only"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(t).UserPoolClient.ClientId
	for _, flow := range []types.AuthFlowType{types.AuthFlowTypeAdminUserPasswordAuth, types.AuthFlowTypeAdminNoSrpAuth} {
		_, err = e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &userOnly,
			AuthFlow: flow, AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}})
		wantErr(t, err, "InvalidParameterException", "not enabled")
	}
}

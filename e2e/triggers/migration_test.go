package triggers_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/lambdatest"
	"github.com/cognate-idp/cognate/internal/srp"
)

// legacyPassword is the password the tests' legacy directory knows; it
// need not meet the pool's policy (Cognito does not apply it to migrated
// passwords).
const legacyPassword = "legacy"

// legacyDirectory is the tests' UserMigration function: it knows the users
// whose names start with "old", with legacyPassword; final gives their
// finalUserStatus and messageAction theirs.
func legacyDirectory(final, action string) lambdatest.Handler {
	return func(inv *lambdatest.Invocation) lambdatest.Reply {
		var ev events.CognitoEventUserPoolsMigrateUser
		if err := inv.Event(&ev); err != nil {
			return lambdatest.Reply{Error: err.Error()}
		}
		if !strings.HasPrefix(ev.UserName, "old") {
			return lambdatest.Reply{Error: "User not found"}
		}
		if ev.TriggerSource == "UserMigration_Authentication" && ev.CognitoEventUserPoolsMigrateUserRequest.Password != legacyPassword {
			return lambdatest.Reply{Error: "Bad password"}
		}
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsMigrateUserResponse{
			UserAttributes:  map[string]string{"email": ev.UserName + "@example.com", "email_verified": "true", "name": "Legacy " + ev.UserName},
			FinalUserStatus: final, MessageAction: action, DesiredDeliveryMediums: []string{"EMAIL"}}}
	}
}

func (e *env) passwordAuth(clientID, name, pw string, meta map[string]string) (*cip.InitiateAuthOutput, error) {
	return e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw}, ClientMetadata: meta})
}

// srpSignIn signs in with USER_SRP_AUTH, the protocol amazon-cognito-
// identity-js speaks (Cognate's Go client of it, as in e2e/sdk).
func (e *env) srpSignIn(poolID, clientID, name, pw string) (*cip.RespondToAuthChallengeOutput, error) {
	e.t.Helper()
	cl, err := srp.NewClient()
	if err != nil {
		e.t.Fatal(err)
	}
	ch, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": name, "SRP_A": cl.PublicHex()}})
	if err != nil {
		return nil, err
	}
	p := ch.ChallengeParameters
	resp, err := cl.Respond(srp.Challenge{PoolName: strings.SplitN(poolID, "_", 2)[1], UserID: p["USER_ID_FOR_SRP"], Salt: p["SALT"],
		B: p["SRP_B"], SecretBlock: p["SECRET_BLOCK"]}, pw, e.srv.Clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID), ChallengeName: ch.ChallengeName,
		Session: ch.Session, ChallengeResponses: map[string]string{"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": resp.SecretBlock,
			"PASSWORD_CLAIM_SIGNATURE": resp.Signature, "TIMESTAMP": resp.Timestamp}})
}

// UserMigration_Authentication: a password sign-in of a user the pool does
// not have creates them from the function's answer, with the typed
// password, and signs them in in the same call. The migrated user then
// signs in with SRP, and the function is not called again.
func TestUserMigrationAuthentication(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{UserMigration: aws.String(fn)})
	emu.Handle(legacyDirectory("CONFIRMED", "SUPPRESS"))
	out, err := e.passwordAuth(clientID, "oldann", legacyPassword, map[string]string{"device": "phone"})
	if err != nil {
		t.Fatal(err)
	}
	if out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == nil {
		t.Fatalf("no tokens: %+v", out)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "UserMigration_Authentication" {
		t.Fatalf("sources %q", sources(calls))
	}
	var ev events.CognitoEventUserPoolsMigrateUser
	_ = calls[0].Event(&ev)
	if ev.UserName != "oldann" || ev.CallerContext.ClientID != clientID || ev.UserPoolID != poolID ||
		ev.CognitoEventUserPoolsMigrateUserRequest.Password != legacyPassword ||
		ev.CognitoEventUserPoolsMigrateUserRequest.ValidationData["device"] != "phone" {
		t.Errorf("event %s", calls[0].Raw)
	}
	u, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("oldann")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range u.UserAttributes {
		got[*a.Name] = *a.Value
	}
	if u.UserStatus != types.UserStatusTypeConfirmed || got["email"] != "oldann@example.com" || got["email_verified"] != "true" || got["name"] != "Legacy oldann" {
		t.Errorf("migrated user %s %v", u.UserStatus, got)
	}
	if n := len(e.srv.Outbox(poolID, "oldann")); n != 0 {
		t.Errorf("%d messages despite SUPPRESS", n)
	}
	// Now the pool has the user: SRP and password sign-ins call nothing.
	emu.Handle(legacyDirectory("CONFIRMED", "SUPPRESS"))
	r, err := e.srpSignIn(poolID, clientID, "oldann", legacyPassword)
	if err != nil {
		t.Fatal(err)
	}
	if r.AuthenticationResult == nil {
		t.Fatalf("SRP: no tokens, challenge %s", r.ChallengeName)
	}
	if _, err := e.passwordAuth(clientID, "oldann", legacyPassword, nil); err != nil {
		t.Fatal(err)
	}
	_, err = e.passwordAuth(clientID, "oldann", "wrong", nil)
	wantErr(t, err, "NotAuthorizedException", "")
	if n := len(emu.Calls()); n != 0 {
		t.Errorf("%d calls of the function for a user the pool has", n)
	}
}

// finalUserStatus RESET_REQUIRED: the user is created and must reset the
// password (PasswordResetRequiredException); a welcome message goes out
// when messageAction does not suppress it; ADMIN_USER_PASSWORD_AUTH
// migrates too.
func TestUserMigrationResetRequiredAndWelcome(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{UserMigration: aws.String(fn)})
	emu.Handle(legacyDirectory("RESET_REQUIRED", ""))
	_, err := e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "oldbo", "PASSWORD": legacyPassword}})
	wantErr(t, err, "PasswordResetRequiredException", "")
	checkLossless(t, emu.Calls())
	u, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("oldbo")})
	if err != nil {
		t.Fatal(err)
	}
	if u.UserStatus != types.UserStatusTypeResetRequired {
		t.Errorf("status %s", u.UserStatus)
	}
	msgs := e.srv.Outbox(poolID, "oldbo")
	if len(msgs) != 1 || msgs[0].Purpose != "welcome" || msgs[0].Medium != "EMAIL" || msgs[0].Destination != "oldbo@example.com" {
		t.Errorf("welcome messages %+v", msgs)
	}
}

// The pool requires MFA: the migrated user's sign-in goes on to MFA_SETUP.
func TestUserMigrationThenMFASetup(t *testing.T) {
	e := newEnv(t)
	p, err := e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("mfa"), MfaConfiguration: types.UserPoolMfaTypeOn,
		LambdaConfig: &types.LambdaConfigType{UserMigration: aws.String(fn)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: p.UserPool.Id, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}); err != nil {
		t.Fatal(err)
	}
	cl, err := e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: p.UserPool.Id, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}
	emu.Handle(legacyDirectory("CONFIRMED", "SUPPRESS"))
	out, err := e.passwordAuth(*cl.UserPoolClient.ClientId, "oldcy", legacyPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkLossless(t, emu.Calls())
	if out.ChallengeName != types.ChallengeNameTypeMfaSetup || out.Session == nil {
		t.Fatalf("challenge %q, want MFA_SETUP", out.ChallengeName)
	}
}

// UserMigration_ForgotPassword: ForgotPassword for a user the pool does not
// have migrates them (no password in the request) and sends the reset
// code, which sets their password.
func TestUserMigrationForgotPassword(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{UserMigration: aws.String(fn)})
	emu.Handle(legacyDirectory("", "SUPPRESS"))
	out, err := e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("olddi"),
		ClientMetadata: map[string]string{"page": "reset"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.CodeDeliveryDetails == nil || out.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Fatalf("delivery %+v", out.CodeDeliveryDetails)
	}
	calls := emu.Calls()
	checkLossless(t, calls)
	if sources(calls) != "UserMigration_ForgotPassword" {
		t.Fatalf("sources %q", sources(calls))
	}
	var ev events.CognitoEventUserPoolsMigrateUser
	_ = calls[0].Event(&ev)
	if strings.Contains(string(calls[0].Raw), `"password"`) || ev.CognitoEventUserPoolsMigrateUserRequest.ClientMetadata["page"] != "reset" {
		t.Errorf("request %s", calls[0].Raw)
	}
	u, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("olddi")})
	if err != nil {
		t.Fatal(err)
	}
	if u.UserStatus != types.UserStatusTypeResetRequired {
		t.Errorf("status %s", u.UserStatus)
	}
	code := e.lastMessage(poolID, "olddi").Code
	if _, err := e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("olddi"),
		ConfirmationCode: aws.String(code), Password: aws.String(password)}); err != nil {
		t.Fatal(err)
	}
	emu.Handle(legacyDirectory("", "SUPPRESS"))
	r, err := e.srpSignIn(poolID, clientID, "olddi", password)
	if err != nil {
		t.Fatal(err)
	}
	if r.AuthenticationResult == nil || len(emu.Calls()) != 0 {
		t.Fatalf("SRP after reset: %+v, %d calls", r, len(emu.Calls()))
	}
}

// The function refuses (a wrong legacy password, a user it does not know):
// UserLambdaValidationException in Cognito's wording, and no user.
func TestUserMigrationRefusalCreatesNoUser(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{UserMigration: aws.String(fn)})
	emu.Handle(legacyDirectory("CONFIRMED", "SUPPRESS"))
	_, err := e.passwordAuth(clientID, "oldeve", "not-it", nil)
	wantErr(t, err, "UserLambdaValidationException", "UserMigration failed with error Bad password.")
	_, err = e.passwordAuth(clientID, "stranger", legacyPassword, nil)
	wantErr(t, err, "UserLambdaValidationException", "UserMigration failed with error User not found.")
	checkLossless(t, emu.Calls())
	// ForgotPassword for a user the function gives no verified address:
	// no code can go out, so no user is created.
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsMigrateUserResponse{UserAttributes: map[string]string{"email": "oldgus@example.com"}}}
	})
	_, err = e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("oldgus")})
	wantErr(t, err, "InvalidParameterException", "")
	checkLossless(t, emu.Calls())
	for _, name := range []string{"oldeve", "stranger", "oldgus"} {
		_, err = e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name)})
		wantErr(t, err, "UserNotFoundException", "")
	}
}

// USER_SRP_AUTH does not migrate: the password never reaches the server.
// The unknown user is refused as without the trigger, which is not called.
func TestUserMigrationNotForSRP(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(&types.LambdaConfigType{UserMigration: aws.String(fn)})
	emu.Handle(legacyDirectory("CONFIRMED", "SUPPRESS"))
	_, err := e.srpSignIn(poolID, clientID, "oldfay", legacyPassword)
	wantErr(t, err, "UserNotFoundException", "")
	if n := len(emu.Calls()); n != 0 {
		t.Errorf("%d calls for an SRP sign-in", n)
	}
}

// A pool whose users sign in with their email: the typed email names the
// migrated user (known by a UUID). With email as an alias, an address
// another user holds verified refuses the migration (AliasExistsException)
// unless forceAliasCreation takes it from that user.
func TestUserMigrationEmailSignInAndForceAlias(t *testing.T) {
	e := newEnv(t)
	mk := func(in *cip.CreateUserPoolInput) (string, string) {
		in.PoolName, in.LambdaConfig = aws.String("m"), &types.LambdaConfigType{UserMigration: aws.String(fn)}
		p, err := e.c.CreateUserPool(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		cl, err := e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: p.UserPool.Id, ClientName: aws.String("app"),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
		if err != nil {
			t.Fatal(err)
		}
		return *p.UserPool.Id, *cl.UserPoolClient.ClientId
	}
	// Email as username.
	poolID, clientID := mk(&cip.CreateUserPoolInput{UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}})
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsMigrateUserResponse{
			UserAttributes: map[string]string{"email_verified": "true"}, MessageAction: "SUPPRESS"}}
	})
	if _, err := e.passwordAuth(clientID, "old.ivy@example.com", legacyPassword, nil); err != nil {
		t.Fatal(err)
	}
	checkLossless(t, emu.Calls())
	u, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("old.ivy@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(*u.Username, "@") {
		t.Errorf("username %s: want a UUID", *u.Username)
	}

	// Email as alias.
	poolID, clientID = mk(&cip.CreateUserPoolInput{AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}})
	if _, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("holder"),
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{attr("email", "shared@example.com"), attr("email_verified", "true")}}); err != nil {
		t.Fatal(err)
	}
	force := false
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Response: events.CognitoEventUserPoolsMigrateUserResponse{
			UserAttributes: map[string]string{"email": "shared@example.com", "email_verified": "true"}, MessageAction: "SUPPRESS", ForceAliasCreation: force}}
	})
	_, err = e.passwordAuth(clientID, "oldjo", legacyPassword, nil)
	wantErr(t, err, "AliasExistsException", "")
	_, err = e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("oldjo")})
	wantErr(t, err, "UserNotFoundException", "")
	force = true
	if _, err := e.passwordAuth(clientID, "oldjo", legacyPassword, nil); err != nil {
		t.Fatal(err)
	}
	checkLossless(t, emu.Calls())
	// The alias now signs in the migrated user, not its former holder.
	out, err := e.passwordAuth(clientID, "shared@example.com", legacyPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	me, err := e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if *me.Username != "oldjo" {
		t.Errorf("the alias signs in %s", *me.Username)
	}
}

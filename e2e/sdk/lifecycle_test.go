package sdk_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestAdminCreatedUser: an invited user signs in with the temporary
// password, answers NEW_PASSWORD_REQUIRED, and continues into MFA_SETUP.
func TestAdminCreatedUser(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	out := must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("invitee"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("invitee@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")}}}))
	if out.User.UserStatus != types.UserStatusTypeForceChangePassword {
		t.Fatalf("status %q", out.User.UserStatus)
	}
	msgs := e.srv.Outbox(poolID, "invitee")
	if len(msgs) != 1 || msgs[0].Purpose != "invitation" {
		t.Fatalf("invitation not delivered: %+v", msgs)
	}
	temp := msgs[0].Code
	start := must(e.passwordAuth(clientID, "invitee", temp))
	if start.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("want NEW_PASSWORD_REQUIRED, got %q", start.ChallengeName)
	}
	var ua map[string]string
	var ra []string
	if json.Unmarshal([]byte(start.ChallengeParameters["userAttributes"]), &ua) != nil || ua["email"] != "invitee@example.com" ||
		json.Unmarshal([]byte(start.ChallengeParameters["requiredAttributes"]), &ra) != nil {
		t.Fatalf("challenge parameters are not JSON strings: %v", start.ChallengeParameters)
	}
	_, err := e.respond(clientID, types.ChallengeNameTypeNewPasswordRequired, start.Session, map[string]string{"USERNAME": "invitee", "NEW_PASSWORD": "weak"})
	wantErr(t, err, "InvalidPasswordException", "")
	next := must(e.respond(clientID, types.ChallengeNameTypeNewPasswordRequired, start.Session,
		map[string]string{"USERNAME": "invitee", "NEW_PASSWORD": password, "userAttributes.name": "Invitee"}))
	if next.ChallengeName != types.ChallengeNameTypeMfaSetup {
		t.Fatalf("after the new password: %q", next.ChallengeName)
	}
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("invitee")}))
	if u.UserStatus != types.UserStatusTypeConfirmed || attr(u.UserAttributes, "name") != "Invitee" {
		t.Fatalf("after NEW_PASSWORD_REQUIRED: %+v", u)
	}
	_, err = e.passwordAuth(clientID, "invitee", temp)
	wantErr(t, err, "NotAuthorizedException", "")

	// Temporary passwords expire (7 days by default).
	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("late"),
		TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress}))
	if len(e.srv.Outbox(poolID, "late")) != 0 {
		t.Fatal("SUPPRESS still delivered")
	}
	e.srv.Clock.Advance(8 * 24 * time.Hour)
	_, err = e.passwordAuth(clientID, "late", "Temp-Passw0rd!")
	wantErr(t, err, "NotAuthorizedException", "Temporary password has expired")
	_, err = e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("late")})
	wantErr(t, err, "UsernameExistsException", "")
}

// TestPasswordRecovery: ForgotPassword, ConfirmForgotPassword, ChangePassword,
// AdminSetUserPassword, AdminResetUserPassword.
func TestPasswordRecovery(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)

	fp := must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}))
	if fp.CodeDeliveryDetails == nil || fp.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Fatalf("ForgotPassword %+v", fp)
	}
	code := e.code(poolID, name)
	_, err := e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name, ConfirmationCode: aws.String(badCode(code)), Password: aws.String("New-Passw0rd!")})
	wantErr(t, err, "CodeMismatchException", "")
	must(e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name, ConfirmationCode: &code, Password: aws.String("New-Passw0rd!")}))
	_, err = e.passwordAuth(clientID, name, password)
	wantErr(t, err, "NotAuthorizedException", "")
	tok := must(e.passwordAuth(clientID, name, "New-Passw0rd!")).AuthenticationResult
	// The SRP verifier followed the new password.
	cl, ch := e.srpStart(clientID, name, nil)
	must(e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, e.srpProof(cl, poolID, ch, "New-Passw0rd!")))

	_, err = e.c.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tok.AccessToken, PreviousPassword: aws.String("wrong-Passw0rd!"), ProposedPassword: aws.String(password)})
	wantErr(t, err, "NotAuthorizedException", "")
	must(e.c.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tok.AccessToken, PreviousPassword: aws.String("New-Passw0rd!"), ProposedPassword: aws.String(password)}))
	must(e.passwordAuth(clientID, name, password))

	// An expired reset code.
	must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}))
	code = e.code(poolID, name)
	e.srv.Clock.Advance(61 * time.Minute)
	_, err = e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name, ConfirmationCode: &code, Password: aws.String("Other-Passw0rd!")})
	wantErr(t, err, "ExpiredCodeException", "")

	// Admin: temporary password, then permanent.
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name, Password: aws.String("Admin-Passw0rd!")}))
	if r := must(e.passwordAuth(clientID, name, "Admin-Passw0rd!")); r.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("non-permanent admin password: %q", r.ChallengeName)
	}
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name, Password: aws.String("Admin-Passw0rd!"), Permanent: true}))
	if r := must(e.passwordAuth(clientID, name, "Admin-Passw0rd!")); r.AuthenticationResult == nil {
		t.Fatalf("permanent admin password: %+v", r)
	}
	// Admin reset: sign-in says a reset is required; the emailed code resets.
	must(e.c.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: &poolID, Username: &name}))
	_, err = e.passwordAuth(clientID, name, "Admin-Passw0rd!")
	wantErr(t, err, "PasswordResetRequiredException", "")
	must(e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name, ConfirmationCode: aws.String(e.code(poolID, name)), Password: aws.String(password)}))
	if u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name})); u.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("status after reset %q", u.UserStatus)
	}
	must(e.passwordAuth(clientID, name, password))

	// Without a verified contact there is no reset.
	e.signUp(clientID, "unverified")
	must(e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &poolID, Username: aws.String("unverified")}))
	_, err = e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("unverified")})
	wantErr(t, err, "InvalidParameterException", "no registered/verified email")
}

// TestAttributes: update, verify and delete attributes; DeleteUser.
func TestAttributes(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	tok := must(e.passwordAuth(clientID, name, password)).AuthenticationResult

	up := must(e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{
		{Name: aws.String("email"), Value: aws.String("new@example.com")}, {Name: aws.String("given_name"), Value: aws.String("Ann")}}}))
	if len(up.CodeDeliveryDetailsList) != 1 || aws.ToString(up.CodeDeliveryDetailsList[0].AttributeName) != "email" {
		t.Fatalf("UpdateUserAttributes %+v", up)
	}
	u := must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken}))
	if attr(u.UserAttributes, "email") != "new@example.com" || attr(u.UserAttributes, "email_verified") != "false" || attr(u.UserAttributes, "given_name") != "Ann" {
		t.Fatalf("after update %+v", u.UserAttributes)
	}
	_, err := e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{
		{Name: aws.String("email_verified"), Value: aws.String("true")}}})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{
		{Name: aws.String("custom:nope"), Value: aws.String("x")}}})
	wantErr(t, err, "InvalidParameterException", "")

	_, err = e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: aws.String(badCode(e.code(poolID, name)))})
	wantErr(t, err, "CodeMismatchException", "")
	must(e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: aws.String(e.code(poolID, name))}))
	must(e.c.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email")}))
	u = must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken}))
	if attr(u.UserAttributes, "email_verified") != "true" {
		t.Fatalf("not verified: %+v", u.UserAttributes)
	}
	// The new email is in fresh ID tokens.
	if claims(t, *must(e.passwordAuth(clientID, name, password)).AuthenticationResult.IdToken)["email"] != "new@example.com" {
		t.Fatal("ID token has the old email")
	}

	must(e.c.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok.AccessToken, UserAttributeNames: []string{"given_name"}}))
	must(e.c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: &name, UserAttributes: []types.AttributeType{
		{Name: aws.String("phone_number"), Value: aws.String("+15555550100")}, {Name: aws.String("phone_number_verified"), Value: aws.String("true")}}}))
	must(e.c.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{UserPoolId: &poolID, Username: &name, UserAttributeNames: []string{"phone_number"}}))
	u = must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken}))
	if attr(u.UserAttributes, "given_name") != "" || attr(u.UserAttributes, "phone_number") != "" || attr(u.UserAttributes, "phone_number_verified") != "" {
		t.Fatalf("after deletes %+v", u.UserAttributes)
	}
	_, err = e.c.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok.AccessToken, UserAttributeNames: []string{"sub"}})
	wantErr(t, err, "InvalidParameterException", "")

	must(e.c.DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: tok.AccessToken}))
	_, err = e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name})
	wantErr(t, err, "UserNotFoundException", "")
	_, err = e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken})
	wantErr(t, err, "UserNotFoundException", "")
}

// TestCaseInsensitiveUsernames: with UsernameConfiguration.CaseSensitive
// false, any case signs in and a differently cased sign-up is a duplicate.
func TestCaseInsensitiveUsernames(t *testing.T) {
	e := newEnv(t)
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("ci"),
		UsernameConfiguration: &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}}))
	poolID := *p.UserPool.Id
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))
	clientID := *c.UserPoolClient.ClientId
	must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("MixedCase"), Password: aws.String(password)}))
	_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("mixedcase"), Password: aws.String(password)})
	wantErr(t, err, "UsernameExistsException", "")
	must(e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &poolID, Username: aws.String("MIXEDCASE")}))
	must(e.passwordAuth(clientID, "mIxEdCaSe", password))

	// The default pool is case-sensitive.
	poolB, clientB := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolB, clientB)
	_, err = e.passwordAuth(clientB, strings.ToUpper(name), password)
	wantErr(t, err, "UserNotFoundException", "")
}

// TestAliases: with email as an alias, a verified email signs in and cannot
// be taken by another user.
func TestAliases(t *testing.T) {
	e := newEnv(t)
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("alias"),
		AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}, AutoVerifiedAttributes: []types.VerifiedAttributeType{"email"}}))
	poolID := *p.UserPool.Id
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))
	clientID := *c.UserPoolClient.ClientId
	owner := e.user(poolID, clientID) // email owner@..., verified by the confirmation
	must(e.passwordAuth(clientID, owner+"@example.com", password))
	_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("x@example.com"), Password: aws.String(password)})
	wantErr(t, err, "InvalidParameterException", "email format")

	other := e.user(poolID, clientID)
	_, err = e.c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: &other,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(owner + "@example.com")}}})
	wantErr(t, err, "AliasExistsException", "")
}

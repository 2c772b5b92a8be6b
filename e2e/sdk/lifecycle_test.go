package sdk_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
)

// TestAdminCreatedUser: an invited user signs in with the temporary
// password, answers NEW_PASSWORD_REQUIRED, and continues into MFA_SETUP.
func TestAdminCreatedUser(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	out := must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("invitee"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("invitee@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("true")}}}))(t)
	if out.User.UserStatus != types.UserStatusTypeForceChangePassword {
		t.Fatalf("status %q", out.User.UserStatus)
	}
	msgs := e.srv.Outbox(poolID, "invitee")
	if len(msgs) != 1 || msgs[0].Purpose != "invitation" {
		t.Fatalf("invitation not delivered: %+v", msgs)
	}
	temp := msgs[0].Code
	start := must(e.passwordAuth(clientID, "invitee", temp))(t)
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
		map[string]string{"USERNAME": "invitee", "NEW_PASSWORD": password, "userAttributes.name": "Invitee"}))(t)
	if next.ChallengeName != types.ChallengeNameTypeMfaSetup {
		t.Fatalf("after the new password: %q", next.ChallengeName)
	}
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("invitee")}))(t)
	if u.UserStatus != types.UserStatusTypeConfirmed || attr(u.UserAttributes, "name") != "Invitee" {
		t.Fatalf("after NEW_PASSWORD_REQUIRED: %+v", u)
	}
	_, err = e.passwordAuth(clientID, "invitee", temp)
	wantErr(t, err, "NotAuthorizedException", "")

	// Temporary passwords expire (7 days by default).
	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("late"),
		TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress}))(t)
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

	fp := must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}))(t)
	if fp.CodeDeliveryDetails == nil || fp.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Fatalf("ForgotPassword %+v", fp)
	}
	code := e.code(poolID, name)
	_, err := e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name, ConfirmationCode: aws.String(badCode(code)), Password: aws.String("New-Passw0rd!")})
	wantErr(t, err, "CodeMismatchException", "")
	must(e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name, ConfirmationCode: &code, Password: aws.String("New-Passw0rd!")}))(t)
	_, err = e.passwordAuth(clientID, name, password)
	wantErr(t, err, "NotAuthorizedException", "")
	tok := must(e.passwordAuth(clientID, name, "New-Passw0rd!"))(t).AuthenticationResult
	// The SRP verifier followed the new password.
	cl, ch := e.srpStart(clientID, name, nil)
	must(e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, e.srpProof(cl, poolID, ch, "New-Passw0rd!")))(t)

	_, err = e.c.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tok.AccessToken, PreviousPassword: aws.String("wrong-Passw0rd!"), ProposedPassword: aws.String(password)})
	wantErr(t, err, "NotAuthorizedException", "")
	must(e.c.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tok.AccessToken, PreviousPassword: aws.String("New-Passw0rd!"), ProposedPassword: aws.String(password)}))(t)
	must(e.passwordAuth(clientID, name, password))(t)

	// An expired reset code.
	must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}))(t)
	code = e.code(poolID, name)
	e.srv.Clock.Advance(61 * time.Minute)
	_, err = e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name, ConfirmationCode: &code, Password: aws.String("Other-Passw0rd!")})
	wantErr(t, err, "ExpiredCodeException", "")

	// Admin: temporary password, then permanent.
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name, Password: aws.String("Admin-Passw0rd!")}))(t)
	if r := must(e.passwordAuth(clientID, name, "Admin-Passw0rd!"))(t); r.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("non-permanent admin password: %q", r.ChallengeName)
	}
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name, Password: aws.String("Admin-Passw0rd!"), Permanent: true}))(t)
	if r := must(e.passwordAuth(clientID, name, "Admin-Passw0rd!"))(t); r.AuthenticationResult == nil {
		t.Fatalf("permanent admin password: %+v", r)
	}
	// Admin reset: sign-in says a reset is required; the emailed code resets.
	must(e.c.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: &poolID, Username: &name}))(t)
	_, err = e.passwordAuth(clientID, name, "Admin-Passw0rd!")
	wantErr(t, err, "PasswordResetRequiredException", "")
	must(e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name, ConfirmationCode: aws.String(e.code(poolID, name)), Password: aws.String(password)}))(t)
	if u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t); u.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("status after reset %q", u.UserStatus)
	}
	must(e.passwordAuth(clientID, name, password))(t)

	// Without a verified contact there is no reset.
	e.signUp(clientID, "unverified")
	must(e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &poolID, Username: aws.String("unverified")}))(t)
	_, err = e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("unverified")})
	wantErr(t, err, "InvalidParameterException", "no registered/verified email")
}

// TestAttributes: update, verify and delete attributes; DeleteUser.
func TestAttributes(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	tok := must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult

	up := must(e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{
		{Name: aws.String("email"), Value: aws.String("new@example.com")}, {Name: aws.String("given_name"), Value: aws.String("Ann")}}}))(t)
	if len(up.CodeDeliveryDetailsList) != 1 || aws.ToString(up.CodeDeliveryDetailsList[0].AttributeName) != "email" {
		t.Fatalf("UpdateUserAttributes %+v", up)
	}
	u := must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken}))(t)
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
	must(e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: aws.String(e.code(poolID, name))}))(t)
	must(e.c.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email")}))(t)
	u = must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken}))(t)
	if attr(u.UserAttributes, "email_verified") != "true" {
		t.Fatalf("not verified: %+v", u.UserAttributes)
	}
	// The new email is in fresh ID tokens.
	if claims(t, *must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult.IdToken)["email"] != "new@example.com" {
		t.Fatal("ID token has the old email")
	}

	must(e.c.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok.AccessToken, UserAttributeNames: []string{"given_name"}}))(t)
	must(e.c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: &name, UserAttributes: []types.AttributeType{
		{Name: aws.String("phone_number"), Value: aws.String("+15555550100")}, {Name: aws.String("phone_number_verified"), Value: aws.String("true")}}}))(t)
	must(e.c.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{UserPoolId: &poolID, Username: &name, UserAttributeNames: []string{"phone_number"}}))(t)
	u = must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken}))(t)
	if attr(u.UserAttributes, "given_name") != "" || attr(u.UserAttributes, "phone_number") != "" || attr(u.UserAttributes, "phone_number_verified") != "" {
		t.Fatalf("after deletes %+v", u.UserAttributes)
	}
	_, err = e.c.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok.AccessToken, UserAttributeNames: []string{"sub"}})
	wantErr(t, err, "InvalidParameterException", "")

	must(e.c.DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: tok.AccessToken}))(t)
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
		UsernameConfiguration: &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}}))(t)
	poolID := *p.UserPool.Id
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(t)
	clientID := *c.UserPoolClient.ClientId
	must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("MixedCase"), Password: aws.String(password)}))(t)
	_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("mixedcase"), Password: aws.String(password)})
	wantErr(t, err, "UsernameExistsException", "")
	must(e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &poolID, Username: aws.String("MIXEDCASE")}))(t)
	must(e.passwordAuth(clientID, "mIxEdCaSe", password))(t)

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
		AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}, AutoVerifiedAttributes: []types.VerifiedAttributeType{"email"}}))(t)
	poolID := *p.UserPool.Id
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(t)
	clientID := *c.UserPoolClient.ClientId
	owner := e.user(poolID, clientID) // email owner@..., verified by the confirmation
	must(e.passwordAuth(clientID, owner+"@example.com", password))(t)
	_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("x@example.com"), Password: aws.String(password)})
	wantErr(t, err, "InvalidParameterException", "email format")

	other := e.user(poolID, clientID)
	_, err = e.c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: &other,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(owner + "@example.com")}}})
	wantErr(t, err, "AliasExistsException", "")
}

// invitations returns the temporary passwords the outbox holds for a user.
func (e *env) invitations(poolID, username string) []cognatetest.Message {
	var out []cognatetest.Message
	for _, m := range e.srv.Outbox(poolID, username) {
		if m.Purpose == "invitation" {
			out = append(out, m)
		}
	}
	return out
}

// TestResendInvitation: MessageAction RESEND sends a new temporary password
// that replaces the old one, in a plain pool and in a pool whose users sign
// in by email (where the email is looked up, not refused as taken).
func TestResendInvitation(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	emailAttr := []types.AttributeType{{Name: aws.String("email"), Value: aws.String("inv@example.com")}}
	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("inv"), UserAttributes: emailAttr}))(t)
	resent := must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("inv"), MessageAction: types.MessageActionTypeResend}))(t)
	if resent.User == nil || aws.ToString(resent.User.Username) != "inv" || resent.User.UserStatus != types.UserStatusTypeForceChangePassword {
		t.Fatalf("RESEND answered %+v", resent.User)
	}
	inv := e.invitations(poolID, "inv")
	if len(inv) != 2 || inv[1].Destination != "inv@example.com" || inv[0].Code == inv[1].Code {
		t.Fatalf("invitations after RESEND: %+v", inv)
	}
	_, err := e.passwordAuth(clientID, "inv", inv[0].Code)
	wantErr(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if r := must(e.passwordAuth(clientID, "inv", inv[1].Code))(t); r.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("the resent password: %q", r.ChallengeName)
	}
	_, err = e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("nobody"), MessageAction: types.MessageActionTypeResend})
	wantErr(t, err, "UserNotFoundException", "User does not exist.")

	// A user who chose a password has nothing to resend.
	start := must(e.passwordAuth(clientID, "inv", inv[1].Code))(t)
	must(e.respond(clientID, types.ChallengeNameTypeNewPasswordRequired, start.Session, map[string]string{"USERNAME": "inv", "NEW_PASSWORD": password}))(t)
	_, err = e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("inv"), MessageAction: types.MessageActionTypeResend})
	wantErr(t, err, "UnsupportedUserStateException", "")

	// Email as username: the user is found by the email it signs in with.
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("by-email"),
		UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}}))(t)
	emailPool := *p.UserPool.Id
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &emailPool, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(t)
	emailClient := *c.UserPoolClient.ClientId
	created := must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &emailPool, Username: aws.String("ann@example.com")}))(t)
	sub := aws.ToString(created.User.Username)
	resent = must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &emailPool, Username: aws.String("ann@example.com"),
		MessageAction: types.MessageActionTypeResend, TemporaryPassword: aws.String("Chosen-Temp-1!")}))(t)
	if aws.ToString(resent.User.Username) != sub {
		t.Fatalf("RESEND found %q, not the user %q", aws.ToString(resent.User.Username), sub)
	}
	inv = e.invitations(emailPool, sub)
	if len(inv) != 2 || inv[1].Code != "Chosen-Temp-1!" || inv[1].Destination != "ann@example.com" {
		t.Fatalf("invitations of the email user: %+v", inv)
	}
	if r := must(e.passwordAuth(emailClient, "ann@example.com", "Chosen-Temp-1!"))(t); r.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("the resent password by email: %q", r.ChallengeName)
	}
	_, err = e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &emailPool, Username: aws.String("ann@example.com")})
	wantErr(t, err, "UsernameExistsException", "")
	_, err = e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &emailPool, Username: aws.String("bob@example.com"), MessageAction: types.MessageActionTypeResend})
	wantErr(t, err, "UserNotFoundException", "")
}

// TestInvitationMediums: DesiredDeliveryMediums. An asked-for medium must be
// deliverable, or nothing is created; SMS needs the pool's SmsConfiguration.
func TestInvitationMediums(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	email := types.AttributeType{Name: aws.String("email"), Value: aws.String("m1@example.com")}
	phone := types.AttributeType{Name: aws.String("phone_number"), Value: aws.String("+15555550123")}
	create := func(pool, name string, mediums []types.DeliveryMediumType, attrs ...types.AttributeType) error {
		_, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &pool, Username: &name, UserAttributes: attrs, DesiredDeliveryMediums: mediums})
		return err
	}
	absent := func(pool, name string) {
		t.Helper()
		_, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &pool, Username: &name})
		wantErr(t, err, "UserNotFoundException", "")
	}
	EMAIL, SMS := types.DeliveryMediumTypeEmail, types.DeliveryMediumTypeSms

	must(0, create(poolID, "m1", []types.DeliveryMediumType{EMAIL}, email))(t)
	if inv := e.invitations(poolID, "m1"); len(inv) != 1 || inv[0].Medium != "EMAIL" || inv[0].Destination != "m1@example.com" {
		t.Fatalf("EMAIL invitation: %+v", inv)
	}
	wantErr(t, create(poolID, "m2", []types.DeliveryMediumType{EMAIL}, phone), "InvalidParameterException", "No email provided but desired delivery medium was Email")
	absent(poolID, "m2")
	wantErr(t, create(poolID, "m3", []types.DeliveryMediumType{SMS}, email), "InvalidParameterException", "No phone_number provided")
	absent(poolID, "m3")
	wantErr(t, create(poolID, "m4", []types.DeliveryMediumType{SMS}, phone), "InvalidParameterException", "does not have SMS configuration")
	absent(poolID, "m4")
	// No medium asked for: the email if any; a phone alone gets nothing
	// from a pool that cannot send SMS.
	must(0, create(poolID, "m5", nil, phone))(t)
	if inv := e.invitations(poolID, "m5"); len(inv) != 0 {
		t.Fatalf("an SMS from a pool without SMS configuration: %+v", inv)
	}
	// SUPPRESS sends nothing, so it asks nothing of the mediums.
	_, err := e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("m6"),
		MessageAction: types.MessageActionTypeSuppress, DesiredDeliveryMediums: []types.DeliveryMediumType{SMS}})
	must(0, err)(t)

	// With an SMS configuration, both mediums carry the same password.
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("sms"),
		SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms"), ExternalId: aws.String("x")}}))(t)
	smsPool := *p.UserPool.Id
	must(0, create(smsPool, "both", []types.DeliveryMediumType{SMS, EMAIL}, email, phone))(t)
	inv := e.invitations(smsPool, "both")
	if len(inv) != 2 || inv[0].Medium != "SMS" || inv[0].Destination != "+15555550123" || inv[1].Medium != "EMAIL" || inv[0].Code != inv[1].Code {
		t.Fatalf("SMS and EMAIL invitations: %+v", inv)
	}
	must(0, create(smsPool, "phoneonly", nil, phone))(t)
	if inv := e.invitations(smsPool, "phoneonly"); len(inv) != 1 || inv[0].Medium != "SMS" {
		t.Fatalf("default invitation of a phone-only user: %+v", inv)
	}
}

// TestNewPasswordThenTOTP: an enrolled user whose password an admin resets
// (Permanent false) answers NEW_PASSWORD_REQUIRED and then the TOTP code.
func TestNewPasswordThenTOTP(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	name := e.user(poolID, clientID)
	secret, _ := e.enrol(clientID, name)
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name, Password: aws.String("Reset-Passw0rd!")}))(t)

	start := must(e.passwordAuth(clientID, name, "Reset-Passw0rd!"))(t)
	if start.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("after the admin reset: %q", start.ChallengeName)
	}
	next := must(e.respond(clientID, types.ChallengeNameTypeNewPasswordRequired, start.Session,
		map[string]string{"USERNAME": name, "NEW_PASSWORD": "Own-Passw0rd!"}))(t)
	if next.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa || next.AuthenticationResult != nil {
		t.Fatalf("after the new password: %q %+v", next.ChallengeName, next.AuthenticationResult)
	}
	_, err := e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, next.Session,
		map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": badCode(e.totpCode(secret, 0))})
	wantErr(t, err, "CodeMismatchException", "")
	done := must(e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, next.Session,
		map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(secret, 0)}))(t)
	if done.AuthenticationResult == nil || done.AuthenticationResult.AccessToken == nil {
		t.Fatalf("no tokens after the TOTP code: %+v", done)
	}
	e.nextStep()
	_, err = e.passwordAuth(clientID, name, "Reset-Passw0rd!")
	wantErr(t, err, "NotAuthorizedException", "")
	e.mfaSignInWith(clientID, name, "Own-Passw0rd!", secret)
}

// mfaSignInWith is mfaSignIn with another password.
func (e *env) mfaSignInWith(clientID, name, pw, secret string) {
	e.t.Helper()
	start := must(e.passwordAuth(clientID, name, pw))(e.t)
	if start.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		e.t.Fatalf("want SOFTWARE_TOKEN_MFA, got %q", start.ChallengeName)
	}
	must(e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, start.Session,
		map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(secret, 0)}))(e.t)
	e.nextStep()
}

// TestTemporaryPasswordValidityDays: a pool's own validity (one day here)
// bounds temporary passwords; a resend starts a new one.
func TestTemporaryPasswordValidityDays(t *testing.T) {
	e := newEnv(t)
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("one-day"),
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(8),
			RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, TemporaryPasswordValidityDays: 1}}}))(t)
	poolID := *p.UserPool.Id
	if d := must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(t); d.UserPool.Policies.PasswordPolicy.TemporaryPasswordValidityDays != 1 {
		t.Fatalf("validity %d", d.UserPool.Policies.PasswordPolicy.TemporaryPasswordValidityDays)
	}
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(t)
	clientID := *c.UserPoolClient.ClientId
	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("day"),
		TemporaryPassword: aws.String("Temp1234"), MessageAction: types.MessageActionTypeSuppress}))(t)

	e.srv.Clock.Advance(23 * time.Hour)
	if r := must(e.passwordAuth(clientID, "day", "Temp1234"))(t); r.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("at 23 h: %q", r.ChallengeName)
	}
	e.srv.Clock.Advance(2 * time.Hour)
	_, err := e.passwordAuth(clientID, "day", "Temp1234")
	wantErr(t, err, "NotAuthorizedException", "Temporary password has expired and must be reset by an administrator.")

	// The administrator's reset: a resend, valid one day from now.
	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("day"),
		MessageAction: types.MessageActionTypeResend, TemporaryPassword: aws.String("Temp5678")}))(t)
	e.srv.Clock.Advance(23 * time.Hour)
	if r := must(e.passwordAuth(clientID, "day", "Temp5678"))(t); r.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("23 h after the resend: %q", r.ChallengeName)
	}
	e.srv.Clock.Advance(2 * time.Hour)
	_, err = e.passwordAuth(clientID, "day", "Temp5678")
	wantErr(t, err, "NotAuthorizedException", "Temporary password has expired")
}

// TestVerifyChangedEmail: in a pool that does not verify emails by itself,
// a changed email is unverified until the user asks for a code and
// returns it.
func TestVerifyChangedEmail(t *testing.T) {
	e := newEnv(t)
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("manual-verify")}))(t)
	poolID := *p.UserPool.Id
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(t)
	clientID := *c.UserPoolClient.ClientId
	e.signUp(clientID, "mover")
	must(e.c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: &poolID, Username: aws.String("mover")}))(t)
	tok := must(e.passwordAuth(clientID, "mover", password))(t).AuthenticationResult

	up := must(e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("moved@example.org")}}}))(t)
	if len(up.CodeDeliveryDetailsList) != 0 || len(e.srv.Outbox(poolID, "mover")) != 0 {
		t.Fatalf("a code without auto-verification: %+v", up.CodeDeliveryDetailsList)
	}
	verified := func() string {
		return attr(must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken}))(t).UserAttributes, "email_verified")
	}
	if verified() != "false" {
		t.Fatal("a changed email is verified")
	}
	got := must(e.c.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email")}))(t)
	d := got.CodeDeliveryDetails
	if d == nil || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" || aws.ToString(d.Destination) != "m***@e***" {
		t.Fatalf("CodeDeliveryDetails %+v", d)
	}
	msgs := e.srv.Outbox(poolID, "mover")
	if len(msgs) != 1 || msgs[0].Destination != "moved@example.org" || msgs[0].Purpose != "verify:email" {
		t.Fatalf("verification message %+v", msgs)
	}
	code := msgs[0].Code
	verify := func(code string) error {
		_, err := e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: aws.String(code)})
		return err
	}
	wantErr(t, verify(badCode(code)), "CodeMismatchException", "")
	if verified() != "false" {
		t.Fatal("verified by a wrong code")
	}
	must(0, verify(code))(t)
	if verified() != "true" {
		t.Fatal("not verified by the right code")
	}
	wantErr(t, verify(code), "CodeMismatchException", "") // spent

	// A code lasts 24 hours.
	must(e.c.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email")}))(t)
	e.srv.Clock.Advance(25 * time.Hour)
	tok = must(e.passwordAuth(clientID, "mover", password))(t).AuthenticationResult
	wantErr(t, verify(e.code(poolID, "mover")), "ExpiredCodeException", "")
}

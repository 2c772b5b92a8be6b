package sdk_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// adminUser creates a confirmed user with the given attributes and the
// shared password.
func (e *env) adminUser(poolID, name string, attrs map[string]string) {
	e.t.Helper()
	var list []types.AttributeType
	for k, v := range attrs {
		list = append(list, types.AttributeType{Name: aws.String(k), Value: aws.String(v)})
	}
	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &name,
		UserAttributes: list, MessageAction: types.MessageActionTypeSuppress}))
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name,
		Password: aws.String(password), Permanent: true}))
}

func recovery(opts ...types.RecoveryOptionType) func(*cip.CreateUserPoolInput) {
	return func(in *cip.CreateUserPoolInput) {
		in.AccountRecoverySetting = &types.AccountRecoverySettingType{RecoveryMechanisms: opts}
	}
}

func option(name types.RecoveryOptionNameType, priority int32) types.RecoveryOptionType {
	return types.RecoveryOptionType{Name: name, Priority: aws.Int32(priority)}
}

// TestAccountRecoverySetting: ForgotPassword sends the code through the
// first channel of AccountRecoverySetting the user has verified, refuses
// when none is verified, and refuses self-service in admin_only pools.
func TestAccountRecoverySetting(t *testing.T) {
	e := newEnv(t)
	both := map[string]string{"email": "r@example.com", "email_verified": "true",
		"phone_number": "+15555550100", "phone_number_verified": "true"}
	emailOnly := map[string]string{"email": "s@example.com", "email_verified": "true"}

	forgot := func(clientID, name string) (*cip.ForgotPasswordOutput, error) {
		return e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name})
	}

	// Phone first, email second.
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff, recovery(
		option(types.RecoveryOptionNameTypeVerifiedPhoneNumber, 1), option(types.RecoveryOptionNameTypeVerifiedEmail, 2)))
	e.adminUser(poolID, "both", both)
	e.adminUser(poolID, "mailonly", emailOnly)
	out := must(forgot(clientID, "both"))
	if d := out.CodeDeliveryDetails; d.DeliveryMedium != types.DeliveryMediumTypeSms || *d.AttributeName != "phone_number" {
		t.Fatalf("phone has priority 1, code went by %s to %s", d.DeliveryMedium, *d.AttributeName)
	}
	out = must(forgot(clientID, "mailonly"))
	if d := out.CodeDeliveryDetails; d.DeliveryMedium != types.DeliveryMediumTypeEmail || *d.AttributeName != "email" {
		t.Fatalf("falling back to the verified email, code went by %s to %s", d.DeliveryMedium, *d.AttributeName)
	}

	// Email first: the same user now gets an email.
	poolID, clientID = e.pool(types.UserPoolMfaTypeOff, recovery(
		option(types.RecoveryOptionNameTypeVerifiedEmail, 1), option(types.RecoveryOptionNameTypeVerifiedPhoneNumber, 2)))
	e.adminUser(poolID, "both", both)
	out = must(forgot(clientID, "both"))
	if d := out.CodeDeliveryDetails; d.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Fatalf("email has priority 1, code went by %s", d.DeliveryMedium)
	}

	// Phone only: a user with just a verified email has no channel.
	poolID, clientID = e.pool(types.UserPoolMfaTypeOff, recovery(option(types.RecoveryOptionNameTypeVerifiedPhoneNumber, 1)))
	e.adminUser(poolID, "mailonly", emailOnly)
	_, err := forgot(clientID, "mailonly")
	wantErr(t, err, "InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number")

	// admin_only: no self-service reset at all, but the admin can still set a password.
	poolID, clientID = e.pool(types.UserPoolMfaTypeOff, recovery(option(types.RecoveryOptionNameTypeAdminOnly, 1)))
	e.adminUser(poolID, "both", both)
	_, err = forgot(clientID, "both")
	wantErr(t, err, "NotAuthorizedException", "")
	if n := len(e.srv.Outbox(poolID, "both")); n != 0 {
		t.Fatalf("admin_only pool sent %d messages", n)
	}
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String("both"),
		Password: aws.String("An0ther-Pass!"), Permanent: true}))
}

// TestDeletionProtection: a pool with DeletionProtection ACTIVE cannot be
// deleted until UpdateUserPool makes it INACTIVE.
func TestDeletionProtection(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff, func(in *cip.CreateUserPoolInput) {
		in.DeletionProtection = types.DeletionProtectionTypeActive
	})
	_, err := e.c.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &poolID})
	wantErr(t, err, "InvalidParameterException",
		"The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
	must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))
	must(e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, DeletionProtection: types.DeletionProtectionTypeInactive,
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}))
	must(e.c.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &poolID}))
	_, err = e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID})
	wantErr(t, err, "ResourceNotFoundException", "")
}

// TestPasswordHistorySize: with PasswordHistorySize 2, the current and the
// previous password are refused by every way a password is set, the third
// newest is allowed again, and a refused NEW_PASSWORD_REQUIRED answer leaves
// the session usable.
func TestPasswordHistorySize(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff, func(in *cip.CreateUserPoolInput) {
		in.Policies = &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
			MinimumLength: aws.Int32(8), PasswordHistorySize: aws.Int32(2)}}
	})
	const p1, p2, p3, p4 = "first-Pass1", "second-Pass2", "third-Pass3", "fourth-Pass4"
	name := e.user(poolID, clientID) // signed up with `password`
	const violation = "PasswordHistoryPolicyViolationException"
	tokens := func(pw string) *string {
		t.Helper()
		return must(e.passwordAuth(clientID, name, pw)).AuthenticationResult.AccessToken
	}
	change := func(old, proposed string) error {
		_, err := e.c.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tokens(old),
			PreviousPassword: aws.String(old), ProposedPassword: aws.String(proposed)})
		return err
	}

	// ChangePassword: the current password is in the history.
	wantErr(t, change(password, password), violation, "")
	must(struct{}{}, change(password, p1))
	wantErr(t, change(p1, password), violation, "") // the previous one
	must(struct{}{}, change(p1, p2))
	must(struct{}{}, change(p2, password)) // three back: allowed again

	// ConfirmForgotPassword.
	must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}))
	_, err := e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name,
		ConfirmationCode: aws.String(e.code(poolID, name)), Password: aws.String(p2)})
	wantErr(t, err, violation, "")
	must(e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name,
		ConfirmationCode: aws.String(e.code(poolID, name)), Password: aws.String(p3)}))
	tokens(p3)

	// AdminSetUserPassword, permanent or temporary.
	for _, permanent := range []bool{true, false} {
		_, err = e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name,
			Password: aws.String(password), Permanent: permanent})
		wantErr(t, err, violation, "")
	}
	// A temporary password, then NEW_PASSWORD_REQUIRED with a reused one.
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name,
		Password: aws.String(p4), Permanent: false}))
	start := must(e.passwordAuth(clientID, name, p4))
	if start.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("want NEW_PASSWORD_REQUIRED, got %q", start.ChallengeName)
	}
	_, err = e.respond(clientID, types.ChallengeNameTypeNewPasswordRequired, start.Session,
		map[string]string{"USERNAME": name, "NEW_PASSWORD": p3})
	wantErr(t, err, violation, "")
	done := must(e.respond(clientID, types.ChallengeNameTypeNewPasswordRequired, start.Session,
		map[string]string{"USERNAME": name, "NEW_PASSWORD": p1}))
	if done.AuthenticationResult == nil {
		t.Fatal("no tokens after a fresh new password")
	}
	tokens(p1)
}

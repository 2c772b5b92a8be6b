package sdk_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
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
		UserAttributes: list, MessageAction: types.MessageActionTypeSuppress}))(e.t)
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name,
		Password: aws.String(password), Permanent: true}))(e.t)
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

	// No setting: Cognito's legacy order prefers SMS over email.
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	e.adminUser(poolID, "both", both)
	e.adminUser(poolID, "mailonly", emailOnly)
	if d := must(forgot(clientID, "both"))(t).CodeDeliveryDetails; d.DeliveryMedium != types.DeliveryMediumTypeSms {
		t.Fatalf("without AccountRecoverySetting the code went by %s, want SMS", d.DeliveryMedium)
	}
	if d := must(forgot(clientID, "mailonly"))(t).CodeDeliveryDetails; d.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Fatalf("without AccountRecoverySetting and no phone the code went by %s, want EMAIL", d.DeliveryMedium)
	}

	// Phone first, email second.
	poolID, clientID = e.pool(types.UserPoolMfaTypeOff, recovery(
		option(types.RecoveryOptionNameTypeVerifiedPhoneNumber, 1), option(types.RecoveryOptionNameTypeVerifiedEmail, 2)))
	e.adminUser(poolID, "both", both)
	e.adminUser(poolID, "mailonly", emailOnly)
	out := must(forgot(clientID, "both"))(t)
	if d := out.CodeDeliveryDetails; d.DeliveryMedium != types.DeliveryMediumTypeSms || *d.AttributeName != "phone_number" {
		t.Fatalf("phone has priority 1, code went by %s to %s", d.DeliveryMedium, *d.AttributeName)
	}
	out = must(forgot(clientID, "mailonly"))(t)
	if d := out.CodeDeliveryDetails; d.DeliveryMedium != types.DeliveryMediumTypeEmail || *d.AttributeName != "email" {
		t.Fatalf("falling back to the verified email, code went by %s to %s", d.DeliveryMedium, *d.AttributeName)
	}

	// Email first: the same user now gets an email.
	poolID, clientID = e.pool(types.UserPoolMfaTypeOff, recovery(
		option(types.RecoveryOptionNameTypeVerifiedEmail, 1), option(types.RecoveryOptionNameTypeVerifiedPhoneNumber, 2)))
	e.adminUser(poolID, "both", both)
	out = must(forgot(clientID, "both"))(t)
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
		Password: aws.String("An0ther-Pass!"), Permanent: true}))(t)
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
	must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(t)
	must(e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, DeletionProtection: types.DeletionProtectionTypeInactive,
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}))(t)
	must(e.c.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: &poolID}))(t)
	_, err = e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID})
	wantErr(t, err, "ResourceNotFoundException", "")
}

// TestPasswordHistorySize: with PasswordHistorySize 2, the current and the
// previous password are refused by every way a password is set, the third
// newest is allowed again, and a refused NEW_PASSWORD_REQUIRED answer leaves
// the session usable.
func TestPasswordHistorySize(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, cognatetest.WithDataDir(dir))
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff, func(in *cip.CreateUserPoolInput) {
		in.Policies = &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
			MinimumLength: aws.Int32(8), PasswordHistorySize: aws.Int32(2)}}
	})
	const p1, p2, p3, p4 = "first-Pass1", "second-Pass2", "third-Pass3", "fourth-Pass4"
	name := e.user(poolID, clientID) // signed up with `password`
	const violation = "PasswordHistoryPolicyViolationException"
	tokens := func(pw string) *string {
		t.Helper()
		return must(e.passwordAuth(clientID, name, pw))(t).AuthenticationResult.AccessToken
	}
	change := func(old, proposed string) error {
		_, err := e.c.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tokens(old),
			PreviousPassword: aws.String(old), ProposedPassword: aws.String(proposed)})
		return err
	}

	// ChangePassword: the current password is in the history.
	wantErr(t, change(password, password), violation, "")
	must(struct{}{}, change(password, p1))(t)
	wantErr(t, change(p1, password), violation, "") // the previous one
	must(struct{}{}, change(p1, p2))(t)
	must(struct{}{}, change(p2, password))(t) // three back: allowed again

	// ConfirmForgotPassword.
	must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}))(t)
	_, err := e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name,
		ConfirmationCode: aws.String(e.code(poolID, name)), Password: aws.String(p2)})
	wantErr(t, err, violation, "")
	must(e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name,
		ConfirmationCode: aws.String(e.code(poolID, name)), Password: aws.String(p3)}))(t)
	tokens(p3)

	// AdminSetUserPassword, permanent or temporary.
	for _, permanent := range []bool{true, false} {
		_, err = e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name,
			Password: aws.String(password), Permanent: permanent})
		wantErr(t, err, violation, "")
	}
	// A temporary password, then NEW_PASSWORD_REQUIRED with a reused one.
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name,
		Password: aws.String(p4), Permanent: false}))(t)
	start := must(e.passwordAuth(clientID, name, p4))(t)
	if start.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("want NEW_PASSWORD_REQUIRED, got %q", start.ChallengeName)
	}
	_, err = e.respond(clientID, types.ChallengeNameTypeNewPasswordRequired, start.Session,
		map[string]string{"USERNAME": name, "NEW_PASSWORD": p3})
	wantErr(t, err, violation, "")
	done := must(e.respond(clientID, types.ChallengeNameTypeNewPasswordRequired, start.Session,
		map[string]string{"USERNAME": name, "NEW_PASSWORD": p1}))(t)
	if done.AuthenticationResult == nil {
		t.Fatal("no tokens after a fresh new password")
	}
	tokens(p1)

	// The history is kept hashed with a key: no password, nor its bare
	// SHA-256, is in the database files.
	e.srv.Close()
	var data []byte
	files, _ := filepath.Glob(filepath.Join(dir, "cognate.db*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, b...)
	}
	if len(data) == 0 {
		t.Fatal("no database files found")
	}
	for _, pw := range []string{password, p1, p2, p3, p4} {
		sum := sha256.Sum256([]byte(pw))
		for _, secret := range [][]byte{[]byte(pw), sum[:]} {
			for form, b := range encodings(secret) {
				if containsPiece(data, b) {
					t.Errorf("password %q found in the database (%s)", pw, form)
				}
			}
		}
	}
}

// claimsOf decodes a JWT's payload without checking it (the token tests do).
func claimsOf(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func sortedAttrNames(list []types.AttributeType) []string {
	var out []string
	for _, a := range list {
		out = append(out, *a.Name)
	}
	sort.Strings(out)
	return out
}

// TestClientReadWriteAttributes: an app client's ReadAttributes limit what
// GetUser and its ID tokens show, and its WriteAttributes what SignUp,
// UpdateUserAttributes and NEW_PASSWORD_REQUIRED may set; admin operations
// see and set everything.
func TestClientReadWriteAttributes(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	clientID := e.client(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.ReadAttributes = []string{"email", "email_verified", "name"}
		in.WriteAttributes = []string{"name"}
	})
	e.adminUser(poolID, "rw", map[string]string{"email": "rw@example.com", "email_verified": "true",
		"name": "Ro Wu", "family_name": "Wu", "locale": "en"})

	res := must(e.passwordAuth(clientID, "rw", password))(t).AuthenticationResult
	got := must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken}))(t)
	if names := strings.Join(sortedAttrNames(got.UserAttributes), ","); names != "email,email_verified,name,sub" {
		t.Fatalf("GetUser through a client that reads email, email_verified, name returned %s", names)
	}
	id := claimsOf(t, *res.IdToken)
	if _, ok := id["family_name"]; ok {
		t.Fatal("the ID token carries family_name, which the client may not read")
	}
	if id["name"] != "Ro Wu" || id["email"] != "rw@example.com" {
		t.Fatalf("the ID token lacks readable attributes: %v", id)
	}
	admin := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("rw")}))(t)
	if len(admin.UserAttributes) != 6 {
		t.Fatalf("AdminGetUser is not limited by a client, got %v", sortedAttrNames(admin.UserAttributes))
	}

	// Writing.
	must(e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: res.AccessToken,
		UserAttributes: []types.AttributeType{{Name: aws.String("name"), Value: aws.String("Ro W.")}}}))(t)
	_, err := e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: res.AccessToken,
		UserAttributes: []types.AttributeType{{Name: aws.String("name"), Value: aws.String("X")}, {Name: aws.String("family_name"), Value: aws.String("Y")}}})
	wantErr(t, err, "NotAuthorizedException", "A client attempted to write unauthorized attribute")
	admin = must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("rw")}))(t)
	for _, a := range admin.UserAttributes {
		if (*a.Name == "family_name" && *a.Value != "Wu") || (*a.Name == "name" && *a.Value != "Ro W.") {
			t.Fatalf("a refused update changed %s to %s", *a.Name, *a.Value)
		}
	}
	must(e.c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: aws.String("rw"),
		UserAttributes: []types.AttributeType{{Name: aws.String("family_name"), Value: aws.String("Woo")}}}))(t)

	_, err = e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("rw2"), Password: aws.String(password),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("rw2@example.com")}}})
	wantErr(t, err, "NotAuthorizedException", "A client attempted to write unauthorized attribute")
	must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("rw3"), Password: aws.String(password),
		UserAttributes: []types.AttributeType{{Name: aws.String("name"), Value: aws.String("Three")}}}))(t)

	// NEW_PASSWORD_REQUIRED with an attribute the client may not write.
	must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String("rw"),
		Password: aws.String("Temp-Pass1!"), Permanent: false}))(t)
	start := must(e.passwordAuth(clientID, "rw", "Temp-Pass1!"))(t)
	_, err = e.respond(clientID, types.ChallengeNameTypeNewPasswordRequired, start.Session,
		map[string]string{"USERNAME": "rw", "NEW_PASSWORD": "Fresh-Pass2!", "userAttributes.locale": "fr"})
	wantErr(t, err, "NotAuthorizedException", "A client attempted to write unauthorized attribute")
	must(e.respond(clientID, types.ChallengeNameTypeNewPasswordRequired, start.Session,
		map[string]string{"USERNAME": "rw", "NEW_PASSWORD": "Fresh-Pass2!", "userAttributes.name": "Ro"}))(t)
}

func (e *env) attrs(accessToken *string) map[string]string {
	e.t.Helper()
	out := map[string]string{}
	for _, a := range must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: accessToken}))(e.t).UserAttributes {
		out[*a.Name] = *a.Value
	}
	return out
}

// TestAttributesRequireVerificationBeforeUpdate: in a pool that requires
// verification before an email update, the old verified email stays (and
// still signs in) until the code sent to the new address is verified.
func TestAttributesRequireVerificationBeforeUpdate(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff, func(in *cip.CreateUserPoolInput) {
		in.AliasAttributes = []types.AliasAttributeType{types.AliasAttributeTypeEmail}
		in.UserAttributeUpdateSettings = &types.UserAttributeUpdateSettingsType{
			AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}
	})
	// Cognito refuses the setting for an attribute it does not verify.
	_, err := e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID,
		UserAttributeUpdateSettings: &types.UserAttributeUpdateSettingsType{
			AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypePhoneNumber}},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}})
	wantErr(t, err, "InvalidParameterException", "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes")

	name := e.user(poolID, clientID)
	oldEmail, newEmail := name+"@example.com", name+"@new.example.com"
	tok := must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult.AccessToken

	out := must(e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(newEmail)}}}))(t)
	if len(out.CodeDeliveryDetailsList) != 1 || *out.CodeDeliveryDetailsList[0].AttributeName != "email" {
		t.Fatalf("want one code for the new email, got %+v", out.CodeDeliveryDetailsList)
	}
	msgs := e.srv.Outbox(poolID, name)
	if last := msgs[len(msgs)-1]; last.Destination != newEmail {
		t.Fatalf("the code went to %q, not the new address", last.Destination)
	}
	if a := e.attrs(tok); a["email"] != oldEmail || a["email_verified"] != "true" {
		t.Fatalf("before verification the old verified email must stay, got %v", a)
	}
	must(e.passwordAuth(clientID, oldEmail, password))(t) // the old address still signs in
	_, err = e.passwordAuth(clientID, newEmail, password)
	wantErr(t, err, "UserNotFoundException", "") // nobody has the new address yet

	// A new code for the pending address, a wrong code, then the right one.
	must(e.c.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok, AttributeName: aws.String("email")}))(t)
	msgs = e.srv.Outbox(poolID, name)
	if last := msgs[len(msgs)-1]; last.Destination != newEmail {
		t.Fatalf("a resent code went to %q, not the pending address", last.Destination)
	}
	code := e.code(poolID, name)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	_, err = e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok, AttributeName: aws.String("email"), Code: aws.String(wrong)})
	wantErr(t, err, "CodeMismatchException", "")
	if a := e.attrs(tok); a["email"] != oldEmail {
		t.Fatalf("a wrong code changed the email to %q", a["email"])
	}
	must(e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok, AttributeName: aws.String("email"), Code: aws.String(code)}))(t)
	if a := e.attrs(tok); a["email"] != newEmail || a["email_verified"] != "true" {
		t.Fatalf("after verification want the new verified email, got %v", a)
	}
	must(e.passwordAuth(clientID, newEmail, password))(t)

	// An admin who marks the new address verified changes it at once; one
	// who does not leaves it pending too.
	must(e.c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: &name,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(oldEmail)}}}))(t)
	if a := e.attrs(tok); a["email"] != newEmail {
		t.Fatalf("an admin update without email_verified must wait too, got %q", a["email"])
	}
	must(e.c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: &name,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(oldEmail)},
			{Name: aws.String("email_verified"), Value: aws.String("true")}}}))(t)
	if a := e.attrs(tok); a["email"] != oldEmail || a["email_verified"] != "true" {
		t.Fatalf("an admin update with email_verified=true applies at once, got %v", a)
	}
}

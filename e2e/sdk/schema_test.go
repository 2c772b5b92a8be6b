package sdk_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// schemaPool makes a pool requiring name, with an immutable custom:tier and
// a mutable custom:plan.
func (e *env) schemaPool() (poolID, clientID string, created *types.UserPoolType) {
	e.t.Helper()
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("schema"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{
			{Name: aws.String("name"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true), Mutable: aws.Bool(true)},
			{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(false)},
			{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true),
				StringAttributeConstraints: &types.StringAttributeConstraintsType{MinLength: aws.String("1"), MaxLength: aws.String("16")}},
		}}))(e.t)
	poolID = *p.UserPool.Id
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(e.t)
	return poolID, *c.UserPoolClient.ClientId, p.UserPool
}

// TestSchemaAttributes: the pool describes every standard attribute and
// its custom ones as Cognito does.
func TestSchemaAttributes(t *testing.T) {
	e := newEnv(t)
	poolID, _, created := e.schemaPool()
	described := must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(t).UserPool
	for _, pool := range []*types.UserPoolType{created, described} {
		var names []string
		byName := map[string]types.SchemaAttributeType{}
		for _, sa := range pool.SchemaAttributes {
			names = append(names, aws.ToString(sa.Name))
			byName[aws.ToString(sa.Name)] = sa
		}
		want := "sub name given_name family_name middle_name nickname preferred_username profile picture website email email_verified " +
			"gender birthdate zoneinfo locale phone_number phone_number_verified address updated_at custom:tier custom:plan"
		if strings.Join(names, " ") != want {
			t.Fatalf("schema attributes:\n%s\nwant\n%s", strings.Join(names, " "), want)
		}
		sub, name, email, birth, verified, updated := byName["sub"], byName["name"], byName["email"], byName["birthdate"], byName["email_verified"], byName["updated_at"]
		if !aws.ToBool(sub.Required) || aws.ToBool(sub.Mutable) || aws.ToString(sub.StringAttributeConstraints.MinLength) != "1" ||
			!aws.ToBool(name.Required) || aws.ToBool(email.Required) || !aws.ToBool(email.Mutable) || aws.ToBool(email.DeveloperOnlyAttribute) ||
			aws.ToString(email.StringAttributeConstraints.MaxLength) != "2048" || aws.ToString(birth.StringAttributeConstraints.MinLength) != "10" ||
			verified.AttributeDataType != types.AttributeDataTypeBoolean || verified.StringAttributeConstraints != nil ||
			updated.AttributeDataType != types.AttributeDataTypeNumber || aws.ToString(updated.NumberAttributeConstraints.MinValue) != "0" {
			t.Fatalf("standard attributes: sub %+v name %+v email %+v birthdate %+v", sub, name, email, birth)
		}
		tier, plan := byName["custom:tier"], byName["custom:plan"]
		if aws.ToBool(tier.Mutable) || !aws.ToBool(plan.Mutable) || tier.AttributeDataType != types.AttributeDataTypeString ||
			plan.StringAttributeConstraints == nil || aws.ToString(plan.StringAttributeConstraints.MaxLength) != "16" {
			t.Fatalf("custom attributes: tier %+v plan %+v", tier, plan)
		}
	}
}

// TestSchemaRules: required attributes, undeclared custom attributes and
// immutable ones, at sign-up, invitation, NEW_PASSWORD_REQUIRED and update.
func TestSchemaRules(t *testing.T) {
	e := newEnv(t)
	poolID, clientID, _ := e.schemaPool()
	a := func(name, value string) types.AttributeType {
		return types.AttributeType{Name: aws.String(name), Value: aws.String(value)}
	}
	signUp := func(name string, attrs ...types.AttributeType) error {
		_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String(name), Password: aws.String(password), UserAttributes: attrs})
		return err
	}

	wantErr(t, signUp("noname", a("email", "noname@example.com")), "InvalidParameterException", "name: The attribute is required")
	wantErr(t, signUp("undeclared", a("email", "u@example.com"), a("name", "U"), a("custom:nope", "x")),
		"InvalidParameterException", "custom:nope: Attribute does not exist in the schema")
	must(0, signUp("gold", a("email", "gold@example.com"), a("name", "Gold"), a("custom:tier", "gold"), a("custom:plan", "basic")))(t)
	must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("gold"), ConfirmationCode: aws.String(e.code(poolID, "gold"))}))(t)

	// Immutable: set at creation, never changed, not even by an admin.
	tok := must(e.passwordAuth(clientID, "gold", password))(t).AuthenticationResult
	_, err := e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{a("custom:tier", "platinum")}})
	wantErr(t, err, "InvalidParameterException", "non-mutable attribute custom:tier")
	_, err = e.c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: aws.String("gold"), UserAttributes: []types.AttributeType{a("custom:tier", "platinum")}})
	wantErr(t, err, "InvalidParameterException", "non-mutable attribute custom:tier")
	_, err = e.c.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok.AccessToken, UserAttributeNames: []string{"custom:tier"}})
	wantErr(t, err, "InvalidParameterException", "non-mutable attribute custom:tier")
	_, err = e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{a("custom:other", "x")}})
	wantErr(t, err, "InvalidParameterException", "Attribute does not exist in the schema")
	must(e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken, UserAttributes: []types.AttributeType{a("custom:plan", "pro")}}))(t)
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("gold")}))(t)
	if attr(u.UserAttributes, "custom:tier") != "gold" || attr(u.UserAttributes, "custom:plan") != "pro" {
		t.Fatalf("attributes after the updates: %+v", u.UserAttributes)
	}
	// A required attribute cannot be deleted.
	_, err = e.c.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok.AccessToken, UserAttributeNames: []string{"name"}})
	wantErr(t, err, "InvalidParameterException", "name: The attribute is required")

	// An admin may leave a required attribute out (Cognito documents so);
	// the user must give it with the new password.
	_, err = e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("bad"), UserAttributes: []types.AttributeType{a("custom:nope", "x")}})
	wantErr(t, err, "InvalidParameterException", "custom:nope: Attribute does not exist in the schema")
	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("invited"),
		TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{a("email", "invited@example.com"), a("custom:tier", "silver")}}))(t)
	start := must(e.passwordAuth(clientID, "invited", "Temp-Passw0rd!"))(t)
	var required []string
	if err := json.Unmarshal([]byte(start.ChallengeParameters["requiredAttributes"]), &required); err != nil || len(required) != 1 || required[0] != "userAttributes.name" {
		t.Fatalf("requiredAttributes %q", start.ChallengeParameters["requiredAttributes"])
	}
	_, err = e.respond(clientID, types.ChallengeNameTypeNewPasswordRequired, start.Session, map[string]string{"USERNAME": "invited", "NEW_PASSWORD": password})
	wantErr(t, err, "InvalidParameterException", "Invalid attributes given, name is missing")
	done := must(e.respond(clientID, types.ChallengeNameTypeNewPasswordRequired, start.Session,
		map[string]string{"USERNAME": "invited", "NEW_PASSWORD": password, "userAttributes.name": "Invited"}))(t)
	if done.AuthenticationResult == nil || claims(t, *done.AuthenticationResult.IdToken)["name"] != "Invited" {
		t.Fatalf("after giving the required attribute: %+v", done)
	}

	// A user who has every required attribute is asked for none.
	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("complete"),
		TemporaryPassword: aws.String("Temp-Passw0rd!"), MessageAction: types.MessageActionTypeSuppress, UserAttributes: []types.AttributeType{a("name", "C")}}))(t)
	if r := must(e.passwordAuth(clientID, "complete", "Temp-Passw0rd!"))(t); r.ChallengeParameters["requiredAttributes"] != "[]" {
		t.Fatalf("requiredAttributes of a complete user %q", r.ChallengeParameters["requiredAttributes"])
	}
}

package sdk_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestAllowAdminCreateUserOnly: a pool whose AdminCreateUserConfig allows
// only administrators to create users refuses SignUp with Cognito's
// NotAuthorizedException, while AdminCreateUser still works; switched off
// by UpdateUserPool, SignUp works again.
func TestAllowAdminCreateUserOnly(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff, func(in *cip.CreateUserPoolInput) {
		in.AdminCreateUserConfig = &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true}
	})
	signUp := func(name string) error {
		_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String(name), Password: aws.String(password),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}}})
		return err
	}
	wantErr(t, signUp("walk-in"), "NotAuthorizedException", "SignUp is not permitted for this user pool")
	if _, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("walk-in")}); err == nil {
		t.Fatal("a refused SignUp created the user")
	}
	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("invited"), MessageAction: types.MessageActionTypeSuppress}))(t)

	must(e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: false}}))(t)
	if err := signUp("walk-in"); err != nil {
		t.Fatalf("SignUp once the pool allows it: %v", err)
	}
}

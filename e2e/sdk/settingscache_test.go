package sdk_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestSignInSeesSettingsAtOnce: the sign-in keeps its app clients and their
// pools in memory, yet the request right after a change of either is
// answered with the new settings, and a client moved out of reach is out
// of reach at once. (Across nodes: e2e/multinode.)
func TestSignInSeesSettingsAtOnce(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	adminAuth := func(pool string) (*cip.AdminInitiateAuthOutput, error) {
		return e.c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &pool, ClientId: &clientID,
			AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}})
	}
	// Twice each: the client and its pool are kept now.
	for range 2 {
		if out := must(e.passwordAuth(clientID, name, password))(t); out.AuthenticationResult == nil {
			t.Fatalf("InitiateAuth: want tokens, got %q", out.ChallengeName)
		}
		if out := must(adminAuth(poolID))(t); out.AuthenticationResult == nil {
			t.Fatalf("AdminInitiateAuth: want tokens, got %q", out.ChallengeName)
		}
	}
	// The admin form names the pool: another pool's id is refused, a pool
	// that does not exist as such.
	other, _ := e.pool(types.UserPoolMfaTypeOff)
	_, err := adminAuth(other)
	wantErr(t, err, "ResourceNotFoundException", "User pool client "+clientID+" does not exist.")
	_, err = adminAuth("us-east-1_nothing")
	wantErr(t, err, "ResourceNotFoundException", "User pool us-east-1_nothing does not exist.")

	// The pool: MFA required.
	must(e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))(t)
	if out := must(e.passwordAuth(clientID, name, password))(t); out.ChallengeName != types.ChallengeNameTypeMfaSetup {
		t.Fatalf("InitiateAuth after SetUserPoolMfaConfig: want MFA_SETUP, got %q", out.ChallengeName)
	}
	// The client: USER_PASSWORD_AUTH taken away.
	must(e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth}}))(t)
	_, err = e.passwordAuth(clientID, name, password)
	wantErr(t, err, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
	// The client deleted, then its pool.
	must(e.c.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID}))(t)
	_, err = e.passwordAuth(clientID, name, password)
	wantErr(t, err, "ResourceNotFoundException", "User pool client "+clientID+" does not exist.")
	_, err = adminAuth(poolID)
	wantErr(t, err, "ResourceNotFoundException", "User pool client "+clientID+" does not exist.")
}

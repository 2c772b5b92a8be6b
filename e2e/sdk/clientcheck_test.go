package sdk_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestClientSettingsRefused: app-client and pool settings that Cognito
// refuses are refused, with Cognito's exception, on create and on update:
// scopes the pool does not have, client_credentials without a secret or
// beside a user grant, identity providers the pool does not have, enums
// inside nested settings, and a ClientSecret shorter than the model allows.
func TestClientSettingsRefused(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	newClient := func(adjust func(*cip.CreateUserPoolClientInput)) (*cip.CreateUserPoolClientOutput, error) {
		in := &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("checked")}
		adjust(in)
		return e.c.CreateUserPoolClient(ctx, in)
	}
	update := func(adjust func(*cip.UpdateUserPoolClientInput)) error {
		in := &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID}
		adjust(in)
		_, err := e.c.UpdateUserPoolClient(ctx, in)
		return err
	}

	// Scopes: the standard ones exist; a custom one only once its resource
	// server does.
	oauth := func(in *cip.CreateUserPoolClientInput, flows []types.OAuthFlowType, scopes ...string) {
		in.AllowedOAuthFlowsUserPoolClient, in.AllowedOAuthFlows, in.AllowedOAuthScopes = true, flows, scopes
		in.CallbackURLs = []string{"https://app.example/cb"}
	}
	code := []types.OAuthFlowType{types.OAuthFlowTypeCode}
	must(newClient(func(in *cip.CreateUserPoolClientInput) {
		oauth(in, code, "openid", "email", "phone", "profile", "aws.cognito.signin.user.admin")
	}))(t)
	_, err := newClient(func(in *cip.CreateUserPoolClientInput) { oauth(in, code, "openid", "orders/read") })
	wantErr(t, err, "ScopeDoesNotExistException", "Invalid scope requested: orders/read")
	_, err = newClient(func(in *cip.CreateUserPoolClientInput) { oauth(in, code, "Cognito") })
	wantErr(t, err, "ScopeDoesNotExistException", "Invalid scope requested: Cognito")
	err = update(func(in *cip.UpdateUserPoolClientInput) {
		in.AllowedOAuthFlowsUserPoolClient, in.AllowedOAuthFlows, in.AllowedOAuthScopes = true, code, []string{"orders/read"}
		in.CallbackURLs = []string{"https://app.example/cb"}
	})
	wantErr(t, err, "ScopeDoesNotExistException", "Invalid scope requested: orders/read")
	must(e.c.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &poolID, Identifier: aws.String("orders"), Name: aws.String("Orders"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")}}}))(t)
	must(newClient(func(in *cip.CreateUserPoolClientInput) { oauth(in, code, "openid", "orders/read") }))(t)

	// client_credentials needs a secret, and stands alone.
	m2m := []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}
	_, err = newClient(func(in *cip.CreateUserPoolClientInput) { oauth(in, m2m, "orders/read") })
	wantErr(t, err, "InvalidOAuthFlowException", "client_credentials flow can not be selected if client does not have a client secret")
	err = update(func(in *cip.UpdateUserPoolClientInput) {
		in.AllowedOAuthFlowsUserPoolClient, in.AllowedOAuthFlows, in.AllowedOAuthScopes = true, m2m, []string{"orders/read"}
	})
	wantErr(t, err, "InvalidOAuthFlowException", "client secret")
	_, err = newClient(func(in *cip.CreateUserPoolClientInput) {
		oauth(in, []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials, types.OAuthFlowTypeCode}, "orders/read")
		in.GenerateSecret = true
	})
	wantErr(t, err, "InvalidOAuthFlowException", "")
	must(newClient(func(in *cip.CreateUserPoolClientInput) { oauth(in, m2m, "orders/read"); in.GenerateSecret = true }))(t)

	// Identity providers: the pool has only COGNITO (federation: issue 16).
	_, err = newClient(func(in *cip.CreateUserPoolClientInput) { in.SupportedIdentityProviders = []string{"COGNITO", "Google"} })
	wantErr(t, err, "InvalidParameterException", "The provider Google does not exist for User Pool "+poolID)
	err = update(func(in *cip.UpdateUserPoolClientInput) { in.SupportedIdentityProviders = []string{"Okta"} })
	wantErr(t, err, "InvalidParameterException", "The provider Okta does not exist")
	must(newClient(func(in *cip.CreateUserPoolClientInput) { in.SupportedIdentityProviders = []string{"COGNITO"} }))(t)

	// A chosen secret within the model's 24 to 64 characters.
	_, err = newClient(func(in *cip.CreateUserPoolClientInput) { in.ClientSecret = aws.String("tooshort") })
	wantErr(t, err, "InvalidParameterException", "Value at 'clientSecret' failed to satisfy constraint: Member must have length greater than or equal to 24")

	// Enums inside nested settings.
	_, err = newClient(func(in *cip.CreateUserPoolClientInput) {
		in.RefreshTokenRotation = &types.RefreshTokenRotationType{Feature: "BOGUS"}
	})
	wantErr(t, err, "InvalidParameterException", "Value at 'refreshTokenRotation.feature' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]")
	bogusAddOns := &types.UserPoolAddOnsType{AdvancedSecurityMode: "BOGUS"}
	_, err = e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("bogus"), UserPoolAddOns: bogusAddOns})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value at 'userPoolAddOns.advancedSecurityMode' failed to satisfy constraint: Member must satisfy enum value set: [OFF, AUDIT, ENFORCED]")
	_, err = e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, UserPoolAddOns: bogusAddOns})
	wantErr(t, err, "InvalidParameterException", "userPoolAddOns.advancedSecurityMode")
	_, err = e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, AccountRecoverySetting: &types.AccountRecoverySettingType{
		RecoveryMechanisms: []types.RecoveryOptionType{{Name: "carrier_pigeon", Priority: aws.Int32(3)}}}})
	wantErr(t, err, "InvalidParameterException", "2 validation errors detected")
	wantErr(t, err, "InvalidParameterException", "accountRecoverySetting.recoveryMechanisms.1.member.name")
	_, err = e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID,
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{UserVerification: "sometimes"}})
	wantErr(t, err, "InvalidParameterException", "webAuthnConfiguration.userVerification")
	must(e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}}))(t)
}

// TestTokenValidityUnitsAsGiven: a client created without
// TokenValidityUnits gets none back (Terraform's aws_cognito_user_pool_client
// fails on units it did not set), nor access or ID token validities it did
// not give, while its tokens keep Cognito's default lifetimes; units that
// were given come back exactly as given, and an update without them drops
// them.
func TestTokenValidityUnitsAsGiven(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	created := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("plain"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t).UserPoolClient
	described := must(e.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: created.ClientId}))(t).UserPoolClient
	for name, c := range map[string]*types.UserPoolClientType{"created": created, "described": described} {
		if c.TokenValidityUnits != nil || c.AccessTokenValidity != nil || c.IdTokenValidity != nil || c.RefreshTokenValidity != 30 {
			t.Errorf("%s without units: units %+v access %v id %v refresh %d", name, c.TokenValidityUnits, c.AccessTokenValidity, c.IdTokenValidity, c.RefreshTokenValidity)
		}
	}
	name := e.user(poolID, *created.ClientId)
	out := must(e.passwordAuth(*created.ClientId, name, password))(t)
	if out.AuthenticationResult.ExpiresIn != 3600 {
		t.Errorf("default access lifetime %d s, want 3600", out.AuthenticationResult.ExpiresIn)
	}

	given := &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes}
	updated := must(e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: created.ClientId,
		AccessTokenValidity: aws.Int32(30), TokenValidityUnits: given,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t).UserPoolClient
	if u := updated.TokenValidityUnits; u == nil || *u != *given || aws.ToInt32(updated.AccessTokenValidity) != 30 || updated.IdTokenValidity != nil {
		t.Errorf("units given: %+v access %v id %v", u, updated.AccessTokenValidity, updated.IdTokenValidity)
	}
	out = must(e.passwordAuth(*created.ClientId, name, password))(t)
	if out.AuthenticationResult.ExpiresIn != 1800 {
		t.Errorf("access lifetime %d s, want 1800", out.AuthenticationResult.ExpiresIn)
	}
	again := must(e.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: created.ClientId}))(t).UserPoolClient
	if again.TokenValidityUnits != nil || again.AccessTokenValidity != nil {
		t.Errorf("update without units: %+v access %v", again.TokenValidityUnits, again.AccessTokenValidity)
	}
}

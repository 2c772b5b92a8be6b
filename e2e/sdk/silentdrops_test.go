package sdk_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestUpdateUserPoolPoolName: UpdateUserPool's PoolName renames the pool
// (DescribeUserPool and ListUserPools show it); left out, the name stays;
// a name outside the model's pattern is refused.
func TestUpdateUserPoolPoolName(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	must(e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, PoolName: aws.String("renamed pool")}))(t)
	if got := *must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(t).UserPool.Name; got != "renamed pool" {
		t.Fatalf("DescribeUserPool name %q after rename", got)
	}
	found := false
	for _, p := range must(e.c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)}))(t).UserPools {
		found = found || (*p.Id == poolID && *p.Name == "renamed pool")
	}
	if !found {
		t.Fatal("ListUserPools does not show the new name")
	}
	must(e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID}))(t)
	if got := *must(e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID}))(t).UserPool.Name; got != "renamed pool" {
		t.Fatalf("UpdateUserPool without PoolName changed the name to %q", got)
	}
	_, err := e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, PoolName: aws.String("bad/name")})
	wantErr(t, err, "InvalidParameterException", "poolName")
	_, err = e.c.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, PoolName: aws.String(strings.Repeat("n", 129))})
	wantErr(t, err, "InvalidParameterException", "")
}

// TestWebAuthnMfaSettings: in a pool without passkey MFA
// (FactorConfiguration), turning passkey MFA on is refused with
// InvalidParameterException (for the user and for the admin), and turning
// it off is accepted and changes nothing else.
func TestWebAuthnMfaSettings(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	tok := must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult
	on := &types.WebAuthnMfaSettingsType{Enabled: true}
	_, err := e.c.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: tok.AccessToken, WebAuthnMfaSettings: on})
	wantErr(t, err, "InvalidParameterException", "passkey")
	_, err = e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &name, WebAuthnMfaSettings: on})
	wantErr(t, err, "InvalidParameterException", "passkey")

	off := &types.WebAuthnMfaSettingsType{Enabled: false}
	must(e.c.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: tok.AccessToken, WebAuthnMfaSettings: off}))(t)
	must(e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &name, WebAuthnMfaSettings: off}))(t)
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	if len(u.UserMFASettingList) != 0 || u.PreferredMfaSetting != nil {
		t.Fatalf("MFA settings after turning passkey MFA off: %v %v", u.UserMFASettingList, u.PreferredMfaSetting)
	}
}

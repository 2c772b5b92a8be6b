package sdk_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/cognate-idp/cognate/internal/httpapi"
)

// noClientValidation lets the SDK send a request that lacks required
// members, as a client without the SDK's own checks (or an older SDK)
// would, so that the server's answer is what is tested.
func noClientValidation(o *cip.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		_, err := s.Initialize.Remove("OperationInputValidation")
		return err
	})
}

// adminCall sends one Admin* operation with the given pool id and user name
// (nil: left out) and every other member the model requires set.
type adminCall struct {
	// username says the model requires Username of this operation.
	username bool
	call     func(c *cip.Client, pool, user *string) error
}

const someDeviceKey = "us-east-1_0b6d6c3e-6a1f-4f0e-9c57-3c8f1f0e2a11"

var adminCalls = map[string]adminCall{
	"AdminInitiateAuth": {false, func(c *cip.Client, pool, _ *string) error {
		_, err := c.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: pool, ClientId: aws.String("someclient"),
			AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth}, noClientValidation)
		return err
	}},
	"AdminRespondToAuthChallenge": {false, func(c *cip.Client, pool, _ *string) error {
		_, err := c.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: pool, ClientId: aws.String("someclient"),
			ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa}, noClientValidation)
		return err
	}},
	"AdminSetUserMFAPreference": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: pool, Username: user}, noClientValidation)
		return err
	}},
	"AdminConfirmSignUp": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: pool, Username: user}, noClientValidation)
		return err
	}},
	"AdminGetDevice": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminGetDevice(ctx, &cip.AdminGetDeviceInput{UserPoolId: pool, Username: user, DeviceKey: aws.String(someDeviceKey)}, noClientValidation)
		return err
	}},
	"AdminListDevices": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: pool, Username: user}, noClientValidation)
		return err
	}},
	"AdminForgetDevice": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{UserPoolId: pool, Username: user, DeviceKey: aws.String(someDeviceKey)}, noClientValidation)
		return err
	}},
	"AdminUpdateDeviceStatus": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminUpdateDeviceStatus(ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: pool, Username: user, DeviceKey: aws.String(someDeviceKey)}, noClientValidation)
		return err
	}},
	"AdminGetUser": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: user}, noClientValidation)
		return err
	}},
	"AdminDeleteUser": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: pool, Username: user}, noClientValidation)
		return err
	}},
	"AdminUserGlobalSignOut": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: pool, Username: user}, noClientValidation)
		return err
	}},
	"AdminCreateUser": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: user}, noClientValidation)
		return err
	}},
	"AdminListUserAuthEvents": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: pool, Username: user}, noClientValidation)
		return err
	}},
	"AdminListGroupsForUser": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: pool, Username: user}, noClientValidation)
		return err
	}},
	"AdminAddUserToGroup": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: pool, Username: user, GroupName: aws.String("g")}, noClientValidation)
		return err
	}},
	"AdminRemoveUserFromGroup": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: pool, Username: user, GroupName: aws.String("g")}, noClientValidation)
		return err
	}},
	"AdminSetUserPassword": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool, Username: user, Password: aws.String(password)}, noClientValidation)
		return err
	}},
	"AdminResetUserPassword": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: pool, Username: user}, noClientValidation)
		return err
	}},
	"AdminUpdateUserAttributes": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pool, Username: user,
			UserAttributes: []types.AttributeType{{Name: aws.String("name"), Value: aws.String("x")}}}, noClientValidation)
		return err
	}},
	"AdminDeleteUserAttributes": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{UserPoolId: pool, Username: user,
			UserAttributeNames: []string{"name"}}, noClientValidation)
		return err
	}},
	"AdminDisableUser": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: pool, Username: user}, noClientValidation)
		return err
	}},
	"AdminEnableUser": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: pool, Username: user}, noClientValidation)
		return err
	}},
	"AdminSetUserSettings": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminSetUserSettings(ctx, &cip.AdminSetUserSettingsInput{UserPoolId: pool, Username: user,
			MFAOptions: []types.MFAOptionType{}}, noClientValidation)
		return err
	}},
	"AdminUpdateAuthEventFeedback": {true, func(c *cip.Client, pool, user *string) error {
		_, err := c.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: pool, Username: user,
			EventId: aws.String("some-event"), FeedbackValue: types.FeedbackValueTypeValid}, noClientValidation)
		return err
	}},
	"AdminLinkProviderForUser": {false, func(c *cip.Client, pool, _ *string) error {
		_, err := c.AdminLinkProviderForUser(ctx, &cip.AdminLinkProviderForUserInput{UserPoolId: pool,
			DestinationUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Cognito"), ProviderAttributeValue: aws.String("someone")},
			SourceUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Corp"), ProviderAttributeName: aws.String("Cognito_Subject"),
				ProviderAttributeValue: aws.String("sub")}}, noClientValidation)
		return err
	}},
	"AdminDisableProviderForUser": {false, func(c *cip.Client, pool, _ *string) error {
		_, err := c.AdminDisableProviderForUser(ctx, &cip.AdminDisableProviderForUserInput{UserPoolId: pool,
			User: &types.ProviderUserIdentifierType{ProviderName: aws.String("Corp"), ProviderAttributeName: aws.String("Cognito_Subject"),
				ProviderAttributeValue: aws.String("sub")}}, noClientValidation)
		return err
	}},
}

// nullLine is AWS's validation line for a required member left out.
func nullLine(member string) string {
	return fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}

// TestAdminRequiresPoolAndUser sends every Admin* operation Cognate serves
// without UserPoolId, without Username (where the model requires it) and
// without both, through the SDK with its own checks off, and expects
// Cognito's validation answer naming exactly the members left out.
func TestAdminRequiresPoolAndUser(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	var names []string
	for name := range httpapi.Operations() {
		if strings.HasPrefix(name, "Admin") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatal("the server serves no Admin* operation")
	}
	for _, name := range names {
		ac, ok := adminCalls[name]
		if !ok {
			t.Errorf("%s is served but has no row in adminCalls", name)
			continue
		}
		check := func(what string, err error, missing ...string) {
			t.Helper()
			noun := "error"
			if len(missing) > 1 {
				noun = "errors"
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Errorf("%s %s: want InvalidParameterException, got %v", name, what, err)
				return
			}
			msg := ae.ErrorMessage()
			prefix := fmt.Sprintf("%d validation %s detected: ", len(missing), noun)
			if ae.ErrorCode() != "InvalidParameterException" || !strings.HasPrefix(msg, prefix) {
				t.Errorf("%s %s: want InvalidParameterException %q..., got %s %q", name, what, prefix, ae.ErrorCode(), msg)
				return
			}
			lines := strings.Split(strings.TrimPrefix(msg, prefix), "; ")
			var want []string
			for _, m := range missing {
				want = append(want, nullLine(m))
			}
			sort.Strings(lines)
			sort.Strings(want)
			if strings.Join(lines, "; ") != strings.Join(want, "; ") {
				t.Errorf("%s %s: want the lines %q, got %q", name, what, want, msg)
			}
		}
		user := aws.String("someone")
		check("without UserPoolId", ac.call(e.c, nil, user), "userPoolId")
		if ac.username {
			check("without Username", ac.call(e.c, aws.String(poolID), nil), "username")
			check("without both", ac.call(e.c, nil, nil), "userPoolId", "username")
		}
	}
	for name := range adminCalls {
		if _, ok := httpapi.Operations()[name]; !ok {
			t.Errorf("adminCalls lists %s, which the server does not serve", name)
		}
	}
}

// TestEveryOperationHasItsOwnShape holds the operation table to one
// request shape per operation: a shape shared by two operations cannot
// mark required what only one of them requires (UserPoolId in the Admin*
// forms), nor leave out what the other one has.
func TestEveryOperationHasItsOwnShape(t *testing.T) {
	by := map[string][]string{}
	for name, s := range httpapi.Shapes() {
		by[s.In.String()] = append(by[s.In.String()], name)
	}
	var shared []string
	for in, ops := range by {
		if len(ops) > 1 {
			sort.Strings(ops)
			shared = append(shared, fmt.Sprintf("%s serves %s", in, strings.Join(ops, ", ")))
		}
	}
	sort.Strings(shared)
	for _, s := range shared {
		t.Errorf("request shape shared: %s", s)
	}
}

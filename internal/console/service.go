package console

import (
	"context"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/seal"
)

// domain is the console's one door into the domain: every read and every
// action goes through the Service's API methods, validated as the HTTP
// layer validates them, never by writing the store. The input shapes of
// the API live only in this file, so that a change to them touches it
// alone.
type domain struct {
	s      *idp.Service
	sealer *seal.Sealer
}

func validated[In any, Out any](ctx context.Context, in *In, call func(context.Context, *In) (Out, error)) (Out, error) {
	if err := api.Validate(in); err != nil {
		var zero Out
		return zero, err
	}
	return call(ctx, in)
}

func limit(n int32) *int32 { return &n }

func (d domain) listPools(ctx context.Context, next string) (*api.ListUserPoolsOutput, error) {
	return validated(ctx, &api.ListUserPoolsInput{MaxResults: limit(60), NextToken: next}, d.s.ListUserPools)
}

func (d domain) describePool(ctx context.Context, pool string) (*api.UserPoolOutput, error) {
	return validated(ctx, &api.DescribeUserPoolInput{UserPoolId: pool}, d.s.DescribeUserPool)
}

func (d domain) mfaConfig(ctx context.Context, pool string) (*api.UserPoolMfaConfig, error) {
	return validated(ctx, &api.GetUserPoolMfaConfigInput{UserPoolId: pool}, d.s.GetUserPoolMfaConfig)
}

func (d domain) listClients(ctx context.Context, pool, next string) (*api.ListUserPoolClientsOutput, error) {
	return validated(ctx, &api.ListUserPoolClientsInput{UserPoolId: pool, MaxResults: limit(60), NextToken: next}, d.s.ListUserPoolClients)
}

func (d domain) describeClient(ctx context.Context, pool, client string) (*api.UserPoolClientOutput, error) {
	return validated(ctx, &api.DescribeUserPoolClientInput{UserPoolId: pool, ClientId: client}, d.s.DescribeUserPoolClient)
}

func (d domain) listGroups(ctx context.Context, pool, next string) (*api.ListGroupsOutput, error) {
	return validated(ctx, &api.ListGroupsInput{UserPoolId: pool, Limit: limit(60), NextToken: next}, d.s.ListGroups)
}

func (d domain) groupsForUser(ctx context.Context, pool, user string) (*api.ListGroupsOutput, error) {
	return validated(ctx, &api.AdminListGroupsForUserInput{UserPoolId: pool, Username: user, Limit: limit(60)}, d.s.AdminListGroupsForUser)
}

func (d domain) listUsers(ctx context.Context, pool, filter, next string, n int32) (*api.ListUsersOutput, error) {
	return validated(ctx, &api.ListUsersInput{UserPoolId: pool, Filter: filter, PaginationToken: next, Limit: limit(n)}, d.s.ListUsers)
}

func (d domain) getUser(ctx context.Context, pool, user string) (*api.AdminGetUserOutput, error) {
	return validated(ctx, &api.AdminGetUserInput{UserPoolId: pool, Username: user}, d.s.AdminGetUser)
}

func (d domain) devices(ctx context.Context, pool, user string) (*api.ListDevicesOutput, error) {
	return validated(ctx, &api.AdminListDevicesInput{UserPoolId: pool, Username: user, Limit: limit(60)}, d.s.AdminListDevices)
}

func (d domain) authEvents(ctx context.Context, pool, user string) (*api.AdminListUserAuthEventsOutput, error) {
	return validated(ctx, &api.AdminListUserAuthEventsInput{UserPoolId: pool, Username: user, MaxResults: limit(20)}, d.s.AdminListUserAuthEvents)
}

// userAction runs one of the user page's actions by name.
func (d domain) userAction(ctx context.Context, action, pool, user string) error {
	var err error
	switch action {
	case "confirm":
		_, err = validated(ctx, &api.AdminConfirmSignUpInput{UserPoolId: pool, Username: user}, d.s.AdminConfirmSignUp)
	case "disable":
		_, err = validated(ctx, &api.AdminDisableUserInput{UserPoolId: pool, Username: user}, d.s.AdminDisableUser)
	case "enable":
		_, err = validated(ctx, &api.AdminEnableUserInput{UserPoolId: pool, Username: user}, d.s.AdminEnableUser)
	case "reset-password":
		_, err = validated(ctx, &api.AdminResetUserPasswordInput{UserPoolId: pool, Username: user}, d.s.AdminResetUserPassword)
	case "sign-out":
		_, err = validated(ctx, &api.AdminUserGlobalSignOutInput{UserPoolId: pool, Username: user}, d.s.AdminUserGlobalSignOut)
	case "delete":
		_, err = validated(ctx, &api.AdminDeleteUserInput{UserPoolId: pool, Username: user}, d.s.AdminDeleteUser)
	default:
		return api.Errorf(api.ErrInvalidParameter, api.MsgConsoleUnknownAction)
	}
	return err
}

func (d domain) addToGroup(ctx context.Context, pool, user, group string) error {
	_, err := validated(ctx, &api.AdminAddUserToGroupInput{UserPoolId: pool, Username: user, GroupName: group}, d.s.AdminAddUserToGroup)
	return err
}

// confirmWithCode confirms a sign-up with the code the user received, as
// the user's app would: ConfirmSignUp through one of the pool's clients,
// called as the server's own page (idp.PagesRequest), so that no
// SECRET_HASH is computed here.
func (d domain) confirmWithCode(ctx context.Context, client, user, code string) error {
	_, err := validated(idp.PagesRequest(ctx), &api.ConfirmSignUpInput{ClientId: client, Username: user, ConfirmationCode: code}, d.s.ConfirmSignUp)
	return err
}

// accessTokenUser asks the API's own access-token check (the one GetUser
// runs) what it makes of a token.
func (d domain) accessTokenUser(ctx context.Context, token string) (*api.GetUserOutput, error) {
	return validated(ctx, &api.GetUserInput{AccessToken: token}, d.s.GetUser)
}

func (d domain) jwks(ctx context.Context, pool string) ([]byte, error) { return d.s.JWKS(ctx, pool) }

func (d domain) now() time.Time { return d.s.Now() }

// seal and open keep the console's cookies under the master key, bound
// to their purpose.
func (d domain) seal(b []byte, purpose string) string {
	return d.sealer.SealString(b, seal.LabelHosted+"|console "+purpose)
}

func (d domain) open(s, purpose string) ([]byte, error) {
	return d.sealer.OpenString(s, seal.LabelHosted+"|console "+purpose)
}

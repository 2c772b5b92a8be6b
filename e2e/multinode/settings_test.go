package multinode_test

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/cognate-idp/cognate/internal/store/postgres"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
)

// TestSettingsChangeSeenOnOtherNode: every node keeps the app clients it
// signs in with, and their pools, in memory. A change made on node A (the
// client's auth flows, the pool's MFA, the client deleted) must be what node
// B serves within the bound the store promises (postgres.MaxSettingsStaleness),
// though B had the old settings in memory, and from then on, never the old.
func TestSettingsChangeSeenOnOtherNode(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("builds the binary and runs two servers")
	}
	cl := &cluster{
		dbURL:     pgtest.NewDatabase(t),
		bin:       build(t),
		masterKey: base64.StdEncoding.EncodeToString(random(32)),
		keyID:     "AKCOGSETTINGS" + strings.ToUpper(hex.EncodeToString(random(3))),
		secret:    base64.RawURLEncoding.EncodeToString(random(30)),
	}
	a := cl.start(t, "A")
	if a == nil {
		t.FailNow()
	}
	a.waitHealthy(t)
	b := cl.start(t, "B")
	if b == nil {
		t.FailNow()
	}
	b.waitHealthy(t)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("node A stderr:\n%s\nnode B stderr:\n%s", a.log, b.log)
		}
	})

	pool := must(a.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("settings")}))(t)
	poolID := *pool.UserPool.Id
	client := must(a.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t)
	clientID := *client.UserPoolClient.ClientId
	const name = "noa"
	must(a.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String(name), MessageAction: types.MessageActionTypeSuppress}))(t)
	must(a.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String(name),
		Password: aws.String(password), Permanent: true}))(t)
	signIn := func(n *node) (*cip.InitiateAuthOutput, error) {
		return n.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}})
	}
	// B signs in twice: the client and its pool are in B's memory now.
	for range 2 {
		if out := must(signIn(b))(t); out.AuthenticationResult == nil {
			t.Fatalf("sign-in on B: want tokens, got %q", out.ChallengeName)
		}
	}

	// seen polls B from the moment A answered until done says B serves the
	// change, then checks that B keeps serving it.
	seen := func(what string, done func(*cip.InitiateAuthOutput, error) bool) {
		t.Helper()
		changed := time.Now()
		for !done(signIn(b)) {
			if time.Since(changed) > postgres.MaxSettingsStaleness {
				t.Fatalf("%s on A: node B still served the old settings %v after the change", what, postgres.MaxSettingsStaleness)
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Logf("%s on A: node B served it after %v", what, time.Since(changed).Round(time.Millisecond))
		for range 5 {
			if !done(signIn(b)) {
				t.Fatalf("%s on A: node B served the old settings again", what)
			}
		}
	}

	// The pool: MFA required. B's sign-in now asks to set up an authenticator.
	must(a.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))(t)
	seen("SetUserPoolMfaConfig", func(out *cip.InitiateAuthOutput, err error) bool {
		if err != nil {
			t.Fatalf("sign-in on B: %v", err)
		}
		return out.ChallengeName == types.ChallengeNameTypeMfaSetup
	})

	// The client: USER_PASSWORD_AUTH taken away.
	must(a.c.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t)
	seen("UpdateUserPoolClient", func(_ *cip.InitiateAuthOutput, err error) bool {
		return apiError(t, err, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
	})

	// The client deleted.
	must(a.c.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &poolID, ClientId: &clientID}))(t)
	seen("DeleteUserPoolClient", func(_ *cip.InitiateAuthOutput, err error) bool {
		return apiError(t, err, "ResourceNotFoundException", "does not exist")
	})
}

// apiError reports whether err is the API error code with a message holding
// msg; a success is false, and an error of another kind fails the test.
func apiError(t *testing.T, err error, code, msg string) bool {
	t.Helper()
	if err == nil {
		return false
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() == code && strings.Contains(ae.ErrorMessage(), msg) {
		return true
	}
	// Before the change reaches B: the old settings' answer.
	if ae.ErrorCode() == "InvalidParameterException" && strings.Contains(ae.ErrorMessage(), "USER_PASSWORD_AUTH flow not enabled") {
		return false
	}
	t.Fatalf("want %s %q, got %s: %s", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	return false
}

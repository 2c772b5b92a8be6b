package multinode_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
)

// TestLockoutAcrossNodes: two servers on one PostgreSQL database, sharing
// one settable clock, so the 1 s lockout is stepped through rather than
// slept through. Failures on either node count toward one lockout; it
// holds on both nodes and ends on both at the same moment; wrong passwords
// sent to both nodes at once during it do not extend it, nor do those that
// race the fifth failure.
func TestLockoutAcrossNodes(t *testing.T) {
	db := pgtest.NewDatabase(t)
	key := random(32)
	srvA := cognatetest.Start(t, cognatetest.WithDatabase(db), cognatetest.WithMasterKey(key))
	srvB := cognatetest.Start(t, cognatetest.WithDatabase(db), cognatetest.WithMasterKey(key), cognatetest.WithClock(srvA.Clock))
	clock := srvA.Clock
	client := func(s *cognatetest.Server) *cip.Client {
		return cip.New(cip.Options{Region: s.Region, BaseEndpoint: aws.String(s.URL), RetryMaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider(s.AccessKeyID, s.SecretAccessKey, "")})
	}
	a, b := client(srvA), client(srvB)

	pool := must(a.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("lockout")}))(t)
	poolID := *pool.UserPool.Id
	app := must(b.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t)
	clientID := *app.UserPoolClient.ClientId
	const name = "noah"
	must(a.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String(name), MessageAction: types.MessageActionTypeSuppress}))(t)
	must(b.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: aws.String(name), Password: aws.String(password), Permanent: true}))(t)

	signIn := func(c *cip.Client, pw string) error {
		_, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw}})
		return err
	}
	// burst sends n wrong passwords at once, alternating the nodes, and
	// returns how many were answered as wrong passwords and how many as
	// attempts during a lockout.
	burst := func(n int) (wrong, locked int) {
		t.Helper()
		errs := make([]error, n)
		var start, wg sync.WaitGroup
		start.Add(1)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start.Wait()
				errs[i] = signIn([]*cip.Client{a, b}[i%2], "Wrong-Passw0rd!")
			}()
		}
		start.Done()
		wg.Wait()
		for _, err := range errs {
			var ae smithy.APIError
			switch {
			case !errors.As(err, &ae) || ae.ErrorCode() != "NotAuthorizedException":
				t.Fatalf("want NotAuthorizedException, got %v", err)
			case ae.ErrorMessage() == "Incorrect username or password.":
				wrong++
			case ae.ErrorMessage() == "Password attempts exceeded":
				locked++
			default:
				t.Fatalf("unexpected message %q", ae.ErrorMessage())
			}
		}
		return wrong, locked
	}

	// Five failures over both nodes lock the user on both.
	for _, c := range []*cip.Client{a, b, a, b, a} {
		wantErr(t, signIn(c, "Wrong-Passw0rd!"), "NotAuthorizedException", "Incorrect username or password.")
	}
	wantErr(t, signIn(b, password), "NotAuthorizedException", "Password attempts exceeded")
	clock.Advance(500 * time.Millisecond)
	if wrong, locked := burst(8); wrong != 0 || locked != 8 {
		t.Fatalf("during the lockout: %d answered as wrong passwords, %d as locked; want 0 and 8", wrong, locked)
	}
	clock.Advance(400 * time.Millisecond) // +0.9 s
	wantErr(t, signIn(a, password), "NotAuthorizedException", "Password attempts exceeded")
	clock.Advance(110 * time.Millisecond) // +1.01 s: over on both nodes
	must(0, signIn(b, password))(t)

	// Four failures, then a burst over both nodes racing the fifth: one of
	// them is the fifth failure and the others fall in its lockout.
	for _, c := range []*cip.Client{b, a, b, a} {
		wantErr(t, signIn(c, "Wrong-Passw0rd!"), "NotAuthorizedException", "Incorrect username or password.")
	}
	if wrong, locked := burst(16); wrong != 1 || locked != 15 {
		t.Errorf("racing the fifth failure: %d answered as wrong passwords, %d as locked; want 1 and 15", wrong, locked)
	}
	clock.Advance(900 * time.Millisecond)
	wantErr(t, signIn(b, password), "NotAuthorizedException", "Password attempts exceeded")
	clock.Advance(110 * time.Millisecond)
	if err := signIn(a, password); err != nil {
		t.Fatalf("the right password 1.01 s after the burst: %v (the lockout was extended)", err)
	}
}

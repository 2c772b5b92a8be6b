// Package triggers_test runs Cognate's Lambda triggers for real: the
// functions are aws-lambda-go handlers under the AWS Lambda Runtime
// Interface Emulator (internal/lambdatest), which serves the Invoke API on
// loopback, and Cognate is pointed at it as at SAM local or LocalStack.
// Every event is decoded into aws-lambda-go's type for its trigger source,
// and every test checks that the decoding lost nothing.
package triggers_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/lambdatest"
)

var (
	ctx = context.Background()
	emu *lambdatest.Emulator
)

const password = "Corr3ct-Horse!"

func TestMain(m *testing.M) {
	c, cancel := context.WithTimeout(ctx, 5*time.Minute)
	var err error
	emu, err = lambdatest.Start(c)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e/triggers: the Lambda emulator did not start:", err)
		os.Exit(1)
	}
	code := m.Run()
	emu.Stop()
	os.Exit(code)
}

// fn is the ARN of the emulator's one function (it serves only the name
// "function"): every trigger of the tests' pools names it, but where a
// test maps another ARN to it in the config file.
const fn = "arn:aws:lambda:us-east-1:123456789012:function:function"

// env is a server pointed at the emulator and an SDK client signed with
// its admin keys.
type env struct {
	t   *testing.T
	srv *cognatetest.Server
	c   *cip.Client
}

func newEnv(t *testing.T, opts ...cognatetest.Option) *env {
	t.Helper()
	opts = append([]cognatetest.Option{cognatetest.WithLambda(emu.Endpoint, 2*time.Second)}, opts...)
	srv := cognatetest.Start(t, opts...)
	c := cip.New(cip.Options{Region: srv.Region, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKeyID, srv.SecretAccessKey, ""),
		Retryer:     cognatetest.ClosedConnRetryer()})
	t.Cleanup(func() { emu.Handle(nil) })
	return &env{t: t, srv: srv, c: c}
}

// pool creates a pool with the given triggers (email is required and the
// address to verify) and a public client allowing every flow.
func (e *env) pool(lc *types.LambdaConfigType) (poolID, clientID string) {
	e.t.Helper()
	p, err := e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("triggers"), LambdaConfig: lc,
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}})
	if err != nil {
		e.t.Fatal(err)
	}
	cl, err := e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: p.UserPool.Id, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowCustomAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth, types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth}})
	if err != nil {
		e.t.Fatal(err)
	}
	return *p.UserPool.Id, *cl.UserPoolClient.ClientId
}

// checkLossless fails the test for any invocation whose document
// aws-lambda-go's type did not decode whole.
func checkLossless(t *testing.T, calls []*lambdatest.Invocation) {
	t.Helper()
	for _, c := range calls {
		if c.DecodeErr != "" || len(c.Lost) > 0 {
			t.Errorf("%s: %s decoding lost %v (error %q) of %s", c.Source(), c.Type, c.Lost, c.DecodeErr, c.Raw)
		}
	}
}

// sources lists the trigger sources of the calls, in order.
func sources(calls []*lambdatest.Invocation) string {
	var s []string
	for _, c := range calls {
		s = append(s, c.Source())
	}
	return strings.Join(s, ",")
}

// wantErr checks err is the Cognito exception code, with msg in its message
// when msg is not empty.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("want %s %q, got %s %q", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

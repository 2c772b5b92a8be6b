package triggers_test

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/lambdatest"
)

func signUp(e *env, clientID, name string) error {
	_, err := e.c.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String(name), Password: aws.String(password),
		UserAttributes: []types.AttributeType{attr("email", name+"@example.com")}})
	return err
}

// An answer that is not an event document: InvalidLambdaResponseException.
func TestUnusableAnswerIsInvalidLambdaResponse(t *testing.T) {
	e := newEnv(t)
	_, clientID := e.pool(&types.LambdaConfigType{PreSignUp: aws.String(fn)})
	for _, raw := range []string{`"hello"`, `[1,2]`, `{"response":{"autoConfirmUser":"yes"}}`} {
		emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply { return lambdatest.Reply{Raw: []byte(raw)} })
		wantErr(t, signUp(e, clientID, "ivan"), "InvalidLambdaResponseException", "Unrecognizable lambda output")
	}
}

// A function that does not answer within the attempt's time is tried three
// times, as Cognito does, then UnexpectedLambdaException.
func TestTimeoutRetriesThenUnexpected(t *testing.T) {
	e := newEnv(t, cognatetest.WithLambda(emu.Endpoint, 500*time.Millisecond))
	poolID, clientID := e.pool(&types.LambdaConfigType{PreSignUp: aws.String(fn)})
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		return lambdatest.Reply{Sleep: 700 * time.Millisecond}
	})
	start := time.Now()
	wantErr(t, signUp(e, clientID, "slow"), "UnexpectedLambdaException", "PreSignUp invocation failed due to error Socket timeout")
	if took := time.Since(start); took < 1500*time.Millisecond {
		t.Errorf("refused after %v: want three attempts of 500 ms", took)
	}
	// The emulator runs one invocation at a time: wait for the last to end.
	time.Sleep(time.Second)
	if n := len(emu.Calls()); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
	_, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("slow")})
	wantErr(t, err, "UserNotFoundException", "")
	// A function that answers in time on a later attempt lets the call through.
	attempts := 0
	emu.Handle(func(inv *lambdatest.Invocation) lambdatest.Reply {
		attempts++
		if attempts == 1 {
			return lambdatest.Reply{Sleep: 700 * time.Millisecond}
		}
		return lambdatest.Reply{}
	})
	time.Sleep(300 * time.Millisecond)
	if err := signUp(e, clientID, "second"); err != nil {
		t.Fatalf("second attempt: %v", err)
	}
}

// An endpoint nobody listens on: UnexpectedLambdaException, no user.
func TestUnreachableIsUnexpectedLambda(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	e := newEnv(t, cognatetest.WithLambda(dead, time.Second))
	poolID, clientID := e.pool(&types.LambdaConfigType{PreSignUp: aws.String(fn)})
	wantErr(t, signUp(e, clientID, "nobody"), "UnexpectedLambdaException", "PreSignUp invocation failed due to error")
	_, err = e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("nobody")})
	wantErr(t, err, "UserNotFoundException", "")
}

// A function the endpoint does not know (the emulator serves only the name
// "function"): the Lambda API's error code, as UnexpectedLambdaException.
func TestUnknownFunctionIsUnexpectedLambda(t *testing.T) {
	e := newEnv(t)
	_, clientID := e.pool(&types.LambdaConfigType{PreSignUp: aws.String("arn:aws:lambda:us-east-1:123456789012:function:no-such-function")})
	wantErr(t, signUp(e, clientID, "who"), "UnexpectedLambdaException", "PreSignUp invocation failed due to error")
}

// The config file's Lambda section sends one function elsewhere: here the
// server's endpoint is dead and only the override reaches the emulator.
func TestConfigOverridesFunctionEndpoint(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	arn := "arn:aws:lambda:eu-west-1:123456789012:function:pre-signup:live"
	cfg := filepath.Join(t.TempDir(), "cognate.yaml")
	doc := fmt.Sprintf("Lambda:\n  Functions:\n    %q:\n      Endpoint: %s\n      FunctionName: function\n", arn, emu.Endpoint)
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, cognatetest.WithLambda(dead, time.Second), cognatetest.WithConfigFile(cfg))
	_, clientID := e.pool(&types.LambdaConfigType{PreSignUp: aws.String(arn)})
	emu.Handle(nil)
	if err := signUp(e, clientID, "routed"); err != nil {
		t.Fatal(err)
	}
	if n := len(emu.Calls()); n != 1 {
		t.Fatalf("%d calls reached the emulator, want 1", n)
	}
}

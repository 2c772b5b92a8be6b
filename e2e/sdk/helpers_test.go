// Package sdk_test drives Cognate through aws-sdk-go-v2, the way an
// application does: a real SDK client, a real server on a real SQLite file.
// Codes come from the outbox, TOTP codes are computed here, and the clock is
// moved rather than slept through.
package sdk_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

var ctx = context.Background()

const password = "Corr3ct-Horse!"

// env is one server and an SDK client signed with its admin keys.
type env struct {
	t   *testing.T
	srv *cognatetest.Server
	c   *cip.Client
}

func newEnv(t *testing.T, opts ...cognatetest.Option) *env {
	t.Helper()
	srv := cognatetest.Start(t, opts...)
	return &env{t: t, srv: srv, c: sdkClient(srv, credentials.NewStaticCredentialsProvider(srv.AccessKeyID, srv.SecretAccessKey, ""))}
}

func sdkClient(srv *cognatetest.Server, creds aws.CredentialsProvider) *cip.Client {
	return cip.New(cip.Options{
		Region:       srv.Region,
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  creds,
		Retryer:      cognatetest.ClosedConnRetryer(),
	})
}

// must takes a call's two results and returns a function that fails the
// test on the error and otherwise gives the value: must(f())(t). The test
// is passed, not kept in a global, so tests may run in parallel; a must
// without its (t) checks nothing, which TestEveryMustIsApplied refuses.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// wantErr checks err is the Cognito exception code, with msg in its message
// when msg is not empty.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s, got success", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got non-API error %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want %s, got %s: %s", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	if msg != "" && !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("%s message %q does not contain %q", code, ae.ErrorMessage(), msg)
	}
}

// pool creates a pool with the given MFA configuration (OFF, OPTIONAL, ON)
// and a public client allowing password sign-in.
func (e *env) pool(mfa types.UserPoolMfaType, opts ...func(*cip.CreateUserPoolInput)) (poolID, clientID string) {
	e.t.Helper()
	in := &cip.CreateUserPoolInput{
		PoolName:               aws.String("test-" + string(mfa)),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
	}
	for _, o := range opts {
		o(in)
	}
	p := must(e.c.CreateUserPool(ctx, in))(e.t)
	poolID = *p.UserPool.Id
	if mfa != types.UserPoolMfaTypeOff {
		must(e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{
			UserPoolId:                    &poolID,
			SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
			MfaConfiguration:              mfa,
		}))(e.t)
	}
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &poolID,
		ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth},
	}))(e.t)
	return poolID, *c.UserPoolClient.ClientId
}

var userSeq atomic.Int64

// user signs up and confirms a new user with the emailed code; it returns
// the username.
func (e *env) user(poolID, clientID string) string {
	e.t.Helper()
	name := fmt.Sprintf("user%d", userSeq.Add(1))
	e.signUp(clientID, name)
	must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: &name, ConfirmationCode: aws.String(e.code(poolID, name))}))(e.t)
	return name
}

func (e *env) signUp(clientID, name string) *cip.SignUpOutput {
	e.t.Helper()
	return must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: &name, Password: aws.String(password),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}}}))(e.t)
}

// code returns the newest code the outbox holds for the user.
func (e *env) code(poolID, name string) string {
	e.t.Helper()
	c := e.srv.LastCode(poolID, name)
	if c == "" {
		e.t.Fatalf("no code in the outbox for %s", name)
	}
	return c
}

func (e *env) passwordAuth(clientID, name, pw string) (*cip.InitiateAuthOutput, error) {
	return e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw}})
}

// totpCode is the authenticator's code at the server's current time plus
// offset steps.
func (e *env) totpCode(secret string, offset int) string {
	e.t.Helper()
	code, err := totp.GenerateCodeCustom(secret, e.srv.Clock.Now().Add(time.Duration(offset)*30*time.Second),
		totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		e.t.Fatal(err)
	}
	return code
}

// nextStep moves the clock into the next TOTP step, as waiting would.
func (e *env) nextStep() { e.srv.Clock.Advance(30 * time.Second) }

// enrol walks MFA_SETUP for a user whose sign-in asks for it, and returns
// the authenticator secret and the tokens.
func (e *env) enrol(clientID, name string) (string, *types.AuthenticationResultType) {
	e.t.Helper()
	start := must(e.passwordAuth(clientID, name, password))(e.t)
	if start.ChallengeName != types.ChallengeNameTypeMfaSetup {
		e.t.Fatalf("want MFA_SETUP, got %q", start.ChallengeName)
	}
	assoc := must(e.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: start.Session}))(e.t)
	ver := must(e.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session,
		UserCode: aws.String(e.totpCode(*assoc.SecretCode, 0)), FriendlyDeviceName: aws.String("phone")}))(e.t)
	if ver.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		e.t.Fatalf("verify status %q", ver.Status)
	}
	done := must(e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypeMfaSetup, Session: ver.Session, ChallengeResponses: map[string]string{"USERNAME": name}}))(e.t)
	e.nextStep()
	return *assoc.SecretCode, done.AuthenticationResult
}

// mfaSignIn signs in with password and TOTP code.
func (e *env) mfaSignIn(clientID, name, secret string) *types.AuthenticationResultType {
	e.t.Helper()
	start := must(e.passwordAuth(clientID, name, password))(e.t)
	if start.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		e.t.Fatalf("want SOFTWARE_TOKEN_MFA, got %q", start.ChallengeName)
	}
	out := must(e.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, Session: start.Session,
		ChallengeResponses: map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": e.totpCode(secret, 0)}}))(e.t)
	e.nextStep()
	return out.AuthenticationResult
}

// secretHash is Cognito's SECRET_HASH, computed here independently of the
// server's code.
func secretHash(secret, username, clientID string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

package sdk_test

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
)

// The limits Cognate chose (README, SECURITY.md): five wrong codes of one
// purpose an hour, five codes of one purpose sent an hour.
const (
	codeFailureLimit = 5
	codeSendLimit    = 5
	attemptLimitMsg  = "Attempt limit exceeded, please try after some time."
)

// wrongCode is the i-th six-digit code that is not right.
func wrongCode(right string, i int) *string {
	n, _ := strconv.Atoi(right)
	return aws.String(fmt.Sprintf("%06d", (n+1+i)%1_000_000))
}

// TestCodeGuessingLimited: twenty wrong password-reset codes, then the
// right one: past the fifth wrong code every code is refused with
// LimitExceededException, the right one too, also after a restart; the
// password stays as it was. An hour later the user can reset again. The
// sign-up and attribute verification codes are bounded the same way.
func TestCodeGuessingLimited(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, cognatetest.WithDataDir(dir))
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)

	must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}))(t)
	right := e.code(poolID, name)
	confirm := func(c *cip.Client, code *string) error {
		_, err := c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name,
			ConfirmationCode: code, Password: aws.String("Taken-0ver!")})
		return err
	}
	for i := range 20 {
		err := confirm(e.c, wrongCode(right, i))
		if i < codeFailureLimit {
			wantErr(t, err, "CodeMismatchException", "")
		} else {
			wantErr(t, err, "LimitExceededException", attemptLimitMsg)
		}
	}
	wantErr(t, confirm(e.c, &right), "LimitExceededException", attemptLimitMsg)

	// The count is stored, not held by the process.
	e.srv.Close()
	e = newEnv(t, cognatetest.WithDataDir(dir))
	wantErr(t, confirm(e.c, &right), "LimitExceededException", attemptLimitMsg)
	_, err := e.passwordAuth(clientID, name, "Taken-0ver!")
	wantErr(t, err, "NotAuthorizedException", "")
	must(e.passwordAuth(clientID, name, password))(t)

	// An hour on, the reset code has expired too; a new one works.
	e.srv.Clock.Advance(time.Hour + time.Minute)
	wantErr(t, confirm(e.c, &right), "ExpiredCodeException", "")
	must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}))(t)
	fresh := e.code(poolID, name)
	if err := confirm(e.c, &fresh); err != nil {
		t.Fatalf("a fresh code after the hour: %v", err)
	}
	must(e.passwordAuth(clientID, name, "Taken-0ver!"))(t)

	// Sign-up codes.
	other := fmt.Sprintf("user%d", userSeq.Add(1))
	e.signUp(clientID, other)
	signUpCode := e.code(poolID, other)
	for i := range codeFailureLimit {
		_, err := e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: &other, ConfirmationCode: wrongCode(signUpCode, i)})
		wantErr(t, err, "CodeMismatchException", "")
	}
	_, err = e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: &other, ConfirmationCode: &signUpCode})
	wantErr(t, err, "LimitExceededException", attemptLimitMsg)
	if u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &other}))(t); u.UserStatus != types.UserStatusTypeUnconfirmed {
		t.Fatalf("status after refused confirmation: %s", u.UserStatus)
	}

	// Attribute verification codes: the limit is per purpose, so the
	// reset code's count above does not spend these.
	tok := must(e.passwordAuth(clientID, name, "Taken-0ver!"))(t).AuthenticationResult
	must(e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("moved@example.com")}}}))(t)
	verify := e.code(poolID, name)
	for i := range codeFailureLimit {
		_, err := e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: wrongCode(verify, i)})
		wantErr(t, err, "CodeMismatchException", "")
	}
	_, err = e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: &verify})
	wantErr(t, err, "LimitExceededException", attemptLimitMsg)
}

// TestCodeGuessingBelowLimit: a few wrong codes and then the right one
// work, and the right one clears the count.
func TestCodeGuessingBelowLimit(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	for round := range 2 {
		must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}))(t)
		right := e.code(poolID, name)
		for i := range codeFailureLimit - 1 {
			_, err := e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name,
				ConfirmationCode: wrongCode(right, i), Password: aws.String("Taken-0ver!")})
			wantErr(t, err, "CodeMismatchException", "")
		}
		pw := fmt.Sprintf("Round-%d-Passw0rd!", round)
		if _, err := e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name,
			ConfirmationCode: &right, Password: &pw}); err != nil {
			t.Fatalf("round %d: right code after %d wrong ones: %v", round, codeFailureLimit-1, err)
		}
	}
}

// TestCodeSendingLimited: ForgotPassword, ResendConfirmationCode and
// GetUserAttributeVerificationCode send five codes of a purpose an hour;
// the sixth is refused with LimitExceededException and sends nothing. An
// hour later sending works again.
func TestCodeSendingLimited(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	tok := must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult
	unconfirmed := fmt.Sprintf("user%d", userSeq.Add(1))
	e.signUp(clientID, unconfirmed)

	sends := []struct {
		what, user, purpose string
		send                func() error
	}{
		{"ForgotPassword", name, "forgot-password", func() error {
			_, err := e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name})
			return err
		}},
		{"ResendConfirmationCode", unconfirmed, "signup", func() error {
			_, err := e.c.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: &clientID, Username: &unconfirmed})
			return err
		}},
		{"GetUserAttributeVerificationCode", name, "verify:email", func() error {
			_, err := e.c.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email")})
			return err
		}},
	}
	count := func(user, purpose string) int {
		n := 0
		for _, m := range e.srv.Outbox(poolID, user) {
			if m.Purpose == purpose {
				n++
			}
		}
		return n
	}
	for _, s := range sends {
		before := count(s.user, s.purpose)
		for i := range codeSendLimit {
			if err := s.send(); err != nil {
				t.Fatalf("%s #%d: %v", s.what, i+1, err)
			}
		}
		wantErr(t, s.send(), "LimitExceededException", attemptLimitMsg)
		if got := count(s.user, s.purpose) - before; got != codeSendLimit {
			t.Fatalf("%s sent %d codes, want %d", s.what, got, codeSendLimit)
		}
	}
	e.srv.Clock.Advance(time.Hour + time.Minute)
	tok = must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult
	for _, s := range sends {
		if err := s.send(); err != nil {
			t.Fatalf("%s an hour later: %v", s.what, err)
		}
	}
}

// TestCodeGuessingLimitSharedByServers: two servers on one PostgreSQL
// database share the count. Wrong codes spread over both reach the limit
// together, and twenty guesses sent at once to both get at most five
// CodeMismatchException answers: the count is checked and raised in one
// atomic update, not read first and written later.
func TestCodeGuessingLimitSharedByServers(t *testing.T) {
	db := pgtest.NewDatabase(t)
	dir := t.TempDir() // the master key both nodes use
	a := newEnv(t, cognatetest.WithDatabase(db), cognatetest.WithDataDir(dir))
	b := newEnv(t, cognatetest.WithDatabase(db), cognatetest.WithDataDir(dir))
	nodes := []*env{a, b}
	poolID, clientID := a.pool(types.UserPoolMfaTypeOff)
	name := a.user(poolID, clientID)
	other := a.user(poolID, clientID)

	must(a.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}))(t)
	right := a.code(poolID, name)
	confirm := func(c *cip.Client, user string, code *string) error {
		_, err := c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &user,
			ConfirmationCode: code, Password: aws.String("Taken-0ver!")})
		return err
	}
	for i := range codeFailureLimit {
		wantErr(t, confirm(nodes[i%2].c, name, wrongCode(right, i)), "CodeMismatchException", "")
	}
	for _, n := range nodes {
		wantErr(t, confirm(n.c, name, &right), "LimitExceededException", attemptLimitMsg)
	}

	must(a.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &other}))(t)
	right = a.code(poolID, other)
	var mu sync.Mutex
	answers := map[string]int{}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := confirm(nodes[i%2].c, other, wrongCode(right, i))
			code := "success"
			var ae smithy.APIError
			if errors.As(err, &ae) {
				code = ae.ErrorCode()
			} else if err != nil {
				code = err.Error()
			}
			mu.Lock()
			answers[code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if answers["CodeMismatchException"] != codeFailureLimit || answers["LimitExceededException"] != 20-codeFailureLimit {
		t.Fatalf("20 concurrent wrong codes on two nodes: %v, want %d CodeMismatchException", answers, codeFailureLimit)
	}
	wantErr(t, confirm(b.c, other, &right), "LimitExceededException", attemptLimitMsg)
}

// TestCodeLimitsHideUserExistence: with PreventUserExistenceErrors a name
// that is no user answers as a real user does, limits included: five
// wrong codes, then LimitExceededException; five password-reset codes
// "sent", then LimitExceededException. Otherwise the limit would tell
// which names are users.
func TestCodeLimitsHideUserExistence(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	clientID := *must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("hiding"),
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled}))(t).UserPoolClient.ClientId
	confirmed := e.user(poolID, clientID)
	pending := fmt.Sprintf("user%d", userSeq.Add(1))
	e.signUp(clientID, pending)

	forgot := func(name string) error {
		_, err := e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name})
		return err
	}
	confirmForgot := func(name string, code *string) error {
		_, err := e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name,
			ConfirmationCode: code, Password: aws.String("Taken-0ver!")})
		return err
	}
	confirmSignUp := func(name string, code *string) error {
		_, err := e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: &name, ConfirmationCode: code})
		return err
	}
	for _, name := range []string{confirmed, "nobody-here"} {
		for i := range codeSendLimit {
			if err := forgot(name); err != nil {
				t.Fatalf("ForgotPassword %s #%d: %v", name, i+1, err)
			}
		}
		wantErr(t, forgot(name), "LimitExceededException", attemptLimitMsg)
	}
	for _, c := range []struct {
		name string
		op   func(string, *string) error
	}{{confirmed, confirmForgot}, {"nobody-here", confirmForgot}, {pending, confirmSignUp}, {"nobody-here", confirmSignUp}} {
		// The user's newest code; any code for the name that is no user.
		right := e.srv.LastCode(poolID, c.name)
		if right == "" {
			right = "123456"
		}
		for i := range codeFailureLimit {
			wantErr(t, c.op(c.name, wrongCode(right, i)), "CodeMismatchException", "")
		}
		wantErr(t, c.op(c.name, &right), "LimitExceededException", attemptLimitMsg)
	}
}

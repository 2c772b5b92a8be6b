package signin

import (
	"context"
	"errors"

	"github.com/cognate-idp/cognate/internal/api"
)

// Observer is told how each sign-in step ended, for metrics. flow is the
// InitiateAuth AuthFlow or the answered challenge, "unknown" when Cognate
// has no such flow or challenge; result is one of the Result* values.
type Observer interface {
	SignIn(flow, result string)
}

// The results an Observer is told.
const (
	ResultSuccess       = "success"        // tokens issued
	ResultMFAAsked      = "mfa_asked"      // an MFA code, a choice of factor or MFA set-up asked for
	ResultChallenge     = "challenge"      // another challenge (SRP, new password, device)
	ResultWrongPassword = "wrong_password" // a wrong password or SRP proof
	ResultUnknownUser   = "unknown_user"   // a phantom user's (always wrong) password
	ResultMFAFailed     = "mfa_failed"     // a wrong TOTP code or device proof
	ResultLockout       = "lockout"        // refused: too many failures
	ResultError         = "error"          // any other refusal
)

type noteKey struct{}

// note is where a step's handler leaves what it learned of the failure.
type note struct {
	result string
}

func noted(ctx context.Context, result string) {
	if n, ok := ctx.Value(noteKey{}).(*note); ok {
		n.result = result
	}
}

// observe runs a step and tells the observer how it ended.
func (e *Engine) observe(ctx context.Context, flow string, step func(context.Context) (*api.AuthOutput, error)) (*api.AuthOutput, error) {
	if e.observer == nil {
		return step(ctx)
	}
	n := &note{}
	out, err := step(context.WithValue(ctx, noteKey{}, n))
	result := ResultError
	switch {
	case errors.Is(err, ErrLocked):
		result = ResultLockout
	case err != nil && n.result != "":
		result = n.result
	case err != nil:
	case out != nil && out.AuthenticationResult != nil:
		result = ResultSuccess
	case out != nil && (out.ChallengeName == ChallengeTOTP || out.ChallengeName == ChallengeMFASetup ||
		out.ChallengeName == ChallengeSMSMFA || out.ChallengeName == ChallengeEmailOTP || out.ChallengeName == ChallengeSelectMFA):
		result = ResultMFAAsked
	case out != nil && out.ChallengeName != "":
		result = ResultChallenge
	}
	e.observer.SignIn(flow, result)
	return out, err
}

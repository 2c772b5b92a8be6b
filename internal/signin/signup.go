package signin

import (
	"context"
	"slices"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// Sign-in straight after sign-up (Amplify's autoSignIn with USER_AUTH):
// SignUp hands out a Session for ConfirmSignUp, ConfirmSignUp one for
// InitiateAuth USER_AUTH, whose Session member then signs the user in with
// no further factor: the confirmation code, sent by email or text message,
// counts as the EMAIL_OTP or SMS_OTP first factor, so the factor is only
// given where USER_AUTH would offer it.
//
// Both are sealed Sessions like a challenge's, bound to the pool, the app
// client and the user, and living as long as the client's
// AuthSessionValidity (Cognito: "within the authentication flow session
// duration"). The one from ConfirmSignUp is spent by the sign-in it starts,
// so it signs in once ("signing in for the first time").

// The Challenge of the two Sessions (no client answers them as challenges).
const (
	sessionSignUp    = "SIGN_UP"
	sessionConfirmed = "SIGN_UP_CONFIRMED"
)

// SignUpSession is the Session SignUp gives for u, to be passed to
// ConfirmSignUp; factor is the first factor its confirmation code stands
// for.
func (e *Engine) SignUpSession(c Client, u *store.User, factor string) string {
	ss := e.newSession(c, u, sessionSignUp, e.now())
	ss.Stage = factor
	return e.states.Seal(ss)
}

// CheckSignUpSession checks a Session given to ConfirmSignUp: one SignUp
// gave to the client for u.
func (e *Engine) CheckSignUpSession(c Client, u *store.User, text string) error {
	ss, err := e.states.Open(text)
	if err != nil {
		return err
	}
	if ss.Challenge != sessionSignUp || ss.Client != c.ID() || ss.Pool != c.PoolID() || ss.User != u.Username {
		return api.ErrBadSession
	}
	return nil
}

// ConfirmedSession is the Session ConfirmSignUp gives for u, whose
// confirmation code stood for factor, to be passed to InitiateAuth.
func (e *Engine) ConfirmedSession(c Client, u *store.User, factor string) string {
	ss := e.newSession(c, u, sessionConfirmed, e.now())
	ss.Stage = factor
	return e.states.Seal(ss)
}

// SignUpFactor is the first factor a confirmation code sent by medium
// (EMAIL or SMS) stands for, when u could sign in with it through the
// client: "" when it could not (the client or the pool does not offer
// it), and then no Session is handed out.
func SignUpFactor(c Client, u *store.User, medium string) string {
	f := ChallengeEmailOTP
	if medium == "SMS" {
		f = ChallengeSMSOTP
	}
	if !c.Allows("ALLOW_USER_AUTH") || !slices.Contains(FirstFactors(c, u), f) {
		return ""
	}
	return f
}

// signUpSignIn answers InitiateAuth USER_AUTH with the Session of
// ConfirmSignUp: tokens, the code of the confirmation being the one factor.
func (e *Engine) signUpSignIn(ctx context.Context, req *request) (*api.AuthOutput, error) {
	c, p := req.client, req.params
	ss, err := e.states.Open(req.session)
	if err != nil {
		return nil, err
	}
	if ss.Challenge != sessionConfirmed || ss.Client != c.ID() || ss.Pool != c.PoolID() {
		return nil, api.ErrBadSession
	}
	u, phantom, err := e.signInUser(ctx, c, p)
	if err != nil {
		return nil, err
	}
	if phantom || u.Username != ss.User {
		return nil, api.ErrBadSession
	}
	if err := CheckSignInState(u); err != nil {
		return nil, err
	}
	if err := e.CheckLock(u); err != nil {
		return nil, err
	}
	if !slices.Contains(FirstFactors(c, u), ss.Stage) {
		return nil, api.ErrBadSession // the pool stopped offering the factor since
	}
	if err := e.beforeAuthentication(ctx, c, u, false); err != nil {
		return nil, err
	}
	if err := e.states.Spend(ctx, ss); err != nil {
		return nil, err
	}
	return e.complete(ctx, c, u, e.now(), p["DEVICE_KEY"], false)
}

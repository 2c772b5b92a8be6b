package idp

import (
	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
)

// Passwordless sign-up and the sign-in that follows it (package signin's
// signup.go keeps the Sessions).
//
// Cognito lets SignUp omit the password when all of these hold (its
// developer guide, "Passwords at sign-up"): passwordless sign-in is on in
// the pool and the app client (AllowedFirstAuthFactors holds EMAIL_OTP or
// SMS_OTP, the client allows ALLOW_USER_AUTH), the user gives the email
// address or phone number of an allowed factor, and the pool verifies that
// attribute automatically. Cognate asks exactly that of the attribute the
// confirmation code goes to: the one the user will sign in with.

// passwordlessSignUp refuses a SignUp without a password whose user could
// not sign in without one.
func passwordlessSignUp(c *client, attrs map[string]string) error {
	allowed := allowedFirstFactors(c.pool)
	if !contains(allowed, signin.ChallengeEmailOTP) && !contains(allowed, signin.ChallengeSMSOTP) {
		return api.Errorf(api.ErrInvalidParameter, api.MsgPasswordNull) // what Cognito said before passwordless
	}
	_, medium, _ := verificationTarget(c.pool, attrs)
	if medium == "" || signin.SignUpFactor(c, &store.User{Attributes: attrs}, medium) == "" {
		return api.Errorf(api.ErrInvalidParameter, api.MsgPasswordlessSignUpUnavailable)
	}
	return nil
}

// signUpSession is SignUp's Session, for a user whose confirmation code
// went by medium: "" when the code could not stand for a first factor.
func (s *Service) signUpSession(c *client, u *store.User, medium string) string {
	f := signin.SignUpFactor(c, u, medium)
	if f == "" {
		return ""
	}
	return s.auth.SignUpSession(c, u, f)
}

// confirmedSession is ConfirmSignUp's Session, for InitiateAuth USER_AUTH.
func (s *Service) confirmedSession(c *client, u *store.User, medium string) string {
	f := signin.SignUpFactor(c, u, medium)
	if f == "" {
		return ""
	}
	return s.auth.ConfirmedSession(c, u, f)
}

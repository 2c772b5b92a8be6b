package signin

import (
	"context"
	"maps"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// MFA set-up within a sign-in (MFA_SETUP), for a user the pool requires MFA
// of who has no factor yet. MFAS_CAN_SETUP lists the pool's MFA factors
// (Cognito: "the MFA types activated for the user pool"); two of them can
// be set up without leaving the sign-in:
//
//	SOFTWARE_TOKEN_MFA  AssociateSoftwareToken and VerifySoftwareToken with
//	                    the Session (mfa.go), then MFA_SETUP answered with
//	                    the Session VerifySoftwareToken gave
//	EMAIL_OTP           MFA_SETUP answered with EMAIL=<address>: a code goes
//	                    there, the EMAIL_OTP challenge follows, and its right
//	                    answer makes the address the user's email (verified)
//	                    and email MFA the user's (what Amplify v6's
//	                    CONTINUE_SIGN_IN_WITH_EMAIL_SETUP sends)
//
// SMS_MFA is listed when the pool has it, but as Cognito documents, a user
// sets it up by getting a phone_number and signing in again; a pool whose
// only factor is SMS refuses a user without a phone (mfaChallenge).

// setupFactors are the factors MFAS_CAN_SETUP lists, in SELECT_MFA_TYPE's
// order.
func setupFactors(c Client) []string {
	var out []string
	if c.SMSMFA() {
		out = append(out, ChallengeSMSMFA)
	}
	if c.SoftwareTokenMFA() {
		out = append(out, ChallengeTOTP)
	}
	if c.EmailMFA() {
		out = append(out, ChallengeEmailOTP)
	}
	return out
}

// mfaSetupStep answers MFA_SETUP: with EMAIL, the start of email MFA's
// set-up; without, the end of TOTP's, once the session's user has
// associated and verified an authenticator: TOTP becomes the user's MFA
// and the sign-in ends.
func mfaSetupStep(ctx context.Context, e *Engine, req *request, ss *Session, u *store.User) (*api.AuthOutput, error) {
	if email := req.params["EMAIL"]; email != "" {
		return e.startEmailSetup(ctx, req, ss, u, email)
	}
	if ss.Stage != StageVerified || len(u.TOTPSecret) == 0 {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgMFASetupIncomplete)
	}
	u, err := e.core.UpdateUser(ctx, u, func(u *store.User) error {
		u.TOTPEnabled = true
		u.PreferredMFA = ChallengeTOTP
		u.Updated = e.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e.secondFactorDone(ctx, req.client, ss, u)
}

// startEmailSetup sends a code to the address MFA_SETUP gave and asks
// EMAIL_OTP. The set-up session is spent first, so that one password proof
// cannot send codes without end.
func (e *Engine) startEmailSetup(ctx context.Context, req *request, ss *Session, u *store.User, email string) (*api.AuthOutput, error) {
	c := req.client
	if !c.EmailMFA() {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgMFASetupEmailNotOffered)
	}
	if err := e.core.CheckSetupEmail(ctx, c, u, email); err != nil {
		return nil, err
	}
	if err := e.states.Spend(ctx, ss); err != nil {
		return nil, err
	}
	next := e.newSession(c, u, ChallengeEmailOTP, time.Unix(ss.AuthTime, 0))
	next.DeviceKey, next.SetupEmail = ss.DeviceKey, email
	to := *u // the code goes to the new address; the user keeps theirs until it comes back
	to.Attributes = maps.Clone(u.Attributes)
	if to.Attributes == nil {
		to.Attributes = map[string]string{}
	}
	to.Attributes["email"] = email
	cp := map[string]string{"USER_ID_FOR_SRP": u.Username}
	if err := e.sendMFACode(ctx, c, &to, next, cp); err != nil {
		return nil, err
	}
	return &api.AuthOutput{ChallengeName: ChallengeEmailOTP, Session: e.states.Seal(next), ChallengeParameters: cp}, nil
}

// finishEmailSetup ends an email MFA set-up whose code came back right:
// the address becomes the user's email, verified, and email MFA is on.
func (e *Engine) finishEmailSetup(ctx context.Context, req *request, ss *Session, u *store.User) (*api.AuthOutput, error) {
	c := req.client
	if err := e.core.CheckSetupEmail(ctx, c, u, ss.SetupEmail); err != nil {
		return nil, err // another user took the address meanwhile
	}
	u, err := e.core.UpdateUser(ctx, u, func(u *store.User) error {
		if u.Attributes == nil {
			u.Attributes = map[string]string{}
		}
		u.Attributes["email"], u.Attributes["email_verified"] = ss.SetupEmail, "true"
		u.EmailMFAEnabled = true
		if u.PreferredMFA == "" {
			u.PreferredMFA = ChallengeEmailOTP
		}
		u.Updated = e.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e.secondFactorDone(ctx, c, ss, u)
}

package signin

import (
	"context"
	"slices"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// USER_AUTH, choice-based sign-in: the user picks a first factor among
// those the pool allows (Policies.SignInPolicy.AllowedFirstAuthFactors,
// PASSWORD only by default) and they can use. Without PREFERRED_CHALLENGE,
// or with one the user cannot use, the answer is SELECT_CHALLENGE listing
// them in AvailableChallenges, answered by ANSWER=<factor> (with PASSWORD
// or SRP_A for the password factors). With a usable PREFERRED_CHALLENGE
// the sign-in goes straight to it.
//
//	PASSWORD      the password in PASSWORD (then as USER_PASSWORD_AUTH: MFA, tokens)
//	PASSWORD_SRP  SRP_A, answered with PASSWORD_VERIFIER (as USER_SRP_AUTH)
//	EMAIL_OTP     a code by email, answered as EMAIL_OTP_CODE
//	SMS_OTP       a code by text message, answered as SMS_OTP_CODE
//	WEB_AUTHN     CREDENTIAL_REQUEST_OPTIONS (JSON) handed out, the passkey's
//	              assertion answered as CREDENTIAL
//
// The one-time codes reuse the MFA codes' machinery (codemfa.go): a code
// sent when the challenge is given, its keyed hash sealed in the Session
// (one-shot, expiring with it), wrong codes counting towards the lockout.
//
// Choices made without certainty of Cognito's behaviour:
//   - EMAIL_OTP and SMS_OTP are offered to a user with an email address or
//     phone number, verified or not; a right code verifies it, as an MFA
//     code does.
//   - Cognito does not let a pool that requires MFA allow passwordless
//     first factors; Cognate does not offer EMAIL_OTP and SMS_OTP in a pool
//     whose MFA is ON, and asks no MFA after them in a pool whose MFA is
//     OPTIONAL (a one-time code is the user's one factor).
//   - WEB_AUTHN is offered to a user with a passkey whatever the pool's
//     MFA. Where the pool's WebAuthnConfiguration.FactorConfiguration is
//     MULTI_FACTOR_WITH_USER_VERIFICATION, a passkey that verified the user
//     (the UV flag) counts as two factors: tokens, no MFA after it, as
//     Cognito documents. Otherwise (SINGLE_FACTOR, the default, or no UV)
//     it is one factor: tokens where MFA is OFF or OPTIONAL, the pool's MFA
//     challenge after it where MFA is ON. A user whose WebAuthnMfaSettings
//     are on is asked for user verification (mfa.go). A wrong assertion
//     counts towards the lockout.
//   - An unknown user, when the client hides user existence, is offered
//     PASSWORD and PASSWORD_SRP (what a user with a password and no email,
//     phone or passkey is offered), which then fail as a wrong password.

// The factors and challenges of USER_AUTH.
const (
	ChallengeSelect   = "SELECT_CHALLENGE"
	ChallengeSMSOTP   = "SMS_OTP"
	ChallengeWebAuthn = "WEB_AUTHN"
	FactorPassword    = "PASSWORD"
	FactorPasswordSRP = "PASSWORD_SRP"
)

// StageFirstFactor marks an EMAIL_OTP or SMS_OTP session whose code is the
// first factor of USER_AUTH, not MFA.
const StageFirstFactor = "first"

// StagePhantom marks a SELECT_CHALLENGE session given to a phantom user.
const StagePhantom = "phantom"

// userAuthFlow is USER_AUTH, on InitiateAuth and AdminInitiateAuth alike.
type userAuthFlow struct{}

func (userAuthFlow) initiate(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error) {
	c, p := req.client, req.params
	if !c.Allows("ALLOW_USER_AUTH") {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgAuthFlowNotEnabled)
	}
	if pref := p["PREFERRED_CHALLENGE"]; pref != "" && !slices.Contains(knownFactors, pref) {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgUnknownFirstFactor, pref)
	}
	if req.session != "" {
		return e.signUpSignIn(ctx, req)
	}
	u, phantom, err := e.signInUser(ctx, c, p)
	if err != nil {
		return nil, err
	}
	if !phantom {
		if err := CheckSignInState(u); err != nil {
			return nil, err
		}
		if err := e.CheckLock(u); err != nil {
			return nil, err
		}
	}
	// A phantom has a password and nothing else: it is offered the
	// password factors, whose own checks then fail it as they fail a
	// wrong password.
	available := FirstFactors(c, u)
	if len(available) == 0 {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgNoFirstFactor)
	}
	if pref := p["PREFERRED_CHALLENGE"]; slices.Contains(available, pref) {
		return e.startFactor(ctx, c, u, pref, p)
	}
	ss := e.newSession(c, u, ChallengeSelect, e.now())
	if phantom {
		ss.Stage = StagePhantom
	}
	return &api.AuthOutput{ChallengeName: ChallengeSelect, Session: e.states.Seal(ss),
		ChallengeParameters: map[string]string{"USERNAME": u.Username}, AvailableChallenges: available}, nil
}

// knownFactors are the first factors USER_AUTH knows, in the order
// AvailableChallenges lists them (Cognate's choice).
var knownFactors = []string{FactorPassword, FactorPasswordSRP, ChallengeEmailOTP, ChallengeSMSOTP, ChallengeWebAuthn}

// FirstFactors lists the first factors u can use: those the pool allows
// (PASSWORD allows PASSWORD and PASSWORD_SRP) for which u has what they
// need.
func FirstFactors(c Client, u *store.User) []string {
	allowed := c.AllowedFirstFactors()
	var out []string
	for _, f := range knownFactors {
		ok := false
		switch f {
		case FactorPassword, FactorPasswordSRP:
			ok = slices.Contains(allowed, FactorPassword) && len(u.Verifier) > 0
		case ChallengeEmailOTP:
			ok = slices.Contains(allowed, f) && c.MFAConfiguration() != "ON" && u.Attributes["email"] != ""
		case ChallengeSMSOTP:
			ok = slices.Contains(allowed, f) && c.MFAConfiguration() != "ON" && u.Attributes["phone_number"] != ""
		case ChallengeWebAuthn:
			ok = slices.Contains(allowed, f) && len(u.WebAuthnCredentials) > 0
		}
		if ok {
			out = append(out, f)
		}
	}
	return out
}

// startFactor begins the first factor f for u, with p the parameters that
// came with the choice (PASSWORD, SRP_A, DEVICE_KEY).
func (e *Engine) startFactor(ctx context.Context, c Client, u *store.User, f string, p map[string]string) (*api.AuthOutput, error) {
	name := map[string]string{"USERNAME": p["USERNAME"], "SECRET_HASH": p["SECRET_HASH"], "DEVICE_KEY": p["DEVICE_KEY"]}
	switch f {
	case FactorPassword:
		if p["PASSWORD"] == "" {
			return nil, missing("PASSWORD")
		}
		name["PASSWORD"] = p["PASSWORD"]
		return e.PasswordAuth(ctx, c, name)
	case FactorPasswordSRP:
		name["SRP_A"] = p["SRP_A"]
		return e.srpAuth(ctx, c, name)
	}
	if err := e.beforeAuthentication(ctx, c, u, false); err != nil {
		return nil, err
	}
	ss := e.newSession(c, u, f, e.now())
	ss.Stage = StageFirstFactor
	ss.DeviceKey = p["DEVICE_KEY"]
	cp := map[string]string{"USERNAME": u.Username}
	if f == ChallengeWebAuthn {
		options, state, err := e.core.BeginPasskey(ctx, c, u)
		if err != nil {
			return nil, err
		}
		ss.Passkey = state
		cp["CREDENTIAL_REQUEST_OPTIONS"] = string(options)
		return &api.AuthOutput{ChallengeName: f, Session: e.states.Seal(ss), ChallengeParameters: cp}, nil
	}
	if err := e.sendMFACode(ctx, c, u, ss, cp); err != nil {
		return nil, err
	}
	return &api.AuthOutput{ChallengeName: f, Session: e.states.Seal(ss), ChallengeParameters: cp}, nil
}

// selectChallenge answers SELECT_CHALLENGE: a phantom's session here, a
// real user's in selectChallengeStep.
type selectChallenge struct{}

func (selectChallenge) respond(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error) {
	ss, err := e.openSession(req)
	if err != nil {
		return nil, err
	}
	if ss.Stage != StagePhantom {
		return sessionStep(selectChallengeStep).respond(ctx, e, req)
	}
	c, p := req.client, req.params
	if err := e.checkPhantomSession(req, ss); err != nil {
		return nil, err
	}
	answer := p["ANSWER"]
	if answer == "" {
		return nil, missing("ANSWER")
	}
	if answer != FactorPassword && answer != FactorPasswordSRP {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgFirstFactorNotOffered, answer)
	}
	if out := e.askPassword(c, ss, answer, p); out != nil {
		return out, nil
	}
	return e.startFactor(ctx, c, e.phantom(c, ss.User), answer, p)
}

// checkPhantomSession checks that a phantom's session is answered for the
// name it was given to.
func (e *Engine) checkPhantomSession(req *request, ss *Session) error {
	name := req.params["USERNAME"]
	if name == "" {
		return missing("USERNAME")
	}
	if e.phantomName(req.client, name) != ss.User {
		return api.ErrBadSession
	}
	return nil
}

// askPassword answers a choice of PASSWORD without PASSWORD, or of
// PASSWORD_SRP without SRP_A, with that factor as a challenge of its own
// (ChallengeName PASSWORD or PASSWORD_SRP, answered with them, as
// Cognito's RespondToAuthChallenge reference shows); nil when the choice
// came with what the factor needs. The choosing session is left, as the
// password factors leave it.
func (e *Engine) askPassword(c Client, ss *Session, answer string, p map[string]string) *api.AuthOutput {
	if (answer != FactorPassword || p["PASSWORD"] != "") && (answer != FactorPasswordSRP || p["SRP_A"] != "") {
		return nil
	}
	next := *ss
	next.ID, next.Challenge = randomToken(12), answer
	next.Expires = e.now().Add(c.SessionValidity()).Unix()
	return &api.AuthOutput{ChallengeName: answer, Session: e.states.Seal(&next), ChallengeParameters: map[string]string{"USERNAME": ss.User}}
}

// passwordFactor answers the PASSWORD and PASSWORD_SRP challenges
// askPassword gives: the factor starts as if chosen with its parameters.
type passwordFactor struct{}

func (passwordFactor) respond(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error) {
	ss, err := e.openSession(req)
	if err != nil {
		return nil, err
	}
	if ss.Stage == StagePhantom {
		if err := e.checkPhantomSession(req, ss); err != nil {
			return nil, err
		}
		return e.startFactor(ctx, req.client, e.phantom(req.client, ss.User), ss.Challenge, req.params)
	}
	return sessionStep(func(ctx context.Context, e *Engine, req *request, ss *Session, u *store.User) (*api.AuthOutput, error) {
		if err := e.CheckLock(u); err != nil {
			return nil, err
		}
		return e.startFactor(ctx, req.client, u, ss.Challenge, req.params)
	}).respond(ctx, e, req)
}

// selectChallengeStep answers SELECT_CHALLENGE: ANSWER names one of the
// factors offered. A code or passkey factor spends the choosing session, so
// that one Session cannot send codes without end; the password factors leave it,
// their own checks counting wrong passwords.
func selectChallengeStep(ctx context.Context, e *Engine, req *request, ss *Session, u *store.User) (*api.AuthOutput, error) {
	answer := req.params["ANSWER"]
	if answer == "" {
		return nil, missing("ANSWER")
	}
	if err := e.CheckLock(u); err != nil {
		return nil, err
	}
	if !slices.Contains(FirstFactors(req.client, u), answer) {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgFirstFactorNotOffered, answer)
	}
	if answer == ChallengeEmailOTP || answer == ChallengeSMSOTP || answer == ChallengeWebAuthn {
		if err := e.states.Spend(ctx, ss); err != nil {
			return nil, err
		}
	}
	if out := e.askPassword(req.client, ss, answer, req.params); out != nil {
		return out, nil
	}
	return e.startFactor(ctx, req.client, u, answer, req.params)
}

// firstFactorCodeDone ends a USER_AUTH sign-in whose one-time code was
// right: the session is spent and tokens issued, with no MFA after it.
func (e *Engine) firstFactorCodeDone(ctx context.Context, c Client, ss *Session, u *store.User) (*api.AuthOutput, error) {
	if err := e.states.Spend(ctx, ss); err != nil {
		return nil, err
	}
	return e.complete(ctx, c, u, time.Unix(ss.AuthTime, 0), ss.DeviceKey, false)
}

// webAuthnStep answers WEB_AUTHN: CREDENTIAL, the passkey's assertion
// (AuthenticationResponseJSON), checked against the request options the
// session handed out. The session is spent before the assertion is
// checked, so each challenge is answered once, right or wrong.
func webAuthnStep(ctx context.Context, e *Engine, req *request, ss *Session, u *store.User) (*api.AuthOutput, error) {
	answer := req.params["CREDENTIAL"]
	if answer == "" {
		return nil, missing("CREDENTIAL")
	}
	if err := e.CheckLock(u); err != nil {
		return nil, err
	}
	if len(ss.Passkey) == 0 {
		return nil, api.ErrBadSession
	}
	if err := e.states.Spend(ctx, ss); err != nil {
		return nil, err
	}
	c := req.client
	uv, err := e.core.FinishPasskey(ctx, c, u, ss.Passkey, []byte(answer))
	if api.IsCode(err, api.ErrNotAuthorized) {
		return nil, e.failedSignIn(ctx, c, u, StepPassword, err)
	}
	if err != nil {
		return nil, err
	}
	authTime := time.Unix(ss.AuthTime, 0)
	twoFactors := uv && c.PasskeyMFA()
	if !twoFactors && c.MFAConfiguration() == "ON" {
		challenge, err := mfaChallenge(c, u)
		if err != nil {
			return nil, err
		}
		if challenge != "" {
			return e.secondStep(ctx, c, u, challenge, authTime, ss.DeviceKey)
		}
	}
	return e.complete(ctx, c, u, authTime, ss.DeviceKey, twoFactors)
}

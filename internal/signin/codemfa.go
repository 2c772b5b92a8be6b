package signin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store"
)

// MFA by a code sent in a text message (SMS_MFA, answered as SMS_MFA_CODE)
// or an email (EMAIL_OTP, answered as EMAIL_OTP_CODE), and the choice
// between factors (SELECT_MFA_TYPE, answered as ANSWER).
//
// The code is made when the challenge is given and sent before the
// Session is; only its keyed hash travels, sealed in the Session, so the
// code lives as long as the Session (the client's AuthSessionValidity:
// Cognito documents the SMS code as valid for that long) and is one-shot
// because the Session yields tokens once. Wrong codes count towards the
// failed-attempt lockout as wrong TOTP codes do: the sixth within the
// window meets a locked user.

// mfaFactors lists the MFA factors u can be asked for, in the order
// SELECT_MFA_TYPE offers them (Cognate's choice: SMS_MFA,
// SOFTWARE_TOKEN_MFA, EMAIL_OTP). A factor counts when the user turned it
// on (SetUserMFAPreference) and the pool offers it, and for SMS and email
// when the user has the phone number or address (verified or not: Cognito
// sends MFA codes to unverified ones and verifies them on success). When
// the pool requires MFA and the user turned none on, every factor the user
// can prove counts (Cognito's behaviour for a required pool and a user
// with a phone number; Cognate's choice to extend it to email and TOTP).
func mfaFactors(c Client, u *store.User) []string {
	mode := c.MFAConfiguration()
	if mode != "ON" && mode != "OPTIONAL" {
		return nil
	}
	hasTOTP := len(u.TOTPSecret) > 0
	sms := c.SMSMFA() && u.Attributes["phone_number"] != ""
	email := c.EmailMFA() && u.Attributes["email"] != ""
	var out []string
	add := func(ok bool, f string) {
		if ok {
			out = append(out, f)
		}
	}
	add(sms && u.SMSMFAEnabled, ChallengeSMSMFA)
	add(hasTOTP && u.TOTPEnabled, ChallengeTOTP)
	add(email && u.EmailMFAEnabled, ChallengeEmailOTP)
	if len(out) > 0 || mode != "ON" {
		return out
	}
	add(sms, ChallengeSMSMFA)
	add(hasTOTP, ChallengeTOTP)
	add(email, ChallengeEmailOTP)
	return out
}

// mfaChallenge is the MFA challenge the pool asks of u after a right
// password ("" for none): the one factor, the preferred one of several, or
// the choice; MFA set-up when the pool requires MFA and u has no factor.
func mfaChallenge(c Client, u *store.User) (string, error) {
	f := mfaFactors(c, u)
	switch {
	case len(f) == 1:
		return f[0], nil
	case len(f) > 1:
		if slices.Contains(f, u.PreferredMFA) {
			return u.PreferredMFA, nil
		}
		return ChallengeSelectMFA, nil
	case c.MFAConfiguration() != "ON":
		return "", nil
	case c.SoftwareTokenMFA() || c.EmailMFA():
		return ChallengeMFASetup, nil // set up within the sign-in (mfasetup.go)
	}
	return "", api.Errorf(api.ErrInvalidUserPoolConfig, api.MsgNoUsableMFAMethod)
}

// codeMedium is the delivery medium of a code challenge.
func codeMedium(challenge string) string {
	if challenge == ChallengeSMSMFA || challenge == ChallengeSMSOTP {
		return "SMS"
	}
	return "EMAIL"
}

// codeAnswer is the ChallengeResponses member that answers a code
// challenge.
func codeAnswer(challenge string) string { return challenge + "_CODE" }

func jsonList(l []string) string {
	b, _ := json.Marshal(l)
	return string(b)
}

func newMFACode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%06d", n.Int64())
}

func (e *Engine) mfaCodeHashes(ss *Session, code string) [][]byte {
	return e.seal.MACs(seal.MACCode, ss.Pool, ss.User, "mfa:"+ss.ID, code)
}

// sendMFACode makes the code of an SMS_MFA or EMAIL_OTP session, sends it,
// and seals its hash in the session; cp gets where it went.
func (e *Engine) sendMFACode(ctx context.Context, c Client, u *store.User, ss *Session, cp map[string]string) error {
	code := newMFACode()
	medium := codeMedium(ss.Challenge)
	dest, err := e.core.DeliverMFACode(ctx, c, u, medium, code)
	if err != nil {
		return err
	}
	ss.Code = e.seal.MAC(seal.MACCode, ss.Pool, ss.User, "mfa:"+ss.ID, code)
	cp["CODE_DELIVERY_DELIVERY_MEDIUM"] = medium
	cp["CODE_DELIVERY_DESTINATION"] = dest
	return nil
}

// codeMFAStep answers SMS_MFA and EMAIL_OTP: the code the session sent
// (and SMS_OTP and EMAIL_OTP as USER_AUTH's first factor, userauth.go).
// A right code also verifies the phone number or email it went to, as
// Cognito does.
func codeMFAStep(ctx context.Context, e *Engine, req *request, ss *Session, u *store.User) (*api.AuthOutput, error) {
	answer := codeAnswer(ss.Challenge)
	code := req.params[answer]
	if code == "" {
		return nil, missing(answer)
	}
	if err := e.CheckLock(u); err != nil {
		return nil, err
	}
	match := false
	for _, h := range e.mfaCodeHashes(ss, code) {
		match = match || subtle.ConstantTimeCompare(ss.Code, h) == 1
	}
	if len(ss.Code) == 0 || !match {
		step := StepMFA
		if ss.Stage == StageFirstFactor {
			step = StepPassword // USER_AUTH's one factor, recorded as a failed first factor
		}
		return nil, e.failedSignIn(ctx, req.client, u, step, api.Errorf(api.ErrCodeMismatch, api.MsgInvalidCodeForUser))
	}
	if ss.SetupEmail != "" {
		return e.finishEmailSetup(ctx, req, ss, u)
	}
	attr := "email_verified"
	if codeMedium(ss.Challenge) == "SMS" {
		attr = "phone_number_verified"
	}
	if u.Attributes[attr] != "true" {
		var err error
		u, err = e.core.UpdateUser(ctx, u, func(u *store.User) error {
			if u.Attributes == nil {
				u.Attributes = map[string]string{}
			}
			u.Attributes[attr] = "true"
			u.Updated = e.now()
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if ss.Stage == StageFirstFactor {
		return e.firstFactorCodeDone(ctx, req.client, ss, u)
	}
	return e.secondFactorDone(ctx, req.client, ss, u)
}

// selectMFAStep answers SELECT_MFA_TYPE: ANSWER names one of the factors
// offered in MFAS_CAN_CHOOSE, whose challenge follows (a code is sent for
// SMS_MFA and EMAIL_OTP). The choosing session is spent first, so that
// one password proof cannot send codes without end; a code that cannot be
// sent then means a new sign-in (Cognate's choice).
func selectMFAStep(ctx context.Context, e *Engine, req *request, ss *Session, u *store.User) (*api.AuthOutput, error) {
	answer := req.params["ANSWER"]
	if answer == "" {
		return nil, missing("ANSWER")
	}
	if err := e.CheckLock(u); err != nil {
		return nil, err
	}
	if !slices.Contains(mfaFactors(req.client, u), answer) {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgMFATypeNotOffered, answer)
	}
	if err := e.states.Spend(ctx, ss); err != nil {
		return nil, err
	}
	return e.secondStep(ctx, req.client, u, answer, time.Unix(ss.AuthTime, 0), ss.DeviceKey)
}

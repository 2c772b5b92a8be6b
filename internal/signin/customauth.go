package signin

import (
	"context"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/srp"
	"github.com/cognate-idp/cognate/internal/store"
)

// CUSTOM_AUTH: the pool's DefineAuthChallenge function leads the sign-in.
// It sees the challenges given so far with their results (the session) and
// answers with tokens, a failure, or the next challenge: CUSTOM_CHALLENGE,
// whose question CreateAuthChallenge makes and whose answer
// VerifyAuthChallengeResponse checks, or PASSWORD_VERIFIER (Cognito's own
// SRP proof, when the sign-in began with SRP_A).
//
//	InitiateAuth CUSTOM_AUTH ──► DefineAuthChallenge(session)
//	   ├ failAuthentication ──► NotAuthorizedException
//	   ├ issueTokens ──► tokens
//	   ├ PASSWORD_VERIFIER (SRP_A given) ──► the SRP proof ──► {PASSWORD_VERIFIER, true} ──► DefineAuthChallenge
//	   └ CUSTOM_CHALLENGE ──► CreateAuthChallenge ──► the public parameters to the client
//	        RespondToAuthChallenge ANSWER ──► VerifyAuthChallengeResponse
//	           ──► {CUSTOM_CHALLENGE, answerCorrect, challengeMetadata} ──► DefineAuthChallenge
//
// The private parameters and the metadata travel sealed in the Session
// (each Session answered once), never shown to the client.

// ChallengeCustomSRP is the session entry of a sign-in that began with
// SRP_A: Cognito gives DefineAuthChallenge {SRP_A, true} first.
const ChallengeCustomSRP = "SRP_A"

// maxCustomChallenges bounds a custom sign-in's session: once it holds
// that many entries the sign-in fails as if DefineAuthChallenge had said
// so. Cognito documents no
// number; Cognate's choice keeps the sealed Session within the 2048
// characters RespondToAuthChallenge accepts, and a wrong answer counts
// towards the lockout anyway.
const maxCustomChallenges = 8

// maxSessionLength is the longest Session RespondToAuthChallenge accepts.
const maxSessionLength = 2048

// ChallengeResult is one entry of a custom sign-in's session: a challenge
// given and whether it was passed, with CreateAuthChallenge's metadata.
type ChallengeResult struct {
	Name     string `json:"n"`
	Result   bool   `json:"r"`
	Metadata string `json:"m,omitempty"`
}

// CustomState is what a custom sign-in carries from one call to the next,
// sealed in the Session (or, for its SRP step, in SECRET_BLOCK).
type CustomState struct {
	History []ChallengeResult `json:"h"`
	// Private and Metadata are CreateAuthChallenge's answer for the
	// challenge now open.
	Private  map[string]string `json:"pv,omitempty"`
	Metadata string            `json:"md,omitempty"`
	// Phantom marks an unknown user, hidden (PreventUserExistenceErrors):
	// the triggers see userNotFound true and no tokens are ever issued.
	Phantom bool `json:"ph,omitempty"`
	// SRPA is the client's SRP_A, kept for a PASSWORD_VERIFIER that
	// DefineAuthChallenge may ask for.
	SRPA string `json:"a,omitempty"`
}

// CustomAuthRequest is what the custom challenge triggers are told of the
// sign-in (their clientMetadata is the user core's: it has the request).
type CustomAuthRequest struct {
	Session      []ChallengeResult
	UserNotFound bool
}

// DefineAnswer is DefineAuthChallenge's answer.
type DefineAnswer struct {
	ChallengeName      string
	IssueTokens        bool
	FailAuthentication bool
}

// CreatedChallenge is CreateAuthChallenge's answer.
type CreatedChallenge struct {
	Public, Private map[string]string
	Metadata        string
}

// customFlow is CUSTOM_AUTH, InitiateAuth's and AdminInitiateAuth's.
type customFlow struct{}

func (customFlow) initiate(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error) {
	c, p := req.client, req.params
	if !c.Allows("ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY") {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgAuthFlowNotEnabled)
	}
	if p["USERNAME"] == "" {
		return nil, missing("USERNAME")
	}
	// The docs have clients send CHALLENGE_NAME SRP_A with SRP_A; an SRP_A
	// alone is taken the same way (Cognate's choice).
	srpA := p["SRP_A"]
	if p["CHALLENGE_NAME"] == ChallengeCustomSRP && srpA == "" {
		return nil, missing("SRP_A")
	}
	if srpA != "" {
		if _, err := srp.ParseA(srpA); err != nil {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgSRPAInvalid)
		}
	}
	if err := e.core.CustomAuthReady(c); err != nil {
		return nil, err
	}
	u, phantom, err := e.signInUser(ctx, c, p)
	if err != nil {
		return nil, err
	}
	// PreAuthentication once, at InitiateAuth, as for the password flows.
	if err := e.beforeAuthentication(ctx, c, u, phantom); err != nil {
		return nil, err
	}
	if !phantom {
		if err := CheckSignInState(u); err != nil {
			return nil, err
		}
		if err := e.CheckLock(u); err != nil {
			return nil, err
		}
		if _, err := e.core.UserDevice(ctx, u, p["DEVICE_KEY"]); err != nil {
			return nil, err
		}
	}
	st := &CustomState{Phantom: phantom, History: []ChallengeResult{}}
	if srpA != "" {
		st.SRPA = srpA
		st.History = append(st.History, ChallengeResult{Name: ChallengeCustomSRP, Result: true})
	}
	return e.customNext(ctx, c, u, st, e.now(), p["DEVICE_KEY"])
}

// customNext asks DefineAuthChallenge what follows the session so far.
func (e *Engine) customNext(ctx context.Context, c Client, u *store.User, st *CustomState, authTime time.Time, deviceKey string) (*api.AuthOutput, error) {
	if len(st.History) >= maxCustomChallenges {
		return nil, e.customFailed(ctx, c, u, st)
	}
	req := &CustomAuthRequest{Session: st.History, UserNotFound: st.Phantom}
	ans, err := e.core.DefineAuthChallenge(ctx, c, u, req)
	if err != nil {
		return nil, err
	}
	switch {
	case ans.FailAuthentication:
		// failAuthentication wins over issueTokens when a function sets
		// both (Cognate's choice: the safe reading).
		return nil, e.customFailed(ctx, c, u, st)
	case ans.IssueTokens:
		if st.Phantom {
			// An unknown user never signs in, whatever the function says.
			return nil, e.phantomFailure(ctx, c, api.ErrBadCredentials)
		}
		// No MFA follows the function's tokens: where the pool asks for
		// MFA, it came after PASSWORD_VERIFIER (customPasswordVerified).
		return e.complete(ctx, c, u, authTime, deviceKey, false)
	case ans.ChallengeName == ChallengeCustom:
		return e.customChallenge(ctx, c, u, st, req, authTime, deviceKey)
	case ans.ChallengeName == ChallengePasswordVerify && st.SRPA != "" && !st.passed(ChallengePasswordVerify):
		return e.customSRP(ctx, c, u, st, deviceKey)
	}
	// Neither tokens nor a failure nor a challenge Cognate can give here
	// (PASSWORD_VERIFIER without SRP_A, or an MFA challenge).
	return nil, api.Errorf(api.ErrInvalidLambdaResponse, api.MsgLambdaUnrecognized)
}

func (st *CustomState) passed(challenge string) bool {
	for _, r := range st.History {
		if r.Name == challenge && r.Result {
			return true
		}
	}
	return false
}

// customFailed ends a custom sign-in that DefineAuthChallenge failed: one
// failed sign-in in the user's history. The wrong answers that led here
// were each counted towards the lockout already; a failure with no wrong
// answer counts nothing (the function may refuse for its own reasons).
func (e *Engine) customFailed(ctx context.Context, c Client, u *store.User, st *CustomState) error {
	if st.Phantom {
		if c.KeepsAuthEvents() {
			PhantomWrites(ctx, e.st, e.now(), 1)
		}
		noted(ctx, ResultUnknownUser)
		return api.ErrBadCredentials
	}
	noted(ctx, ResultWrongPassword)
	if err := e.recordSignIn(ctx, c, u, Failed(StepPassword)); err != nil {
		return err
	}
	return api.ErrBadCredentials
}

// customChallenge gives a CUSTOM_CHALLENGE: CreateAuthChallenge's public
// parameters (with USERNAME) to the client, the rest sealed in the Session.
func (e *Engine) customChallenge(ctx context.Context, c Client, u *store.User, st *CustomState, req *CustomAuthRequest, authTime time.Time, deviceKey string) (*api.AuthOutput, error) {
	created, err := e.core.CreateAuthChallenge(ctx, c, u, req, ChallengeCustom)
	if err != nil {
		return nil, err
	}
	st.Private, st.Metadata = created.Private, created.Metadata
	ss := e.newSession(c, u, ChallengeCustom, authTime)
	ss.DeviceKey = deviceKey
	ss.Custom = st
	session := e.states.Seal(ss)
	if len(session) > maxSessionLength {
		return nil, api.Errorf(api.ErrInvalidLambdaResponse, api.MsgCustomChallengeTooLarge)
	}
	cp := make(map[string]string, len(created.Public)+1)
	for k, v := range created.Public {
		cp[k] = v
	}
	cp["USERNAME"] = u.Username
	return &api.AuthOutput{ChallengeName: ChallengeCustom, Session: session, ChallengeParameters: cp}, nil
}

// customSRP gives the PASSWORD_VERIFIER DefineAuthChallenge asked for: the
// SRP exchange of USER_SRP_AUTH, its sealed state carrying the custom
// sign-in on.
func (e *Engine) customSRP(ctx context.Context, c Client, u *store.User, st *CustomState, deviceKey string) (*api.AuthOutput, error) {
	st.Private, st.Metadata = nil, ""
	return e.srpChallenge(c, u, st.SRPA, deviceKey, st.Phantom, st)
}

// customPasswordVerified goes on with a custom sign-in after its SRP proof.
// Where the pool asks the user for MFA, Cognito asks for it here, in place
// of calling DefineAuthChallenge again, and issues tokens after the code
// (reported of Cognito in aws-amplify/amplify-js#3876; its team's word in
// #12887: MFA in a custom flow depends on PASSWORD_VERIFIER). A
// passwordless custom flow never asks MFA.
func (e *Engine) customPasswordVerified(ctx context.Context, c Client, u *store.User, st *CustomState, deviceKey string) (*api.AuthOutput, error) {
	mfa, err := mfaChallenge(c, u)
	if err != nil {
		return nil, err
	}
	if mfa != "" {
		return e.secondStep(ctx, c, u, mfa, e.now(), deviceKey)
	}
	st.History = append(st.History, ChallengeResult{Name: ChallengePasswordVerify, Result: true})
	return e.customNext(ctx, c, u, st, e.now(), deviceKey)
}

// customChallengeHandler answers CUSTOM_CHALLENGE: ANSWER goes to
// VerifyAuthChallengeResponse with the private parameters, its verdict to
// the session, and the session to DefineAuthChallenge.
type customChallengeHandler struct{}

func (customChallengeHandler) respond(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error) {
	c, r := req.client, req.params
	ss, err := e.openSession(req)
	if err != nil {
		return nil, err
	}
	if ss.Custom == nil {
		return nil, api.ErrBadSession
	}
	name := r["USERNAME"]
	if name == "" {
		return nil, missing("USERNAME")
	}
	answer, ok := req.params["ANSWER"]
	if !ok {
		return nil, missing("ANSWER")
	}
	st := ss.Custom
	var u *store.User
	if st.Phantom {
		// The client answers with the USERNAME it was given or the name
		// it typed; either names the phantom.
		if name != ss.User && e.phantomName(c, name) != ss.User {
			return nil, api.ErrBadSession
		}
		u = e.phantom(c, ss.User)
	} else if u, err = e.core.ResolveUser(ctx, c, name); err != nil || u.Username != ss.User {
		return nil, api.ErrBadSession
	}
	if err := c.CheckSecretHash(r["SECRET_HASH"], name, u.Username); err != nil {
		return nil, err
	}
	if !st.Phantom {
		if err := CheckSignInState(u); err != nil {
			return nil, err
		}
		if err := e.CheckLock(u); err != nil {
			return nil, err
		}
	}
	// Spent before the functions run: a Session is answered once, right
	// or wrong (the next challenge comes with a new one).
	if err := e.states.Spend(ctx, ss); err != nil {
		return nil, err
	}
	creq := &CustomAuthRequest{Session: st.History, UserNotFound: st.Phantom}
	correct, err := e.core.VerifyAuthChallenge(ctx, c, u, creq, st.Private, answer)
	if err != nil {
		return nil, err
	}
	st.History = append(st.History, ChallengeResult{Name: ChallengeCustom, Result: correct, Metadata: st.Metadata})
	st.Private, st.Metadata = nil, ""
	if !correct && !st.Phantom {
		// A wrong answer counts towards the lockout, as a wrong password
		// does; the function then decides whether another try follows.
		if err := e.Failed(ctx, u, nil); err != nil {
			return nil, err
		}
		// The stored user, with the count, for the sign-in to go on with.
		if u, err = e.st.GetUser(ctx, u.PoolID, u.Username); err != nil {
			return nil, internal(err)
		}
	}
	if !correct && st.Phantom {
		PhantomWrites(ctx, e.st, e.now(), 1)
	}
	deviceKey := r["DEVICE_KEY"]
	if deviceKey == "" {
		deviceKey = ss.DeviceKey
	} else if deviceKey != ss.DeviceKey && !st.Phantom {
		if _, err := e.core.UserDevice(ctx, u, deviceKey); err != nil {
			return nil, err
		}
	}
	return e.customNext(ctx, c, u, st, time.Unix(ss.AuthTime, 0), deviceKey)
}

package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/triggers"
)

// The custom challenge triggers of CUSTOM_AUTH (package signin runs the
// loop: signin/customauth.go).

// CustomAuthReady refuses CUSTOM_AUTH in a pool without a
// DefineAuthChallenge function, in Cognito's words.
func (k signinCore) CustomAuthReady(sc signin.Client) error {
	if arn, _ := sc.(*client).pool.trigger(triggers.DefineAuthChallenge); arn == "" {
		return api.Errorf(api.ErrInvalidParameter, api.MsgCustomAuthNoLambda)
	}
	return nil
}

// customAuthAttributes are the user attributes the custom challenge
// triggers see: the stored ones with sub and cognito:user_status, as
// Cognito sends them; none for an unknown user.
func customAuthAttributes(u *store.User, notFound bool) map[string]string {
	out := map[string]string{}
	if notFound {
		return out
	}
	for k, v := range u.Attributes {
		out[k] = v
	}
	out["sub"] = u.Sub
	out["cognito:user_status"] = u.Status
	return out
}

func challengeResults(h []signin.ChallengeResult) []triggers.ChallengeResult {
	out := make([]triggers.ChallengeResult, len(h))
	for i, r := range h {
		out[i] = triggers.ChallengeResult{ChallengeName: r.Name, ChallengeResult: r.Result, ChallengeMetadata: r.Metadata}
	}
	return out
}

// customEvent is the envelope of a custom challenge trigger's event.
func customEvent(sc signin.Client, u *store.User, source string, request any) *triggers.Event {
	return &triggers.Event{TriggerSource: source, UserName: u.Username,
		CallerContext: triggers.CallerContext{ClientID: sc.ID()}, Request: request}
}

// DefineAuthChallenge asks the pool's function what follows the session.
func (k signinCore) DefineAuthChallenge(ctx context.Context, sc signin.Client, u *store.User, r *signin.CustomAuthRequest) (*signin.DefineAnswer, error) {
	p := sc.(*client).pool
	var resp triggers.DefineAuthChallengeResponse
	ran, err := k.s.callTrigger(ctx, p, triggers.DefineAuthChallenge, customEvent(sc, u, triggers.SourceDefineAuthChallenge,
		triggers.DefineAuthChallengeRequest{UserAttributes: customAuthAttributes(u, r.UserNotFound), Session: challengeResults(r.Session),
			ClientMetadata: callMetadata(ctx), UserNotFound: r.UserNotFound}), &resp)
	if err != nil {
		return nil, err
	}
	if !ran {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgCustomAuthNoLambda)
	}
	return &signin.DefineAnswer{ChallengeName: resp.ChallengeName, IssueTokens: resp.IssueTokens, FailAuthentication: resp.FailAuthentication}, nil
}

// CreateAuthChallenge asks the pool's function for the challenge's
// question (public parameters) and answer (private ones). A pool without
// the function gets the same error as one without DefineAuthChallenge
// (Cognate's choice).
func (k signinCore) CreateAuthChallenge(ctx context.Context, sc signin.Client, u *store.User, r *signin.CustomAuthRequest, challenge string) (*signin.CreatedChallenge, error) {
	p := sc.(*client).pool
	var resp triggers.CreateAuthChallengeResponse
	ran, err := k.s.callTrigger(ctx, p, triggers.CreateAuthChallenge, customEvent(sc, u, triggers.SourceCreateAuthChallenge,
		triggers.CreateAuthChallengeRequest{UserAttributes: customAuthAttributes(u, r.UserNotFound), ChallengeName: challenge,
			Session: challengeResults(r.Session), ClientMetadata: callMetadata(ctx), UserNotFound: r.UserNotFound}), &resp)
	if err != nil {
		return nil, err
	}
	if !ran {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgCustomAuthNoLambda)
	}
	return &signin.CreatedChallenge{Public: resp.PublicChallengeParameters, Private: resp.PrivateChallengeParameters, Metadata: resp.ChallengeMetadata}, nil
}

// VerifyAuthChallenge asks the pool's function whether the answer is right.
func (k signinCore) VerifyAuthChallenge(ctx context.Context, sc signin.Client, u *store.User, r *signin.CustomAuthRequest, private map[string]string, answer string) (bool, error) {
	p := sc.(*client).pool
	if private == nil {
		private = map[string]string{}
	}
	var resp triggers.VerifyAuthChallengeAnswer
	ran, err := k.s.callTrigger(ctx, p, triggers.VerifyAuthChallengeResponse, customEvent(sc, u, triggers.SourceVerifyAuthChallenge,
		triggers.VerifyAuthChallengeRequest{UserAttributes: customAuthAttributes(u, r.UserNotFound), PrivateChallengeParameters: private,
			ChallengeAnswer: answer, ClientMetadata: callMetadata(ctx), UserNotFound: r.UserNotFound}), &resp)
	if err != nil {
		return false, err
	}
	if !ran {
		return false, api.Errorf(api.ErrInvalidParameter, api.MsgCustomAuthNoLambda)
	}
	return resp.AnswerCorrect, nil
}

package lambdatest

import (
	"fmt"

	"github.com/aws/aws-lambda-go/events"
)

// OneTimeCode is a custom authentication function as Cognito's examples
// write one, for the tests of CUSTOM_AUTH (e2e/triggers and the JavaScript
// suite's harness):
//
//   - DefineAuthChallenge: after {SRP_A} it asks PASSWORD_VERIFIER; after a
//     right answer it issues tokens; after three wrong ones it fails the
//     sign-in; otherwise it asks CUSTOM_CHALLENGE;
//   - CreateAuthChallenge: the code Code gives for the user goes in the
//     private parameters, a hint in the public ones, "CODE-<n>" (n the
//     challenge's place in the session) in the metadata;
//   - VerifyAuthChallengeResponse: the answer against the private code.
type OneTimeCode struct {
	// Code makes the code of a challenge for the event's userName.
	Code func(userName string) string
}

// Hint is the public parameter "hint" of OneTimeCode's challenges.
const Hint = "the code we sent you"

// Handle answers one invocation.
func (o OneTimeCode) Handle(inv *Invocation) Reply {
	switch inv.Source() {
	case "DefineAuthChallenge_Authentication":
		var ev events.CognitoEventUserPoolsDefineAuthChallenge
		if err := inv.Event(&ev); err != nil {
			return Reply{Error: err.Error()}
		}
		var r events.CognitoEventUserPoolsDefineAuthChallengeResponse
		s := ev.Request.Session
		wrong := 0
		for _, c := range s {
			if c.ChallengeName == "CUSTOM_CHALLENGE" && !c.ChallengeResult {
				wrong++
			}
		}
		switch last := len(s) - 1; {
		case len(s) > 0 && s[last].ChallengeName == "SRP_A":
			r.ChallengeName = "PASSWORD_VERIFIER"
		case len(s) > 0 && s[last].ChallengeName == "CUSTOM_CHALLENGE" && s[last].ChallengeResult:
			r.IssueTokens = true
		case wrong >= 3:
			r.FailAuthentication = true
		default:
			r.ChallengeName = "CUSTOM_CHALLENGE"
		}
		return Reply{Response: r}
	case "CreateAuthChallenge_Authentication":
		var ev events.CognitoEventUserPoolsCreateAuthChallenge
		if err := inv.Event(&ev); err != nil {
			return Reply{Error: err.Error()}
		}
		return Reply{Response: events.CognitoEventUserPoolsCreateAuthChallengeResponse{
			PublicChallengeParameters:  map[string]string{"hint": Hint},
			PrivateChallengeParameters: map[string]string{"code": o.Code(ev.UserName)},
			ChallengeMetadata:          fmt.Sprintf("CODE-%d", len(ev.Request.Session)+1)}}
	case "VerifyAuthChallengeResponse_Authentication":
		var ev events.CognitoEventUserPoolsVerifyAuthChallenge
		if err := inv.Event(&ev); err != nil {
			return Reply{Error: err.Error()}
		}
		return Reply{Response: events.CognitoEventUserPoolsVerifyAuthChallengeResponse{
			AnswerCorrect: ev.Request.ChallengeAnswer == ev.Request.PrivateChallengeParameters["code"]}}
	}
	return Reply{Error: "the one-time-code function answers only the custom challenge triggers, not " + inv.Source()}
}

package sdk_test

import (
	"errors"
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

// TestMFAStepInOneTransaction: on PostgreSQL a sign-in step's writes are
// one transaction (store.Unit), and the step still answers as each write
// committing on its own did: wrong codes count towards the lockout though
// the step fails, a code is accepted once, a session yields tokens once,
// even to answers racing each other, and the tokens issued work.
func TestMFAStepInOneTransaction(t *testing.T) {
	e := newEnv(t, cognatetest.WithDatabase(pgtest.NewDatabase(t)))
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	name := e.user(poolID, clientID)
	secret, _ := e.enrol(clientID, name)
	answer := func(session *string, code string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, session, map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code})
	}

	// Five wrong codes lock the user out: each failed step's count was kept.
	start := must(e.passwordAuth(clientID, name, password))(t)
	for i := 0; i < 5; i++ {
		_, err := answer(start.Session, badCode(e.totpCode(secret, 0)))
		wantErr(t, err, "CodeMismatchException", "")
	}
	_, err := answer(start.Session, e.totpCode(secret, 0))
	wantErr(t, err, "NotAuthorizedException", "Password attempts exceeded")
	e.srv.Clock.Advance(2 * time.Second)

	// Eight answers with the right code at once: one gets tokens.
	start = must(e.passwordAuth(clientID, name, password))(t)
	code := e.totpCode(secret, 0)
	var mu sync.Mutex
	var won []*types.AuthenticationResultType
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := answer(start.Session, code)
			if err != nil {
				// A loser finds the code used, or the session spent.
				var ae smithy.APIError
				if !errors.As(err, &ae) || (ae.ErrorCode() != "ExpiredCodeException" && ae.ErrorCode() != "NotAuthorizedException") {
					t.Errorf("racing answer: %v", err)
				}
				return
			}
			mu.Lock()
			won = append(won, out.AuthenticationResult)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(won) != 1 {
		t.Fatalf("%d racing answers got tokens, want 1", len(won))
	}

	// The losers' used code counted as failures, and locked the user out
	// for a few seconds.
	e.srv.Clock.Advance(10 * time.Second)

	// The spent session with the next step's code, which the TOTP check
	// accepts: the session is refused (the spent-session write does not
	// break the step's transaction), and the same code in a new session is
	// refused as used.
	_, err = answer(start.Session, e.totpCode(secret, 1))
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	again := must(e.passwordAuth(clientID, name, password))(t)
	_, err = answer(again.Session, e.totpCode(secret, 1))
	wantErr(t, err, "ExpiredCodeException", "")

	// The winner's refresh token was stored with the rest of its step.
	ref := must(e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(won[0].RefreshToken)}}))(t)
	if ref.AuthenticationResult == nil || ref.AuthenticationResult.AccessToken == nil {
		t.Fatalf("refresh: %+v", ref)
	}
}

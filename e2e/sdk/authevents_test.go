package sdk_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// events lists a user's sign-in events, newest first, as "Pass Password:Success Mfa:Success".
func (e *env) events(poolID, name string, max int32, next *string) ([]types.AuthEventType, *string) {
	e.t.Helper()
	out := must(e.c.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: &poolID, Username: &name,
		MaxResults: aws.Int32(max), NextToken: next}))(e.t)
	return out.AuthEvents, out.NextToken
}

func eventSummary(ev types.AuthEventType) string {
	s := string(ev.EventResponse)
	for _, c := range ev.ChallengeResponses {
		s += " " + string(c.ChallengeName) + ":" + string(c.ChallengeResponse)
	}
	return s
}

// withAdvancedSecurity turns on the add-on under which Cognito (and
// Cognate) keeps a sign-in history.
func withAdvancedSecurity(in *cip.CreateUserPoolInput) {
	in.UserPoolAddOns = &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}
}

// TestAdminListUserAuthEvents: every finished sign-in, passed or failed at
// the password or the TOTP code, is listed newest first with where it came
// from, in a pool with advanced security; without it there is no history
// and the operation says so, as in Cognito.
func TestAdminListUserAuthEvents(t *testing.T) {
	e := newEnv(t)
	plainPool, plainClient := e.pool(types.UserPoolMfaTypeOff)
	plainUser := e.user(plainPool, plainClient)
	must(e.passwordAuth(plainClient, plainUser, password))(t)
	_, err := e.c.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: &plainPool, Username: &plainUser})
	wantErr(t, err, "UserPoolAddOnNotEnabledException", "")

	poolID, clientID := e.pool(types.UserPoolMfaTypeOn, withAdvancedSecurity)
	name := e.user(poolID, clientID)
	if evs, next := e.events(poolID, name, 0, nil); len(evs) != 0 || next != nil {
		t.Fatalf("events before any sign-in: %+v", evs)
	}
	start := e.srv.Clock.Now().Add(-time.Second) // the wire keeps milliseconds
	secret, _ := e.enrol(clientID, name)         // Pass, with the code of the set-up
	e.srv.Clock.Advance(time.Minute)
	_, err = e.passwordAuth(clientID, name, "Wrong-Passw0rd!")
	wantErr(t, err, "NotAuthorizedException", "")
	e.srv.Clock.Advance(time.Minute)
	ch := must(e.passwordAuth(clientID, name, password))(t)
	_, err = e.respond(clientID, types.ChallengeNameTypeSoftwareTokenMfa, ch.Session,
		map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": badCode(e.totpCode(secret, 0))})
	wantErr(t, err, "CodeMismatchException", "")
	e.srv.Clock.Advance(time.Minute)
	e.mfaSignIn(clientID, name, secret)
	// A sign-in left at its challenge is no event.
	must(e.passwordAuth(clientID, name, password))(t)

	evs, next := e.events(poolID, name, 0, nil)
	want := []string{"Pass Password:Success Mfa:Success", "Fail Password:Success Mfa:Failure", "Fail Password:Failure", "Pass Password:Success Mfa:Success"}
	if len(evs) != len(want) || next != nil {
		t.Fatalf("%d events, next %v", len(evs), next)
	}
	ids := map[string]bool{}
	for i, ev := range evs {
		if eventSummary(ev) != want[i] || ev.EventType != types.EventTypeSignIn || aws.ToString(ev.EventId) == "" || ids[aws.ToString(ev.EventId)] ||
			ev.EventContextData == nil || aws.ToString(ev.EventContextData.IpAddress) != "127.0.0.1" || ev.CreationDate.Before(start) {
			t.Fatalf("event %d: %s %+v, want %s", i, eventSummary(ev), ev, want[i])
		}
		if i > 0 && !ev.CreationDate.Before(*evs[i-1].CreationDate) {
			t.Fatalf("events not newest first: %v then %v", evs[i-1].CreationDate, ev.CreationDate)
		}
		ids[aws.ToString(ev.EventId)] = true
	}
	page, next := e.events(poolID, name, 3, nil)
	rest, last := e.events(poolID, name, 3, next)
	if len(page) != 3 || next == nil || len(rest) != 1 || last != nil || aws.ToString(rest[0].EventId) != aws.ToString(evs[3].EventId) {
		t.Fatalf("pages of 3: %d (next %v), then %d (next %v)", len(page), next, len(rest), last)
	}
	_, err = e.c.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: &poolID, Username: aws.String("nobody")})
	wantErr(t, err, "UserNotFoundException", "")
	_, err = e.c.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{UserPoolId: &poolID, Username: &name, NextToken: aws.String("bm9uZQ")})
	wantErr(t, err, "InvalidParameterException", "")
}

// TestAuthEventsWithoutMFA: a password-only pool records the password step
// alone, for USER_PASSWORD_AUTH and SRP alike, and keeps the latest 50.
func TestAuthEventsWithoutMFA(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff, withAdvancedSecurity)
	name := e.user(poolID, clientID)
	cl, ch := e.srpStart(clientID, name, nil)
	_, err := e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, e.srpProof(cl, poolID, ch, "Wrong-Passw0rd!"))
	wantErr(t, err, "NotAuthorizedException", "")
	cl, ch = e.srpStart(clientID, name, nil)
	must(e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, e.srpProof(cl, poolID, ch, password)))(t)
	evs, _ := e.events(poolID, name, 10, nil)
	if len(evs) != 2 || eventSummary(evs[0]) != "Pass Password:Success" || eventSummary(evs[1]) != "Fail Password:Failure" {
		t.Fatalf("SRP events: %d, %v", len(evs), evs)
	}
	for i := 0; i < 50; i++ {
		must(e.passwordAuth(clientID, name, password))(t)
	}
	if evs, next := e.events(poolID, name, 60, nil); len(evs) != 50 || next != nil || eventSummary(evs[49]) != "Pass Password:Success" {
		t.Fatalf("kept %d events (next %v)", len(evs), next)
	}
}

package sdk_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestAuthEventFeedback: an administrator's feedback (Admin) and the user's
// own, with the event's FeedbackToken (User), are recorded on the event and
// shown by AdminListUserAuthEvents, the later replacing the earlier; a
// token of another event, user or pool, or a made-up one, is refused before
// anything is looked up; an unknown event, user and pool, a pool without
// threat protection and a bad value are refused.
func TestAuthEventFeedback(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff, withAdvancedSecurity)
	name, other := e.user(poolID, clientID), e.user(poolID, clientID)
	must(e.passwordAuth(clientID, name, password))(t)
	e.srv.Clock.Advance(time.Minute)
	_, err := e.passwordAuth(clientID, name, "Wrong-Passw0rd!")
	wantErr(t, err, "NotAuthorizedException", "")
	must(e.passwordAuth(clientID, other, password))(t)
	evs, _ := e.events(poolID, name, 10, nil)
	if len(evs) != 2 {
		t.Fatalf("events: %d", len(evs))
	}
	failed, passed := *evs[0].EventId, *evs[1].EventId
	otherEvent := *func() []types.AuthEventType { evs, _ := e.events(poolID, other, 10, nil); return evs }()[0].EventId
	feedbackOf := func(user, id string) *types.EventFeedbackType {
		t.Helper()
		evs, _ := e.events(poolID, user, 60, nil)
		for _, ev := range evs {
			if *ev.EventId == id {
				return ev.EventFeedback
			}
		}
		t.Fatalf("event %s not listed", id)
		return nil
	}
	if fb := feedbackOf(name, failed); fb != nil {
		t.Fatalf("feedback before any: %+v", fb)
	}

	// The administrator says the failed sign-in was not the user.
	e.srv.Clock.Advance(time.Minute)
	must(e.c.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: &name,
		EventId: &failed, FeedbackValue: types.FeedbackValueTypeInvalid}))(t)
	fb := feedbackOf(name, failed)
	if fb == nil || fb.FeedbackValue != types.FeedbackValueTypeInvalid || aws.ToString(fb.Provider) != "Admin" || !within(fb.FeedbackDate, e.srv.Clock.Now()) {
		t.Fatalf("admin feedback: %+v", fb)
	}
	if fb := feedbackOf(name, passed); fb != nil {
		t.Fatalf("feedback on the other event: %+v", fb)
	}

	// The user, with the token of the event, says the passed one was theirs,
	// then changes their mind on the failed one; by an alias-free name.
	e.srv.Clock.Advance(time.Minute)
	tok := e.srv.FeedbackToken(poolID, name, passed)
	public := sdkClient(e.srv, aws.AnonymousCredentials{})
	must(public.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: &name, EventId: &passed,
		FeedbackToken: &tok, FeedbackValue: types.FeedbackValueTypeValid}))(t)
	fb = feedbackOf(name, passed)
	if fb == nil || fb.FeedbackValue != types.FeedbackValueTypeValid || aws.ToString(fb.Provider) != "User" || !within(fb.FeedbackDate, e.srv.Clock.Now()) {
		t.Fatalf("user feedback: %+v", fb)
	}
	failedTok := e.srv.FeedbackToken(poolID, name, failed)
	must(public.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: &name, EventId: &failed,
		FeedbackToken: &failedTok, FeedbackValue: types.FeedbackValueTypeValid}))(t)
	if fb := feedbackOf(name, failed); fb.FeedbackValue != types.FeedbackValueTypeValid || aws.ToString(fb.Provider) != "User" {
		t.Fatalf("feedback replaced: %+v", fb)
	}

	// Tokens that are not this event's.
	for _, c := range []struct{ what, user, event, token string }{
		{"another event's token", name, passed, failedTok},
		{"another user's token", other, otherEvent, e.srv.FeedbackToken(poolID, name, otherEvent)},
		{"a made-up token", name, passed, "bm90LWEtdG9rZW4"},
		{"another pool's token", name, passed, e.srv.FeedbackToken("us-east-1_other1", name, passed)},
		{"an unknown user's real-looking token", "nobody", passed, e.srv.FeedbackToken(poolID, "nobody", "x")},
	} {
		_, err := public.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: &c.user, EventId: &c.event,
			FeedbackToken: &c.token, FeedbackValue: types.FeedbackValueTypeInvalid})
		wantErr(t, err, "NotAuthorizedException", "feedback token")
	}
	if fb := feedbackOf(other, otherEvent); fb != nil {
		t.Fatalf("feedback recorded with a wrong token: %+v", fb)
	}

	// Unknown event, user and pool; a bad value; a pool without a history.
	const unknownEvent = "00000000-0000-4000-8000-000000000000"
	_, err = e.c.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: &name,
		EventId: aws.String(unknownEvent), FeedbackValue: types.FeedbackValueTypeValid})
	wantErr(t, err, "ResourceNotFoundException", unknownEvent)
	tok = e.srv.FeedbackToken(poolID, name, unknownEvent)
	_, err = public.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: &name, EventId: aws.String(unknownEvent),
		FeedbackToken: &tok, FeedbackValue: types.FeedbackValueTypeValid})
	wantErr(t, err, "ResourceNotFoundException", unknownEvent)
	_, err = e.c.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: aws.String("nobody"),
		EventId: &failed, FeedbackValue: types.FeedbackValueTypeValid})
	wantErr(t, err, "UserNotFoundException", "")
	_, err = e.c.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: aws.String("us-east-1_nothere1"), Username: &name,
		EventId: &failed, FeedbackValue: types.FeedbackValueTypeValid})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.c.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: &name,
		EventId: &failed, FeedbackValue: "Maybe"})
	wantErr(t, err, "InvalidParameterException", "enum value set: [Valid, Invalid]")
	_, err = e.c.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: &name,
		EventId: aws.String("has spaces"), FeedbackValue: types.FeedbackValueTypeValid})
	wantErr(t, err, "InvalidParameterException", "regular expression pattern")
	_, err = public.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: &poolID, Username: &name, EventId: &passed,
		FeedbackToken: aws.String("not a token!"), FeedbackValue: types.FeedbackValueTypeValid})
	wantErr(t, err, "InvalidParameterException", "regular expression pattern")
	plainPool, plainClient := e.pool(types.UserPoolMfaTypeOff)
	plainUser := e.user(plainPool, plainClient)
	_, err = e.c.AdminUpdateAuthEventFeedback(ctx, &cip.AdminUpdateAuthEventFeedbackInput{UserPoolId: &plainPool, Username: &plainUser,
		EventId: &failed, FeedbackValue: types.FeedbackValueTypeValid})
	wantErr(t, err, "UserPoolAddOnNotEnabledException", "")
	tok = e.srv.FeedbackToken(plainPool, plainUser, failed)
	_, err = public.UpdateAuthEventFeedback(ctx, &cip.UpdateAuthEventFeedbackInput{UserPoolId: &plainPool, Username: &plainUser, EventId: &failed,
		FeedbackToken: &tok, FeedbackValue: types.FeedbackValueTypeValid})
	wantErr(t, err, "UserPoolAddOnNotEnabledException", "")
}

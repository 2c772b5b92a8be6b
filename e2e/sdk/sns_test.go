package sdk_test

import (
	"regexp"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/snstest"
)

func startGoaws(t *testing.T) *snstest.Server {
	t.Helper()
	g, err := snstest.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Stop)
	return g
}

// TestSMSMFAThroughSNS: with the SNS sender, an SMS MFA code leaves through
// SNS Publish (here goaws, to a topic, the number as a message attribute),
// is read back from goaws, and signs the user in; nothing goes to the
// outbox.
func TestSMSMFAThroughSNS(t *testing.T) {
	g := startGoaws(t)
	e := newEnv(t, cognatetest.WithSNS(g.Endpoint, g.TopicArn))
	poolID, clientID := e.codeMFAPool(types.UserPoolMfaTypeOn, "sms")
	name := e.codeMFAUser(poolID, "phone_number", "+15555550142", "email", "sns@example.com")
	ch := must(e.passwordAuth(clientID, name, password))(t)
	if ch.ChallengeName != types.ChallengeNameTypeSmsMfa || ch.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "+*******0142" {
		t.Fatalf("challenge %q %v", ch.ChallengeName, ch.ChallengeParameters)
	}
	msgs := must(g.Messages(ctx))(t)
	if len(msgs) != 1 {
		t.Fatalf("goaws holds %d messages, want 1: %+v", len(msgs), msgs)
	}
	m := regexp.MustCompile(`^Your sign-in code: ([0-9]{6})$`).FindStringSubmatch(msgs[0].Body)
	if m == nil || msgs[0].Attributes["phone_number"] != "+15555550142" {
		t.Fatalf("published message %+v", msgs[0])
	}
	if n := len(e.srv.Outbox(poolID, name)); n != 0 {
		t.Fatalf("the SMS also went to the outbox (%d messages)", n)
	}
	out := must(e.answer(clientID, name, ch, "SMS_MFA_CODE", m[1]))(t)
	if out.AuthenticationResult == nil {
		t.Fatalf("no tokens")
	}
}

// TestSMSMFADeliveryFailure: a Publish SNS refuses (goaws has no SMS: a
// Publish to a phone number finds no topic) fails the sign-in with
// CodeDeliveryFailureException and leaves nothing behind: no challenge,
// no failure counted, and the user signs in once sending works.
func TestSMSMFADeliveryFailure(t *testing.T) {
	g := startGoaws(t)
	e := newEnv(t, cognatetest.WithSNS(g.Endpoint, ""))
	poolID, clientID := e.codeMFAPool(types.UserPoolMfaTypeOptional, "sms", "totp")
	name := e.codeMFAUser(poolID, "phone_number", "+15555550177")
	must(e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &name,
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}}))(t)
	for i := 0; i < 6; i++ {
		_, err := e.passwordAuth(clientID, name, password)
		wantErr(t, err, "CodeDeliveryFailureException", "")
	}
	// Six failed sendings locked nobody out: the password still works
	// once the user turns SMS MFA off.
	must(e.c.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: &poolID, Username: &name,
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: false}}))(t)
	if r := must(e.passwordAuth(clientID, name, password))(t); r.AuthenticationResult == nil {
		t.Fatalf("want tokens, got %q", r.ChallengeName)
	}
	u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t)
	if attrOf(u.UserAttributes, "phone_number_verified") == "true" {
		t.Fatalf("phone verified by a code never sent")
	}
}

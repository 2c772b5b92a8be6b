package sdk_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestCodesAreOneShot: a password-reset code and an attribute verification
// code work once; used again they are refused as a wrong code would be.
func TestCodesAreOneShot(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)

	must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}))(t)
	code := e.code(poolID, name)
	must(e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name, ConfirmationCode: &code, Password: aws.String("First-Passw0rd!")}))(t)
	_, err := e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: &name, ConfirmationCode: &code, Password: aws.String("Second-Passw0rd!")})
	wantErr(t, err, "CodeMismatchException", "")
	// The second reset did not happen.
	_, err = e.passwordAuth(clientID, name, "Second-Passw0rd!")
	wantErr(t, err, "NotAuthorizedException", "")
	tok := must(e.passwordAuth(clientID, name, "First-Passw0rd!"))(t).AuthenticationResult

	must(e.c.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("moved@example.com")}}}))(t)
	code = e.code(poolID, name)
	must(e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: &code}))(t)
	_, err = e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: &code})
	wantErr(t, err, "CodeMismatchException", "")
	// A code asked for again replaces the old one, which is refused once
	// the new one is used.
	must(e.c.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email")}))(t)
	fresh := e.code(poolID, name)
	must(e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: &fresh}))(t)
	_, err = e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: &fresh})
	wantErr(t, err, "CodeMismatchException", "")
	// A reset code is not an attribute code, nor the other way round.
	must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}))(t)
	reset := e.code(poolID, name)
	_, err = e.c.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email"), Code: &reset})
	wantErr(t, err, "CodeMismatchException", "")
}

// TestOutbox: every code is six digits, and GET /_cognate/outbox serves
// each message as JSON with its pool id, username, destination, purpose,
// code and time, filtered by pool and username.
func TestOutbox(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID) // a sign-up code
	pending := fmt.Sprintf("pending%d", userSeq.Add(1))
	e.signUp(clientID, pending)
	must(e.c.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: &clientID, Username: &pending}))(t)
	must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: &name}))(t)
	tok := must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult
	must(e.c.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: tok.AccessToken, AttributeName: aws.String("email")}))(t)
	otherPool, otherClient := e.pool(types.UserPoolMfaTypeOff)
	e.signUp(otherClient, name) // the same name in another pool

	get := func(q url.Values) []map[string]any {
		t.Helper()
		resp, err := http.Get(e.srv.URL + "/_cognate/outbox?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var msgs []map[string]any
		if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&msgs) != nil {
			t.Fatalf("outbox: %d", resp.StatusCode)
		}
		return msgs
	}
	six := regexp.MustCompile(`^[0-9]{6}$`)
	msgs := get(url.Values{"pool": {poolID}, "username": {name}})
	purposes := map[string]bool{}
	for _, m := range msgs {
		for _, k := range []string{"poolId", "username", "destination", "purpose", "code", "time"} {
			if s, _ := m[k].(string); s == "" {
				t.Fatalf("outbox message without %s: %v", k, m)
			}
		}
		if m["poolId"] != poolID || m["username"] != name || m["destination"] != name+"@example.com" {
			t.Errorf("outbox message %v", m)
		}
		if !six.MatchString(m["code"].(string)) {
			t.Errorf("code %q is not six digits", m["code"])
		}
		at, err := time.Parse(time.RFC3339Nano, m["time"].(string))
		if err != nil || at.Sub(e.srv.Clock.Now()).Abs() > time.Minute {
			t.Errorf("time %v (%v); the server's clock says %v", m["time"], err, e.srv.Clock.Now())
		}
		purposes[m["purpose"].(string)] = true
	}
	if len(msgs) != 3 || len(purposes) != 3 {
		t.Fatalf("want a sign-up, a reset and a verification message with three purposes, got %v", msgs)
	}
	if last := msgs[len(msgs)-1]["code"]; last != e.srv.LastCode(poolID, name) {
		t.Fatalf("the outbox's last code %v is not the test helper's %q", last, e.srv.LastCode(poolID, name))
	}
	// Filters: by pool and user, by user across pools, and everything.
	if n := len(get(url.Values{"pool": {otherPool}, "username": {name}})); n != 1 {
		t.Fatalf("other pool's messages for %s: %d", name, n)
	}
	if n := len(get(url.Values{"username": {name}})); n != 4 {
		t.Fatalf("%s's messages in both pools: %d", name, n)
	}
	all := get(url.Values{})
	if len(all) != 6 {
		t.Fatalf("all messages: %d", len(all))
	}
	for _, m := range all {
		if !six.MatchString(m["code"].(string)) {
			t.Errorf("code %q (%s) is not six digits", m["code"], m["purpose"])
		}
	}
}

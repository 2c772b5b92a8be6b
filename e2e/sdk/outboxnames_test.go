package sdk_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestOutboxBySignInName: the outbox (LastCode, Outbox) finds a user's codes
// by the name the user signs in with, an email used as username or an alias,
// as well as by the username the server generated or was given.
func TestOutboxBySignInName(t *testing.T) {
	e := newEnv(t)

	t.Run("email as username", func(t *testing.T) {
		poolID, clientID := e.pool(types.UserPoolMfaTypeOff, func(in *cip.CreateUserPoolInput) {
			in.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
		})
		email := "erin@example.com"
		out := must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: &email, Password: aws.String(password),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: &email}}}))(t)
		code := e.srv.LastCode(poolID, email)
		if code == "" {
			t.Fatalf("LastCode(%s) found nothing", email)
		}
		user := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &email}))(t)
		if *user.Username == email {
			t.Fatalf("the username %q is not generated", *user.Username)
		}
		if got := e.srv.LastCode(poolID, *user.Username); got != code {
			t.Errorf("LastCode by the generated username = %q, by email %q", got, code)
		}
		if got := e.srv.LastCode(poolID, *out.UserSub); got != code {
			t.Errorf("LastCode by sub = %q, by email %q", got, code)
		}
		if got := e.srv.LastCode(poolID, "nobody@example.com"); got != "" {
			t.Errorf("LastCode of an unknown email = %q", got)
		}
		must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: &email, ConfirmationCode: &code}))(t)
	})

	t.Run("email alias, not yet verified", func(t *testing.T) {
		poolID, clientID := e.pool(types.UserPoolMfaTypeOff, func(in *cip.CreateUserPoolInput) {
			in.AliasAttributes = []types.AliasAttributeType{types.AliasAttributeTypeEmail}
		})
		e.signUp(clientID, "frank")
		code := e.srv.LastCode(poolID, "frank@example.com")
		if code == "" || code != e.srv.LastCode(poolID, "frank") {
			t.Fatalf("LastCode by alias = %q, by username %q", code, e.srv.LastCode(poolID, "frank"))
		}
		if n := len(e.srv.Outbox(poolID, "frank@example.com")); n != 1 {
			t.Errorf("Outbox by alias holds %d messages, want 1", n)
		}
		must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("frank"), ConfirmationCode: &code}))(t)
	})
}

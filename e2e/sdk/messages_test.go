package sdk_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
)

// TestEmailVerificationMessage: a pool with the older
// EmailVerificationMessage and EmailVerificationSubject (no
// VerificationMessageTemplate) sends its codes in those words, and the code
// read from the message confirms the user.
func TestEmailVerificationMessage(t *testing.T) {
	box, addr := startMailbox(t)
	e := newEnv(t, cognatetest.WithSMTP("smtp://cognate:mail-pass@"+addr, "Cognate <no-reply@example.com>"))
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("legacy-words"),
		AutoVerifiedAttributes:   []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		EmailVerificationSubject: aws.String("Your legacy code"), EmailVerificationMessage: aws.String("Old style: {####} is the code.")}))(t)
	poolID := *p.UserPool.Id
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web")}))(t)
	clientID := *c.UserPoolClient.ClientId

	e.signUp(clientID, "oldtimer")
	msg := box.next(t)
	if !strings.Contains(msg.data, "Subject: Your legacy code") || !strings.Contains(msg.data, "Old style: ") {
		t.Fatalf("verification email in the pool's words:\n%s", msg.data)
	}
	must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("oldtimer"),
		ConfirmationCode: aws.String(codeIn(t, msg, "Old style: "))}))(t)
}

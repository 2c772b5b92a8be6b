package sdk_test

import (
	"errors"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// mailbox is a real SMTP server (emersion/go-smtp) on loopback that
// requires authentication and keeps what it receives.
type mailbox struct {
	mu   sync.Mutex
	msgs []mailMsg
	in   chan struct{}
}

type mailMsg struct{ from, to, data string }

type mailSession struct {
	box    *mailbox
	authed bool
	cur    mailMsg
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "cognate" || pass != "mail-pass" {
			return errors.New("bad credentials")
		}
		s.authed = true
		return nil
	}), nil
}
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return errors.New("authentication required")
	}
	s.cur.from = from
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.cur.to = to; return nil }
func (s *mailSession) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	s.cur.data = string(b)
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, s.cur)
	s.box.mu.Unlock()
	s.box.in <- struct{}{}
	return nil
}
func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

func startMailbox(t *testing.T) (*mailbox, string) {
	box := &mailbox{in: make(chan struct{}, 20)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: box}, nil }))
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return box, l.Addr().String()
}

func (b *mailbox) next(t *testing.T) mailMsg {
	t.Helper()
	select {
	case <-b.in:
	case <-time.After(15 * time.Second):
		t.Fatal("no email arrived")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.msgs[len(b.msgs)-1]
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// TestEmailDelivery: codes and invitations reach a real SMTP server through
// the pool's templates, and the codes read out of the messages work.
func TestEmailDelivery(t *testing.T) {
	box, addr := startMailbox(t)
	e := newEnv(t, cognatetest.WithSMTP("smtp://cognate:mail-pass@"+addr, "Cognate <no-reply@example.com>"))
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("mail"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		VerificationMessageTemplate: &types.VerificationMessageTemplateType{EmailSubject: aws.String("Confirm your account"),
			EmailMessage: aws.String("Hello {username}, your code is {####}.")},
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{InviteMessageTemplate: &types.MessageTemplateType{
			EmailSubject: aws.String("Welcome aboard"), EmailMessage: aws.String("Sign in as {username} with {####}")}},
	}))
	poolID := *p.UserPool.Id
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))
	clientID := *c.UserPoolClient.ClientId

	e.signUp(clientID, "mailer")
	msg := box.next(t)
	if msg.to != "mailer@example.com" || msg.from != "no-reply@example.com" || !strings.Contains(msg.data, "Subject: Confirm your account") ||
		!strings.Contains(msg.data, "Hello mailer, your code is ") {
		t.Fatalf("verification email: %+v", msg)
	}
	code := sixDigits.FindString(msg.data[strings.Index(msg.data, "your code is"):])
	must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("mailer"), ConfirmationCode: &code}))
	if e.srv.LastCode(poolID, "mailer") != "" {
		t.Fatal("the outbox is on while SMTP is configured")
	}

	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("guest"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("guest@example.com")}}}))
	inv := box.next(t)
	i := strings.Index(inv.data, "Sign in as guest with ")
	if inv.to != "guest@example.com" || !strings.Contains(inv.data, "Subject: Welcome aboard") || i < 0 {
		t.Fatalf("invitation email: %+v", inv)
	}
	temp := strings.TrimSpace(strings.SplitN(inv.data[i+len("Sign in as guest with "):], "\r\n", 2)[0])
	if r := must(e.passwordAuth(clientID, "guest", temp)); r.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("temporary password from the email: %q", r.ChallengeName)
	}
}

package sdk_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/porttest"
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

type mailMsg struct {
	from, to, data string
	tls            bool
}

type mailSession struct {
	box    *mailbox
	conn   *smtp.Conn
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
	_, s.cur.tls = s.conn.TLSConnectionState()
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, s.cur)
	s.box.mu.Unlock()
	s.box.in <- struct{}{}
	return nil
}
func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

func startMailbox(t *testing.T) (*mailbox, string) {
	box, addr, err := startMailboxAt(t, "127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	return box, addr
}

// startMailboxAt serves at addr, speaking TLS from the first byte (smtps)
// when given a certificate.
func startMailboxAt(t *testing.T, addr string, cert *tls.Certificate) (*mailbox, string, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", err
	}
	box, addr := startMailboxOn(t, l, cert)
	return box, addr, nil
}

// startMailboxOn serves on l.
func startMailboxOn(t *testing.T, l net.Listener, cert *tls.Certificate) (*mailbox, string) {
	box := &mailbox{in: make(chan struct{}, 20)}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &mailSession{box: box, conn: c}, nil }))
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	if cert != nil {
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{*cert}})
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
	}))(t)
	poolID := *p.UserPool.Id
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(t)
	clientID := *c.UserPoolClient.ClientId

	e.signUp(clientID, "mailer")
	msg := box.next(t)
	if msg.to != "mailer@example.com" || msg.from != "no-reply@example.com" || !strings.Contains(msg.data, "Subject: Confirm your account") ||
		!strings.Contains(msg.data, "Hello mailer, your code is ") {
		t.Fatalf("verification email: %+v", msg)
	}
	code := sixDigits.FindString(msg.data[strings.Index(msg.data, "your code is"):])
	must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("mailer"), ConfirmationCode: &code}))(t)
	if e.srv.LastCode(poolID, "mailer") != "" {
		t.Fatal("the outbox is on while SMTP is configured")
	}

	must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("guest"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("guest@example.com")}}}))(t)
	inv := box.next(t)
	i := strings.Index(inv.data, "Sign in as guest with ")
	if inv.to != "guest@example.com" || !strings.Contains(inv.data, "Subject: Welcome aboard") || i < 0 {
		t.Fatalf("invitation email: %+v", inv)
	}
	temp := strings.TrimSpace(strings.SplitN(inv.data[i+len("Sign in as guest with "):], "\r\n", 2)[0])
	if r := must(e.passwordAuth(clientID, "guest", temp))(t); r.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("temporary password from the email: %q", r.ChallengeName)
	}
}

// codeIn reads the six-digit code that follows marker in a message.
func codeIn(t *testing.T, m mailMsg, marker string) string {
	t.Helper()
	i := strings.Index(m.data, marker)
	if i < 0 {
		t.Fatalf("%q not in the message:\n%s", marker, m.data)
	}
	return sixDigits.FindString(m.data[i:])
}

// TestEmailFromThePoolAndPasswordReset: the pool's EmailConfiguration.From
// is the sender the SMTP server sees, and a reset code read from an email
// resets the password.
func TestEmailFromThePoolAndPasswordReset(t *testing.T) {
	box, addr := startMailbox(t)
	e := newEnv(t, cognatetest.WithSMTP("smtp://cognate:mail-pass@"+addr, "Cognate <no-reply@example.com>"))
	p := must(e.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("sender"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		EmailConfiguration: &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
			From: aws.String("Pool Team <team@pool.example>"), SourceArn: aws.String("arn:aws:ses:us-east-1:123456789012:identity/pool.example")}}))(t)
	poolID := *p.UserPool.Id
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}))(t)
	clientID := *c.UserPoolClient.ClientId

	e.signUp(clientID, "forgetful")
	msg := box.next(t)
	if msg.from != "team@pool.example" || !strings.Contains(msg.data, "From: Pool Team <team@pool.example>\r\n") || msg.to != "forgetful@example.com" {
		t.Fatalf("sender of the pool: envelope %q, message:\n%s", msg.from, msg.data)
	}
	must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("forgetful"),
		ConfirmationCode: aws.String(codeIn(t, msg, "verification code is"))}))(t)

	must(e.c.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("forgetful")}))(t)
	reset := box.next(t)
	if reset.from != "team@pool.example" || reset.to != "forgetful@example.com" {
		t.Fatalf("reset email: %+v", reset)
	}
	code := codeIn(t, reset, "verification code is")
	_, err := e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: aws.String("forgetful"),
		ConfirmationCode: aws.String(badCode(code)), Password: aws.String("Rem3mbered-now!")})
	wantErr(t, err, "CodeMismatchException", "")
	must(e.c.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: aws.String("forgetful"),
		ConfirmationCode: &code, Password: aws.String("Rem3mbered-now!")}))(t)
	_, err = e.passwordAuth(clientID, "forgetful", password)
	wantErr(t, err, "NotAuthorizedException", "")
	if r := must(e.passwordAuth(clientID, "forgetful", "Rem3mbered-now!"))(t); r.AuthenticationResult == nil {
		t.Fatalf("sign-in with the reset password: %+v", r)
	}
}

// TestSMTPS: smtps:// speaks TLS from the first byte to a server whose
// certificate comes from a CA made here, trusted through SSL_CERT_FILE as
// an operator would trust a private CA.
func TestSMTPS(t *testing.T) {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Cognate e2e CA"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	// Go reads the system roots once per process, at the first TLS
	// handshake: nothing else in this package makes one before.
	t.Setenv("SSL_CERT_FILE", bundle)
	t.Setenv("SSL_CERT_DIR", t.TempDir())

	box, addr, err := startMailboxAt(t, "127.0.0.1:0", &tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: key})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, cognatetest.WithSMTP("smtps://cognate:mail-pass@"+addr, "Cognate <no-reply@example.com>"))
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	e.signUp(clientID, "secure")
	msg := box.next(t)
	if !msg.tls || msg.to != "secure@example.com" {
		t.Fatalf("not received over TLS: %+v", msg)
	}
	must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("secure"),
		ConfirmationCode: aws.String(codeIn(t, msg, "verification code is"))}))(t)
	if u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("secure")}))(t); u.UserStatus != types.UserStatusTypeConfirmed {
		t.Fatalf("status %q", u.UserStatus)
	}
}

// syncLog collects the server's log lines, written from several goroutines.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// take returns what was logged since the last take, and clears it.
func (l *syncLog) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.b.String()
	l.b.Reset()
	return out
}

// lines returns the lines containing s.
func (l *syncLog) lines(s string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.b.String(), "\n") {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

// TestFailedDeliveryLosesNothing: with the mail server down, SignUp still
// succeeds and the log says clearly, without the code, that the email did
// not go; once the server is up, the retry and ResendConfirmationCode
// deliver, and the newest code confirms the user.
func TestFailedDeliveryLosesNothing(t *testing.T) {
	port := porttest.Reserve(t) // the mail server is down
	addr := port.Addr
	logs := &syncLog{}
	e := newEnv(t, cognatetest.WithSMTP("smtp://cognate:mail-pass@"+addr, "Cognate <no-reply@example.com>"),
		cognatetest.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	out := e.signUp(clientID, "patient")
	if out.CodeDeliveryDetails == nil || out.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Fatalf("SignUp while the mail server is down: %+v", out)
	}
	var failed []string
	for deadline := time.Now().Add(10 * time.Second); len(failed) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no log line says the email failed")
		}
		failed = logs.lines("email delivery failed")
	}
	if line := failed[0]; !strings.Contains(line, "level=WARN") || !strings.Contains(line, "username=patient") ||
		!strings.Contains(line, "purpose=signup") || !strings.Contains(line, "connection refused") || sixDigits.MatchString(line) {
		t.Fatalf("failure line: %s", line)
	}
	if u := must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("patient")}))(t); u.UserStatus != types.UserStatusTypeUnconfirmed {
		t.Fatalf("status %q", u.UserStatus)
	}

	box, _ := startMailboxOn(t, port.Listen(t), nil)
	first := codeIn(t, box.next(t), "verification code is") // the retry
	must(e.c.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: &clientID, Username: aws.String("patient")}))(t)
	second := codeIn(t, box.next(t), "verification code is")
	for _, code := range []string{first, second} {
		if leaked := logs.lines(code); len(leaked) > 0 {
			t.Fatalf("a code is in the log: %s", leaked[0])
		}
	}
	if first != second {
		_, err := e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("patient"), ConfirmationCode: &first})
		wantErr(t, err, "CodeMismatchException", "") // replaced by the resent one
	}
	must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("patient"), ConfirmationCode: &second}))(t)
	must(e.passwordAuth(clientID, "patient", password))(t)
}

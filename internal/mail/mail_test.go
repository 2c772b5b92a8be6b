package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/porttest"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Inbox is a real SMTP server (emersion/go-smtp) on loopback that keeps what
// it receives. Tests of the whole server use it too.
type inbox struct {
	mu        sync.Mutex
	received  []received
	arrived   chan struct{}
	user      string
	pass      string
	authTries int // AUTH commands seen, whatever their outcome
}

type received struct {
	from, to string
	data     string
	authed   bool
	tls      bool
}

type session struct {
	box    *inbox
	conn   *smtp.Conn
	authed bool
	msg    received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(string) (sasl.Server, error) {
	s.box.mu.Lock()
	s.box.authTries++
	s.box.mu.Unlock()
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.box.user || pass != s.box.pass {
			return errors.New("bad credentials")
		}
		s.authed = true
		return nil
	}), nil
}
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.box.user != "" && !s.authed {
		return errors.New("authentication required")
	}
	s.msg.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error { s.msg.to = to; return nil }
func (s *session) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	s.msg.data, s.msg.authed = string(b), s.authed
	_, s.msg.tls = s.conn.TLSConnectionState()
	s.box.mu.Lock()
	s.box.received = append(s.box.received, s.msg)
	s.box.mu.Unlock()
	s.box.arrived <- struct{}{}
	return nil
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

// startInbox serves SMTP on loopback; with a certificate it offers
// STARTTLS, or with implicit speaks TLS from the first byte (smtps).
func startInbox(t *testing.T, user, pass string, cert *tls.Certificate, implicit ...bool) (*inbox, string) {
	box := &inbox{arrived: make(chan struct{}, 10), user: user, pass: pass}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{box: box, conn: c}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = cert == nil
	var l net.Listener
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cert != nil {
		cfg := &tls.Config{Certificates: []tls.Certificate{*cert}}
		if len(implicit) > 0 && implicit[0] {
			l = tls.NewListener(l, cfg)
		} else {
			srv.TLSConfig = cfg
		}
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return box, l.Addr().String()
}

func (b *inbox) count() (messages, authTries int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.received), b.authTries
}

func (b *inbox) wait(t *testing.T) received {
	t.Helper()
	select {
	case <-b.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("no message arrived")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.received[len(b.received)-1]
}

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newCA(t *testing.T) *testCA {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Cognate test CA"},
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// issue makes a server certificate for the host (a name or an IP).
func (ca *testCA) issue(t *testing.T, host string) *tls.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: host},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	if ip := net.ParseIP(host); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{host}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func message() idp.Message {
	return idp.Message{PoolID: "p", Username: "ann", Destination: "ann@example.com", Medium: "EMAIL", Purpose: "signup",
		Code: "123456", Time: time.Now(), Subject: "Your verification code", Body: "Your verification code is 123456. "}
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestPlainAuthOnLoopback(t *testing.T) {
	box, addr := startInbox(t, "cognate", "s3cret", nil)
	s, err := New("smtp://cognate:s3cret@"+addr, "Cognate <no-reply@example.com>", quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Deliver(context.Background(), message()); err != nil {
		t.Fatal(err)
	}
	got := box.wait(t)
	if got.to != "ann@example.com" || got.from != "no-reply@example.com" || !got.authed ||
		!strings.Contains(got.data, "Subject: Your verification code") || !strings.Contains(got.data, "Your verification code is 123456.") {
		t.Fatalf("received %+v", got)
	}
}

func TestStartTLS(t *testing.T) {
	ca := newCA(t)
	box, addr := startInbox(t, "cognate", "s3cret", ca.issue(t, "127.0.0.1"))
	s, err := New("smtp://cognate:s3cret@"+addr, "no-reply@example.com", quiet)
	if err != nil {
		t.Fatal(err)
	}
	s.RootCAs = ca.pool
	defer s.Close()
	s.Deliver(context.Background(), message())
	if got := box.wait(t); !got.tls || !got.authed {
		t.Fatalf("not sent over STARTTLS with auth: %+v", got)
	}
}

// TestRetriesUntilTheServerAnswers: the first attempt finds the mail
// server down (connection refused) and says so in the log; the server comes
// up on the same port, and a retry delivers.
func TestRetriesUntilTheServerAnswers(t *testing.T) {
	port := porttest.Reserve(t) // nothing listens yet
	logs := &logLines{}
	s, err := New("smtp://"+port.Addr, "no-reply@example.com", slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.Backoff = []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}
	defer s.Close()
	s.Deliver(context.Background(), message())
	logs.waitFor(t, "email delivery failed, retrying")
	if l := logs.String(); !strings.Contains(l, "connection refused") || strings.Contains(l, "email sent") {
		t.Fatalf("the first attempt did not fail on a closed port:\n%s", l)
	}
	box := &inbox{arrived: make(chan struct{}, 1)}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{box: box, conn: c}, nil }))
	srv.Domain = "localhost"
	go srv.Serve(port.Listen(t))
	defer srv.Close()
	if got := box.wait(t); got.to != "ann@example.com" {
		t.Fatalf("received %+v", got)
	}
	logs.waitFor(t, "email sent")
}

// logLines is a log destination tests can read while it is written.
type logLines struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logLines) waitFor(t *testing.T, s string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(l.String(), s); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%q never logged:\n%s", s, l.String())
		}
	}
}

func TestRefusals(t *testing.T) {
	for _, bad := range []string{"http://x", "smtp://", "::"} {
		if _, err := New(bad, "a@b.c", quiet); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	s, _ := New("smtp://127.0.0.1:1", "a@b.c", quiet)
	defer s.Close()
	sms := message()
	sms.Medium = "SMS"
	if err := s.Deliver(context.Background(), sms); err == nil {
		t.Error("SMS accepted by the email sender")
	}
}

// TestImplicitTLS: smtps:// speaks TLS from the first byte, and checks the
// server's certificate.
func TestImplicitTLS(t *testing.T) {
	ca := newCA(t)
	box, addr := startInbox(t, "cognate", "s3cret", ca.issue(t, "127.0.0.1"), true)
	s, err := New("smtps://cognate:s3cret@"+addr, "no-reply@example.com", quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.RootCAs = ca.pool
	if err := s.send(message()); err != nil {
		t.Fatal(err)
	}
	if got := box.wait(t); !got.tls || !got.authed || !strings.Contains(got.data, "123456") {
		t.Fatalf("not sent over implicit TLS with auth: %+v", got)
	}

	// The same server is refused by a sender that does not trust its CA.
	untrusting, _ := New("smtps://cognate:s3cret@"+addr, "no-reply@example.com", quiet)
	defer untrusting.Close()
	var unknown x509.UnknownAuthorityError
	if err := untrusting.send(message()); !errors.As(err, &unknown) {
		t.Fatalf("a certificate of an unknown CA: %v", err)
	}
	if n, tries := box.count(); n != 1 || tries != 1 {
		t.Fatalf("after the refusal the server saw %d messages and %d AUTH", n, tries)
	}
}

// remote makes s reach addr whatever host its URL names: the loopback
// server plays a remote one, with no network involved.
func remote(s *SMTP, addr string) {
	s.dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
}

// TestNoCleartextOffLoopback: a server off loopback that offers no
// STARTTLS gets neither the password nor a message.
func TestNoCleartextOffLoopback(t *testing.T) {
	box, addr := startInbox(t, "cognate", "s3cret", nil)
	s, err := New("smtp://cognate:s3cret@mail.example.com:587", "no-reply@example.com", quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	remote(s, addr)
	if err := s.send(message()); !errors.Is(err, errNoStartTLS) {
		t.Fatalf("sent in clear to a remote server: %v", err)
	}
	if n, tries := box.count(); n != 0 || tries != 0 {
		t.Fatalf("the server saw %d messages and %d AUTH", n, tries)
	}
}

// TestStartTLSOffLoopback: a remote server's certificate must name it.
func TestStartTLSOffLoopback(t *testing.T) {
	ca := newCA(t)
	box, addr := startInbox(t, "cognate", "s3cret", ca.issue(t, "mail.example.com"))
	s, _ := New("smtp://cognate:s3cret@mail.example.com:587", "no-reply@example.com", quiet)
	defer s.Close()
	remote(s, addr)
	s.RootCAs = ca.pool
	if err := s.send(message()); err != nil {
		t.Fatal(err)
	}
	if got := box.wait(t); !got.tls || !got.authed {
		t.Fatalf("not sent over STARTTLS with auth: %+v", got)
	}

	impostor, _ := New("smtp://cognate:s3cret@smtp.example.org:587", "no-reply@example.com", quiet)
	defer impostor.Close()
	remote(impostor, addr)
	impostor.RootCAs = ca.pool
	var wrongHost x509.HostnameError
	if err := impostor.send(message()); !errors.As(err, &wrongHost) {
		t.Fatalf("a certificate for another host: %v", err)
	}
	if n, tries := box.count(); n != 1 || tries != 1 {
		t.Fatalf("the impostor's server saw %d messages and %d AUTH", n, tries)
	}
}

func TestCleartextAllowed(t *testing.T) {
	for host, ok := range map[string]bool{"127.0.0.1": true, "::1": true, "localhost": true, "127.9.9.9": true,
		"mail.example.com": false, "10.0.0.1": false, "127.0.0.1.example.com": false, "": false} {
		if got := cleartextAllowed(host) == nil; got != ok {
			t.Errorf("cleartext to %q allowed: %v, want %v", host, got, ok)
		}
	}
}

// TestThePoolsSender: a message carrying the pool's From is sent from it,
// in the envelope and the header, rather than from the default sender.
func TestThePoolsSender(t *testing.T) {
	box, addr := startInbox(t, "", "", nil)
	s, _ := New("smtp://"+addr, "Default <no-reply@example.com>", quiet)
	defer s.Close()
	m := message()
	m.From = "Pool Team <team@pool.example>"
	if err := s.send(m); err != nil {
		t.Fatal(err)
	}
	if got := box.wait(t); got.from != "team@pool.example" || !strings.Contains(got.data, "From: Pool Team <team@pool.example>\r\n") {
		t.Fatalf("sender: %+v", got)
	}
}

// lockedBuffer collects log output written from the sender's goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// await waits for the sender's goroutine to log s.
func (l *lockedBuffer) await(t *testing.T, s string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(l.String(), s); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%q never logged:\n%s", s, l.String())
		}
	}
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestGivingUp: when every attempt fails, one clear error line says so,
// and no line carries the code.
func TestGivingUp(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // nothing listens
	var logs lockedBuffer
	s, _ := New("smtp://"+addr, "no-reply@example.com", slog.New(slog.NewTextHandler(&logs, nil)))
	s.Backoff = []time.Duration{time.Millisecond, time.Millisecond}
	if err := s.Deliver(context.Background(), message()); err != nil {
		t.Fatal(err)
	}
	logs.await(t, "giving up")
	s.Close()
	out := logs.String()
	if !strings.Contains(out, "level=ERROR") || !strings.Contains(out, "email not delivered, giving up") ||
		!strings.Contains(out, "attempts=3") || !strings.Contains(out, "username=ann") || !strings.Contains(out, "connection refused") {
		t.Fatalf("log:\n%s", out)
	}
	if strings.Contains(out, message().Code) {
		t.Fatalf("the code is in the log:\n%s", out)
	}
}

// TestCloseCutsTheBackoff: a server shutting down is not held by a message
// waiting to be retried: it gets one last attempt, then is given up, and a
// later Deliver is refused rather than lost in a queue nobody reads.
func TestCloseCutsTheBackoff(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	var logs lockedBuffer
	s, _ := New("smtp://"+addr, "no-reply@example.com", slog.New(slog.NewTextHandler(&logs, nil)))
	s.Backoff = []time.Duration{time.Hour}
	s.Deliver(context.Background(), message())
	logs.await(t, "retrying")
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waits out the hour of backoff")
	}
	if !strings.Contains(logs.String(), "giving up") || !strings.Contains(logs.String(), "attempts=2") {
		t.Fatalf("log:\n%s", logs.String())
	}
	if err := s.Deliver(context.Background(), message()); err == nil {
		t.Fatal("Deliver after Close accepted")
	}
}

package mail

import (
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
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Inbox is a real SMTP server (emersion/go-smtp) on loopback that keeps what
// it receives. Tests of the whole server use it too.
type inbox struct {
	mu       sync.Mutex
	received []received
	arrived  chan struct{}
	user     string
	pass     string
	tls      bool
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

func startInbox(t *testing.T, user, pass string, cert *tls.Certificate) (*inbox, string) {
	box := &inbox{arrived: make(chan struct{}, 10), user: user, pass: pass, tls: cert != nil}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{box: box, conn: c}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = cert == nil
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return box, l.Addr().String()
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

func selfSigned(t *testing.T) (*tls.Certificate, *x509.CertPool) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
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
	if err := s.Deliver(nil, message()); err != nil {
		t.Fatal(err)
	}
	got := box.wait(t)
	if got.to != "ann@example.com" || got.from != "no-reply@example.com" || !got.authed ||
		!strings.Contains(got.data, "Subject: Your verification code") || !strings.Contains(got.data, "Your verification code is 123456.") {
		t.Fatalf("received %+v", got)
	}
}

func TestStartTLS(t *testing.T) {
	cert, roots := selfSigned(t)
	box, addr := startInbox(t, "cognate", "s3cret", cert)
	s, err := New("smtp://cognate:s3cret@"+addr, "no-reply@example.com", quiet)
	if err != nil {
		t.Fatal(err)
	}
	s.RootCAs = roots
	defer s.Close()
	s.Deliver(nil, message())
	if got := box.wait(t); !got.tls || !got.authed {
		t.Fatalf("not sent over STARTTLS with auth: %+v", got)
	}
}

func TestRetriesUntilTheServerAnswers(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // nothing listens yet
	s, err := New("smtp://"+addr, "no-reply@example.com", quiet)
	if err != nil {
		t.Fatal(err)
	}
	s.Backoff = []time.Duration{300 * time.Millisecond, 300 * time.Millisecond, 300 * time.Millisecond}
	defer s.Close()
	s.Deliver(nil, message())
	time.Sleep(100 * time.Millisecond)
	box := &inbox{arrived: make(chan struct{}, 1)}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{box: box, conn: c}, nil }))
	srv.Domain = "localhost"
	l2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port taken meanwhile: %v", err)
	}
	go srv.Serve(l2)
	defer srv.Close()
	if got := box.wait(t); got.to != "ann@example.com" {
		t.Fatalf("received %+v", got)
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
	if err := s.Deliver(nil, sms); err == nil {
		t.Error("SMS accepted by the email sender")
	}
}

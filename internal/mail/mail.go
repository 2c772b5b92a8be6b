// Package mail delivers Cognate's messages (codes, invitations) by email
// over SMTP: smtp://user:pass@host:port upgrades with STARTTLS, which a
// server off loopback must offer; smtps:// uses TLS from the first byte.
// Certificates are checked against the system roots (SSL_CERT_FILE names
// another bundle, for a private CA). The SMTP client is emersion/go-smtp's.
//
// Delivery is asynchronous with retries: a request that stores a code does
// not wait for a mail server, and a failed delivery loses nothing (the code
// is stored; the user can ask for it again). Failures are logged without
// the code.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP is an idp.Delivery sending email.
type SMTP struct {
	addr, host string
	implicit   bool // smtps://
	user, pass string
	from       string
	log        *slog.Logger

	// RootCAs, when set, replaces the system roots (tests use it for a
	// self-signed server).
	RootCAs *x509.CertPool
	// Backoff is the wait before each retry.
	Backoff []time.Duration

	// dial opens the TCP connection to addr; tests point it elsewhere to
	// play a remote server.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)

	queue chan idp.Message
	stop  chan struct{} // closed by Close
	wg    sync.WaitGroup
	once  sync.Once
}

// New parses an SMTP URL and starts the sender. from is used when the
// pool's EmailConfiguration names no sender.
func New(rawURL, from string, log *slog.Logger) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	s := &SMTP{host: u.Hostname(), from: from, log: log, queue: make(chan idp.Message, 1000), stop: make(chan struct{}),
		Backoff: []time.Duration{time.Second, 5 * time.Second, 30 * time.Second},
		dial:    (&net.Dialer{Timeout: 30 * time.Second}).DialContext}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "587"
		}
	case "smtps":
		s.implicit = true
		if port == "" {
			port = "465"
		}
	default:
		return nil, fmt.Errorf("smtp url: scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if s.host == "" {
		return nil, errors.New("smtp url: no host")
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	if _, err := mail.ParseAddress(from); from != "" && err != nil {
		return nil, fmt.Errorf("smtp from address %q: %w", from, err)
	}
	s.wg.Add(1)
	go s.run()
	return s, nil
}

// Deliver queues m for sending.
func (s *SMTP) Deliver(_ context.Context, m idp.Message) error {
	if m.Medium != "EMAIL" {
		return fmt.Errorf("cannot deliver by %s: only email is configured", m.Medium)
	}
	select {
	case <-s.stop:
		return errors.New("the mail sender is closed")
	default:
	}
	select {
	case s.queue <- m:
		return nil
	default:
		return errors.New("mail queue is full")
	}
}

// Close sends what is queued and stops. It does not wait out the retry
// backoff: a message still failing gets one last attempt, so that a server
// shutting down is not held for minutes by a mail server that is down.
func (s *SMTP) Close() {
	s.once.Do(func() { close(s.stop) })
	s.wg.Wait()
}

func (s *SMTP) run() {
	defer s.wg.Done()
	for {
		select {
		case m := <-s.queue:
			s.sendWithRetries(m)
		case <-s.stop:
			for {
				select {
				case m := <-s.queue:
					s.sendWithRetries(m)
				default:
					return
				}
			}
		}
	}
}

func (s *SMTP) sendWithRetries(m idp.Message) {
	for attempt := 0; ; attempt++ {
		err := s.send(m)
		if err == nil {
			s.log.Info("email sent", "pool", m.PoolID, "username", m.Username, "purpose", m.Purpose)
			return
		}
		closing := false
		select {
		case <-s.stop:
			closing = true
		default:
		}
		if attempt >= len(s.Backoff) || closing {
			// Nothing is lost: the code stays stored and valid, and the
			// user (or an admin) can have it sent again.
			s.log.Error("email not delivered, giving up; the code stays valid and can be sent again",
				"pool", m.PoolID, "username", m.Username, "purpose", m.Purpose, "attempts", attempt+1, "err", err)
			return
		}
		s.log.Warn("email delivery failed, retrying", "pool", m.PoolID, "username", m.Username, "purpose", m.Purpose,
			"err", err, "retry_in", s.Backoff[attempt])
		select {
		case <-time.After(s.Backoff[attempt]):
		case <-s.stop:
		}
	}
}

func (s *SMTP) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

var errNoStartTLS = errors.New("the server offers no STARTTLS: refusing to send mail in clear")

// cleartextAllowed decides for an smtp:// server that offers no STARTTLS:
// only a server on loopback (a development mail catcher) may be spoken to
// in clear; anywhere else the password and the codes would cross the
// network readable, and a missing STARTTLS may be an attacker's doing.
func cleartextAllowed(host string) error {
	if isLoopback(host) {
		return nil
	}
	return errNoStartTLS
}

// connect opens a session: TLS from the first byte for smtps://; for
// smtp://, STARTTLS when the server offers it, which it must unless
// cleartextAllowed says otherwise. Nothing is authenticated or sent before
// that decision.
func (s *SMTP) connect() (*smtp.Client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := s.dial(ctx, "tcp", s.addr)
	if err != nil {
		return nil, err
	}
	if s.implicit {
		tc := tls.Client(conn, s.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		return smtp.NewClient(tc), nil
	}
	probe := smtp.NewClient(conn)
	if err := probe.Hello("localhost"); err != nil {
		probe.Close()
		return nil, err
	}
	if ok, _ := probe.Extension("STARTTLS"); !ok {
		if err := cleartextAllowed(s.host); err != nil {
			probe.Close()
			return nil, err
		}
		return probe, nil
	}
	// go-smtp upgrades only a fresh client: start again with STARTTLS.
	probe.Quit()
	if conn, err = s.dial(ctx, "tcp", s.addr); err != nil {
		return nil, err
	}
	return smtp.NewClientStartTLS(conn, s.tlsConfig())
}

func (s *SMTP) send(m idp.Message) error {
	c, err := s.connect()
	if err != nil {
		return err
	}
	defer c.Close()
	if s.user != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.user, s.pass)); err != nil {
			return err
		}
	}
	from := m.From
	if from == "" {
		from = s.from
	}
	sender, err := mail.ParseAddress(from)
	if err != nil {
		return fmt.Errorf("sender %q: %w", from, err)
	}
	if err := c.SendMail(sender.Address, []string{m.Destination}, bytes.NewReader(compose(from, m))); err != nil {
		return err
	}
	return c.Quit()
}

// compose writes a plain-text RFC 5322 message.
func compose(from string, m idp.Message) []byte {
	var b bytes.Buffer
	id := make([]byte, 12)
	rand.Read(id)
	domain := "cognate.local"
	if at := strings.LastIndex(from, "@"); at >= 0 {
		domain = strings.Trim(from[at+1:], "> ")
	}
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", m.Destination)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", m.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", m.Time.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%x@%s>\r\n", id, domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(m.Body, "\n", "\r\n"))
	b.WriteString("\r\n")
	return b.Bytes()
}

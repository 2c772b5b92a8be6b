// Package cognatetest starts an in-process Cognate server for Go tests, the
// way net/http/httptest starts an HTTP server: real store (SQLite in a temp
// dir), real handlers, a loopback listener, and a clock the test can move.
//
//	srv := cognatetest.Start(t)
//	cfg.BaseEndpoint = aws.String(srv.URL)
//	srv.Clock.Advance(31 * time.Second) // next TOTP step, no sleeping
package cognatetest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/app"
	"github.com/cognate-idp/cognate/internal/httpapi"
	"github.com/cognate-idp/cognate/internal/token"
)

// Clock is a settable clock. Its zero value is not usable; Start makes one
// set to the current time.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set sets the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Message is a code the server delivered (the development outbox).
type Message struct {
	PoolID, Username, Destination, Medium, Purpose, Code string
	Time                                                 time.Time
	// Subject and Body are the message as sent: the pool's templates or
	// the CustomMessage trigger's text, the code in place.
	Subject, Body string
}

// Server is a running in-process Cognate.
type Server struct {
	URL             string // http://127.0.0.1:port
	Region          string
	AccessKeyID     string
	SecretAccessKey string
	DataDir         string
	Clock           *Clock

	app *app.App
}

// Option adjusts Start.
type Option func(*app.Options)

// WithSNS sends text messages through the SNS Publish API at endpoint (to
// topicArn, with the number as the message attribute phone_number, when
// it is not empty) instead of the outbox.
func WithSNS(endpoint, topicArn string) Option {
	return func(o *app.Options) { o.SMS, o.SNSEndpoint, o.SNSTopicArn = app.SMSSNS, endpoint, topicArn }
}

// WithConfigFile declares pools and clients as `cognate serve --config`.
func WithConfigFile(path string) Option { return func(o *app.Options) { o.ConfigFile = path } }

// WithDataDir keeps the data in dir instead of a fresh temp dir, to restart a
// server on the same data.
func WithDataDir(dir string) Option { return func(o *app.Options) { o.DataDir = dir } }

// WithDatabase keeps the state in the PostgreSQL database at url instead of
// SQLite. Servers started with the same url and the same master key (the
// same WithDataDir, which holds it, or WithMasterKey) act as nodes of one
// deployment.
func WithDatabase(url string) Option { return func(o *app.Options) { o.DatabaseURL = url } }

// WithPublicURL makes url the address the server tells browsers and
// clients (its issuer, its hosted pages' links), instead of its own
// listener's: a second node started with the first one's URL answers as
// the same deployment behind one name.
func WithPublicURL(url string) Option { return func(o *app.Options) { o.PublicURL = url } }

// WithThrottle holds operations to per-category quotas as Cognito does;
// spec is as `cognate serve --throttle` takes it ("cognito",
// "cognito,UserAuthentication=10", "UserRead=5").
func WithThrottle(spec string) Option {
	return func(o *app.Options) {
		t, err := httpapi.ParseThrottle(spec)
		if err != nil {
			panic("cognatetest.WithThrottle: " + err.Error())
		}
		o.Throttle = t
	}
}

// WithAdmission sets how much API work the server takes on: maxInFlight
// requests at once, and up to maxQueue more waiting at most maxWait each
// (and, once maxInFlight are in the server, only for the server's default
// expected wait, httpapi.Admission.MaxDelay); past that a request is
// refused with TooManyRequestsException. Zero values take the server's
// defaults (by default, in tests, requests queue without bound).
func WithAdmission(maxInFlight, maxQueue int, maxWait time.Duration) Option {
	return func(o *app.Options) {
		o.Admission = httpapi.Admission{MaxInFlight: maxInFlight, MaxQueue: maxQueue, MaxWait: maxWait}
	}
}

// WithSMTP sends codes by email through the SMTP server at url instead of
// the outbox (Outbox and LastCode then return nothing).
func WithSMTP(url, from string) Option {
	return func(o *app.Options) { o.SMTPURL, o.SMTPFrom = url, from }
}

// WithLambda calls the pools' Lambda triggers at endpoint (an Invoke API,
// such as lambdatest.Emulator's), each attempt bounded by timeout (0: 5 s).
func WithLambda(endpoint string, timeout time.Duration) Option {
	return func(o *app.Options) { o.LambdaEndpoint, o.LambdaTimeout = endpoint, timeout }
}

// WithLogger sends the server's logs to l (default: discarded unless
// COGNATE_TEST_LOG is set).
func WithLogger(l *slog.Logger) Option { return func(o *app.Options) { o.Logger = l } }

// WithMasterKey uses key (32 bytes) as the only master key instead of a key
// file in the data directory, so that several servers can share secrets.
func WithMasterKey(key []byte) Option { return func(o *app.Options) { o.MasterKey = key } }

// WithClock gives the server an existing clock, another server's Clock for
// instance, so that one Advance moves the time of every node.
func WithClock(c *Clock) Option {
	return func(o *app.Options) {
		o.Now = c.Now
		sharedClocks.Store(o, c)
	}
}

// sharedClocks passes WithClock's clock to the Start that applies it
// (options only see app.Options), keyed by that Start's options.
var sharedClocks sync.Map

// Start runs a server until the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	clock := &Clock{t: time.Now().UTC()}
	o := app.Options{DataDir: t.TempDir(), Region: "us-east-1", Now: clock.Now, KeyReloadInterval: 50 * time.Millisecond,
		AccessKeyID: "AKCOGNATETEST", SecretAccessKey: "cognate-test-secret",
		// Tests run many requests at once on busy machines, with SDK
		// clients that often do not retry: a request waits for its turn
		// rather than be refused for overload, unless a test asks for
		// shedding (WithAdmission).
		Admission: httpapi.Admission{MaxQueue: 1 << 20, MaxWait: time.Minute, MaxDelay: time.Minute}}
	if os.Getenv("COGNATE_TEST_LOG") == "" {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	for _, opt := range opts {
		opt(&o)
	}
	if c, ok := sharedClocks.LoadAndDelete(&o); ok {
		clock = c.(*Clock)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	a, err := app.New(context.Background(), o, url)
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	go a.Serve(l)
	s := &Server{URL: url, Region: o.Region, AccessKeyID: a.AccessKeyID, SecretAccessKey: a.SecretKey, DataDir: o.DataDir, Clock: clock, app: a}
	t.Cleanup(s.Close)
	return s
}

// Close stops the server.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.app.Shutdown(ctx)
}

// TokensSigned returns how many tokens the server's token issuer has signed
// (issuer), and how many tokens were signed in this process by any code
// (all): a test that moves both by the same amount shows that every token
// came from the issuer.
func (s *Server) TokensSigned() (issuer, all uint64) {
	return s.app.Service.Tokens().Signed(), token.Signatures()
}

// Outbox returns the codes delivered to a user of a pool, oldest first. The
// user may be named by username, or by an email, phone number or alias it
// signs in with.
func (s *Server) Outbox(poolID, username string) []Message {
	var out []Message
	if s.app.Outbox == nil {
		return nil
	}
	for _, m := range s.app.Outbox.Messages(poolID, username) {
		out = append(out, Message{PoolID: m.PoolID, Username: m.Username, Destination: m.Destination, Medium: m.Medium, Purpose: m.Purpose, Code: m.Code, Time: m.Time,
			Subject: m.Subject, Body: m.Body})
	}
	return out
}

// FeedbackToken returns the FeedbackToken of a user's sign-in event (an
// EventId of AdminListUserAuthEvents), for UpdateAuthEventFeedback: the
// token Cognito puts in its risk notification emails, which Cognate does
// not send.
func (s *Server) FeedbackToken(poolID, username, eventID string) string {
	return s.app.Service.FeedbackToken(poolID, username, eventID)
}

// LastCode returns the newest code delivered to the user, or "".
func (s *Server) LastCode(poolID, username string) string {
	msgs := s.Outbox(poolID, username)
	if len(msgs) == 0 {
		return ""
	}
	return msgs[len(msgs)-1].Code
}

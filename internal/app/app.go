// Package app assembles a Cognate server from its options: the store, the
// master key, the admin credentials, the declared pools, the domain service
// and the HTTP handler. cmd/cognate and the public cognatetest package both
// build servers through it.
package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/console"
	"github.com/cognate-idp/cognate/internal/hosted"
	"github.com/cognate-idp/cognate/internal/httpapi"
	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/mail"
	"github.com/cognate-idp/cognate/internal/metrics"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/sms"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/store/postgres"
	"github.com/cognate-idp/cognate/internal/store/sqlite"
	"github.com/cognate-idp/cognate/internal/tracing"
	"github.com/cognate-idp/cognate/internal/triggers"
)

// Options configure a server.
type Options struct {
	DataDir   string
	Region    string
	PublicURL string // "" = http://<listen address>
	// DatabaseURL, when set, keeps the state in that PostgreSQL database
	// (shared by several nodes) instead of SQLite in DataDir.
	DatabaseURL string
	// AWSIssuer makes iss https://cognito-idp.{region}.amazonaws.com/{pool},
	// for applications that pin Cognito's issuer format.
	AWSIssuer bool
	// ConfigFile declares pools and clients (YAML or JSON).
	ConfigFile string
	// MasterKey, when set, is the only master key (32 bytes) and no key
	// file is used.
	MasterKey []byte
	// MasterKeyFile holds the master keys, one base64 key a line, the
	// primary first; default <DataDir>/master.key, created when absent.
	// Servers re-read it when it changes, so a rotation needs no restart.
	MasterKeyFile string
	// KeyReloadInterval is how often the key file is checked (default 2 s).
	KeyReloadInterval time.Duration
	AccessKeyID       string
	SecretAccessKey   string
	// SMTPURL, when set, sends codes by email (smtp://user:pass@host:port
	// with STARTTLS, or smtps://) instead of the development outbox;
	// SMTPFrom is the sender when the pool's EmailConfiguration names none.
	SMTPURL  string
	SMTPFrom string
	// SMS is how text messages go: "outbox" (or ""), the development
	// outbox; "sns", Amazon SNS's Publish API at SNSEndpoint (empty: real
	// SNS with the standard credential chain), to the phone number or, with
	// SNSTopicArn, to that topic with the number as a message attribute.
	SMS         string
	SNSEndpoint string
	SNSTopicArn string
	// Now is the clock (tests move it).
	Now    func() time.Time
	Logger *slog.Logger
	// HTTP bounds what one connection may cost the server; zero members
	// take the defaults of DefaultHTTPLimits.
	HTTP HTTPLimits
	// Console says who may use the web console at /_cognate/console:
	// ConsoleLoopback (the default, "") callers on loopback addresses,
	// ConsoleAnywhere any caller, ConsoleOff nobody.
	Console string
	// Throttle, when set, holds operations to per-category quotas as
	// Cognito does (httpapi.ParseThrottle); nil: no quotas.
	Throttle *httpapi.Throttle
	// Admission bounds the API work running and queued at once (always
	// on); zero members take httpapi.DefaultAdmission's.
	Admission httpapi.Admission
	// NoMetrics turns off the Prometheus metrics at /metrics.
	NoMetrics bool
	// LambdaEndpoint is the Lambda Invoke API endpoint the pools' triggers
	// are called at (SAM local, LocalStack, the Runtime Interface
	// Emulator); empty: real AWS Lambda with the standard credential
	// chain. The config file's Lambda section can override it per function.
	LambdaEndpoint string
	// LambdaTimeout is how long one trigger attempt may take (default 5 s,
	// Cognito's); a function that cannot be reached is tried 3 times.
	LambdaTimeout time.Duration
}

// The values of Options.SMS.
const (
	SMSOutbox = "outbox"
	SMSSNS    = "sns"
)

// The values of Options.Console.
const (
	ConsoleLoopback = "loopback"
	ConsoleAnywhere = "anywhere"
	ConsoleOff      = "off"
)

// HTTPLimits are the HTTP server's defences against slow and oversized
// requests. The request body is capped separately (httpapi.MaxBody).
type HTTPLimits struct {
	// ReadHeaderTimeout bounds the wait for a request's headers: a client
	// that opens connections and trickles bytes cannot hold them.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing the answer to a client that reads slowly.
	WriteTimeout time.Duration
	// IdleTimeout closes keep-alive connections left unused.
	IdleTimeout time.Duration
	// MaxHeaderBytes caps the request line and headers; larger ones get
	// 431 Request Header Fields Too Large.
	MaxHeaderBytes int
}

// DefaultHTTPLimits are generous for any client of the API: its requests
// are a few kilobytes, answered in milliseconds.
var DefaultHTTPLimits = HTTPLimits{
	ReadHeaderTimeout: 10 * time.Second,
	ReadTimeout:       30 * time.Second,
	WriteTimeout:      30 * time.Second,
	IdleTimeout:       120 * time.Second,
	MaxHeaderBytes:    64 << 10,
}

// withDefaults fills the zero members of l from DefaultHTTPLimits.
func (l HTTPLimits) withDefaults() HTTPLimits {
	d := DefaultHTTPLimits
	if l.ReadHeaderTimeout == 0 {
		l.ReadHeaderTimeout = d.ReadHeaderTimeout
	}
	if l.ReadTimeout == 0 {
		l.ReadTimeout = d.ReadTimeout
	}
	if l.WriteTimeout == 0 {
		l.WriteTimeout = d.WriteTimeout
	}
	if l.IdleTimeout == 0 {
		l.IdleTimeout = d.IdleTimeout
	}
	if l.MaxHeaderBytes == 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	return l
}

// App is an assembled server.
type App struct {
	Service     *idp.Service
	Handler     http.Handler
	Outbox      *mail.Outbox
	Store       store.Store
	AccessKeyID string
	SecretKey   string
	// CredentialsGenerated is true when the admin keys were made here.
	CredentialsGenerated bool

	opts    Options
	sealer  *seal.Sealer
	mailer  *mail.SMTP
	httpSrv *http.Server
	purge   context.CancelFunc
	health  *health
	tracing *tracing.Tracing
}

// New builds the server; publicURL is where clients reach it.
func New(ctx context.Context, o Options, publicURL string) (*App, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.PublicURL == "" {
		o.PublicURL = publicURL
	}
	switch o.Console {
	case "", ConsoleLoopback, ConsoleAnywhere, ConsoleOff:
	default:
		return nil, fmt.Errorf("console %q: want %s, %s or %s", o.Console, ConsoleLoopback, ConsoleAnywhere, ConsoleOff)
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	keys := [][]byte{o.MasterKey}
	if o.MasterKey == nil {
		if o.MasterKeyFile == "" {
			o.MasterKeyFile = filepath.Join(o.DataDir, "master.key")
		}
		var err error
		if keys, err = loadOrCreateKeys(o.MasterKeyFile); err != nil {
			return nil, err
		}
	}
	sealer, err := seal.New(keys...)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	probe := st.Ping
	if p, ok := st.(interface{ Probe(context.Context) error }); ok {
		probe = p.Probe
	}
	raw := st // the backend itself, for what only it reports
	tr, err := tracing.FromEnv(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	if tr != nil {
		system := "sqlite"
		if o.DatabaseURL != "" {
			system = "postgresql"
		}
		st = tr.Store(st, system)
	}
	var met *metrics.Metrics
	if !o.NoMetrics {
		met = metrics.New()
		switch b := raw.(type) {
		case *sqlite.Store:
			met.WatchBatches()
			b.OnBatch(met.Batch)
		case *postgres.Store:
			met.WatchPool(b.Stat)
		}
		st = met.Store(st)
	}
	a := &App{Store: st, opts: o, sealer: sealer, tracing: tr}
	if err := a.loadCredentials(); err != nil {
		st.Close()
		return nil, err
	}
	var delivery idp.Delivery
	if o.SMTPURL != "" {
		m, err := mail.New(o.SMTPURL, o.SMTPFrom, o.Logger)
		if err != nil {
			st.Close()
			return nil, err
		}
		a.mailer, delivery = m, m
	} else {
		a.Outbox = mail.NewOutbox(1000, o.Logger)
		delivery = a.Outbox
	}
	switch o.SMS {
	case "", SMSOutbox:
		if o.SNSEndpoint != "" || o.SNSTopicArn != "" {
			st.Close()
			return nil, errors.New("an SNS endpoint or topic needs the SNS sender (--sms=sns)")
		}
	case SMSSNS:
		// Text messages leave through SNS; the outbox or SMTP keeps the
		// emails.
		d, err := sms.New(ctx, sms.Config{Endpoint: o.SNSEndpoint, Region: o.Region, TopicArn: o.SNSTopicArn}, delivery)
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("SNS sender: %w", err)
		}
		delivery = d
	default:
		st.Close()
		return nil, fmt.Errorf("unknown SMS sender %q: want outbox or sns", o.SMS)
	}
	if tr != nil {
		delivery = tr.Delivery(delivery)
	}
	var signIns signin.Observer
	if met != nil {
		delivery, signIns = met.Delivery(delivery), met
	}
	base := strings.TrimSuffix(o.PublicURL, "/")
	issuer := func(poolID string) string { return base + "/" + poolID }
	if o.AWSIssuer {
		issuer = func(poolID string) string {
			region, _, _ := strings.Cut(poolID, "_")
			return "https://cognito-idp." + region + ".amazonaws.com/" + poolID
		}
	}
	runner, err := newTriggers(o, met, tr)
	if err != nil {
		st.Close()
		return nil, err
	}
	a.Service = idp.New(idp.Config{Store: st, Sealer: sealer, Now: o.Now, Region: o.Region, Issuer: issuer,
		Delivery: delivery, Logger: o.Logger, SignIns: signIns, Triggers: runner, PublicURL: o.PublicURL})
	if a.Outbox != nil {
		a.Outbox.Names = a.Service.OutboxUsernames
	}
	if err := a.Service.CheckMasterKey(ctx); err != nil {
		st.Close()
		return nil, err
	}
	if o.ConfigFile != "" {
		if err := applyConfig(ctx, a.Service, o.ConfigFile); err != nil {
			st.Close()
			return nil, fmt.Errorf("config %s: %w", o.ConfigFile, err)
		}
	}
	var cons http.Handler
	if o.Console != ConsoleOff {
		access := console.Loopback
		if o.Console == ConsoleAnywhere {
			access = console.Anywhere
		}
		cons = console.New(console.Config{Service: a.Service, Sealer: sealer, Credentials: a.credentials, Outbox: a.Outbox, Issuer: issuer,
			Access: access, Secure: strings.HasPrefix(o.PublicURL, "https://"), Logger: o.Logger})
	}
	a.health = newHealth(probe, o.Logger)
	a.Handler = httpapi.New(httpapi.Config{Service: a.Service, Credentials: a.credentials, Outbox: a.Outbox,
		Issuer: issuer, PublicURL: o.PublicURL, Logger: o.Logger, Health: a.health,
		Throttle: o.Throttle, Admission: o.Admission,
		Hosted:     hosted.New(hosted.Config{Service: a.Service, Sealer: sealer, PublicURL: o.PublicURL, Logger: o.Logger}),
		HostedPath: hosted.Paths, Console: cons, Metrics: metricsHandler(met), Observe: observer(met), Trace: tracer(tr)})
	return a, nil
}

func metricsHandler(m *metrics.Metrics) http.Handler {
	if m == nil {
		return nil
	}
	return m.Handler()
}

func observer(m *metrics.Metrics) func(string, string, time.Duration) {
	if m == nil {
		return nil
	}
	return m.Request
}

func tracer(t *tracing.Tracing) func(*http.Request) (*http.Request, func(string, string, int)) {
	if t == nil {
		return nil
	}
	return t.Request
}

// openStore opens PostgreSQL when a database URL is given, else SQLite.
func openStore(ctx context.Context, o Options) (store.Store, error) {
	if o.DatabaseURL != "" {
		return postgres.Open(ctx, o.DatabaseURL)
	}
	return sqlite.Open(filepath.Join(o.DataDir, "cognate.db"))
}

func (a *App) credentials(id string) (string, bool) {
	if subtle.ConstantTimeCompare([]byte(id), []byte(a.AccessKeyID)) == 1 {
		return a.SecretKey, true
	}
	return "", false
}

type credentialFile struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
}

// loadCredentials takes the admin keys from the options, else from the
// data dir, else makes and keeps new ones.
func (a *App) loadCredentials() error {
	if a.opts.AccessKeyID != "" && a.opts.SecretAccessKey != "" {
		a.AccessKeyID, a.SecretKey = a.opts.AccessKeyID, a.opts.SecretAccessKey
		return nil
	}
	path := filepath.Join(a.opts.DataDir, "admin-credentials.json")
	var c credentialFile
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &c); err != nil || c.AccessKeyID == "" {
			return fmt.Errorf("%s is damaged; remove it to generate new credentials", path)
		}
	} else if errors.Is(err, os.ErrNotExist) {
		c = credentialFile{AccessKeyID: "AKCOG" + strings.ToUpper(randomAlnum(15)), SecretAccessKey: randomAlnum(40)}
		b, _ := json.MarshalIndent(c, "", "  ")
		if err := writeFileSync(path, b, 0o600); err != nil {
			return err
		}
		a.CredentialsGenerated = true
	} else {
		return err
	}
	a.AccessKeyID, a.SecretKey = c.AccessKeyID, c.SecretAccessKey
	return nil
}

func randomAlnum(n int) string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b)
}

// loadOrCreateKeys reads the master keys (one a line, primary first), or
// writes a new key file (0600).
func loadOrCreateKeys(path string) ([][]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		k := seal.NewKey()
		if err := writeFileSync(path, []byte(base64.StdEncoding.EncodeToString(k)+"\n"), 0o600); err != nil {
			return nil, err
		}
		return [][]byte{k}, nil
	}
	if err != nil {
		return nil, err
	}
	var keys [][]byte
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, err := ParseKey(line)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s holds no key", path)
	}
	return keys, nil
}

// ParseKey decodes a master key given as base64 or hex of 32 bytes.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if k, err := base64.StdEncoding.DecodeString(s); err == nil && len(k) == seal.KeySize {
		return k, nil
	}
	if len(s) == 2*seal.KeySize {
		k := make([]byte, seal.KeySize)
		if _, err := fmt.Sscanf(s, "%x", &k); err == nil {
			return k, nil
		}
	}
	return nil, fmt.Errorf("master key must be %d bytes in base64 or hex", seal.KeySize)
}

func writeFileSync(path string, b []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Serve serves HTTP on l until Shutdown.
func (a *App) Serve(l net.Listener) error {
	lim := a.opts.HTTP.withDefaults()
	a.httpSrv = &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: lim.ReadHeaderTimeout,
		ReadTimeout:       lim.ReadTimeout,
		WriteTimeout:      lim.WriteTimeout,
		IdleTimeout:       lim.IdleTimeout,
		MaxHeaderBytes:    lim.MaxHeaderBytes,
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.purge = cancel
	go a.purgeLoop(ctx)
	go a.watchKeys(ctx)
	go a.health.run(ctx)
	err := a.httpSrv.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// purgeLoop drops expired one-time marks and refresh tokens.
func (a *App) purgeLoop(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.Store.PurgeExpired(ctx, a.opts.Now()); err != nil {
				a.opts.Logger.Warn("purge failed", "err", err)
			}
		}
	}
}

// Shutdown stops accepting requests, waits for those in flight, and closes
// the store.
func (a *App) Shutdown(ctx context.Context) error {
	var err error
	if a.httpSrv != nil {
		err = a.httpSrv.Shutdown(ctx)
	}
	if a.mailer != nil {
		a.mailer.Close()
	}
	if a.purge != nil {
		a.purge()
	}
	// Running import jobs are marked interrupted while the store is open.
	a.Service.StopImports(ctx)
	if a.tracing != nil {
		// The spans of the last requests go out before the server stops.
		err = errors.Join(err, a.tracing.Shutdown(ctx))
	}
	return errors.Join(err, a.Store.Close())
}

// newTriggers makes the runner of the pools' Lambda triggers: the Invoke
// API at o.LambdaEndpoint (or real AWS Lambda), with the config file's
// per-function overrides, counted and traced.
func newTriggers(o Options, met *metrics.Metrics, tr *tracing.Tracing) (*triggers.Runner, error) {
	lc := triggers.LambdaConfig{Endpoint: o.LambdaEndpoint, Region: o.Region}
	if o.ConfigFile != "" {
		fns, err := lambdaOverrides(o.ConfigFile)
		if err != nil {
			return nil, fmt.Errorf("config %s: %w", o.ConfigFile, err)
		}
		lc.Functions = fns
	}
	var inv triggers.Invoker = triggers.NewLambda(lc)
	if tr != nil {
		inv = tr.Invoker(inv)
	}
	c := triggers.Config{Invoker: inv, Region: o.Region, Timeout: o.LambdaTimeout, Logger: o.Logger}
	if met != nil {
		c.Observer = met.Trigger
	}
	return triggers.New(c), nil
}

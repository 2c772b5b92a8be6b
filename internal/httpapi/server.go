// Package httpapi is Cognate's transport: the AWS JSON 1.1 protocol
// (X-Amz-Target dispatch on any path, __type errors), SigV4 for the
// administrative operations, CORS for browsers, and the few plain HTTP
// endpoints beside the API (health, JWKS, discovery, the dev outbox).
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/mail"
	"github.com/cognate-idp/cognate/internal/sigv4"
	"github.com/google/uuid"
)

const targetPrefix = "AWSCognitoIdentityProviderService."

// consolePath is where Config.Console is mounted.
const consolePath = "/_cognate/console"

var errStoreDown = errors.New("the store does not answer")

// MaxBody caps a request body; Cognito's largest members are far smaller.
const MaxBody = 1 << 20

// Config is what the transport needs.
type Config struct {
	Service *idp.Service
	// Credentials returns the secret of an admin access key id.
	Credentials func(accessKeyID string) (secret string, ok bool)
	// Outbox, when set, is served at /_cognate/outbox.
	Outbox *mail.Outbox
	// Issuer returns a pool's iss claim, also its discovery issuer.
	Issuer func(poolID string) string
	// PublicURL is the base URL clients reach this server at.
	PublicURL string
	Logger    *slog.Logger
	// WallClock dates SigV4 checks; it stays real time when tests move the
	// domain's clock, since clients sign with real time. Default time.Now.
	WallClock func() time.Time
	// Health, when set, is the store's health as a background probe
	// sees it: /health answers from it without waiting, and while the
	// store does not answer, requests are refused at once.
	Health Health
	// Hosted, when set, serves the hosted sign-in pages and OAuth 2.0
	// endpoints: the paths HostedPath reports, except API calls (a POST
	// with X-Amz-Target), which stay with the API whatever their path.
	Hosted     http.Handler
	HostedPath func(path string) bool
	// Console, when set, serves the web console under /_cognate/console.
	Console http.Handler
	// Throttle, when set, holds each category of operations to its quota
	// (see ParseThrottle); nil lets every request through.
	Throttle *Throttle
	// Admission bounds the API work running and waiting at once; zero
	// members take DefaultAdmission's.
	Admission Admission
	// Metrics, when set, serves /metrics (without the store), and Observe
	// is told of each API request: the operation ("unknown" for a name
	// not in the table), "ok" or the error code answered, and its time.
	Metrics http.Handler
	Observe func(operation, outcome string, d time.Duration)
	// Trace, when set, starts each request's trace span; the transport
	// calls end once it has answered, with the operation as Observe gets
	// it ("" for requests outside the API) and the error code answered.
	Trace func(r *http.Request) (_ *http.Request, end func(operation, outcome string, status int))
}

// Health is what the transport knows of the store's health.
type Health interface {
	// Err is nil while the store answers; else it says why, for the log
	// only: clients are told nothing of the server's insides.
	Err() error
	// Watch returns ctx, cancelled also when the store stops answering,
	// so that requests in flight then fail at once; and its release.
	Watch(ctx context.Context) (context.Context, context.CancelFunc)
}

// Server is the HTTP handler.
type Server struct {
	cfg    Config
	ops    map[string]operation
	verify *sigv4.Verifier
	log    *slog.Logger
	admit  *admission
}

// New returns the handler.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.WallClock == nil {
		cfg.WallClock = time.Now
	}
	return &Server{cfg: cfg, ops: operations(cfg.Service), log: cfg.Logger,
		verify: &sigv4.Verifier{Lookup: cfg.Credentials}, admit: newAdmission(cfg.Admission)}
}

// ServeHTTP routes: POST anywhere is the API; GET serves the side endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := uuid.NewString()
	h := w.Header()
	h.Set("x-amzn-RequestId", reqID)
	if origin := r.Header.Get("Origin"); origin != "" {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Vary", "Origin")
		h.Set("Access-Control-Expose-Headers", "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date")
	}
	rec := &statusRecorder{ResponseWriter: w, status: 200}
	opName := ""
	if s.cfg.Trace != nil {
		var end func(string, string, int)
		r, end = s.cfg.Trace(r)
		defer func() { end(s.opLabel(opName), rec.errType, rec.status) }()
	}
	// Everything but /health, /metrics and preflights needs the store.
	path := strings.TrimSuffix(r.URL.Path, "/")
	needsStore := s.cfg.Health != nil && r.Method != http.MethodOptions && path != "/health" && !(path == "/metrics" && s.cfg.Metrics != nil)
	if needsStore {
		ctx, release := s.cfg.Health.Watch(r.Context())
		defer release()
		r = r.WithContext(ctx)
	}
	switch {
	case needsStore && s.cfg.Health.Err() != nil:
		// The store does not answer: say so at once rather than queue.
		if r.Method == http.MethodPost && r.Header.Get("X-Amz-Target") != "" {
			opName = strings.TrimPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
			writeError(rec, api.Internal(errStoreDown))
		} else {
			writePlainJSON(rec, http.StatusServiceUnavailable, map[string]string{"message": "Service unavailable."})
		}
	case s.cfg.Console != nil && (r.URL.Path == consolePath || strings.HasPrefix(r.URL.Path, consolePath+"/")) && r.Header.Get("X-Amz-Target") == "":
		s.cfg.Console.ServeHTTP(rec, r)
	case s.cfg.Hosted != nil && s.cfg.HostedPath(r.URL.Path) && r.Header.Get("X-Amz-Target") == "" &&
		(r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodPost):
		s.cfg.Hosted.ServeHTTP(rec, r)
	case r.Method == http.MethodOptions:
		h.Set("Access-Control-Allow-Methods", "POST, GET, PUT, OPTIONS")
		if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
			h.Set("Access-Control-Allow-Headers", req)
		}
		h.Set("Access-Control-Max-Age", "86400")
		rec.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPost:
		opName = strings.TrimPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
		s.serveAPI(rec, r, opName)
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		s.serveGet(rec, r)
	case r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, idp.ImportPath):
		s.serveImportUpload(rec, r)
	default:
		writeError(rec, api.Errorf(api.ErrUnknownOperation, api.MsgMethodNotSupported, r.Method))
	}
	if opName != "" && s.cfg.Observe != nil {
		s.observe(opName, rec.errType, time.Since(start))
	}
	attrs := []any{"method", r.Method, "path", r.URL.Path, "status", rec.status, "duration_ms", float64(time.Since(start).Microseconds()) / 1000, "request_id", reqID}
	if opName != "" {
		attrs = append(attrs, "operation", opName)
	}
	if rec.errType != "" {
		attrs = append(attrs, "error", rec.errType)
	}
	if rec.shed {
		attrs = append(attrs, "shed", true)
	}
	s.log.Info("request", attrs...)
}

// observe reports an API request, its labels drawn from fixed sets only.
func (s *Server) observe(opName, errType string, d time.Duration) {
	outcome := errType
	if outcome == "" {
		outcome = "ok"
	}
	s.cfg.Observe(s.opLabel(opName), outcome, d)
}

// opLabel is an operation's name as metrics and traces show it: a name
// not in the table, which the caller chose, is "unknown" ("" stays "").
func (s *Server) opLabel(opName string) string {
	if _, ok := s.ops[opName]; !ok && opName != "" {
		return "unknown"
	}
	return opName
}

func (s *Server) serveAPI(w *statusRecorder, r *http.Request, name string) {
	target := r.Header.Get("X-Amz-Target")
	op, ok := s.ops[name]
	if !ok || !strings.HasPrefix(target, targetPrefix) {
		writeError(w, api.Errorf(api.ErrUnknownOperation, api.MsgUnknownOperation, safeName(target)))
		return
	}
	if !s.cfg.Throttle.Allow(name, s.cfg.WallClock()) {
		writeError(w, rateExceeded())
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, &api.Error{Code: api.ErrSerialization, Message: api.MsgBodyTooLarge, Status: http.StatusRequestEntityTooLarge})
			return
		}
		writeError(w, api.Errorf(api.ErrSerialization, api.MsgBodyUnreadable))
		return
	}
	// Past this point a request costs CPU (signatures, password and SRP
	// arithmetic) and store round trips: an overloaded server refuses
	// more at once rather than queue them all.
	entered, ok := s.admit.enter(r.Context())
	if !ok {
		if err := r.Context().Err(); err != nil {
			// Cut short while waiting: the store stopped answering (or
			// the client left), not an overload.
			writeError(w, api.Internal(context.Cause(r.Context())))
			return
		}
		w.shed = true
		writeError(w, rateExceeded())
		return
	}
	out, err := s.serveAdmitted(r, op, body, entered)
	if err != nil {
		if e, ok := api.As(err); ok && e.Code == api.ErrInternal {
			s.log.Error("internal error", "operation", name, "err", errors.Unwrap(e))
		}
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// serveAdmitted checks the signature of a request admitted at entered and
// runs its handler, and gives its place back before the answer is written:
// a client whose next request follows the answer at once (each of a test
// suite's 16 workers) then never finds its own previous request still
// counted, which could make the server seem to hold more than
// MaxInFlight and refuse it.
func (s *Server) serveAdmitted(r *http.Request, op operation, body []byte, entered time.Time) (any, error) {
	defer s.admit.leave(entered)
	if op.auth == iam {
		if _, err := s.verify.Verify(r, body, s.cfg.WallClock()); err != nil {
			var se *sigv4.Error
			if errors.As(err, &se) {
				return nil, &api.Error{Code: se.Code, Message: se.Message, Status: se.Status}
			}
			return nil, api.Internal(err)
		}
	}
	return s.call(idp.WithClientIP(r.Context(), clientIP(r)), op, body)
}

// call runs a handler, turning a panic into InternalErrorException: one
// bad request must never take the server down.
func (s *Server) call(ctx context.Context, op operation, body []byte) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic in handler", "panic", p)
			out, err = nil, api.Internal(errors.New("panic"))
		}
	}()
	return op.call(ctx, body)
}

// safeName keeps an echoed target short and printable.
func safeName(s string) string {
	if len(s) > 100 {
		s = s[:100]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = 500, []byte(`{"__type":"`+api.ErrInternal+`","message":"`+api.MsgInternal+`"}`)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	w.Write(b)
}

// writeError sends err in the AWS JSON 1.1 error form: __type and message in
// the body, the same code in x-amzn-ErrorType.
func writeError(w http.ResponseWriter, err error) {
	e, ok := api.As(err)
	if !ok {
		e = api.Internal(err)
	}
	w.Header().Set("x-amzn-ErrorType", e.Code)
	if rec, ok := w.(*statusRecorder); ok {
		rec.errType = e.Code
	}
	writeJSON(w, e.HTTPStatus(), map[string]string{"__type": e.Code, "message": e.Message})
}

type statusRecorder struct {
	http.ResponseWriter
	status  int
	errType string
	shed    bool // refused for overload, not for a quota
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Server) serveGet(w *statusRecorder, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/health":
		// The detail of an error (a database's address, user, name) is
		// logged by the probe, never sent.
		if s.cfg.Health != nil && s.cfg.Health.Err() != nil {
			writePlainJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
		writePlainJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	case path == "/metrics" && s.cfg.Metrics != nil:
		s.cfg.Metrics.ServeHTTP(w, r)
	case path == "/_cognate/outbox" && s.cfg.Outbox != nil:
		q := r.URL.Query()
		writePlainJSON(w, http.StatusOK, s.cfg.Outbox.Messages(q.Get("pool"), q.Get("username")))
	case strings.HasSuffix(path, "/.well-known/jwks.json"):
		poolID := strings.Trim(strings.TrimSuffix(path, "/.well-known/jwks.json"), "/")
		b, err := s.cfg.Service.JWKS(r.Context(), poolID)
		if err != nil {
			writeNotFound(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=300")
		w.Write(b)
	case strings.HasSuffix(path, "/.well-known/openid-configuration"):
		poolID := strings.Trim(strings.TrimSuffix(path, "/.well-known/openid-configuration"), "/")
		if err := s.cfg.Service.PoolExists(r.Context(), poolID); err != nil {
			writeNotFound(w, err)
			return
		}
		writePlainJSON(w, http.StatusOK, s.discovery(poolID))
	default:
		writePlainJSON(w, http.StatusNotFound, map[string]string{"message": api.MsgNotFound})
	}
}

func writeNotFound(w http.ResponseWriter, err error) {
	if e, ok := api.As(err); ok && e.Code == api.ErrResourceNotFound {
		writePlainJSON(w, http.StatusNotFound, map[string]string{"message": e.Message})
		return
	}
	writePlainJSON(w, http.StatusInternalServerError, map[string]string{"message": api.MsgInternal})
}

func writePlainJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func (s *Server) discovery(poolID string) map[string]any {
	iss := s.cfg.Issuer(poolID)
	d := map[string]any{
		"issuer":                                iss,
		"jwks_uri":                              strings.TrimSuffix(s.cfg.PublicURL, "/") + "/" + poolID + "/.well-known/jwks.json",
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"subject_types_supported":               []string{"public"},
		"response_types_supported":              []string{"code", "token"},
		"scopes_supported":                      []string{"openid", "email", "phone", "profile"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "token_use", "cognito:username", "email", "email_verified", "phone_number", "phone_number_verified"},
	}
	if s.cfg.Hosted != nil {
		base := strings.TrimSuffix(s.cfg.PublicURL, "/")
		d["authorization_endpoint"] = base + "/oauth2/authorize"
		d["token_endpoint"] = base + "/oauth2/token"
		d["userinfo_endpoint"] = base + "/oauth2/userInfo"
		d["end_session_endpoint"] = base + "/logout"
		d["revocation_endpoint"] = base + "/oauth2/revoke"
		d["revocation_endpoint_auth_methods_supported"] = []string{"client_secret_basic", "client_secret_post", "none"}
		d["response_types_supported"] = []string{"code"}
		d["grant_types_supported"] = []string{"authorization_code", "refresh_token", "client_credentials"}
		d["code_challenge_methods_supported"] = []string{"S256"}
		d["token_endpoint_auth_methods_supported"] = []string{"client_secret_basic", "client_secret_post", "none"}
	}
	return d
}

// clientIP is the caller's address as seen by this server (no proxy
// headers are trusted).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

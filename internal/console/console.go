// Package console is Cognate's web console at /_cognate/console: pools and
// their settings, users and their sign-in history, the actions Cognito's
// console offers on a user, the development outbox and a token inspector.
//
// It is signed into with the admin access key id and secret (the keys the
// SigV4 operations are signed with), then carried by a session cookie
// sealed with the master key; every POST carries a CSRF token tied to that
// session. By default it answers callers on loopback addresses only. It
// reads and acts through the domain Service's API methods (service.go),
// never through the store.
package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/mail"
	"github.com/cognate-idp/cognate/internal/seal"
)

// Prefix is where the console is mounted.
const Prefix = "/_cognate/console"

// Access says which callers the console answers.
type Access int

const (
	// Loopback answers callers on loopback addresses only (the default):
	// the console holds the admin keys' power, and a developer's laptop
	// should not offer it to the network it sits on.
	Loopback Access = iota
	// Anywhere answers any caller that signs in with the admin keys.
	Anywhere
)

// Config is what the console needs.
type Config struct {
	Service *idp.Service
	// Sealer seals the console's cookies (the server's master keys).
	Sealer *seal.Sealer
	// Credentials returns the secret of an admin access key id, as for
	// SigV4.
	Credentials func(accessKeyID string) (secret string, ok bool)
	// Outbox, when set, is shown on the outbox page.
	Outbox *mail.Outbox
	// Issuer returns a pool's iss claim.
	Issuer func(poolID string) string
	Access Access
	// Secure marks the cookies Secure (a public URL served over https).
	Secure bool
	Logger *slog.Logger
}

// SessionTTL is how long a console sign-in lasts.
const SessionTTL = 8 * time.Hour

const (
	sessionCookie = "cognate_console"
	loginCookie   = "cognate_console_login"
	loginTTL      = time.Hour
)

// Console is the console's HTTP handler.
type Console struct {
	cfg Config
	d   domain
	mux *http.ServeMux
}

// New returns the console.
func New(cfg Config) *Console {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	c := &Console{cfg: cfg, d: domain{s: cfg.Service, sealer: cfg.Sealer}, mux: http.NewServeMux()}
	c.mux.HandleFunc("GET /{$}", c.pools)
	c.mux.HandleFunc("GET /pool", c.pool)
	c.mux.HandleFunc("GET /users", c.users)
	c.mux.HandleFunc("GET /user", c.user)
	c.mux.HandleFunc("POST /user", c.userAction)
	c.mux.HandleFunc("GET /outbox", c.outbox)
	c.mux.HandleFunc("GET /outbox/list", c.outboxList)
	c.mux.HandleFunc("GET /tokens", c.tokens)
	c.mux.HandleFunc("POST /tokens", c.tokens)
	c.mux.HandleFunc("POST /logout", c.logout)
	return c
}

// Paths reports whether path is the console's.
func Paths(path string) bool { return path == Prefix || strings.HasPrefix(path, Prefix+"/") }

// session is the sealed content of the session cookie.
type session struct {
	KeyID   string `json:"k"`
	KeyHash string `json:"h"` // of the secret: a changed secret ends the sessions
	Expires int64  `json:"e"`
	CSRF    string `json:"c"`
}

// loginState is the sealed content of the sign-in page's cookie: the CSRF
// token of the sign-in form, before there is a session.
type loginState struct {
	CSRF    string `json:"c"`
	Expires int64  `json:"e"`
}

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// The API's CORS answer is not for the console: no other origin may read it.
	for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Expose-Headers"} {
		h.Del(k)
	}
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	if c.cfg.Access == Loopback && !fromLoopback(r) {
		http.Error(w, "The console answers callers on loopback addresses only (see cognate serve --console).", http.StatusForbidden)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, Prefix)
	if path == "" {
		http.Redirect(w, r, Prefix+"/", http.StatusFound)
		return
	}
	switch {
	case path == "/static/console.css" && r.Method == http.MethodGet:
		h.Set("Content-Type", "text/css; charset=utf-8")
		h.Set("Cache-Control", "max-age=3600")
		w.Write([]byte(css))
		return
	case path == "/static/console.js" && r.Method == http.MethodGet:
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Cache-Control", "max-age=3600")
		w.Write([]byte(script))
		return
	case path == "/login":
		c.login(w, r)
		return
	}
	s, ok := c.session(r)
	if !ok {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			http.Redirect(w, r, Prefix+"/login", http.StatusSeeOther)
			return
		}
		http.Error(w, "Sign in to the console first.", http.StatusForbidden)
		return
	}
	if r.Method == http.MethodPost && !c.checkCSRF(r, s.CSRF) {
		http.Error(w, "The form is stale or forged (CSRF check failed): reload the page and try again.", http.StatusForbidden)
		return
	}
	r2 := r.Clone(withSession(r.Context(), s))
	r2.URL.Path = path
	c.mux.ServeHTTP(w, r2)
}

// fromLoopback reports whether the caller's address (the connection's,
// never a forwarding header) is a loopback address.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkCSRF compares the form's token with want in constant time, and
// refuses a browser's cross-origin POST outright.
func (c *Console) checkCSRF(r *http.Request, want string) bool {
	r.Body = http.MaxBytesReader(nil, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	got := r.PostForm.Get("_csrf")
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func keyHash(secret string) string {
	h := sha256.Sum256([]byte("cognate console|" + secret))
	return base64.RawURLEncoding.EncodeToString(h[:16])
}

// session opens and checks the session cookie: sealed by this server's
// master key, unexpired, and of admin keys that still hold.
func (c *Console) session(r *http.Request) (*session, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, false
	}
	b, err := c.d.open(ck.Value, "session")
	if err != nil {
		return nil, false
	}
	var s session
	if json.Unmarshal(b, &s) != nil || c.d.now().Unix() >= s.Expires || s.CSRF == "" {
		return nil, false
	}
	secret, ok := c.cfg.Credentials(s.KeyID)
	if !ok || subtle.ConstantTimeCompare([]byte(keyHash(secret)), []byte(s.KeyHash)) != 1 {
		return nil, false
	}
	return &s, true
}

func (c *Console) cookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: Prefix, MaxAge: maxAge, HttpOnly: true,
		Secure: c.cfg.Secure, SameSite: http.SameSiteStrictMode})
}

// login shows the sign-in form and checks the keys it sends.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		c.loginPage(w, "", "", http.StatusOK)
	case http.MethodPost:
		ck, err := r.Cookie(loginCookie)
		var st loginState
		if err == nil {
			if b, err := c.d.open(ck.Value, "login"); err == nil && json.Unmarshal(b, &st) == nil && c.d.now().Unix() < st.Expires {
				if !c.checkCSRF(r, st.CSRF) {
					st.CSRF = ""
				}
			} else {
				st.CSRF = ""
			}
		}
		if st.CSRF == "" {
			c.loginPage(w, "", "The sign-in form expired or was not sent by this console. Try again.", http.StatusForbidden)
			return
		}
		id := strings.TrimSpace(r.PostForm.Get("access_key_id"))
		given := r.PostForm.Get("secret_access_key")
		secret, known := c.cfg.Credentials(id)
		// Compare digests, so that the time taken says nothing of the
		// secret's length or content.
		a, b := sha256.Sum256([]byte(given)), sha256.Sum256([]byte(secret))
		if subtle.ConstantTimeCompare(a[:], b[:]) != 1 || !known || given == "" {
			c.cfg.Logger.Warn("console sign-in refused", "remote", r.RemoteAddr)
			c.loginPage(w, id, "The access key id or the secret access key is wrong.", http.StatusUnauthorized)
			return
		}
		s := session{KeyID: id, KeyHash: keyHash(secret), Expires: c.d.now().Add(SessionTTL).Unix(), CSRF: randomToken()}
		b2, _ := json.Marshal(s)
		c.cookie(w, sessionCookie, c.d.seal(b2, "session"), int(SessionTTL/time.Second))
		c.cookie(w, loginCookie, "", -1)
		http.Redirect(w, r, Prefix+"/", http.StatusSeeOther)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "Method not allowed.", http.StatusMethodNotAllowed)
	}
}

func (c *Console) loginPage(w http.ResponseWriter, id, msg string, status int) {
	st := loginState{CSRF: randomToken(), Expires: c.d.now().Add(loginTTL).Unix()}
	b, _ := json.Marshal(st)
	c.cookie(w, loginCookie, c.d.seal(b, "login"), int(loginTTL/time.Second))
	c.render(w, status, "login", &page{Title: "Sign in to the Cognate console", CSRF: st.CSRF, Error: msg, Body: map[string]string{"KeyID": id}})
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	c.cookie(w, sessionCookie, "", -1)
	http.Redirect(w, r, Prefix+"/login", http.StatusSeeOther)
}

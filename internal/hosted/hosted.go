// Package hosted owns Cognito's hosted sign-in pages and its OAuth 2.0 /
// OpenID Connect endpoints: /oauth2/authorize, /oauth2/token,
// /oauth2/userInfo, /login (with the TOTP and authenticator set-up steps,
// the SMS and email codes, the MFA choice, passwordless first factors and
// passkeys: factors.go, passkeyreg.go), /signup, /confirm and /logout. The
// pages are server-rendered HTML that need no script, except for passkeys
// (passkey.js). Every sign-in step goes through the domain's own flows
// (password sign-in, USER_AUTH, RespondToAuthChallenge, AssociateSoftwareToken,
// VerifySoftwareToken, SignUp, ConfirmSignUp), so lockout, replay and
// session rules hold here as they do in the API. The pages' state travels
// sealed in the forms; nothing is kept in process memory.
package hosted

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/seal"
)

// Config is what the handler needs.
type Config struct {
	Service Domain
	// Sealer seals the pages' state (the server's master keys).
	Sealer *seal.Sealer
	// PublicURL is the base URL browsers reach this server at.
	PublicURL string
	Logger    *slog.Logger
}

// Handler serves the hosted paths.
type Handler struct {
	svc    Domain
	sealer *seal.Sealer
	secure bool // cookies get Secure when the public URL is https
	log    *slog.Logger
	mux    *http.ServeMux
	public string // PublicURL without its trailing slash
	fed    *federation
}

// Lifetimes. Cognito's are not all documented; these are the choices.
const (
	requestTTL = 30 * time.Minute // an authorization request waiting on the pages
	codeTTL    = 5 * time.Minute  // an authorization code
)

// New returns the handler.
func New(cfg Config) *Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	h := &Handler{svc: cfg.Service, sealer: cfg.Sealer, secure: strings.HasPrefix(cfg.PublicURL, "https://"), log: cfg.Logger, mux: http.NewServeMux(),
		public: strings.TrimSuffix(cfg.PublicURL, "/"), fed: newFederation()}
	h.mux.HandleFunc("GET /oauth2/authorize", h.authorize)
	h.mux.HandleFunc("GET /oauth2/idpresponse", h.idpResponse)
	h.mux.HandleFunc("POST /oauth2/idpresponse", h.idpResponse)
	h.mux.HandleFunc("POST "+samlACSPath, h.samlResponse)
	h.mux.HandleFunc("GET "+samlMetadataPath, h.samlMetadata)
	h.mux.HandleFunc("GET "+samlLogoutPath, h.samlLogoutResponse)
	h.mux.HandleFunc("POST "+samlLogoutPath, h.samlLogoutResponse)
	h.mux.HandleFunc("POST /oauth2/token", h.token)
	h.mux.HandleFunc("GET /oauth2/userInfo", h.userInfo)
	h.mux.HandleFunc("POST /oauth2/userInfo", h.userInfo)
	h.mux.HandleFunc("GET /login", h.loginPage)
	h.mux.HandleFunc("POST /login", h.loginSubmit)
	h.mux.HandleFunc("POST /mfa", h.mfaSubmit)
	h.mux.HandleFunc("POST /mfa/setup", h.setupSubmit)
	h.mux.HandleFunc("GET /signup", h.signupPage)
	h.mux.HandleFunc("POST /signup", h.signupSubmit)
	h.mux.HandleFunc("GET /confirm", h.usernamePage("confirm", "Confirm your account"))
	h.mux.HandleFunc("POST /confirm", h.confirmSubmit)
	h.mux.HandleFunc("GET /logout", h.logout)
	h.mux.HandleFunc("POST /oauth2/revoke", h.revoke)
	h.mux.HandleFunc("GET /forgotPassword", h.usernamePage("forgot", "Forgot your password?"))
	h.mux.HandleFunc("POST /forgotPassword", h.forgotSubmit)
	h.mux.HandleFunc("GET /confirmForgotPassword", h.usernamePage("reset", "Reset your password"))
	h.mux.HandleFunc("POST /confirmForgotPassword", h.resetSubmit)
	h.mux.HandleFunc("POST /newPassword", h.newPasswordSubmit)
	h.mux.HandleFunc("POST /device", h.deviceSubmit)
	h.mux.HandleFunc("POST /code", h.codeSubmit)
	h.mux.HandleFunc("POST /mfa/select", h.selectSubmit)
	h.mux.HandleFunc("POST /mfa/email", h.setupEmailSubmit)
	h.mux.HandleFunc("POST /passkey", h.passkeySubmit)
	h.mux.HandleFunc("POST /passkey/add", h.passkeyAddSubmit)
	h.mux.HandleFunc("GET "+passkeyScriptPath, servePasskeyScript)
	return h
}

// Paths reports whether path is one the handler serves, for the transport
// to route it here rather than to the API.
func Paths(path string) bool {
	switch path {
	case "/oauth2/authorize", "/oauth2/idpresponse", samlACSPath, samlMetadataPath, samlLogoutPath, "/oauth2/token", "/oauth2/userInfo", "/oauth2/revoke", "/login", "/mfa", "/mfa/setup",
		"/signup", "/confirm", "/logout", "/forgotPassword", "/confirmForgotPassword", "/newPassword", "/device",
		"/code", "/mfa/select", "/mfa/email", "/passkey", "/passkey/add", passkeyScriptPath:
		return true
	}
	return false
}

// ServeHTTP sets the headers every hosted answer carries and routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'")
	h.mux.ServeHTTP(w, r.WithContext(idp.PagesRequest(r.Context())))
}

// ---- sealed state ----

// authRequest is a checked authorization request, carried sealed through
// the pages.
type authRequest struct {
	ClientID    string `json:"c"`
	RedirectURI string `json:"r"`
	State       string `json:"s,omitempty"`
	Scope       string `json:"sc"`
	Nonce       string `json:"n,omitempty"`
	Challenge   string `json:"pk,omitempty"` // PKCE S256 code_challenge
	LoginHint   string `json:"lh,omitempty"` // prefills the user name
	Implicit    bool   `json:"i,omitempty"`  // response_type=token: tokens in the fragment
	// Provider or Identifier (identity_provider, idp_identifier) send the
	// sign-in to an identity provider of the pool (federation.go).
	Provider   string `json:"ip,omitempty"`
	Identifier string `json:"ii,omitempty"`
	Expires    int64  `json:"e"`
}

// flow is a sign-in between two pages: the domain's challenge session and
// what the next page shows.
type flow struct {
	Request   string `json:"rq"` // the sealed authRequest
	Session   string `json:"ss"`
	User      string `json:"u"` // canonical username (the USERNAME of the answers)
	Challenge string `json:"ch"`
	Secret    string `json:"k,omitempty"` // MFA_SETUP: the key being set up
	// MFA_SETUP: the name the user signed in with, the authenticator's
	// account label (User may be a generated id).
	Name string `json:"n,omitempty"`
	// NEW_PASSWORD_REQUIRED: the attributes the pool requires and the user
	// lacks, as userAttributes.<name>.
	Required []string `json:"ra,omitempty"`
	// SMS_MFA, EMAIL_OTP, SMS_OTP: where the code went (masked) and how.
	Dest   string `json:"d,omitempty"`
	Medium string `json:"m,omitempty"`
	// Resend is the first factor (EMAIL_OTP, SMS_OTP) whose code the page
	// may send again; "" for MFA codes, which Cognito does not resend.
	Resend string `json:"rs,omitempty"`
	// SELECT_MFA_TYPE: the factors offered.
	Choices []string `json:"cs,omitempty"`
	Expires int64    `json:"e"`
}

// deviceChoice is a finished sign-in waiting on the remembered-device
// question: the tokens, and the device the server confirmed for the
// browser.
type deviceChoice struct {
	Request string       `json:"rq"`
	Access  string       `json:"a"`
	Refresh string       `json:"rt"`
	Device  deviceSecret `json:"d"`
	Expires int64        `json:"e"`
	// Custom is the pre token generation trigger's answer (see preToken).
	Custom json.RawMessage `json:"cz,omitempty"`
}

// authCode is an authorization code: single use, short-lived, bound to its
// client, redirect URI and PKCE challenge.
type authCode struct {
	ID          string `json:"i"`
	ClientID    string `json:"c"`
	RedirectURI string `json:"r"`
	Challenge   string `json:"pk,omitempty"`
	Nonce       string `json:"n,omitempty"`
	Scope       string `json:"sc"`
	Refresh     string `json:"rt"` // the sign-in's refresh token
	Expires     int64  `json:"e"`
	// Custom is the pre token generation trigger's answer for the tokens.
	Custom json.RawMessage `json:"cz,omitempty"`
}

func (h *Handler) seal(v any, purpose string) string {
	b, _ := json.Marshal(v)
	return h.sealer.SealString(b, seal.LabelHosted+"|"+purpose)
}

// sealResult is what unsealing a form field gave.
type sealResult int

const (
	sealOK      sealResult = iota
	sealBad                // missing, changed or not ours
	sealExpired            // genuine, but past its time
)

// unseal opens text into v and tells whether it opened and is unexpired.
func (h *Handler) unseal(text, purpose string, v any, expires func() int64) sealResult {
	if text == "" || len(text) > 8192 {
		return sealBad
	}
	b, err := h.sealer.OpenString(text, seal.LabelHosted+"|"+purpose)
	if err != nil || json.Unmarshal(b, v) != nil {
		return sealBad
	}
	if h.svc.Now().Unix() >= expires() {
		return sealExpired
	}
	return sealOK
}

// open unseals text into v and reports whether it opened and is unexpired.
func (h *Handler) open(text, purpose string, v any, expires func() int64) bool {
	return h.unseal(text, purpose, v, expires) == sealOK
}

func (h *Handler) openRequest(text string) (*authRequest, bool) {
	var a authRequest
	ok := h.open(text, "request", &a, func() int64 { return a.Expires })
	return &a, ok
}

func (h *Handler) openFlow(text string) (*flow, bool) {
	var f flow
	ok := h.open(text, "flow", &f, func() int64 { return f.Expires })
	return &f, ok
}

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ---- CSRF: a random cookie echoed in every form ----

const csrfCookie = "XSRF-TOKEN"

// csrfToken returns the browser's token, setting the cookie when absent.
func (h *Handler) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	v := randomID(32)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: "/", HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	return v
}

// csrfOK checks a form's token against the cookie.
func csrfOK(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("_csrf"))) == 1
}

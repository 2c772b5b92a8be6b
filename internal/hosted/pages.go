package hosted

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/signin"
)

// page is what a template shows.
type page struct {
	Title      string
	CSRF       string
	Request    string // the sealed authRequest
	Flow       string // the sealed flow (MFA pages)
	ClientName string
	Info       string
	Error      string            // not tied to one field
	Errs       map[string]string // field name -> message
	Username   string
	Email      string
	EmailOnly  bool // the pool signs users in by email
	Secret     string
	// SecretGroups is Secret in groups of four, for reading.
	SecretGroups []string
	URI          string
	// NameLabel, NameType and NameWord describe the sign-in name field by
	// what the pool accepts: Username, Email, Phone number, or both.
	NameLabel, NameType, NameWord string
	// Rules are the pool's password rules (sign-up and reset pages), each
	// marked met or not by the password just refused.
	Rules []idp.PasswordRule
	Code  string // a code to keep in its field when the page is shown again
	// Back and BackText are the way back from an error page, where known.
	Back, BackText string
	QR             template.HTML
	Attrs          []attrField // NEW_PASSWORD_REQUIRED: required attributes
	// Terms are the client's terms of use and privacy policy (sign-up).
	Terms []idp.TermsLink
	// Providers are the sign-in page's "Sign in with" buttons; NoPassword
	// hides its password form (the client does not offer COGNITO).
	Providers  []providerButton
	NoPassword bool
	// Factors are the sign-in page's other first factors (USER_AUTH);
	// Choices the MFA choice's factors.
	Factors, Choices []choice
	// Dest and Medium are where a code went (masked) and how.
	Dest, Medium string
	// Resend offers "Send a new code" on the code page.
	Resend bool
	// Options are the passkey page's WebAuthn options (JSON), for its
	// script.
	Options string
}

// providerButton is a "Sign in with <Name>" link of the sign-in page.
type providerButton struct{ Name, URL string }

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	p.CSRF = h.csrfToken(w, r)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, p); err != nil {
		h.log.Error("hosted: template", "page", name, "err", err)
	}
}

// errorPage shows msg, in words for a person, with a link back (to the
// application or the sign-in page) when one is known.
func (h *Handler) errorPage(w http.ResponseWriter, status int, msg, back, backText string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	pages.ExecuteTemplate(w, "error", &page{Title: "Sign-in cannot continue", Error: msg, Back: back, BackText: backText})
}

// appLink is the way back to an application from an error page: its first
// registered sign-out URL (registered, so safe to link to), if any.
func appLink(c *idp.HostedClient) (string, string) {
	if c != nil && len(c.LogoutURLs) > 0 {
		return c.LogoutURLs[0], "Back to " + appName(c)
	}
	return "", ""
}

func appName(c *idp.HostedClient) string {
	if c.Name != "" {
		return c.Name
	}
	return "the application"
}

// signInLink is the way back to the sign-in page of a form's request, when
// the form carries one that still opens (in its request or flow field).
func (h *Handler) signInLink(r *http.Request) (string, string) {
	text := r.PostFormValue("request")
	if text == "" {
		if f, ok := h.openFlow(r.PostFormValue("flow")); ok {
			text = f.Request
		}
	}
	if _, ok := h.openRequest(text); ok {
		return "/login?" + url.Values{"request": {text}}.Encode(), "Back to sign in"
	}
	return "", ""
}

// sealError shows why a sealed form field could not be used: changed
// (tampered with, or cut short) or expired.
func (h *Handler) sealError(w http.ResponseWriter, res sealResult) {
	if res == sealExpired {
		h.errorPage(w, http.StatusBadRequest, "This sign-in has expired. Go back to the application and start again.", "", "")
		return
	}
	h.errorPage(w, http.StatusBadRequest, "This form could not be read: it was changed or is incomplete. Go back to the application and start again.", "", "")
}

// pageRequest finds the authorization request of a page: sealed in the
// request parameter, or given as the authorize parameters themselves (then
// checked and the browser sent to the sealed form of the same page).
func (h *Handler) pageRequest(w http.ResponseWriter, r *http.Request) *authRequest {
	if text := r.FormValue("request"); text != "" {
		var req authRequest
		res := h.unseal(text, "request", &req, func() int64 { return req.Expires })
		if res == sealOK {
			return &req
		}
		h.sealError(w, res)
		return nil
	}
	if r.Method == http.MethodGet && r.URL.Query().Get("client_id") != "" {
		if req := h.checkRequest(w, r); req != nil {
			http.Redirect(w, r, r.URL.Path+"?"+url.Values{"request": {h.seal(req, "request")}}.Encode(), http.StatusFound)
		}
		return nil
	}
	h.errorPage(w, http.StatusBadRequest, "This page was opened without a sign-in request. Go back to the application and start again.", "", "")
	return nil
}

// postForm parses a page's form and checks its CSRF token.
func (h *Handler) postForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.errorPage(w, http.StatusBadRequest, "The form could not be read. Go back to the application and start again.", "", "")
		return false
	}
	if !csrfOK(r) {
		back, text := h.signInLink(r)
		msg := "This form has expired or did not come from this site, so it was not sent. Your browser may block this site's cookies."
		if back == "" {
			msg += " Go back to the application and start again."
		}
		h.errorPage(w, http.StatusForbidden, msg, back, text)
		return false
	}
	return true
}

// formPage starts the answer to a page's form: the CSRF check, the sealed
// request and a fresh page. It answers the browser itself and returns a nil
// page when the form cannot go on.
func (h *Handler) formPage(w http.ResponseWriter, r *http.Request, title string) (*authRequest, *page) {
	if !h.postForm(w, r) {
		return nil, nil
	}
	req := h.pageRequest(w, r)
	if req == nil {
		return nil, nil
	}
	return req, h.newPage(r, req, title)
}

// usernamePage serves a page whose only prefilled field is the username
// (from the link that led there).
func (h *Handler) usernamePage(tmpl, title string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req := h.pageRequest(w, r)
		if req == nil {
			return
		}
		p := h.newPage(r, req, title)
		p.Username = r.URL.Query().Get("username")
		h.render(w, r, http.StatusOK, tmpl, p)
	}
}

func (h *Handler) newPage(r *http.Request, req *authRequest, title string) *page {
	p := &page{Title: title, Request: h.seal(req, "request"), Errs: map[string]string{},
		NameLabel: "Username", NameType: "text", NameWord: "username"}
	if c, err := h.svc.HostedClient(r.Context(), req.ClientID); err == nil {
		p.ClientName, p.Terms = c.Name, c.Terms
		for _, n := range c.Providers {
			p.Providers = append(p.Providers, providerButton{Name: n, URL: authorizeQuery(req, url.Values{"identity_provider": {n}})})
		}
		p.NoPassword = len(c.SupportedIdentityProviders) > 0 && !slices.Contains(c.SupportedIdentityProviders, "COGNITO")
		if !p.NoPassword {
			p.Factors = factorButtons(c.FirstFactors)
		}
		p.EmailOnly = slices.Contains(c.UsernameAttributes, "email")
		email, phone := p.EmailOnly, slices.Contains(c.UsernameAttributes, "phone_number")
		switch {
		case email && phone:
			p.NameLabel, p.NameWord = "Email or phone number", "email or phone number"
		case email:
			p.NameLabel, p.NameType, p.NameWord = "Email", "email", "email"
		case phone:
			p.NameLabel, p.NameType, p.NameWord = "Phone number", "tel", "phone number"
		}
	}
	return p
}

// passwordRules puts the pool's password rules on p, checked against a
// refused password; it returns the refusal naming every unmet rule.
func (h *Handler) passwordRules(r *http.Request, req *authRequest, p *page, password string) string {
	rules, err := h.svc.HostedPasswordRules(r.Context(), req.ClientID, password)
	if err != nil {
		return ""
	}
	p.Rules = rules
	var unmet []string
	for _, rule := range rules {
		if !rule.Met {
			unmet = append(unmet, rule.Text)
		}
	}
	if password == "" || len(unmet) == 0 {
		return ""
	}
	return "This password is missing: " + strings.Join(unmet, "; ") + "."
}

// passwordRefused is the message for a refused password: the unmet rules,
// else what the server said.
func (h *Handler) passwordRefused(r *http.Request, req *authRequest, p *page, password string, err error) string {
	if msg := h.passwordRules(r, req, p, password); msg != "" {
		return msg
	}
	return message(err)
}

// pageError shows an unexpected failure on the sign-in page.
func (h *Handler) pageError(w http.ResponseWriter, r *http.Request, req *authRequest, err error) {
	p := h.newPage(r, req, "Sign in")
	p.Error = message(err)
	h.render(w, r, http.StatusBadRequest, "login", p)
}

// message is an error in words for a person. The API keeps Cognito's
// exact texts (clients match on them); the pages say what they mean.
func message(err error) string {
	e, ok := api.As(err)
	if !ok || e.Code == api.ErrInternal {
		return "Something went wrong. Please try again."
	}
	switch e.Code {
	case api.ErrCodeMismatch, api.ErrEnableSoftwareTokenMFA:
		return "That code is not right. Check it and try again."
	case api.ErrLimitExceeded, api.ErrTooManyRequests:
		return "Too many attempts. Wait a while, then try again."
	}
	return e.Message
}

// ---- sign-in ----

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	req := h.pageRequest(w, r)
	if req == nil {
		return
	}
	p := h.newPage(r, req, "Sign in")
	p.Username = r.URL.Query().Get("username")
	if p.Username == "" {
		p.Username = req.LoginHint
	}
	h.render(w, r, http.StatusOK, "login", p)
}

func (h *Handler) loginSubmit(w http.ResponseWriter, r *http.Request) {
	req, p := h.formPage(w, r, "Sign in")
	if p == nil {
		return
	}
	p.Username = r.PostFormValue("username")
	if factor := r.PostFormValue("factor"); factor != "" {
		h.firstFactorSubmit(w, r, req, p, factor)
		return
	}
	password := r.PostFormValue("password")
	switch {
	case p.Username == "":
		p.Errs["username"] = "Enter your " + p.NameWord + "."
	case password == "":
		p.Errs["password"] = "Enter your password."
	}
	if len(p.Errs) > 0 {
		h.render(w, r, http.StatusBadRequest, "login", p)
		return
	}
	var devices []deviceSecret
	if c, err := h.svc.HostedClient(r.Context(), req.ClientID); err == nil {
		devices = h.devices(r, c.PoolID)
	}
	out, err := h.svc.HostedSignIn(r.Context(), req.ClientID, p.Username, password, func(user string) string {
		if d := deviceFor(devices, user); d != nil {
			return d.Key
		}
		return ""
	})
	if err != nil {
		switch {
		case api.IsCode(err, api.ErrUserNotConfirmed):
			cp := h.newPage(r, req, "Confirm your account")
			cp.Username = p.Username
			cp.Info = "Your account is not confirmed yet. Enter the code we sent you."
			h.render(w, r, http.StatusOK, "confirm", cp)
			return
		case api.IsCode(err, api.ErrUserNotFound):
			p.Errs["username"] = message(err)
		default:
			p.Errs["password"] = message(err)
		}
		h.render(w, r, http.StatusBadRequest, "login", p)
		return
	}
	h.next(w, r, req, p.Username, out)
}

// next shows what follows a sign-in step: tokens end it, a challenge gets
// its page.
func (h *Handler) next(w http.ResponseWriter, r *http.Request, req *authRequest, username string, out *api.AuthOutput) {
	user := username
	if u := out.ChallengeParameters["USER_ID_FOR_SRP"]; u != "" {
		user = u
	} else if u := out.ChallengeParameters["USERNAME"]; u != "" && out.ChallengeName != signin.ChallengeDeviceSRP {
		user = u // USER_AUTH's challenges name the canonical username
	}
	if out.ChallengeName == signin.ChallengeDeviceSRP {
		proved, err := h.deviceProof(r, req, user, out)
		if err != nil {
			// The browser's device secret no longer works: drop it, and the
			// next sign-in asks for the MFA code instead.
			if c, cerr := h.svc.HostedClient(r.Context(), req.ClientID); cerr == nil {
				h.forgetDevice(w, r, c.PoolID, user)
			}
			if !h.sessionLost(w, r, req, err) {
				p := h.newPage(r, req, "Sign in")
				p.Username = username
				p.Error = "This device could not be verified. Please sign in again."
				h.render(w, r, http.StatusBadRequest, "login", p)
			}
			return
		}
		out = proved
	}
	if out.AuthenticationResult != nil {
		h.completed(w, r, req, user, out.AuthenticationResult)
		return
	}
	f := &flow{Request: h.seal(req, "request"), Session: out.Session, User: user, Challenge: out.ChallengeName, Expires: req.Expires}
	switch out.ChallengeName {
	case signin.ChallengeNewPassword:
		json.Unmarshal([]byte(out.ChallengeParameters["requiredAttributes"]), &f.Required)
		h.renderNewPassword(w, r, req, f, http.StatusOK, nil)
	case signin.ChallengeTOTP:
		p := h.newPage(r, req, "Enter your authenticator code")
		p.Flow = h.seal(f, "flow")
		h.render(w, r, http.StatusOK, "mfa", p)
	case signin.ChallengeMFASetup:
		var canSetUp []string
		json.Unmarshal([]byte(out.ChallengeParameters["MFAS_CAN_SETUP"]), &canSetUp)
		if !slices.Contains(canSetUp, signin.ChallengeTOTP) && slices.Contains(canSetUp, signin.ChallengeEmailOTP) {
			// A pool whose MFA is by email only: the user names the
			// address the codes go to, as MFA_SETUP's EMAIL answer.
			h.renderSetupEmail(w, r, req, f, http.StatusOK, "")
			return
		}
		a, err := h.svc.AssociateSoftwareToken(r.Context(), &api.AssociateSoftwareTokenInput{Session: out.Session})
		if err != nil {
			p := h.newPage(r, req, "Sign in")
			p.Error = message(err)
			h.render(w, r, http.StatusBadRequest, "login", p)
			return
		}
		f.Session, f.Secret, f.Name = a.Session, a.SecretCode, username
		h.renderSetup(w, r, req, f, http.StatusOK, "")
	default:
		if !h.challengePage(w, r, req, f, out) {
			p := h.newPage(r, req, "Sign in")
			p.Error = "This account needs a step these pages do not offer yet (" + out.ChallengeName + "). Sign in through the application instead."
			h.render(w, r, http.StatusBadRequest, "login", p)
		}
	}
}

func (h *Handler) renderSetup(w http.ResponseWriter, r *http.Request, req *authRequest, f *flow, status int, codeErr string) {
	p := h.newPage(r, req, "Set up your authenticator app")
	p.Flow = h.seal(f, "flow")
	p.Secret = f.Secret
	for s := f.Secret; s != ""; {
		n := min(4, len(s))
		p.SecretGroups = append(p.SecretGroups, s[:n])
		s = s[n:]
	}
	issuer := p.ClientName
	if c, err := h.svc.HostedClient(r.Context(), req.ClientID); err == nil && c.PoolName != "" {
		issuer = c.PoolName
	}
	account := f.Name
	if account == "" {
		account = f.User
	}
	p.URI = otpauthURI(issuer, account, f.Secret)
	if qr, err := qrSVG(p.URI); err == nil {
		p.QR = qr
	}
	if codeErr != "" {
		p.Errs["code"] = codeErr
	}
	h.render(w, r, status, "setup", p)
}

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

// flowForm opens a challenge page's form: CSRF, flow and its request. The
// flow must be at one of the challenges the page answers.
func (h *Handler) flowForm(w http.ResponseWriter, r *http.Request, challenges ...string) (*flow, *authRequest, bool) {
	if !h.postForm(w, r) {
		return nil, nil, false
	}
	var f flow
	res := h.unseal(r.PostFormValue("flow"), "flow", &f, func() int64 { return f.Expires })
	if res == sealOK && !slices.Contains(challenges, f.Challenge) {
		res = sealBad
	}
	if res != sealOK {
		h.sealError(w, res)
		return nil, nil, false
	}
	var req authRequest
	if res := h.unseal(f.Request, "request", &req, func() int64 { return req.Expires }); res != sealOK {
		h.sealError(w, res)
		return nil, nil, false
	}
	return &f, &req, true
}

// sessionLost sends the user back to the sign-in page when the domain's
// challenge session has expired or been spent.
func (h *Handler) sessionLost(w http.ResponseWriter, r *http.Request, req *authRequest, err error) bool {
	if e, ok := api.As(err); ok && e == api.ErrBadSession {
		p := h.newPage(r, req, "Sign in")
		p.Error = "Your sign-in session has expired. Please sign in again."
		h.render(w, r, http.StatusBadRequest, "login", p)
		return true
	}
	return false
}

func (h *Handler) mfaSubmit(w http.ResponseWriter, r *http.Request) {
	f, req, ok := h.flowForm(w, r, signin.ChallengeTOTP)
	if !ok {
		return
	}
	again := func(msg string) {
		p := h.newPage(r, req, "Enter your authenticator code")
		p.Flow = h.seal(f, "flow")
		p.Errs["code"] = msg
		h.render(w, r, http.StatusBadRequest, "mfa", p)
	}
	code := r.PostFormValue("code")
	if !sixDigits.MatchString(code) {
		again("Enter the 6-digit code from your authenticator app.")
		return
	}
	h.answer(w, r, req, f, "SOFTWARE_TOKEN_MFA_CODE", code, func(err error) { again(message(err)) })
}

func (h *Handler) setupSubmit(w http.ResponseWriter, r *http.Request) {
	f, req, ok := h.flowForm(w, r, signin.ChallengeMFASetup)
	if !ok {
		return
	}
	code := r.PostFormValue("code")
	if !sixDigits.MatchString(code) {
		h.renderSetup(w, r, req, f, http.StatusBadRequest, "Enter the 6-digit code from your authenticator app.")
		return
	}
	v, err := h.svc.VerifySoftwareToken(r.Context(), &api.VerifySoftwareTokenInput{Session: f.Session, UserCode: code,
		FriendlyDeviceName: r.PostFormValue("device_name")})
	if err != nil {
		if !h.sessionLost(w, r, req, err) {
			h.renderSetup(w, r, req, f, http.StatusBadRequest, message(err))
		}
		return
	}
	resp := map[string]*string{"USERNAME": &f.User}
	out, err := h.svc.RespondToAuthChallenge(r.Context(), &api.RespondToAuthChallengeInput{ClientId: req.ClientID,
		ChallengeName: signin.ChallengeMFASetup, Session: v.Session, ChallengeResponses: resp})
	if err != nil {
		if !h.sessionLost(w, r, req, err) {
			p := h.newPage(r, req, "Sign in")
			p.Error = message(err)
			h.render(w, r, http.StatusBadRequest, "login", p)
		}
		return
	}
	h.next(w, r, req, f.User, out)
}

// ---- sign-up and confirmation ----

func (h *Handler) signupPage(w http.ResponseWriter, r *http.Request) {
	req := h.pageRequest(w, r)
	if req == nil {
		return
	}
	p := h.newPage(r, req, "Sign up")
	h.passwordRules(r, req, p, "")
	h.render(w, r, http.StatusOK, "signup", p)
}

func (h *Handler) signupSubmit(w http.ResponseWriter, r *http.Request) {
	req, p := h.formPage(w, r, "Sign up")
	if p == nil {
		return
	}
	p.Username, p.Email = r.PostFormValue("username"), r.PostFormValue("email")
	password := r.PostFormValue("password")
	if p.EmailOnly {
		p.Username = p.Email
	}
	if p.Username == "" {
		p.Errs["username"] = "Enter a username."
	}
	if p.Email == "" {
		p.Errs["email"] = "Enter your email address."
	}
	if password == "" {
		p.Errs["password"] = "Enter a password."
	}
	h.passwordRules(r, req, p, "")
	if len(p.Errs) > 0 {
		h.render(w, r, http.StatusBadRequest, "signup", p)
		return
	}
	in := &api.SignUpInput{ClientId: req.ClientID, Username: p.Username, Password: &password,
		UserAttributes: []api.AttributeType{{Name: "email", Value: &p.Email}}}
	err := api.Validate(in)
	if err == nil {
		_, err = h.svc.SignUp(r.Context(), in)
	}
	if err != nil {
		switch {
		case api.IsCode(err, api.ErrUsernameExists):
			p.Errs["username"] = message(err)
		case api.IsCode(err, api.ErrInvalidPassword):
			p.Errs["password"] = h.passwordRefused(r, req, p, password, err)
		default:
			p.Error = message(err)
		}
		h.render(w, r, http.StatusBadRequest, "signup", p)
		return
	}
	cp := h.newPage(r, req, "Confirm your account")
	cp.Username = p.Username
	cp.Info = "We have sent a code by email to " + p.Email + ". Enter it below to confirm your account."
	h.render(w, r, http.StatusOK, "confirm", cp)
}

func (h *Handler) confirmSubmit(w http.ResponseWriter, r *http.Request) {
	req, p := h.formPage(w, r, "Confirm your account")
	if p == nil {
		return
	}
	p.Username = r.PostFormValue("username")
	code := r.PostFormValue("code")
	if r.PostFormValue("action") == "resend" {
		h.resendCode(w, r, req, p)
		return
	}
	if p.Username == "" {
		p.Errs["username"] = "Enter your " + p.NameWord + "."
	}
	if code == "" {
		p.Errs["code"] = "Enter the code we sent you."
	}
	if len(p.Errs) > 0 {
		h.render(w, r, http.StatusBadRequest, "confirm", p)
		return
	}
	in := &api.ConfirmSignUpInput{ClientId: req.ClientID, Username: p.Username, ConfirmationCode: code}
	err := api.Validate(in)
	if err == nil {
		_, err = h.svc.ConfirmSignUp(r.Context(), in)
	}
	if err != nil {
		if api.IsCode(err, api.ErrCodeMismatch) || api.IsCode(err, api.ErrExpiredCode) || api.IsCode(err, api.ErrInvalidParameter) {
			p.Errs["code"] = message(err)
		} else {
			p.Errs["username"] = message(err)
		}
		h.render(w, r, http.StatusBadRequest, "confirm", p)
		return
	}
	lp := h.newPage(r, req, "Sign in")
	lp.Username = p.Username
	lp.Info = "Your account is confirmed. Sign in to continue."
	h.render(w, r, http.StatusOK, "login", lp)
}

// resendCode answers "Send a new code" on the confirmation page
// (ResendConfirmationCode).
func (h *Handler) resendCode(w http.ResponseWriter, r *http.Request, req *authRequest, p *page) {
	if p.Username == "" {
		p.Errs["username"] = "Enter your " + p.NameWord + "."
		h.render(w, r, http.StatusBadRequest, "confirm", p)
		return
	}
	in := &api.ResendConfirmationCodeInput{ClientId: req.ClientID, Username: p.Username}
	err := api.Validate(in)
	var out *api.CodeDeliveryOutput
	if err == nil {
		out, err = h.svc.ResendConfirmationCode(r.Context(), in)
	}
	if err != nil {
		if api.IsCode(err, api.ErrUserNotFound) || api.IsCode(err, api.ErrInvalidParameter) {
			p.Errs["username"] = message(err)
		} else {
			p.Error = message(err)
		}
		h.render(w, r, http.StatusBadRequest, "confirm", p)
		return
	}
	p.Info = "We have sent a new code. Enter it below to confirm your account."
	if d := out.CodeDeliveryDetails; d != nil && d.Destination != "" {
		p.Info = "We have sent a new code by " + strings.ToLower(d.DeliveryMedium) + " to " + d.Destination + ". Enter it below to confirm your account."
	}
	h.render(w, r, http.StatusOK, "confirm", p)
}

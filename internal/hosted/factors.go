package hosted

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
)

// The sign-in steps beyond the password and the authenticator app: a code
// by text message or email (as MFA, or as USER_AUTH's first factor), the
// choice between MFA factors, and passkey sign-in. Each page drives the
// same operations the API serves (USER_AUTH through HostedFirstFactor,
// RespondToAuthChallenge), so lockout, expiry and one-shot sessions hold
// here as they do there.

// choice is one button of a page that offers several ways on.
type choice struct{ Value, Label string }

// firstFactorChoices are the sign-in page's buttons for the first factors
// other than the password, in the order shown.
var firstFactorChoices = []choice{
	{signin.ChallengeEmailOTP, "Email me a code"},
	{signin.ChallengeSMSOTP, "Text me a code"},
	{signin.ChallengeWebAuthn, "Sign in with a passkey"},
}

// mfaChoices names the MFA factors of SELECT_MFA_TYPE for a person.
var mfaChoices = []choice{
	{signin.ChallengeSMSMFA, "Text me a code"},
	{signin.ChallengeTOTP, "Use my authenticator app"},
	{signin.ChallengeEmailOTP, "Email me a code"},
}

// factorButtons are the first factors the client's pool allows beyond the
// password (none unless the client allows USER_AUTH).
func factorButtons(allowed []string) []choice {
	var out []choice
	for _, c := range firstFactorChoices {
		if slices.Contains(allowed, c.Value) {
			out = append(out, c)
		}
	}
	return out
}

// codeChallenges are the challenges answered by a code the server sent.
var codeChallenges = []string{signin.ChallengeSMSMFA, signin.ChallengeEmailOTP, signin.ChallengeSMSOTP}

// firstFactorSubmit answers a first-factor button of the sign-in page:
// USER_AUTH with that factor preferred.
func (h *Handler) firstFactorSubmit(w http.ResponseWriter, r *http.Request, req *authRequest, p *page, factor string) {
	if !slices.ContainsFunc(p.Factors, func(c choice) bool { return c.Value == factor }) {
		p.Error = "This way of signing in is not offered here. Sign in with your password."
		h.render(w, r, http.StatusBadRequest, "login", p)
		return
	}
	if p.Username == "" {
		p.Errs["username"] = "Enter your " + p.NameWord + "."
		h.render(w, r, http.StatusBadRequest, "login", p)
		return
	}
	out, err := h.svc.HostedFirstFactor(r.Context(), req.ClientID, p.Username, factor)
	if err == nil && out.ChallengeName == signin.ChallengeSelect {
		// The user cannot use the factor (no passkey, no phone number):
		// the API's answer is the list of those they can use.
		err = api.Errorf(api.ErrInvalidParameter, api.MsgFirstFactorNotOffered, factor)
	}
	if err != nil {
		switch {
		case api.IsCode(err, api.ErrUserNotFound):
			p.Errs["username"] = message(err)
		case api.IsCode(err, api.ErrInvalidParameter):
			p.Error = "This way of signing in is not set up for this account. Sign in another way."
		default:
			p.Error = message(err)
		}
		h.render(w, r, http.StatusBadRequest, "login", p)
		return
	}
	if slices.Contains(codeChallenges, out.ChallengeName) {
		// A first factor's code can be sent again: Resend names the factor.
		f := &flow{Request: p.Request, Session: out.Session, User: out.ChallengeParameters["USERNAME"], Challenge: out.ChallengeName,
			Resend: factor, Expires: req.Expires}
		h.challengePage(w, r, req, f, out)
		return
	}
	h.next(w, r, req, p.Username, out)
}

// challengePage shows the page of a challenge these files answer; false
// when the challenge is none of theirs.
func (h *Handler) challengePage(w http.ResponseWriter, r *http.Request, req *authRequest, f *flow, out *api.AuthOutput) bool {
	switch {
	case slices.Contains(codeChallenges, out.ChallengeName):
		f.Medium, f.Dest = out.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"], out.ChallengeParameters["CODE_DELIVERY_DESTINATION"]
		h.renderCode(w, r, req, f, http.StatusOK, "")
	case out.ChallengeName == signin.ChallengeSelectMFA:
		json.Unmarshal([]byte(out.ChallengeParameters["MFAS_CAN_CHOOSE"]), &f.Choices)
		p := h.newPage(r, req, "Choose how to confirm it is you")
		p.Flow = h.seal(f, "flow")
		for _, c := range mfaChoices {
			if slices.Contains(f.Choices, c.Value) {
				p.Choices = append(p.Choices, c)
			}
		}
		h.render(w, r, http.StatusOK, "choose", p)
	case out.ChallengeName == signin.ChallengeWebAuthn:
		h.renderPasskey(w, r, req, f, out.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"])
	default:
		return false
	}
	return true
}

func (h *Handler) renderCode(w http.ResponseWriter, r *http.Request, req *authRequest, f *flow, status int, codeErr string) {
	p := h.newPage(r, req, "Enter the code we sent you")
	p.Flow = h.seal(f, "flow")
	p.Dest, p.Resend = f.Dest, f.Resend != ""
	p.Medium = "email"
	if f.Medium == "SMS" {
		p.Medium = "text message"
	}
	if codeErr != "" {
		p.Errs["code"] = codeErr
	}
	h.render(w, r, status, "code", p)
}

// codeSubmit answers the code page: SMS_MFA, EMAIL_OTP or SMS_OTP.
func (h *Handler) codeSubmit(w http.ResponseWriter, r *http.Request) {
	f, req, ok := h.flowForm(w, r, codeChallenges...)
	if !ok {
		return
	}
	if r.PostFormValue("action") == "resend" && f.Resend != "" {
		// A new USER_AUTH sign-in with the same factor: a new code and
		// Session, as an API client gets by starting again.
		out, err := h.svc.HostedFirstFactor(r.Context(), req.ClientID, f.User, f.Resend)
		if err != nil || !slices.Contains(codeChallenges, out.ChallengeName) {
			h.renderCode(w, r, req, f, http.StatusBadRequest, "A new code could not be sent. Start again, or use the code you have.")
			return
		}
		nf := &flow{Request: f.Request, Session: out.Session, User: f.User, Challenge: out.ChallengeName, Resend: f.Resend, Expires: f.Expires}
		h.challengePage(w, r, req, nf, out)
		return
	}
	code := r.PostFormValue("code")
	if !sixDigits.MatchString(code) {
		h.renderCode(w, r, req, f, http.StatusBadRequest, "Enter the 6-digit code we sent you.")
		return
	}
	h.answer(w, r, req, f, f.Challenge+"_CODE", code, func(err error) {
		h.renderCode(w, r, req, f, http.StatusBadRequest, message(err))
	})
}

// selectSubmit answers the MFA choice (SELECT_MFA_TYPE).
func (h *Handler) selectSubmit(w http.ResponseWriter, r *http.Request) {
	f, req, ok := h.flowForm(w, r, signin.ChallengeSelectMFA)
	if !ok {
		return
	}
	answer := r.PostFormValue("answer")
	if !slices.Contains(f.Choices, answer) {
		h.errorPage(w, http.StatusBadRequest, "That choice is not one this page offered. Go back to the application and start again.", "", "")
		return
	}
	h.answer(w, r, req, f, "ANSWER", answer, func(err error) { h.pageError(w, r, req, err) })
}

func (h *Handler) renderPasskey(w http.ResponseWriter, r *http.Request, req *authRequest, f *flow, options string) {
	p := h.newPage(r, req, "Sign in with a passkey")
	p.Flow = h.seal(f, "flow")
	p.Options = options
	h.render(w, r, http.StatusOK, "passkey", p)
}

// passkeySubmit answers the passkey page: the assertion the page's script
// got from navigator.credentials.get, as WEB_AUTHN's CREDENTIAL. The
// challenge's session is spent by the answer, right or wrong, so a
// refusal goes back to the sign-in page.
func (h *Handler) passkeySubmit(w http.ResponseWriter, r *http.Request) {
	f, req, ok := h.flowForm(w, r, signin.ChallengeWebAuthn)
	if !ok {
		return
	}
	cred := r.PostFormValue("credential")
	if cred == "" {
		p := h.newPage(r, req, "Sign in")
		p.Error = "No passkey was used. Sign in with your passkey again, or another way."
		h.render(w, r, http.StatusBadRequest, "login", p)
		return
	}
	h.answer(w, r, req, f, "CREDENTIAL", cred, func(err error) {
		p := h.newPage(r, req, "Sign in")
		p.Error = "Your passkey could not be checked. Try again, or sign in another way."
		if !api.IsCode(err, api.ErrNotAuthorized) {
			p.Error = message(err)
		}
		h.render(w, r, http.StatusBadRequest, "login", p)
	})
}

// answer sends a challenge page's answer, the flow's USERNAME and the
// member key, through RespondToAuthChallenge and shows what follows: the
// next page, the sign-in page when the session is lost, else refused.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request, req *authRequest, f *flow, key, value string, refused func(error)) {
	resp := map[string]*string{"USERNAME": &f.User, key: &value}
	out, err := h.svc.RespondToAuthChallenge(r.Context(), &api.RespondToAuthChallengeInput{ClientId: req.ClientID,
		ChallengeName: f.Challenge, Session: f.Session, ChallengeResponses: resp})
	if err != nil {
		if !h.sessionLost(w, r, req, err) {
			refused(err)
		}
		return
	}
	h.next(w, r, req, f.User, out)
}

func (h *Handler) renderSetupEmail(w http.ResponseWriter, r *http.Request, req *authRequest, f *flow, status int, emailErr string) {
	p := h.newPage(r, req, "Get sign-in codes by email")
	p.Flow = h.seal(f, "flow")
	if emailErr != "" {
		p.Errs["email"] = emailErr
	}
	h.render(w, r, status, "setupemail", p)
}

// setupEmailSubmit answers MFA_SETUP with the address email MFA is to
// use: the API then emails a code to it and asks EMAIL_OTP, whose page
// follows; the address becomes the user's once that code comes back.
func (h *Handler) setupEmailSubmit(w http.ResponseWriter, r *http.Request) {
	f, req, ok := h.flowForm(w, r, signin.ChallengeMFASetup)
	if !ok {
		return
	}
	addr := strings.TrimSpace(r.PostFormValue("email"))
	if addr == "" {
		h.renderSetupEmail(w, r, req, f, http.StatusBadRequest, "Enter your email address.")
		return
	}
	h.answer(w, r, req, f, "EMAIL", addr, func(err error) {
		h.renderSetupEmail(w, r, req, f, http.StatusBadRequest, message(err))
	})
}

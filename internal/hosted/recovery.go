package hosted

import (
	"net/http"
	"strings"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
)

// Password recovery (ForgotPassword, then ConfirmForgotPassword with the
// code) and the new-password step of users created by an administrator
// (NEW_PASSWORD_REQUIRED). The paths are Cognito's hosted UI paths.

func (h *Handler) forgotSubmit(w http.ResponseWriter, r *http.Request) {
	req, p := h.formPage(w, r, "Forgot your password?")
	if p == nil {
		return
	}
	p.Username = strings.TrimSpace(r.PostFormValue("username"))
	if p.Username == "" {
		p.Errs["username"] = "Enter your " + p.NameWord + "."
		h.render(w, r, http.StatusBadRequest, "forgot", p)
		return
	}
	in := &api.ForgotPasswordInput{ClientId: req.ClientID, Username: p.Username}
	err := api.Validate(in)
	var out *api.CodeDeliveryOutput
	if err == nil {
		out, err = h.svc.ForgotPassword(r.Context(), in)
	}
	if err != nil {
		if api.IsCode(err, api.ErrUserNotFound) || api.IsCode(err, api.ErrInvalidParameter) {
			p.Errs["username"] = message(err)
		} else {
			p.Error = message(err)
		}
		h.render(w, r, http.StatusBadRequest, "forgot", p)
		return
	}
	rp := h.newPage(r, req, "Reset your password")
	rp.Username = p.Username
	h.passwordRules(r, req, rp, "")
	rp.Info = "We have sent a password reset code. Enter it below to choose a new password."
	if d := out.CodeDeliveryDetails; d != nil && d.Destination != "" {
		rp.Info = "We have sent a password reset code by " + strings.ToLower(d.DeliveryMedium) + " to " + d.Destination + ". Enter it below to choose a new password."
	}
	h.render(w, r, http.StatusOK, "reset", rp)
}

func (h *Handler) resetSubmit(w http.ResponseWriter, r *http.Request) {
	req, p := h.formPage(w, r, "Reset your password")
	if p == nil {
		return
	}
	p.Username = strings.TrimSpace(r.PostFormValue("username"))
	code, password := strings.TrimSpace(r.PostFormValue("code")), r.PostFormValue("password")
	p.Code = code
	h.passwordRules(r, req, p, "")
	switch {
	case p.Username == "":
		p.Errs["username"] = "Enter your " + p.NameWord + "."
	case code == "":
		p.Errs["code"] = "Enter the code we sent you."
	case password == "":
		p.Errs["password"] = "Enter a new password."
	case password != r.PostFormValue("password2"):
		p.Errs["password2"] = "The passwords do not match."
	}
	if len(p.Errs) > 0 {
		h.render(w, r, http.StatusBadRequest, "reset", p)
		return
	}
	in := &api.ConfirmForgotPasswordInput{ClientId: req.ClientID, Username: p.Username, ConfirmationCode: code, Password: password}
	err := api.Validate(in)
	if err == nil {
		_, err = h.svc.ConfirmForgotPassword(r.Context(), in)
	}
	if err != nil {
		switch {
		case api.IsCode(err, api.ErrCodeMismatch), api.IsCode(err, api.ErrExpiredCode), api.IsCode(err, api.ErrLimitExceeded):
			p.Errs["code"] = message(err)
		case api.IsCode(err, api.ErrInvalidPassword):
			p.Errs["password"] = h.passwordRefused(r, req, p, password, err)
		case api.IsCode(err, api.ErrUserNotFound):
			p.Errs["username"] = message(err)
		default:
			p.Error = message(err)
		}
		h.render(w, r, http.StatusBadRequest, "reset", p)
		return
	}
	lp := h.newPage(r, req, "Sign in")
	lp.Username = p.Username
	lp.Info = "Your password has been reset. Sign in with your new password."
	h.render(w, r, http.StatusOK, "login", lp)
}

// ---- NEW_PASSWORD_REQUIRED ----

// attrField is an attribute the new-password page asks for.
type attrField struct {
	Name  string // form field: userAttributes.<name>
	Label string
	Value string
}

func (h *Handler) renderNewPassword(w http.ResponseWriter, r *http.Request, req *authRequest, f *flow, status int, fill func(p *page)) {
	p := h.newPage(r, req, "Change your password")
	p.Flow = h.seal(f, "flow")
	p.Info = "Your account was created with a temporary password. Choose a new password to continue."
	h.passwordRules(r, req, p, "")
	for _, name := range f.Required {
		attr := strings.TrimPrefix(name, "userAttributes.")
		p.Attrs = append(p.Attrs, attrField{Name: name, Label: attributeLabel(attr), Value: r.PostFormValue(name)})
	}
	if fill != nil {
		fill(p)
	}
	h.render(w, r, status, "newpassword", p)
}

// attributeLabel turns a schema attribute name into a label.
func attributeLabel(attr string) string {
	attr = strings.TrimPrefix(attr, "custom:")
	words := strings.Split(attr, "_")
	for i, w := range words {
		if i == 0 && w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

func (h *Handler) newPasswordSubmit(w http.ResponseWriter, r *http.Request) {
	f, req, ok := h.flowForm(w, r, signin.ChallengeNewPassword)
	if !ok {
		return
	}
	password := r.PostFormValue("password")
	again := func(field, msg string) {
		h.renderNewPassword(w, r, req, f, http.StatusBadRequest, func(p *page) {
			if field == "" {
				p.Error = msg
			} else {
				p.Errs[field] = msg
			}
		})
	}
	switch {
	case password == "":
		again("password", "Enter a new password.")
		return
	case password != r.PostFormValue("password2"):
		again("password2", "The passwords do not match.")
		return
	}
	resp := map[string]*string{"USERNAME": &f.User, "NEW_PASSWORD": &password}
	for _, name := range f.Required {
		v := strings.TrimSpace(r.PostFormValue(name))
		if v == "" {
			again(name, "Enter your "+strings.ToLower(attributeLabel(strings.TrimPrefix(name, "userAttributes.")))+".")
			return
		}
		resp[name] = &v
	}
	out, err := h.svc.RespondToAuthChallenge(r.Context(), &api.RespondToAuthChallengeInput{ClientId: req.ClientID,
		ChallengeName: signin.ChallengeNewPassword, Session: f.Session, ChallengeResponses: resp})
	if err != nil {
		switch {
		case h.sessionLost(w, r, req, err):
		case api.IsCode(err, api.ErrInvalidPassword):
			h.renderNewPassword(w, r, req, f, http.StatusBadRequest, func(p *page) {
				p.Errs["password"] = h.passwordRefused(r, req, p, password, err)
			})
		default:
			again("", message(err))
		}
		return
	}
	h.next(w, r, req, f.User, out)
}

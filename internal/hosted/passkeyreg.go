package hosted

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/signin"
)

// Passkey registration after sign-in. When the client offers passkeys
// (USER_AUTH with WEB_AUTHN among the pool's first factors) and the user
// who just signed in has none, the pages ask once per sign-in, before
// the browser goes back to the application: "Add a passkey" (the page's
// script runs navigator.credentials.create on the options of
// StartWebAuthnRegistration and posts the result to
// CompleteWebAuthnRegistration, both with the sign-in's access token) or
// "Not now". Either way the sign-in then ends as it would have. A failed
// registration shows the page again with fresh options; it never costs
// the user the sign-in.

// passkeyOffer is a finished sign-in waiting on the passkey offer.
type passkeyOffer struct {
	Request string          `json:"rq"`
	Access  string          `json:"a"`
	Refresh string          `json:"rt"`
	Custom  json.RawMessage `json:"cz,omitempty"`
	Expires int64           `json:"e"`
}

// offerPasskey shows the offer when it applies and reports whether it did.
func (h *Handler) offerPasskey(w http.ResponseWriter, r *http.Request, req *authRequest, c *idp.HostedClient, o *passkeyOffer) bool {
	if !slices.Contains(c.FirstFactors, signin.ChallengeWebAuthn) {
		return false
	}
	f, err := h.svc.GetUserAuthFactors(r.Context(), &api.GetUserAuthFactorsInput{AccessToken: o.Access})
	if err != nil || slices.Contains(f.ConfiguredUserAuthFactors, signin.ChallengeWebAuthn) {
		return false
	}
	o.Request, o.Expires = h.seal(req, "request"), req.Expires
	return h.renderOffer(w, r, req, o, http.StatusOK, "")
}

// renderOffer starts a registration and shows its page; false when no
// registration can start (the pool has no relying party, the user's
// passkeys are at their limit).
func (h *Handler) renderOffer(w http.ResponseWriter, r *http.Request, req *authRequest, o *passkeyOffer, status int, msg string) bool {
	start, err := h.svc.StartWebAuthnRegistration(r.Context(), &api.StartWebAuthnRegistrationInput{AccessToken: o.Access})
	if err != nil {
		h.log.Warn("hosted: no passkey offer", "err", err)
		return false
	}
	p := h.newPage(r, req, "Add a passkey?")
	p.Flow = h.seal(o, "passkey-offer")
	p.Options = string(start.CredentialCreationOptions)
	p.Error = msg
	h.render(w, r, status, "addpasskey", p)
	return true
}

// passkeyAddSubmit answers the offer: a credential to register, or none
// ("Not now").
func (h *Handler) passkeyAddSubmit(w http.ResponseWriter, r *http.Request) {
	if !h.postForm(w, r) {
		return
	}
	var o passkeyOffer
	if res := h.unseal(r.PostFormValue("flow"), "passkey-offer", &o, func() int64 { return o.Expires }); res != sealOK {
		h.sealError(w, res)
		return
	}
	req, ok := h.openRequest(o.Request)
	if !ok {
		h.sealError(w, sealBad)
		return
	}
	c, err := h.svc.HostedClient(r.Context(), req.ClientID)
	if err != nil {
		h.pageError(w, r, req, err)
		return
	}
	if cred := r.PostFormValue("credential"); cred != "" {
		in := &api.CompleteWebAuthnRegistrationInput{AccessToken: o.Access, Credential: json.RawMessage(cred)}
		err := api.Validate(in)
		if err == nil && !json.Valid(in.Credential) {
			err = api.Errorf(api.ErrInvalidParameter, api.MsgWebAuthnBadCredential, "not JSON")
		}
		if err == nil {
			_, err = h.svc.CompleteWebAuthnRegistration(r.Context(), in)
		}
		if err != nil {
			if h.renderOffer(w, r, req, &o, http.StatusBadRequest, "The passkey was not added: "+message(err)+" Try again, or choose Not now.") {
				return
			}
		}
	}
	h.signedIn(w, r, req, c.PoolID, o.Refresh, o.Custom)
}

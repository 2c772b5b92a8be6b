package hosted

import (
	"net/http"
	"time"

	"github.com/crewjam/saml"

	"github.com/cognate-idp/cognate/internal/idp"
)

// SAML sign-out (IDPSignout): a browser signed in through a SAML provider
// with IDPSignout keeps, in a sealed cookie, who the IdP said it was (the
// NameID and SessionIndex of the assertion). /logout then ends the
// Cognate session as usual and sends the browser to the IdP's
// SingleLogoutService with a signed LogoutRequest (HTTP-Redirect); the
// IdP answers at /saml2/logout with a LogoutResponse, after which the
// browser goes on to the logout_uri. Choice: IdP-initiated
// LogoutRequests are not taken (Cognito documents SP-initiated sign-out
// only).

const (
	samlLogoutPath = "/saml2/logout"
	samlSLOCookie  = "cognate_saml_slo"
	samlSLOTTL     = 30 * 24 * time.Hour // as long as a refresh token may last
)

// samlSession is the sealed content of samlSLOCookie.
type samlSession struct {
	Pool     string `json:"pl"`
	Client   string `json:"c"`
	Provider string `json:"p"`
	NameID   string `json:"id"`
	Format   string `json:"f,omitempty"`
	Index    string `json:"si,omitempty"`
	Expires  int64  `json:"e"`
}

// samlLogoutState is the RelayState of a LogoutRequest.
type samlLogoutState struct {
	Client   string `json:"c"`
	Provider string `json:"p"`
	Request  string `json:"rq"` // the LogoutRequest's ID
	Target   string `json:"t"`  // where the browser goes after
	Expires  int64  `json:"e"`
}

// rememberSAMLSession sets samlSLOCookie after a SAML sign-in through a
// provider with IDPSignout.
func (h *Handler) rememberSAMLSession(w http.ResponseWriter, fp *idp.FederationProvider, clientID string, a *saml.Assertion) {
	if !fp.IDPSignout || a.Subject == nil || a.Subject.NameID == nil {
		return
	}
	st := samlSession{Pool: fp.PoolID, Client: clientID, Provider: fp.Name, NameID: a.Subject.NameID.Value, Format: a.Subject.NameID.Format,
		Expires: h.svc.Now().Add(samlSLOTTL).Unix()}
	if len(a.AuthnStatements) > 0 {
		st.Index = a.AuthnStatements[0].SessionIndex
	}
	http.SetCookie(w, &http.Cookie{Name: samlSLOCookie, Value: h.seal(st, "saml-slo"), Path: "/", MaxAge: int(samlSLOTTL / time.Second),
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

// samlSignOut sends the browser, signed out of the pool, on to its SAML
// IdP's sign-out when it signed in through one with IDPSignout; it
// reports false (nothing sent) otherwise, or when the IdP cannot be
// reached, so that the caller goes on to target.
func (h *Handler) samlSignOut(w http.ResponseWriter, r *http.Request, poolID, target string) bool {
	c, err := r.Cookie(samlSLOCookie)
	if err != nil {
		return false
	}
	var st samlSession
	if h.unseal(c.Value, "saml-slo", &st, func() int64 { return st.Expires }) != sealOK || st.Pool != poolID {
		return false
	}
	http.SetCookie(w, &http.Cookie{Name: samlSLOCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	sp, fp := h.samlLogoutSP(r, st.Client, st.Provider)
	if sp == nil || !fp.IDPSignout {
		return false
	}
	slo := sp.GetSLOBindingLocation(saml.HTTPRedirectBinding)
	if slo == "" {
		h.log.Warn("hosted: SAML provider has no HTTP-Redirect SingleLogoutService", "provider", fp.Name)
		return false
	}
	lr, err := sp.MakeLogoutRequest(slo, st.NameID, saml.WithSessionIndexes(st.Index))
	if err != nil {
		h.log.Warn("hosted: SAML LogoutRequest", "provider", fp.Name, "err", err)
		return false
	}
	if st.Format != "" {
		lr.NameID.Format = st.Format
	}
	relay := h.seal(samlLogoutState{Client: st.Client, Provider: fp.Name, Request: lr.ID, Target: target,
		Expires: h.svc.Now().Add(federationTTL).Unix()}, "saml-logout")
	to, err := sp.RedirectLogoutRequestURL(lr, relay)
	if err != nil {
		h.log.Warn("hosted: SAML LogoutRequest", "provider", fp.Name, "err", err)
		return false
	}
	http.Redirect(w, r, to.String(), http.StatusFound)
	return true
}

// samlLogoutSP is the service provider towards a client's SAML provider,
// with the pool's keys (LogoutRequests are always signed, as the SAML
// single logout profile requires); nil when it cannot be had (logged).
func (h *Handler) samlLogoutSP(r *http.Request, clientID, provider string) (*saml.ServiceProvider, *idp.FederationProvider) {
	fp, err := h.svc.FederationProvider(r.Context(), clientID, provider, "")
	if err != nil {
		h.log.Warn("hosted: SAML sign-out provider", "provider", provider, "err", err)
		return nil, nil
	}
	md, err := samlIDPMetadata(fp.Metadata)
	if err != nil {
		h.log.Warn("hosted: SAML metadata unusable", "provider", fp.Name, "err", err)
		return nil, nil
	}
	sp := h.samlSP(r.Context(), fp.PoolID, md)
	if err := h.samlKeys(r.Context(), sp, fp.PoolID, true); err != nil {
		h.log.Warn("hosted: SAML keys", "provider", fp.Name, "err", err)
		return nil, nil
	}
	return sp, fp
}

// samlLogoutResponse is /saml2/logout: the IdP's LogoutResponse to our
// LogoutRequest, after which the browser goes where /logout was asked to
// send it.
func (h *Handler) samlLogoutResponse(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSAMLResponse)
	if err := r.ParseForm(); err != nil || r.Form.Get("SAMLResponse") == "" {
		h.errorPage(w, http.StatusBadRequest, "This page expects a sign-out answer (a SAML LogoutResponse) from an identity provider.", "", "")
		return
	}
	var st samlLogoutState
	switch h.unseal(r.Form.Get("RelayState"), "saml-logout", &st, func() int64 { return st.Expires }) {
	case sealBad:
		h.errorPage(w, http.StatusBadRequest, "This sign-out answer of an identity provider has no state this service issued. You are signed out of this service.", "", "")
		return
	case sealExpired:
		h.errorPage(w, http.StatusBadRequest, "This sign-out took too long at the identity provider. You are signed out of this service.", "", "")
		return
	}
	sp, fp := h.samlLogoutSP(r, st.Client, st.Provider)
	if sp == nil {
		h.errorPage(w, http.StatusBadGateway, "The identity provider could not be reached to finish signing out. You are signed out of this service.", "", "")
		return
	}
	_, err := sp.ParseLogoutResponse(r, []string{st.Request})
	if err == nil {
		// Each LogoutRequest is answered once.
		err = h.svc.SpendOnce(r.Context(), "saml-logout:"+st.Request, time.Unix(st.Expires, 0))
	}
	if err != nil {
		h.log.Warn("hosted: SAML LogoutResponse refused", "provider", fp.Name, "err", samlCause(err))
		h.errorPage(w, http.StatusBadRequest, "The sign-out answer of the identity provider "+fp.Name+" could not be verified, so you may still be signed in there. You are signed out of this service.", "", "")
		return
	}
	http.Redirect(w, r, st.Target, http.StatusFound)
}

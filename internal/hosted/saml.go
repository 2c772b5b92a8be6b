package hosted

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/crewjam/saml"
	"github.com/jonboulle/clockwork"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
)

// This file holds SAML sign-in on the hosted pages (SP-initiated, HTTP-
// Redirect binding towards the IdP, HTTP-POST binding back; IdP-initiated
// for providers with IDPInit). Cognate is the service provider
// urn:amazon:cognito:sp:<poolId>, as Cognito is; its assertion consumer
// service is <public URL>/saml2/idpresponse. The IdP's Response is
// checked by crewjam/saml's ServiceProvider: the signature against the
// certificates of the IdP's metadata, audience, destination and
// recipient, time window and InResponseTo (the AuthnRequest's ID, sealed
// in the RelayState), decrypted with the pool's encryption key when
// encrypted. Each assertion ID is accepted once, on every node (the
// store's one-time marks). Sign-out is in samlslo.go.

const (
	samlACSPath      = "/saml2/idpresponse"
	samlMetadataPath = "/saml2/metadata"
	samlCookie       = "cognate_saml"
	maxSAMLResponse  = 256 << 10
)

// samlEntityID is the service provider entity id Cognito uses for a pool.
func samlEntityID(poolID string) string { return "urn:amazon:cognito:sp:" + poolID }

// samlSP is crewjam/saml's service provider for a pool and, when md is
// given, one IdP's metadata.
func (h *Handler) samlSP(ctx context.Context, poolID string, md *saml.EntityDescriptor) *saml.ServiceProvider {
	acs, _ := url.Parse(h.public + samlACSPath)
	meta, _ := url.Parse(h.public + samlMetadataPath)
	slo, _ := url.Parse(h.public + samlLogoutPath)
	return &saml.ServiceProvider{EntityID: samlEntityID(poolID), AcsURL: *acs, MetadataURL: *meta, SloURL: *slo, IDPMetadata: md,
		AuthnNameIDFormat: saml.UnspecifiedNameIDFormat, ReplayCache: samlReplay{ctx: ctx, svc: h.svc}, RejectSHA1Signatures: true,
		AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding}, LogoutBindings: []string{saml.HTTPRedirectBinding},
		Clock: dsig.NewFakeClock(serviceClock{Clock: clockwork.NewRealClock(), now: h.svc.Now})}
}

// samlKeys gives sp the pool's keys: the signing key (which signs the
// logout messages, and the AuthnRequests when sign is set) and the
// encryption key, with which encrypted assertions are decrypted.
func (h *Handler) samlKeys(ctx context.Context, sp *saml.ServiceProvider, poolID string, sign bool) error {
	k, err := h.svc.SAMLKeys(ctx, poolID)
	if err != nil {
		return err
	}
	sp.Key, sp.Certificate, sp.EncryptionKey, sp.EncryptionCertificate = k.Signing, k.SigningCert, k.Encryption, k.EncryptionCert
	sp.LogoutSignatureMethod = dsig.RSASHA256SignatureMethod
	if sign {
		sp.SignatureMethod = dsig.RSASHA256SignatureMethod
	}
	return nil
}

// samlAssertions counts the assertions of a SAMLResponse (base64): those
// in the clear and those encrypted (both 0 for what is not a Response).
func samlAssertions(response string) (clear, encrypted int) {
	raw, err := base64.StdEncoding.DecodeString(response)
	if err != nil {
		return 0, 0
	}
	var doc struct {
		Clear     []struct{} `xml:"urn:oasis:names:tc:SAML:2.0:assertion Assertion"`
		Encrypted []struct{} `xml:"urn:oasis:names:tc:SAML:2.0:assertion EncryptedAssertion"`
	}
	if xml.Unmarshal(raw, &doc) != nil {
		return 0, 0
	}
	return len(doc.Clear), len(doc.Encrypted)
}

// serviceClock is the real clock but for Now, which is the service's (so
// the time window of an assertion is judged by the pool's own time).
type serviceClock struct {
	clockwork.Clock
	now func() time.Time
}

func (c serviceClock) Now() time.Time                  { return c.now() }
func (c serviceClock) Since(t time.Time) time.Duration { return c.now().Sub(t) }
func (c serviceClock) Until(t time.Time) time.Duration { return t.Sub(c.now()) }

// samlIDPMetadata reads the IdP's metadata (an EntityDescriptor, or the
// first of an EntitiesDescriptor).
func samlIDPMetadata(doc []byte) (*saml.EntityDescriptor, error) {
	var ed saml.EntityDescriptor
	if err := xml.Unmarshal(doc, &ed); err == nil && ed.EntityID != "" {
		return &ed, nil
	}
	var eds saml.EntitiesDescriptor
	if err := xml.Unmarshal(doc, &eds); err != nil || len(eds.EntityDescriptors) == 0 {
		return nil, errors.New("SAML metadata has no EntityDescriptor")
	}
	return &eds.EntityDescriptors[0], nil
}

// samlFederate sends the browser to a SAML IdP with an AuthnRequest; the
// RelayState is the sealed state, bound to this browser by a cookie.
func (h *Handler) samlFederate(w http.ResponseWriter, r *http.Request, req *authRequest, fp *idp.FederationProvider) {
	md, err := samlIDPMetadata(fp.Metadata)
	if err != nil {
		h.log.Warn("hosted: SAML metadata unusable", "provider", fp.Name, "err", err)
		h.upstreamDown(w, r, req, fp.Name)
		return
	}
	sp := h.samlSP(r.Context(), fp.PoolID, md)
	if fp.SignRequests {
		if err := h.samlKeys(r.Context(), sp, fp.PoolID, true); err != nil {
			h.pageError(w, r, req, err)
			return
		}
	}
	areq, err := sp.MakeAuthenticationRequest(sp.GetSSOBindingLocation(saml.HTTPRedirectBinding), saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		h.log.Warn("hosted: SAML AuthnRequest", "provider", fp.Name, "err", err)
		h.upstreamDown(w, r, req, fp.Name)
		return
	}
	st := fedState{Request: *req, Provider: fp.Name, Nonce: areq.ID, Bind: randomID(16), Expires: h.svc.Now().Add(federationTTL).Unix()}
	st.Request.Provider, st.Request.Identifier = "", ""
	to, err := areq.Redirect(h.seal(st, "saml"), sp)
	if err != nil {
		h.log.Warn("hosted: SAML redirect", "provider", fp.Name, "err", err)
		h.upstreamDown(w, r, req, fp.Name)
		return
	}
	h.bindCookie(w, samlCookie, samlACSPath, st.Bind, int(federationTTL/time.Second))
	http.Redirect(w, r, to.String(), http.StatusFound)
}

const samlRefused = "The answer of the identity provider %s could not be verified, so you are not signed in. Start again from the application."

// samlResponse is POST /saml2/idpresponse: the IdP's signed Response,
// to a sign-in this service started (its RelayState is our sealed state)
// or, when the provider has IDPInit, an unsolicited one whose RelayState
// holds the parameters of /oauth2/authorize (samlUnsolicited).
func (h *Handler) samlResponse(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSAMLResponse)
	if err := r.ParseForm(); err != nil || r.PostForm.Get("SAMLResponse") == "" {
		h.errorPage(w, http.StatusBadRequest, "This page expects a SAML response from an identity provider. Start again from the application.", "", "")
		return
	}
	var (
		req      *authRequest
		fp       *idp.FederationProvider
		requests []string // the AuthnRequest IDs the Response may answer
	)
	var st fedState
	switch h.unseal(r.PostForm.Get("RelayState"), "saml", &st, func() int64 { return st.Expires }) {
	case sealBad:
		if req, fp = h.samlUnsolicited(w, r); req == nil {
			return
		}
	case sealExpired:
		h.errorPage(w, http.StatusBadRequest, "This sign-in took too long at the identity provider and has expired. Start again from the application.", "", "")
		return
	default:
		if !bound(r, samlCookie, st.Bind) {
			h.errorPage(w, http.StatusBadRequest, "This sign-in was not started in this browser (its state does not match), so it cannot continue. Start again from the application.", "", "")
			return
		}
		req, requests = &st.Request, []string{st.Nonce}
		var err error
		if fp, err = h.svc.FederationProvider(r.Context(), req.ClientID, st.Provider, ""); err != nil {
			h.pageError(w, r, req, err)
			return
		}
	}
	md, err := samlIDPMetadata(fp.Metadata)
	if err != nil {
		h.log.Warn("hosted: SAML metadata unusable", "provider", fp.Name, "err", err)
		h.upstreamDown(w, r, req, fp.Name)
		return
	}
	clear, encrypted := samlAssertions(r.PostForm.Get("SAMLResponse"))
	if fp.EncryptedResponses && (clear > 0 || encrypted == 0) {
		h.log.Warn("hosted: SAML response refused", "provider", fp.Name, "err", "the assertion is not encrypted and the provider has EncryptedResponses")
		h.errorPage(w, http.StatusBadRequest, strings.Replace(samlRefused, "%s", fp.Name, 1), "", "")
		return
	}
	sp := h.samlSP(r.Context(), fp.PoolID, md)
	sp.AllowIDPInitiated = requests == nil
	if encrypted > 0 {
		// Only then are the pool's keys needed (and, the first time,
		// made).
		if err := h.samlKeys(r.Context(), sp, fp.PoolID, false); err != nil {
			h.pageError(w, r, req, err)
			return
		}
	}
	// The library checks the Destination against the URL the Response
	// was posted to: the public one, whatever the listener's address.
	acs, _ := url.Parse(h.public + samlACSPath)
	r.URL = acs
	assertion, err := sp.ParseResponse(r, requests)
	if err != nil {
		detail := samlCause(err)
		h.log.Warn("hosted: SAML response refused", "provider", fp.Name, "err", detail)
		msg := strings.Replace(samlRefused, "%s", fp.Name, 1)
		if errors.Is(detail, saml.ErrAssertionReplayed) {
			msg = "This sign-in answer of the identity provider " + fp.Name + " was already used. Start again from the application."
		}
		h.errorPage(w, http.StatusBadRequest, msg, "", "")
		return
	}
	if st.Bind != "" {
		h.bindCookie(w, samlCookie, samlACSPath, st.Bind, -1)
	}
	h.rememberSAMLSession(w, fp, req.ClientID, assertion)
	claims := map[string]any{}
	if assertion.Subject != nil && assertion.Subject.NameID != nil {
		claims[idp.SAMLNameID] = assertion.Subject.NameID.Value
	}
	for _, stmt := range assertion.AttributeStatements {
		for _, a := range stmt.Attributes {
			var vals []string
			for _, v := range a.Values {
				vals = append(vals, v.Value)
			}
			// Choice: a multi-valued attribute maps as its values joined
			// by commas.
			claims[a.Name] = strings.Join(vals, ",")
		}
	}
	res, user, err := h.svc.FederatedSignIn(r.Context(), req.ClientID, fp.Name, claims)
	if err != nil {
		if e, ok := api.As(err); !ok || e.Code == api.ErrInternal {
			h.log.Error("hosted: federated sign-in", "err", err)
		}
		h.pageError(w, r, req, err)
		return
	}
	h.completed(w, r, req, user, res)
}

// samlCause is the reason crewjam/saml keeps out of its errors' text
// (for the log, never the page).
func samlCause(err error) error {
	var ire *saml.InvalidResponseError
	if errors.As(err, &ire) && ire.PrivateErr != nil {
		return ire.PrivateErr
	}
	return err
}

// samlUnsolicited takes an IdP-initiated Response: its RelayState is the
// query of an /oauth2/authorize request (client_id, redirect_uri,
// response_type, scope, and identity_provider or idp_identifier), checked
// as /oauth2/authorize checks it, and the provider it names must have
// IDPInit. It answers the browser itself when it returns nil.
func (h *Handler) samlUnsolicited(w http.ResponseWriter, r *http.Request) (*authRequest, *idp.FederationProvider) {
	q, err := url.ParseQuery(r.PostForm.Get("RelayState"))
	if err != nil || q.Get("client_id") == "" {
		h.errorPage(w, http.StatusBadRequest, "This sign-in came back from the identity provider without a state this service issued, so it cannot continue. Start again from the application.", "", "")
		return nil, nil
	}
	ar := r.Clone(r.Context())
	ar.URL = &url.URL{Path: "/oauth2/authorize", RawQuery: q.Encode()}
	req := h.checkRequest(w, ar)
	if req == nil {
		return nil, nil
	}
	if req.Provider == "" && req.Identifier == "" {
		// Choice: the RelayState must name the provider, as Cognito's
		// documented examples do, rather than take any SAML provider.
		h.errorPage(w, http.StatusBadRequest, "This sign-in started at an identity provider does not name the provider (identity_provider or idp_identifier in its RelayState), so it cannot continue.", "", "")
		return nil, nil
	}
	fp, err := h.svc.FederationProvider(r.Context(), req.ClientID, req.Provider, req.Identifier)
	if err != nil {
		h.pageError(w, r, req, err)
		return nil, nil
	}
	if fp.Type != "SAML" || !fp.IDPInit {
		h.log.Warn("hosted: unsolicited SAML response refused", "provider", fp.Name)
		h.errorPage(w, http.StatusBadRequest, "The identity provider "+fp.Name+" may not start a sign-in to this application: start it from the application instead.", "", "")
		return nil, nil
	}
	req.Provider, req.Identifier = "", ""
	return req, fp
}

// samlMetadata is GET /saml2/metadata?client_id=<app client>: the
// service provider metadata of the client's pool, for the IdP's
// configuration. Choice: Cognito serves no SP metadata (its users write
// it by hand from the pool id and ACS URL); Cognate serves it, found by
// an app client of the pool.
func (h *Handler) samlMetadata(w http.ResponseWriter, r *http.Request) {
	c, err := h.svc.HostedClient(r.Context(), r.URL.Query().Get("client_id"))
	if e, ok := api.As(err); err != nil && (!ok || e.Code == api.ErrInternal) {
		h.log.Error("hosted: SAML metadata client", "err", err)
		h.errorPage(w, http.StatusInternalServerError, api.MsgInternal, "", "")
		return
	}
	if err != nil {
		h.errorPage(w, http.StatusBadRequest, "No app client with this client_id.", "", "")
		return
	}
	sp := h.samlSP(r.Context(), c.PoolID, nil)
	signing := c.SAMLSignsRequests || c.SAMLSignsOut
	if signing || c.SAMLEncrypted {
		if err := h.samlKeys(r.Context(), sp, c.PoolID, c.SAMLSignsRequests); err != nil {
			h.log.Error("hosted: SAML keys", "err", err)
			h.errorPage(w, http.StatusInternalServerError, api.MsgInternal, "", "")
			return
		}
	}
	md := sp.Metadata()
	// The certificates published are those the client's providers use:
	// an IdP encrypts to an encryption key it finds, and checks the
	// requests' signatures when AuthnRequestsSigned.
	for i := range md.SPSSODescriptors {
		kds := md.SPSSODescriptors[i].KeyDescriptors[:0]
		for _, kd := range md.SPSSODescriptors[i].KeyDescriptors {
			if (kd.Use == "encryption" && c.SAMLEncrypted) || (kd.Use == "signing" && signing) {
				kds = append(kds, kd)
			}
		}
		md.SPSSODescriptors[i].KeyDescriptors = kds
	}
	out, err := xml.MarshalIndent(md, "", "  ")
	if err != nil {
		h.log.Error("hosted: SAML metadata", "err", err)
		h.errorPage(w, http.StatusInternalServerError, api.MsgInternal, "", "")
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write(append([]byte(xml.Header), out...))
}

// samlReplay is the replay cache of one SAML answer: each assertion ID
// (and LogoutRequest ID) is spent in the store, so every node of a
// deployment refuses an answer another node has accepted.
type samlReplay struct {
	ctx context.Context
	svc Domain
}

// Consume implements saml.AssertionReplayCache.
func (c samlReplay) Consume(id string, expires time.Time) error {
	err := c.svc.SpendOnce(c.ctx, "saml:"+id, expires)
	if errors.Is(err, idp.ErrSpent) {
		return saml.ErrAssertionReplayed
	}
	return err
}

package hosted

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
)

// This file holds federated sign-in on the hosted pages: the browser goes
// from /oauth2/authorize (identity_provider or idp_identifier, or a
// "Sign in with" button of the sign-in page) to an OpenID Connect
// provider of the pool, and comes back to /oauth2/idpresponse with a code.
// Towards the provider Cognate is a relying party: state (sealed, carrying
// the app's authorization request, and bound to the browser by a cookie),
// nonce and PKCE (S256). The provider's ID token is checked against its
// JWKS (issuer, audience, expiry, nonce) before the pool's user is made or
// found; the app then gets Cognate's own code as after a native sign-in.

// Lifetimes and limits of a federated sign-in. Cognito documents none of
// them; these are the choices.
const (
	federationTTL  = 10 * time.Minute // from the redirect to the provider to its answer
	discoveryTTL   = time.Hour        // a provider's discovery document
	upstreamWait   = 10 * time.Second // any call to a provider
	federationPath = "/oauth2/idpresponse"
	// federationCookie binds a state to the browser that was sent away.
	federationCookie = "cognate_federation"
)

// fedState is the state parameter given to the provider.
type fedState struct {
	Request  authRequest `json:"rq"`
	Provider string      `json:"p"`
	Nonce    string      `json:"n"`
	Verifier string      `json:"v"` // PKCE code_verifier towards the provider
	Bind     string      `json:"b"` // the browser's cookie value
	Expires  int64       `json:"e"`
}

// endpoints are a provider's OpenID Connect endpoints.
type endpoints struct {
	Issuer    string `json:"issuer"`
	Authorize string `json:"authorization_endpoint"`
	Token     string `json:"token_endpoint"`
	JWKS      string `json:"jwks_uri"`
	UserInfo  string `json:"userinfo_endpoint"`
	expires   time.Time
}

// federation is the handler's relying-party state: discovered endpoints
// and key sets, by issuer and JWKS URL.
type federation struct {
	client *http.Client
	mu     sync.Mutex
	disc   map[string]*endpoints
	keys   map[string]*oidc.RemoteKeySet
}

func newFederation() *federation {
	return &federation{client: &http.Client{Timeout: upstreamWait}, disc: map[string]*endpoints{}, keys: map[string]*oidc.RemoteKeySet{}}
}

// errUpstream is a provider that could not be reached or answered badly.
var errUpstream = errors.New("hosted: identity provider unavailable")

// endpoints returns the provider's endpoints: those given in its details,
// the rest from its issuer's discovery document (cached).
func (f *federation) endpoints(ctx context.Context, p *idp.FederationProvider) (*endpoints, error) {
	ep := &endpoints{Issuer: p.Issuer, Authorize: p.AuthorizeURL, Token: p.TokenURL, JWKS: p.JWKSURI, UserInfo: p.AttributesURL}
	if ep.Authorize != "" && ep.Token != "" && ep.JWKS != "" && ep.UserInfo != "" {
		return ep, nil
	}
	f.mu.Lock()
	d := f.disc[p.Issuer]
	f.mu.Unlock()
	if d == nil || time.Now().After(d.expires) {
		var err error
		if d, err = f.discover(ctx, p.Issuer); err != nil {
			return nil, err
		}
		f.mu.Lock()
		f.disc[p.Issuer] = d
		f.mu.Unlock()
	}
	for _, pair := range []struct {
		dst *string
		src string
	}{{&ep.Authorize, d.Authorize}, {&ep.Token, d.Token}, {&ep.JWKS, d.JWKS}, {&ep.UserInfo, d.UserInfo}} {
		if *pair.dst == "" {
			*pair.dst = pair.src
		}
	}
	return ep, nil
}

func (f *federation) discover(ctx context.Context, issuer string) (*endpoints, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", nil)
	if err != nil {
		return nil, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: discovery: %v", errUpstream, err)
	}
	defer resp.Body.Close()
	var d endpoints
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&d) != nil {
		return nil, fmt.Errorf("%w: discovery answered %d", errUpstream, resp.StatusCode)
	}
	// OpenID Connect Discovery §4.3: the document's issuer is the one asked.
	if d.Issuer != issuer || d.Authorize == "" || d.Token == "" || d.JWKS == "" {
		return nil, fmt.Errorf("%w: discovery document of %s names issuer %q or lacks endpoints", errUpstream, issuer, d.Issuer)
	}
	d.expires = time.Now().Add(discoveryTTL)
	return &d, nil
}

// keySet returns the cached key set of a JWKS URL.
func (f *federation) keySet(jwks string) *oidc.RemoteKeySet {
	f.mu.Lock()
	defer f.mu.Unlock()
	ks := f.keys[jwks]
	if ks == nil {
		ks = oidc.NewRemoteKeySet(oidc.ClientContext(context.Background(), f.client), jwks)
		f.keys[jwks] = ks
	}
	return ks
}

// authorizeQuery is the authorization request again as
// /oauth2/authorize parameters, with extra ones (the sign-in page's
// "Sign in with" buttons).
func authorizeQuery(req *authRequest, extra url.Values) string {
	v := url.Values{"client_id": {req.ClientID}, "redirect_uri": {req.RedirectURI}, "response_type": {"code"}, "scope": {req.Scope}}
	if req.Implicit {
		v.Set("response_type", "token")
	}
	for k, s := range map[string]string{"state": req.State, "nonce": req.Nonce, "code_challenge": req.Challenge, "login_hint": req.LoginHint} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if req.Challenge != "" {
		v.Set("code_challenge_method", "S256")
	}
	for k, s := range extra {
		v[k] = s
	}
	return "/oauth2/authorize?" + v.Encode()
}

// federate sends the browser to the provider named (or identified) by the
// authorization request.
func (h *Handler) federate(w http.ResponseWriter, r *http.Request, req *authRequest) {
	fp, err := h.svc.FederationProvider(r.Context(), req.ClientID, req.Provider, req.Identifier)
	if err != nil {
		if e, ok := api.As(err); !ok || e.Code == api.ErrInternal {
			h.log.Error("hosted: federation provider", "err", err)
			h.errorPage(w, http.StatusInternalServerError, api.MsgInternal, "", "")
			return
		}
		e, _ := api.As(err)
		implicitAwareError(w, r, req.RedirectURI, req.State, oauthInvalidRequest, e.Message, req.Implicit)
		return
	}
	if fp.Type == "SAML" {
		h.samlFederate(w, r, req, fp)
		return
	}
	ep, err := h.fed.endpoints(r.Context(), fp)
	if err != nil {
		h.log.Warn("hosted: identity provider unavailable", "provider", fp.Name, "err", err)
		h.upstreamDown(w, r, req, fp.Name)
		return
	}
	verifier := randomID(32)
	sum := sha256.Sum256([]byte(verifier))
	st := fedState{Request: *req, Provider: fp.Name, Nonce: randomID(16), Verifier: verifier, Bind: randomID(16),
		Expires: h.svc.Now().Add(federationTTL).Unix()}
	st.Request.Provider, st.Request.Identifier = "", ""
	http.SetCookie(w, &http.Cookie{Name: federationCookie, Value: st.Bind, Path: federationPath, MaxAge: int(federationTTL / time.Second),
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	q := url.Values{"response_type": {"code"}, "client_id": {fp.ClientID}, "redirect_uri": {h.public + federationPath},
		"scope": {fp.Scopes}, "state": {h.seal(st, "federation")}, "nonce": {st.Nonce},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	http.Redirect(w, r, withQuery(ep.Authorize, q), http.StatusFound)
}

// upstreamDown is the page of a provider that cannot be reached.
func (h *Handler) upstreamDown(w http.ResponseWriter, r *http.Request, req *authRequest, name string) {
	back := "/login?" + url.Values{"request": {h.seal(req, "request")}}.Encode()
	h.errorPage(w, http.StatusBadGateway, "The sign-in service of "+name+" cannot be reached just now. Try again in a few minutes.", back, "Back to sign in")
}

// idpResponse is GET /oauth2/idpresponse: the provider's answer.
func (h *Handler) idpResponse(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var st fedState
	switch h.unseal(q.Get("state"), "federation", &st, func() int64 { return st.Expires }) {
	case sealBad:
		h.errorPage(w, http.StatusBadRequest, "This sign-in came back from the identity provider without a state this service issued, so it cannot continue. Start again from the application.", "", "")
		return
	case sealExpired:
		h.errorPage(w, http.StatusBadRequest, "This sign-in took too long at the identity provider and has expired. Start again from the application.", "", "")
		return
	}
	c, err := r.Cookie(federationCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(st.Bind)) != 1 {
		h.errorPage(w, http.StatusBadRequest, "This sign-in was not started in this browser (its state does not match), so it cannot continue. Start again from the application.", "", "")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: federationCookie, Value: "", Path: federationPath, MaxAge: -1, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	req := &st.Request
	if e := q.Get("error"); e != "" {
		// The provider refused or the user cancelled: the app hears it as
		// on Cognito, with the provider's description.
		code := oauthInvalidRequest
		if e == oauthAccessDenied {
			code = oauthAccessDenied
		}
		desc := q.Get("error_description")
		if len(e) > 64 {
			e = e[:64]
		}
		if len(desc) > 256 {
			desc = desc[:256]
		}
		implicitAwareError(w, r, req.RedirectURI, req.State, code, strings.TrimSpace(fmt.Sprintf(descProviderRefused, st.Provider, e, desc)), req.Implicit)
		return
	}
	code := q.Get("code")
	if code == "" || len(code) > 4096 {
		h.errorPage(w, http.StatusBadRequest, "The identity provider came back without an authorization code. Start again from the application.", "", "")
		return
	}
	fp, err := h.svc.FederationProvider(r.Context(), req.ClientID, st.Provider, "")
	if err != nil {
		h.pageError(w, r, req, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), upstreamWait)
	defer cancel()
	ep, err := h.fed.endpoints(ctx, fp)
	if err != nil {
		h.log.Warn("hosted: identity provider unavailable", "provider", fp.Name, "err", err)
		h.upstreamDown(w, r, req, fp.Name)
		return
	}
	rawID, access, err := h.fed.exchange(ctx, fp, ep, code, st.Verifier, h.public+federationPath)
	if err != nil {
		h.log.Warn("hosted: code exchange with identity provider failed", "provider", fp.Name, "err", err)
		if errors.Is(err, errUpstream) {
			h.upstreamDown(w, r, req, fp.Name)
			return
		}
		h.errorPage(w, http.StatusBadGateway, "The identity provider "+fp.Name+" did not accept this sign-in. Start again from the application.", "", "")
		return
	}
	claims, err := h.fed.verify(ctx, fp, ep, rawID, st.Nonce, h.svc.Now)
	if err != nil {
		h.log.Warn("hosted: identity provider's ID token refused", "provider", fp.Name, "err", err)
		h.errorPage(w, http.StatusBadRequest, "The answer of the identity provider "+fp.Name+" could not be verified, so you are not signed in. Start again from the application.", "", "")
		return
	}
	if ep.UserInfo != "" && access != "" {
		// The attributes the ID token leaves out (an OP that issues an
		// access token may keep profile claims for userInfo), as Cognito
		// reads them from the provider's userInfo endpoint.
		if err := h.fed.userInfo(ctx, fp, ep, access, claims); err != nil {
			h.log.Warn("hosted: identity provider's userInfo failed", "provider", fp.Name, "err", err)
			if errors.Is(err, errUpstream) {
				h.upstreamDown(w, r, req, fp.Name)
				return
			}
			h.errorPage(w, http.StatusBadRequest, "The answer of the identity provider "+fp.Name+" could not be verified, so you are not signed in. Start again from the application.", "", "")
			return
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

// exchange redeems the provider's code at its token endpoint
// (client_secret_post, as Cognito authenticates to OIDC providers) and
// returns the raw ID token and the access token.
func (f *federation) exchange(ctx context.Context, fp *idp.FederationProvider, ep *endpoints, code, verifier, redirect string) (string, string, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "client_id": {fp.ClientID}, "code_verifier": {verifier}}
	if fp.ClientSecret != "" {
		form.Set("client_secret", fp.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.Token, strings.NewReader(form.Encode()))
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		return "", "", fmt.Errorf("%w: token endpoint: %v", errUpstream, err)
	}
	defer resp.Body.Close()
	var out struct {
		IDToken string `json:"id_token"`
		Access  string `json:"access_token"`
		Error   string `json:"error"`
	}
	derr := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out)
	switch {
	case resp.StatusCode >= 500:
		return "", "", fmt.Errorf("%w: token endpoint answered %d", errUpstream, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return "", "", fmt.Errorf("token endpoint answered %d %s", resp.StatusCode, out.Error)
	case derr != nil || out.IDToken == "":
		return "", "", fmt.Errorf("token endpoint answered no id_token")
	}
	return out.IDToken, out.Access, nil
}

// verify checks the provider's ID token: signature against its JWKS,
// issuer, audience (the provider's client_id), expiry and the nonce sent.
func (f *federation) verify(ctx context.Context, fp *idp.FederationProvider, ep *endpoints, raw, nonce string, now func() time.Time) (map[string]any, error) {
	v := oidc.NewVerifier(fp.Issuer, f.keySet(ep.JWKS), &oidc.Config{ClientID: fp.ClientID, Now: now})
	tok, err := v.Verify(oidc.ClientContext(ctx, f.client), raw)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(tok.Nonce), []byte(nonce)) != 1 {
		return nil, errors.New("the ID token's nonce is not the one sent")
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return nil, err
	}
	return claims, nil
}

// userInfo reads the provider's userInfo endpoint with the access token
// (GET, or POST as attributes_request_method says) and adds the claims the
// ID token lacks; its sub must be the ID token's (OpenID Connect Core
// §5.3.2).
func (f *federation) userInfo(ctx context.Context, fp *idp.FederationProvider, ep *endpoints, access string, claims map[string]any) error {
	method := http.MethodGet
	if fp.AttributesMethod == http.MethodPost {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, ep.UserInfo, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("Accept", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: userInfo: %v", errUpstream, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		return fmt.Errorf("%w: userInfo answered %d", errUpstream, resp.StatusCode)
	}
	var info map[string]any
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&info) != nil {
		return fmt.Errorf("userInfo answered %d without JSON claims", resp.StatusCode)
	}
	if info["sub"] != claims["sub"] {
		return errors.New("userInfo's sub is not the ID token's")
	}
	for k, v := range info {
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
	return nil
}

package hosted

import (
	"bytes"
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
// "Sign in with" button of the sign-in page) to an OpenID Connect or
// OAuth 2.0 provider of the pool, and comes back to /oauth2/idpresponse
// with a code (a GET, or a POST form for Apple's form_post).
// Towards the provider Cognate is a relying party: state (sealed, carrying
// the app's authorization request, and bound to the browser by a cookie of
// its own), nonce and PKCE (S256). An OpenID Connect provider's ID token is
// checked against its JWKS (issuer, audience, expiry, nonce); a plain
// OAuth 2.0 provider (Facebook, Login with Amazon) is asked who the access
// token's owner is at its attributes_url. Then the pool's user is made or
// found; the app gets Cognate's own code as after a native sign-in.

// Lifetimes and limits of a federated sign-in. Cognito documents none of
// them; these are the choices.
const (
	federationTTL  = 10 * time.Minute // from the redirect to the provider to its answer
	discoveryTTL   = time.Hour        // a provider's discovery document
	upstreamWait   = 10 * time.Second // any call to a provider
	federationPath = "/oauth2/idpresponse"
	// federationCookie binds a state to the browser that was sent away.
	federationCookie = "cognate_federation"
	// maxProviderForm bounds a provider's POSTed answer (Apple's form_post).
	maxProviderForm = 64 << 10
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

// errUpstream is a provider that could not be reached or answered badly;
// errNotAccepted a provider that refused to redeem the code (a wrong
// client secret, a code used twice).
var (
	errUpstream    = errors.New("hosted: identity provider unavailable")
	errNotAccepted = errors.New("hosted: identity provider did not accept the code")
)

// bindCookie sets (or, with maxAge -1, clears) the cookie binding one
// federated sign-in to this browser. Its name carries part of the flow's
// own bind value, so sign-ins started in two tabs of one browser each keep
// theirs. The provider may come back with a cross-site POST (SAML, Apple's
// form_post): over HTTPS the cookie is SameSite=None so the browser sends
// it with that POST; over plain HTTP (loopback development, where browsers
// refuse SameSite=None without Secure) it is Lax, which a same-site
// provider still gets.
func (h *Handler) bindCookie(w http.ResponseWriter, prefix, path, bind string, maxAge int) {
	same := http.SameSiteLaxMode
	if h.secure {
		same = http.SameSiteNoneMode
	}
	value := bind
	if maxAge < 0 {
		value = ""
	}
	http.SetCookie(w, &http.Cookie{Name: bindCookieName(prefix, bind), Value: value, Path: path, MaxAge: maxAge, HttpOnly: true, Secure: h.secure, SameSite: same})
}

// bindCookieName is the cookie of the flow whose bind value is bind.
func bindCookieName(prefix, bind string) string { return prefix + "_" + bind[:min(8, len(bind))] }

// bound reports whether the browser holds the cookie of the flow bind.
func bound(r *http.Request, prefix, bind string) bool {
	c, err := r.Cookie(bindCookieName(prefix, bind))
	return err == nil && subtle.ConstantTimeCompare([]byte(c.Value), []byte(bind)) == 1
}

// endpoints returns the provider's endpoints: those given in its details,
// the rest from its issuer's discovery document (cached).
func (f *federation) endpoints(ctx context.Context, p *idp.FederationProvider) (*endpoints, error) {
	ep := &endpoints{Issuer: p.Issuer, Authorize: p.AuthorizeURL, Token: p.TokenURL, JWKS: p.JWKSURI, UserInfo: p.AttributesURL}
	// Apple has no userInfo endpoint; a plain OAuth 2.0 provider has no
	// discovery, its endpoints are all in its details.
	noUserInfo := p.Type == "SignInWithApple"
	if p.OAuth2() || (ep.Authorize != "" && ep.Token != "" && ep.JWKS != "" && (ep.UserInfo != "" || noUserInfo)) {
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
	h.bindCookie(w, federationCookie, federationPath, st.Bind, int(federationTTL/time.Second))
	q := url.Values{"response_type": {"code"}, "client_id": {fp.ClientID}, "redirect_uri": {h.public + federationPath},
		"scope": {fp.Scopes}, "state": {h.seal(st, "federation")},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	if !fp.OAuth2() {
		q.Set("nonce", st.Nonce)
	}
	if fp.Type == "SignInWithApple" && asksNameOrEmail(fp.Scopes) {
		// Apple answers a request for the name or email only with a
		// POSTed form.
		q.Set("response_mode", "form_post")
	}
	http.Redirect(w, r, withQuery(ep.Authorize, q), http.StatusFound)
}

// asksNameOrEmail reports whether scopes (space or comma separated) ask
// Apple for the user's name or email.
func asksNameOrEmail(scopes string) bool {
	for _, s := range strings.FieldsFunc(scopes, func(r rune) bool { return r == ' ' || r == ',' }) {
		if s == "name" || s == "email" {
			return true
		}
	}
	return false
}

// upstreamDown is the page of a provider that cannot be reached.
func (h *Handler) upstreamDown(w http.ResponseWriter, r *http.Request, req *authRequest, name string) {
	back := "/login?" + url.Values{"request": {h.seal(req, "request")}}.Encode()
	h.errorPage(w, http.StatusBadGateway, "The sign-in service of "+name+" cannot be reached just now. Try again in a few minutes.", back, "Back to sign in")
}

// idpResponse is GET or POST /oauth2/idpresponse: the provider's answer,
// in the query or (form_post) in a form.
func (h *Handler) idpResponse(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxProviderForm)
	if err := r.ParseForm(); err != nil {
		h.errorPage(w, http.StatusBadRequest, "This page expects the answer of an identity provider. Start again from the application.", "", "")
		return
	}
	q := r.Form
	var st fedState
	switch h.unseal(q.Get("state"), "federation", &st, func() int64 { return st.Expires }) {
	case sealBad:
		h.errorPage(w, http.StatusBadRequest, "This sign-in came back from the identity provider without a state this service issued, so it cannot continue. Start again from the application.", "", "")
		return
	case sealExpired:
		h.errorPage(w, http.StatusBadRequest, "This sign-in took too long at the identity provider and has expired. Start again from the application.", "", "")
		return
	}
	if !bound(r, federationCookie, st.Bind) {
		h.errorPage(w, http.StatusBadRequest, "This sign-in was not started in this browser (its state does not match), so it cannot continue. Start again from the application.", "", "")
		return
	}
	h.bindCookie(w, federationCookie, federationPath, st.Bind, -1)
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
	claims, err := h.fed.identity(ctx, fp, ep, code, &st, h.public+federationPath, q.Get("user"), h.svc.Now)
	switch {
	case errors.Is(err, errUpstream):
		h.log.Warn("hosted: identity provider unavailable", "provider", fp.Name, "err", err)
		h.upstreamDown(w, r, req, fp.Name)
		return
	case errors.Is(err, errNotAccepted):
		h.log.Warn("hosted: code exchange with identity provider failed", "provider", fp.Name, "err", err)
		h.errorPage(w, http.StatusBadGateway, "The identity provider "+fp.Name+" did not accept this sign-in. Start again from the application.", "", "")
		return
	case err != nil:
		h.log.Warn("hosted: identity provider's answer refused", "provider", fp.Name, "err", err)
		h.errorPage(w, http.StatusBadRequest, "The answer of the identity provider "+fp.Name+" could not be verified, so you are not signed in. Start again from the application.", "", "")
		return
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

// identity redeems the provider's code and returns the claims of the user
// it vouches for: a verified ID token's, completed from userInfo, or for a
// plain OAuth 2.0 provider what its attributes_url says. appleUser is the
// user form field Apple posts on a first sign-in (the name it gives once).
func (f *federation) identity(ctx context.Context, fp *idp.FederationProvider, ep *endpoints, code string, st *fedState, redirect, appleUser string, now func() time.Time) (map[string]any, error) {
	rawID, access, err := f.exchange(ctx, fp, ep, code, st.Verifier, redirect, now())
	if err != nil {
		return nil, err
	}
	if fp.OAuth2() {
		u := ep.UserInfo
		if fp.AddAttributes {
			u += url.QueryEscape(strings.Join(fp.Fields, ","))
		}
		return f.fetchInfo(ctx, http.MethodGet, u, access)
	}
	claims, err := f.verify(ctx, fp, ep, rawID, st.Nonce, now)
	if err != nil {
		return nil, err
	}
	if fp.Type == "SignInWithApple" {
		appleName(appleUser, claims)
	} else if ep.UserInfo != "" && access != "" {
		// The attributes the ID token leaves out (an OP that issues an
		// access token may keep profile claims for userInfo), as Cognito
		// reads them from the provider's userInfo endpoint.
		if err := f.userInfo(ctx, fp, ep, access, claims); err != nil {
			return nil, err
		}
	}
	return claims, nil
}

// appleName adds the name Apple posts (JSON, on the first sign-in only,
// and not signed) as the firstName, lastName and name attributes Cognito
// offers to map, where the ID token has no such claim.
func appleName(user string, claims map[string]any) {
	var u struct {
		Name struct {
			First string `json:"firstName"`
			Last  string `json:"lastName"`
		} `json:"name"`
	}
	if user == "" || json.Unmarshal([]byte(user), &u) != nil {
		return
	}
	full := strings.TrimSpace(u.Name.First + " " + u.Name.Last)
	for k, v := range map[string]string{"firstName": u.Name.First, "lastName": u.Name.Last, "name": full} {
		if _, ok := claims[k]; !ok && v != "" && len(v) <= 256 {
			claims[k] = v
		}
	}
}

// exchange redeems the provider's code at its token endpoint
// (client_secret_post, as Cognito authenticates to OIDC providers; for
// Apple the secret is a JWT made now; Facebook's token_request_method is
// GET, the parameters in the query) and returns the raw ID token and the
// access token.
func (f *federation) exchange(ctx context.Context, fp *idp.FederationProvider, ep *endpoints, code, verifier, redirect string, now time.Time) (string, string, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "client_id": {fp.ClientID}, "code_verifier": {verifier}}
	if fp.ClientSecret != "" {
		form.Set("client_secret", fp.ClientSecret)
	}
	if fp.Type == "SignInWithApple" {
		secret, err := fp.AppleClientSecret(now)
		if err != nil {
			return "", "", err
		}
		form.Set("client_secret", secret)
	}
	var req *http.Request
	var err error
	if fp.TokenMethod == http.MethodGet {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, withQuery(ep.Token, form), nil)
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, ep.Token, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		// Not the url.Error itself: its URL may carry the client secret
		// (a GET token request), which must not reach a log line.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", "", fmt.Errorf("%w: token endpoint: %v", errUpstream, err)
	}
	defer resp.Body.Close()
	var out struct {
		IDToken string `json:"id_token"`
		Access  string `json:"access_token"`
		// Error is a string (RFC 6749) or an object (Facebook's Graph).
		Error json.RawMessage `json:"error"`
	}
	derr := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out)
	switch {
	case resp.StatusCode >= 500:
		return "", "", fmt.Errorf("%w: token endpoint answered %d", errUpstream, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return "", "", fmt.Errorf("%w: token endpoint answered %d %.200s", errNotAccepted, resp.StatusCode, out.Error)
	case derr != nil:
		return "", "", errors.New("token endpoint answered no JSON")
	case fp.OAuth2() && out.Access == "":
		return "", "", errors.New("token endpoint answered no access_token")
	case !fp.OAuth2() && out.IDToken == "":
		return "", "", errors.New("token endpoint answered no id_token")
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
	info, err := f.fetchInfo(ctx, method, ep.UserInfo, access)
	if err != nil {
		return err
	}
	if !sameClaim(info["sub"], claims["sub"]) {
		return errors.New("userInfo's sub is not the ID token's")
	}
	for k, v := range info {
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
	return nil
}

// sameClaim reports whether two decoded claim values are the same JSON
// value (userInfo keeps numbers as written, the ID token's are floats).
func sameClaim(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return a != nil && errA == nil && errB == nil && bytes.Equal(x, y)
}

// fetchInfo asks a provider's userInfo (or attributes_url) endpoint about
// the owner of the access token and returns the JSON object it answers.
func (f *federation) fetchInfo(ctx context.Context, method, u, access string) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("Accept", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: userInfo: %v", errUpstream, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		return nil, fmt.Errorf("%w: userInfo answered %d", errUpstream, resp.StatusCode)
	}
	// Numbers kept as written: a numeric user id must not round through
	// a float.
	dec := json.NewDecoder(io.LimitReader(resp.Body, 1<<20))
	dec.UseNumber()
	var info map[string]any
	if resp.StatusCode != http.StatusOK || dec.Decode(&info) != nil || info == nil {
		return nil, fmt.Errorf("userInfo answered %d without JSON claims", resp.StatusCode)
	}
	return info, nil
}

package hosted

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
)

// checkRequest validates an authorization request (from /oauth2/authorize,
// or /login and /signup called with the same parameters). It answers
// itself and returns nil when the request is refused: on an error page
// while the redirect URI is not trusted, else by redirecting with error.
func (h *Handler) checkRequest(w http.ResponseWriter, r *http.Request) *authRequest {
	q := r.URL.Query()
	c, err := h.svc.HostedClient(r.Context(), q.Get("client_id"))
	if err != nil {
		h.errorPage(w, http.StatusBadRequest, "This sign-in link does not name an application known here (its client_id is wrong). Go back to the application and try again.", "", "")
		return nil
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" || !slices.Contains(c.CallbackURLs, redirect) {
		// Never redirect to an address the client has not registered.
		back, text := appLink(c)
		h.errorPage(w, http.StatusBadRequest, "This application asked to return you to an address it has not registered (its redirect_uri), so the sign-in cannot continue. Tell the application's owner.", back, text)
		return nil
	}
	state := q.Get("state")
	implicit := false // errors of the implicit grant go in the fragment
	fail := func(code, desc string) *authRequest {
		implicitAwareError(w, r, redirect, state, code, desc, implicit)
		return nil
	}
	flow, refused := grantOf(q.Get("response_type"))
	if refused != "" {
		return fail(oauthUnsupportedResponseType, refused)
	}
	if !c.OAuthEnabled || !slices.Contains(c.AllowedOAuthFlows, flow) {
		return fail(oauthUnauthorizedClient, fmt.Sprintf(descGrantNotAllowed, flow))
	}
	implicit = flow == "implicit"
	// The pool's own users (COGNITO) are the one identity provider here.
	// Choice: a client that lists no providers at all may use it.
	cognito := len(c.SupportedIdentityProviders) == 0 || slices.Contains(c.SupportedIdentityProviders, "COGNITO")
	// identity_provider names COGNITO or one of the client's identity
	// providers; idp_identifier one of their IdpIdentifiers (checked when
	// the browser is sent there).
	provider, identifier := q.Get("identity_provider"), q.Get("idp_identifier")
	switch {
	case provider == "COGNITO":
		if !cognito {
			return fail(oauthInvalidRequest, fmt.Sprintf(descProviderNotAllowed, provider))
		}
		provider = ""
	case provider != "":
		if !slices.Contains(c.Providers, provider) {
			return fail(oauthInvalidRequest, fmt.Sprintf(descProviderNotAllowed, provider))
		}
		identifier = ""
	case identifier != "":
		if len(identifier) > 40 {
			return fail(oauthInvalidRequest, fmt.Sprintf(descProviderNotAllowed, identifier))
		}
	case !cognito && len(c.Providers) == 0:
		return fail(oauthUnauthorizedClient, descCognitoNotAllowed)
	}
	scope := strings.Join(strings.Fields(q.Get("scope")), " ")
	if scope == "" {
		scope = strings.Join(c.AllowedOAuthScopes, " ")
	}
	for _, s := range strings.Fields(scope) {
		if !slices.Contains(c.AllowedOAuthScopes, s) {
			return fail(oauthInvalidScope, fmt.Sprintf(descScopeNotAllowed, s))
		}
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case challenge == "" && !c.HasSecret && !implicit:
		return fail(oauthInvalidRequest, descPKCERequired)
	case challenge != "" && method != "S256":
		return fail(oauthInvalidRequest, descPKCEMethod)
	case challenge != "" && (len(challenge) != 43 || strings.Trim(challenge, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != ""):
		return fail(oauthInvalidRequest, descPKCEChallenge)
	}
	if len(state) > 2048 || len(q.Get("nonce")) > 2048 {
		return fail(oauthInvalidRequest, descStateTooLong)
	}
	hint := q.Get("login_hint")
	if len(hint) > 128 {
		hint = ""
	}
	return &authRequest{ClientID: c.ID, RedirectURI: redirect, State: state, Scope: scope, Nonce: q.Get("nonce"),
		Challenge: challenge, LoginHint: hint, Implicit: implicit, Provider: provider, Identifier: identifier,
		Expires: h.svc.Now().Add(requestTTL).Unix()}
}

func redirectError(w http.ResponseWriter, r *http.Request, redirect, state, code, desc string) {
	v := url.Values{"error": {code}, "error_description": {desc}}
	if state != "" {
		v.Set("state", state)
	}
	http.Redirect(w, r, withQuery(redirect, v), http.StatusFound)
}

func withQuery(u string, v url.Values) string {
	if strings.Contains(u, "?") {
		return u + "&" + v.Encode()
	}
	return u + "?" + v.Encode()
}

// authorize is GET /oauth2/authorize: check, then back to the client at
// once within a single sign-on session, else on to the sign-in page.
// prompt=login forces the sign-in page; prompt=none refuses to show it
// (OpenID Connect's login_required).
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request) {
	req := h.checkRequest(w, r)
	if req == nil {
		return
	}
	if req.Provider != "" || req.Identifier != "" {
		// Straight to the provider, which keeps its own session.
		h.federate(w, r, req)
		return
	}
	prompt := r.URL.Query().Get("prompt")
	if prompt != "login" {
		if c, err := h.svc.HostedClient(r.Context(), req.ClientID); err == nil {
			if session := h.session(r, c.PoolID); session != "" {
				res, err := h.svc.HostedSessionTokens(r.Context(), session, req.ClientID)
				if err == nil {
					h.finish(w, r, req, res.RefreshToken)
					return
				}
				h.setCookie(w, sessionCookie(c.PoolID), "", 0)
			}
		}
	}
	if prompt == "none" {
		implicitAwareError(w, r, req.RedirectURI, req.State, oauthLoginRequired, descNoSession, req.Implicit)
		return
	}
	http.Redirect(w, r, "/login?"+url.Values{"request": {h.seal(req, "request")}}.Encode(), http.StatusFound)
}

// finish ends a sign-in: an authorization code for the client's callback
// (or the implicit grant's tokens), once the pre token generation trigger
// has answered.
func (h *Handler) finish(w http.ResponseWriter, r *http.Request, req *authRequest, refresh string) {
	if custom, ok := h.preToken(w, r, req, refresh); ok {
		h.issue(w, r, req, refresh, custom)
	}
}

// preToken runs the pool's pre token generation trigger
// (TokenGeneration_HostedAuth) for the tokens of a sign-in, once: for the
// code grant its answer goes with the code to the exchange, for the
// implicit grant it changes the tokens sent now. A refusal ends the
// sign-in (its refresh token is revoked) and shows the function's error on
// the sign-in page, as Cognito's hosted UI does.
func (h *Handler) preToken(w http.ResponseWriter, r *http.Request, req *authRequest, refresh string) (json.RawMessage, bool) {
	custom, err := h.svc.HostedPreTokenGeneration(r.Context(), req.ClientID, refresh, req.Scope)
	if err != nil {
		if e, ok := api.As(err); !ok || e.Code == api.ErrInternal {
			h.log.Error("hosted: pre token generation", "err", err)
		}
		h.pageError(w, r, req, err)
		return nil, false
	}
	return custom, true
}

// issue sends the client its authorization code, or the implicit grant's
// tokens.
func (h *Handler) issue(w http.ResponseWriter, r *http.Request, req *authRequest, refresh string, custom json.RawMessage) {
	if req.Implicit {
		h.implicitTokens(w, r, req, refresh, custom)
		return
	}
	code := authCode{ID: randomID(16), ClientID: req.ClientID, RedirectURI: req.RedirectURI, Challenge: req.Challenge,
		Nonce: req.Nonce, Scope: req.Scope, Refresh: refresh, Expires: h.svc.Now().Add(codeTTL).Unix(), Custom: custom}
	v := url.Values{"code": {h.seal(code, "code")}}
	if req.State != "" {
		v.Set("state", req.State)
	}
	http.Redirect(w, r, withQuery(req.RedirectURI, v), http.StatusFound)
}

// tokenError is an RFC 6749 §5.2 error.
func tokenError(w http.ResponseWriter, status int, code, desc string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="cognate"`)
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	w.Write(b)
}

// clientAuth authenticates the caller of the token endpoint: HTTP Basic or
// client_id and client_secret in the body (not both); a client without a
// secret only names itself.
func (h *Handler) clientAuth(w http.ResponseWriter, r *http.Request) (*idp.HostedClient, bool) {
	id, secret, basic := r.BasicAuth()
	if basic {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil || r.PostForm.Has("client_secret") {
			tokenError(w, http.StatusUnauthorized, oauthInvalidClient, descClientAuthMalformed)
			return nil, false
		}
		if body := r.PostFormValue("client_id"); body != "" && body != id {
			tokenError(w, http.StatusBadRequest, oauthInvalidRequest, descClientIDMismatch)
			return nil, false
		}
	} else {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	if id == "" {
		tokenError(w, http.StatusUnauthorized, oauthInvalidClient, descClientAuthRequired)
		return nil, false
	}
	c, err := h.svc.HostedClient(r.Context(), id)
	if err != nil {
		tokenError(w, http.StatusUnauthorized, oauthInvalidClient, descClientAuthFailed)
		return nil, false
	}
	if (c.HasSecret || secret != "") && h.svc.CheckClientSecret(r.Context(), id, secret) != nil {
		tokenError(w, http.StatusUnauthorized, oauthInvalidClient, descClientAuthFailed)
		return nil, false
	}
	return c, true
}

// clientForm reads the form of a back-channel request (token, revoke) and
// authenticates its client; it answers the error itself when it fails.
func (h *Handler) clientForm(w http.ResponseWriter, r *http.Request) (*idp.HostedClient, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		tokenError(w, http.StatusBadRequest, oauthInvalidRequest, descFormRequired)
		return nil, false
	}
	return h.clientAuth(w, r)
}

// token is POST /oauth2/token.
func (h *Handler) token(w http.ResponseWriter, r *http.Request) {
	c, ok := h.clientForm(w, r)
	if !ok {
		return
	}
	switch r.PostFormValue("grant_type") {
	case "authorization_code":
		h.codeGrant(w, r, c)
	case "refresh_token":
		h.refreshGrant(w, r, c)
	case "client_credentials":
		h.clientCredentials(w, r, c)
	case "":
		tokenError(w, http.StatusBadRequest, oauthInvalidRequest, descGrantTypeRequired)
	default:
		tokenError(w, http.StatusBadRequest, oauthUnsupportedGrantType, descGrantTypeUnsupported)
	}
}

// clientCredentials is the client_credentials grant: an access token for
// the app itself, for custom scopes of the pool's resource servers. Only a
// confidential client may use it (RFC 6749 §4.4); without a scope
// parameter it gets every custom scope it is allowed, as in Cognito.
func (h *Handler) clientCredentials(w http.ResponseWriter, r *http.Request, c *idp.HostedClient) {
	if !c.HasSecret || !c.OAuthEnabled || !slices.Contains(c.AllowedOAuthFlows, "client_credentials") {
		tokenError(w, http.StatusBadRequest, oauthUnauthorizedClient, descClientCredentials)
		return
	}
	custom := func(s string) bool {
		return slices.Contains(c.ResourceScopes, s) && slices.Contains(c.AllowedOAuthScopes, s)
	}
	var scopes []string
	if requested := strings.Fields(r.PostFormValue("scope")); len(requested) > 0 {
		for _, s := range requested {
			if !custom(s) {
				tokenError(w, http.StatusBadRequest, oauthInvalidScope, fmt.Sprintf(descNotCustomScope, s))
				return
			}
			if !slices.Contains(scopes, s) {
				scopes = append(scopes, s)
			}
		}
	} else {
		for _, s := range c.AllowedOAuthScopes {
			if custom(s) {
				scopes = append(scopes, s)
			}
		}
	}
	if len(scopes) == 0 {
		tokenError(w, http.StatusBadRequest, oauthInvalidScope, descNoCustomScope)
		return
	}
	res, err := h.svc.ClientCredentialsToken(r.Context(), c.ID, scopes)
	if err != nil {
		h.grantError(w, err)
		return
	}
	writeTokens(w, res)
}

// revoke is POST /oauth2/revoke (RFC 7009): the client authenticates as at
// the token endpoint; the refresh token, and the tokens issued from it,
// stop working. An unknown token answers 200, as the RFC asks.
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) {
	c, ok := h.clientForm(w, r)
	if !ok {
		return
	}
	tok := r.PostFormValue("token")
	if tok == "" {
		tokenError(w, http.StatusBadRequest, oauthInvalidRequest, descRevokeTokenRequired)
		return
	}
	if strings.Count(tok, ".") == 2 {
		// A JWT: only refresh tokens can be revoked (they take their
		// access and ID tokens with them).
		tokenError(w, http.StatusBadRequest, oauthUnsupportedTokenType, api.MsgOnlyRefreshRevocable)
		return
	}
	in := &api.RevokeTokenInput{Token: tok, ClientId: c.ID, ClientSecret: clientSecret(r)}
	err := api.Validate(in)
	if err == nil {
		_, err = h.svc.RevokeToken(r.Context(), in)
	}
	if err != nil {
		e, ok := api.As(err)
		switch {
		case !ok || e.Code == api.ErrInternal:
			h.internal(w, err)
		case e.Code == api.ErrUnsupportedOperation:
			tokenError(w, http.StatusBadRequest, oauthInvalidRequest, e.Message)
		case e.Code == api.ErrUnauthorized:
			// RFC 6749 §5.2: a grant "issued to another client".
			tokenError(w, http.StatusBadRequest, oauthInvalidGrant, e.Message)
		case e.Code == api.ErrNotAuthorized:
			tokenError(w, http.StatusUnauthorized, oauthInvalidClient, descClientAuthFailed)
		default:
			tokenError(w, http.StatusBadRequest, oauthInvalidRequest, e.Message)
		}
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// clientSecret is the secret the caller of the token or revocation
// endpoint authenticated with (already checked by clientAuth).
func clientSecret(r *http.Request) string {
	if _, s, ok := r.BasicAuth(); ok {
		s, _ = url.QueryUnescape(s)
		return s
	}
	return r.PostFormValue("client_secret")
}

func (h *Handler) codeGrant(w http.ResponseWriter, r *http.Request, c *idp.HostedClient) {
	if !c.OAuthEnabled || !slices.Contains(c.AllowedOAuthFlows, "code") {
		tokenError(w, http.StatusBadRequest, oauthUnauthorizedClient, descCodeGrant)
		return
	}
	var code authCode
	if !h.open(r.PostFormValue("code"), "code", &code, func() int64 { return code.Expires }) || code.ClientID != c.ID {
		tokenError(w, http.StatusBadRequest, oauthInvalidGrant, descCodeInvalid)
		return
	}
	if r.PostFormValue("redirect_uri") != code.RedirectURI {
		tokenError(w, http.StatusBadRequest, oauthInvalidGrant, descRedirectMismatch)
		return
	}
	verifier := r.PostFormValue("code_verifier")
	if code.Challenge != "" || verifier != "" {
		sum := sha256.Sum256([]byte(verifier))
		if verifier == "" || subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(code.Challenge)) != 1 {
			tokenError(w, http.StatusBadRequest, oauthInvalidGrant, descVerifierMismatch)
			return
		}
	}
	if err := h.svc.SpendOnce(r.Context(), "code:"+code.ID, time.Unix(code.Expires, 0)); err != nil {
		if errors.Is(err, idp.ErrSpent) {
			tokenError(w, http.StatusBadRequest, oauthInvalidGrant, descCodeUsed)
			return
		}
		h.internal(w, err)
		return
	}
	res, err := h.svc.CodeTokens(r.Context(), c.ID, code.Refresh, code.Nonce, code.Scope, code.Custom)
	if err != nil {
		h.grantError(w, err)
		return
	}
	writeTokens(w, res)
}

func (h *Handler) refreshGrant(w http.ResponseWriter, r *http.Request, c *idp.HostedClient) {
	rt := r.PostFormValue("refresh_token")
	if rt == "" {
		tokenError(w, http.StatusBadRequest, oauthInvalidRequest, descRefreshTokenRequired)
		return
	}
	out, err := h.svc.GetTokensFromRefreshToken(r.Context(), &api.GetTokensFromRefreshTokenInput{RefreshToken: rt, ClientId: c.ID, ClientSecret: clientSecret(r)})
	if err != nil {
		h.grantError(w, err)
		return
	}
	writeTokens(w, out.AuthenticationResult)
}

func (h *Handler) grantError(w http.ResponseWriter, err error) {
	if e, ok := api.As(err); ok && e.Code != api.ErrInternal {
		tokenError(w, http.StatusBadRequest, oauthInvalidGrant, e.Message)
		return
	}
	h.internal(w, err)
}

func (h *Handler) internal(w http.ResponseWriter, err error) {
	h.log.Error("hosted: internal error", "err", err)
	tokenError(w, http.StatusInternalServerError, oauthServerError, api.MsgInternal)
}

func writeTokens(w http.ResponseWriter, res *api.AuthenticationResult) {
	out := map[string]any{"access_token": res.AccessToken, "token_type": "Bearer", "expires_in": res.ExpiresIn}
	if res.IdToken != "" {
		out["id_token"] = res.IdToken
	}
	if res.RefreshToken != "" {
		out["refresh_token"] = res.RefreshToken
	}
	writeJSON(w, http.StatusOK, out)
}

// userInfo is GET or POST /oauth2/userInfo with a Bearer access token.
func (h *Handler) userInfo(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_request"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": oauthInvalidRequest, "error_description": descBearerTokenRequired})
		return
	}
	claims, err := h.svc.UserInfo(r.Context(), strings.TrimSpace(tok))
	if err != nil {
		if e, ok := api.As(err); ok && e.Code == api.ErrInternal {
			h.internal(w, err)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": oauthInvalidToken, "error_description": descAccessTokenNotAccepted})
		return
	}
	writeJSON(w, http.StatusOK, claims)
}

// logout is GET /logout: it ends the browser's single sign-on session
// with the pool, then either goes to logout_uri, which must be one of the
// client's LogoutURLs exactly, or, with redirect_uri (one of its
// CallbackURLs) and the other authorization parameters, back to the
// sign-in page to sign in again, as Cognito's /logout does.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, err := h.svc.HostedClient(r.Context(), q.Get("client_id"))
	if err != nil {
		h.errorPage(w, http.StatusBadRequest, "This sign-in link does not name an application known here (its client_id is wrong). Go back to the application and try again.", "", "")
		return
	}
	target := q.Get("logout_uri")
	switch {
	case target != "":
		if !slices.Contains(c.LogoutURLs, target) {
			back, text := appLink(c)
			h.errorPage(w, http.StatusBadRequest, "This application asked to return you after signing out to an address it has not registered (its logout_uri). Tell the application's owner.", back, text)
			return
		}
	case q.Get("redirect_uri") != "":
		if !slices.Contains(c.CallbackURLs, q.Get("redirect_uri")) {
			back, text := appLink(c)
			h.errorPage(w, http.StatusBadRequest, "This application asked to return you to an address it has not registered (its redirect_uri), so the sign-in cannot continue. Tell the application's owner.", back, text)
			return
		}
		if q.Get("response_type") == "" {
			back, text := appLink(c)
			h.errorPage(w, http.StatusBadRequest, "This sign-out link is incomplete (a redirect_uri without a response_type). Tell the application's owner.", back, text)
			return
		}
		// The sign-in page checks the rest as /oauth2/authorize would.
		again := url.Values{}
		for _, k := range []string{"client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "login_hint"} {
			if v := q.Get(k); v != "" {
				again.Set(k, v)
			}
		}
		target = "/login?" + again.Encode()
	default:
		back, text := appLink(c)
		h.errorPage(w, http.StatusBadRequest, "This sign-out link is incomplete (it needs a logout_uri, or a redirect_uri and response_type). Tell the application's owner.", back, text)
		return
	}
	h.endSession(w, r, c.PoolID)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	if h.samlSignOut(w, r, c.PoolID, target) {
		return // on to the SAML IdP's sign-out, then to target
	}
	http.Redirect(w, r, target, http.StatusFound)
}

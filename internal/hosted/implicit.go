package hosted

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// grantOf maps an authorization request's response_type to the OAuth flow
// the client must allow (AllowedOAuthFlows); refused is the error
// description when the type is not served.
func grantOf(responseType string) (flow, refused string) {
	switch responseType {
	case "code":
		return "code", ""
	case "token":
		return "implicit", ""
	}
	return "", descResponseType
}

// implicitAwareError redirects an error of an authorization request: in the
// query for the code grant, in the fragment for the implicit grant (RFC 6749
// §4.2.2.1), where the client's page script reads it.
func implicitAwareError(w http.ResponseWriter, r *http.Request, redirect, state, code, desc string, implicit bool) {
	if !implicit {
		redirectError(w, r, redirect, state, code, desc)
		return
	}
	v := url.Values{"error": {code}, "error_description": {desc}}
	if state != "" {
		v.Set("state", state)
	}
	http.Redirect(w, r, withFragment(redirect, v), http.StatusFound)
}

// withFragment puts v in the fragment of u, replacing any fragment u had.
func withFragment(u string, v url.Values) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	return u + "#" + v.Encode()
}

// implicitTokens ends an implicit-grant sign-in: the access token (and the
// ID token when openid was granted) go straight to the client's callback in
// the URL fragment, never to a server. No refresh token is given, as
// Cognito gives none in this grant.
func (h *Handler) implicitTokens(w http.ResponseWriter, r *http.Request, req *authRequest, refresh string, custom json.RawMessage) {
	res, err := h.svc.CodeTokens(r.Context(), req.ClientID, refresh, req.Nonce, req.Scope, custom)
	if err != nil {
		h.log.Error("hosted: implicit grant", "err", err)
		implicitAwareError(w, r, req.RedirectURI, req.State, oauthServerError, descTokensNotIssued, true)
		return
	}
	v := url.Values{"access_token": {res.AccessToken}, "token_type": {"Bearer"},
		"expires_in": {strconv.Itoa(int(res.ExpiresIn))}}
	if res.IdToken != "" {
		v.Set("id_token", res.IdToken)
	}
	if req.State != "" {
		v.Set("state", req.State)
	}
	http.Redirect(w, r, withFragment(req.RedirectURI, v), http.StatusFound)
}

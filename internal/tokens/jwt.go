package tokens

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// IsJWT reports whether tok is a JWS (an access or ID token, Cognate's or
// another issuer's): three base64url parts, the first a JSON header naming
// its algorithm. Refresh tokens are opaque and never take that form, so
// Cognito's UnsupportedTokenTypeException answers such a token, where an
// unknown opaque token is already as good as revoked.
func IsJWT(tok string) bool {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return false
	}
	var header struct {
		Alg string `json:"alg"`
	}
	return json.Unmarshal(raw, &header) == nil && header.Alg != ""
}

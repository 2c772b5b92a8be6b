package tokens

import (
	"slices"
	"strings"
)

// Customization is what a pre token generation trigger asked to change in
// one token set (package idp turns the function's answer into it). A nil
// *Customization changes nothing. It travels sealed in an authorization
// code between the hosted sign-in and the code exchange, hence the JSON
// names.
type Customization struct {
	// IDAdd and IDSuppress are the ID token's claims to add or override and
	// to suppress; AccessAdd and AccessSuppress the access token's (V2_0 and
	// V3_0 only).
	IDAdd          map[string]any `json:"ia,omitempty"`
	IDSuppress     []string       `json:"is,omitempty"`
	AccessAdd      map[string]any `json:"aa,omitempty"`
	AccessSuppress []string       `json:"as,omitempty"`
	// ScopesAdd and ScopesSuppress change the access token's scope claim.
	ScopesAdd      []string `json:"sa,omitempty"`
	ScopesSuppress []string `json:"ss,omitempty"`
	// Groups, when set, replaces the user's groups (cognito:groups in both
	// tokens; empty removes the claim); Roles the ID token's cognito:roles;
	// PreferredRole its cognito:preferred_role.
	Groups        *[]string `json:"g,omitempty"`
	Roles         *[]string `json:"r,omitempty"`
	PreferredRole *string   `json:"p,omitempty"`
}

// fixed are the claims a trigger can neither add, override nor suppress in
// either token, as Cognito's pre token generation page lists them; an
// attempt is ignored (Cognate's choice where Cognito does not say whether
// it refuses the answer: it leaves such a claim as it was). A claim named
// with the prefix "dev:" is Cognito's own too.
var fixed = []string{"acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat",
	"identities", "iss", "jti", "nbf", "nonce", "origin_jti", "sub", "token_use", "event_id"}

// fixedAccess are the access token's own claims that stay as Cognito sets
// them: scope changes only through ScopesAdd and ScopesSuppress.
var fixedAccess = []string{"client_id", "scope", "username", "device_key", "version"}

// groupClaims come from the user's groups: a trigger changes them through
// its group override, not as claims to add, but may suppress them.
var groupClaims = []string{"cognito:groups", "cognito:roles", "cognito:preferred_role"}

// simpleOnly are ID token claims whose values must stay simple (a string,
// number or boolean): Cognito takes no object or array for them.
var simpleOnly = []string{"email_verified", "phone_number_verified", "updated_at", "address"}

func fixedClaim(name string, access bool) bool {
	return slices.Contains(fixed, name) || strings.HasPrefix(name, "dev:") || (access && slices.Contains(fixedAccess, name))
}

// apply changes the claims of one token: additions and overrides first,
// then suppressions (a claim both added and suppressed is suppressed, as
// Cognito documents).
func apply(claims map[string]any, add map[string]any, suppress []string, access bool) {
	for k, v := range add {
		if k == "" || fixedClaim(k, access) || slices.Contains(groupClaims, k) || v == nil {
			continue
		}
		if !access && slices.Contains(simpleOnly, k) {
			switch v.(type) {
			case map[string]any, []any:
				continue
			}
		}
		claims[k] = v
	}
	for _, k := range suppress {
		if !fixedClaim(k, access) {
			delete(claims, k)
		}
	}
}

// scopes applies ScopesAdd and ScopesSuppress to a space-separated scope.
// A scope with a space in it cannot be told apart in the claim and is
// ignored (Cognate's choice).
func (cz *Customization) scopes(scope string) string {
	out := strings.Fields(scope)
	for _, s := range cz.ScopesAdd {
		if s != "" && !strings.ContainsAny(s, " \t\n") && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	out = slices.DeleteFunc(out, func(s string) bool { return slices.Contains(cz.ScopesSuppress, s) })
	return strings.Join(out, " ")
}

// groups applies the group override to a user's groups, roles and
// preferred role.
func (cz *Customization) groups(u *User) *User {
	if cz == nil || (cz.Groups == nil && cz.Roles == nil && cz.PreferredRole == nil) {
		return u
	}
	c := *u
	if cz.Groups != nil {
		c.Groups = *cz.Groups
	}
	if cz.Roles != nil {
		c.Roles = *cz.Roles
	}
	if cz.PreferredRole != nil {
		c.PreferredRole = *cz.PreferredRole
	}
	return &c
}

// customize applies the customization to a token set's claims (id is nil
// for the client_credentials grant, which has no ID token).
func (cz *Customization) customize(access, id map[string]any) {
	if cz == nil {
		return
	}
	if id != nil {
		apply(id, cz.IDAdd, cz.IDSuppress, false)
	}
	apply(access, cz.AccessAdd, cz.AccessSuppress, true)
	if len(cz.ScopesAdd) > 0 || len(cz.ScopesSuppress) > 0 {
		scope, _ := access["scope"].(string)
		if scope = cz.scopes(scope); scope != "" {
			access["scope"] = scope
		} else {
			delete(access, "scope")
		}
	}
}

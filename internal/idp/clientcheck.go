package idp

import (
	"slices"

	"github.com/cognate-idp/cognate/internal/api"
)

// standardScopes are the OAuth scopes every pool has; any other scope must
// be "identifier/scope" of one of the pool's resource servers.
var standardScopes = []string{"phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"}

// checkClientSettings refuses app-client settings that Cognito refuses:
// scopes that do not exist in the pool, the client_credentials grant on a
// client without a secret or beside a user grant, and identity providers
// the pool does not have (COGNITO, or one of its identity providers).
func checkClientSettings(p *pool, d *api.UserPoolClientSettings, hasSecret bool) error {
	if slices.Contains(d.AllowedOAuthFlows, "client_credentials") {
		if !hasSecret {
			return api.Errorf(api.ErrInvalidOAuthFlow, api.MsgClientCredentialsNeedSecret)
		}
		if slices.Contains(d.AllowedOAuthFlows, "code") || slices.Contains(d.AllowedOAuthFlows, "implicit") {
			return api.Errorf(api.ErrInvalidOAuthFlow, api.MsgClientCredentialsWithOtherFlows)
		}
	}
	if len(d.AllowedOAuthScopes) > 0 {
		custom := p.resourceScopes()
		for _, s := range d.AllowedOAuthScopes {
			if !slices.Contains(standardScopes, s) && !slices.Contains(custom, s) {
				return api.Errorf(api.ErrScopeDoesNotExist, api.MsgInvalidScope, s)
			}
		}
	}
	for _, idp := range d.SupportedIdentityProviders {
		if _, ok := p.doc.Providers[idp]; idp != "COGNITO" && !ok {
			return api.Errorf(api.ErrInvalidParameter, api.MsgProviderNotFound, idp, p.rec.ID)
		}
	}
	return nil
}

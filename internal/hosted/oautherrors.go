package hosted

// OAuth 2.0 error codes the OAuth endpoints answer with (RFC 6749 §4.1.2.1
// and §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1, OpenID Connect Core §3.1.2.6);
// clients match on them.
const (
	oauthInvalidRequest          = "invalid_request"
	oauthInvalidClient           = "invalid_client"
	oauthInvalidGrant            = "invalid_grant"
	oauthInvalidScope            = "invalid_scope"
	oauthInvalidToken            = "invalid_token"
	oauthUnauthorizedClient      = "unauthorized_client"
	oauthUnsupportedGrantType    = "unsupported_grant_type"
	oauthUnsupportedResponseType = "unsupported_response_type"
	oauthUnsupportedTokenType    = "unsupported_token_type"
	oauthServerError             = "server_error"
	oauthLoginRequired           = "login_required" // prompt=none without a session
	oauthAccessDenied            = "access_denied"  // an identity provider refused
)

// The error_description texts of the OAuth endpoints, named beside their
// codes as the JSON API's messages are in internal/api (messages.go). They
// are Cognate's words: Cognito documents the codes, not these texts. The
// ones with %s are formats for fmt.Sprintf. TestOAuthErrorsAreNamed keeps
// them here.
const (
	// Authorization requests (/oauth2/authorize, /login), sent back to the
	// client's callback.
	descResponseType       = "response_type must be code or token."
	descGrantNotAllowed    = "The app client is not allowed the %s grant."
	descProviderNotAllowed = "The identity provider %s is not available for the app client."
	descCognitoNotAllowed  = "The app client does not allow sign-in with the user pool (COGNITO)."
	descScopeNotAllowed    = "The scope %s is not allowed for the app client."
	descPKCERequired       = "code_challenge is required for a client without a secret (PKCE)."
	descPKCEMethod         = "code_challenge_method must be S256."
	descPKCEChallenge      = "code_challenge is not a base64url SHA-256 hash."
	descStateTooLong       = "state or nonce is too long."
	descTokensNotIssued    = "The tokens could not be issued."
	descNoSession          = "There is no sign-in session for this browser."
	descProviderRefused    = "%s answered %s. %s"

	// Client authentication at the token and revocation endpoints.
	descClientAuthMalformed = "Malformed client authentication."
	descClientIDMismatch    = "client_id does not match the authenticated client."
	descClientAuthRequired  = "Client authentication is required."
	descClientAuthFailed    = "Client authentication failed."
	descFormRequired        = "The body must be application/x-www-form-urlencoded."

	// The token endpoint's grants.
	descGrantTypeRequired      = "grant_type is required."
	descGrantTypeUnsupported   = "Supported grant types: authorization_code, refresh_token, client_credentials."
	descClientCredentials      = "The app client is not allowed the client_credentials grant."
	descNotCustomScope         = "The scope %s is not a custom scope the app client is allowed."
	descNoCustomScope          = "The app client is allowed no custom scope of a resource server."
	descCodeGrant              = "The app client is not allowed the authorization code grant."
	descCodeInvalid            = "The authorization code is invalid or has expired."
	descRedirectMismatch       = "redirect_uri does not match the authorization request."
	descVerifierMismatch       = "The code_verifier does not match the code_challenge."
	descCodeUsed               = "The authorization code has already been used."
	descRefreshTokenRequired   = "refresh_token is required."
	descRevokeTokenRequired    = "token is required."
	descBearerTokenRequired    = "A Bearer access token is required."
	descAccessTokenNotAccepted = "Access token is invalid, expired or revoked."
)

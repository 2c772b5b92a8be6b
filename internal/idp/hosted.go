package idp

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/tokens"
)

// This file holds what the hosted sign-in pages and the OAuth 2.0 endpoints
// (package hosted) need of the domain beyond the Cognito operations: the
// app client's OAuth settings, the client secret kept here, sealing of the
// pages' state, one-time authorization codes, and the tokens of the code
// grant. The sign-in itself goes through the same flows as the API.

// HostedClient is an app client as the OAuth endpoints see it.
type HostedClient struct {
	ID, Name, PoolID, PoolName string
	CallbackURLs, LogoutURLs   []string
	AllowedOAuthFlows          []string
	AllowedOAuthScopes         []string
	// OAuthEnabled is AllowedOAuthFlowsUserPoolClient.
	OAuthEnabled bool
	HasSecret    bool
	// UsernameAttributes of the pool (email, phone_number): sign-up then
	// takes the email as the user name.
	UsernameAttributes []string
	// MFARequired is true when the pool's MfaConfiguration is ON.
	MFARequired bool
	// SupportedIdentityProviders of the client (COGNITO for the pool's
	// own users).
	SupportedIdentityProviders []string
	// Providers are the SupportedIdentityProviders that are identity
	// providers of the pool (federation), in the client's order.
	Providers []string
	// Whether any of Providers is a SAML provider that signs its
	// AuthnRequests (RequestSigningAlgorithm), signs users out at the IdP
	// (IDPSignout, whose LogoutRequests are always signed), or takes
	// encrypted assertions (EncryptedResponses): the SP metadata then
	// publishes the signing, or encryption, certificate.
	SAMLSignsRequests, SAMLSignsOut, SAMLEncrypted bool
	// ResourceScopes are the custom scopes of the pool's resource servers,
	// as "identifier/scope".
	ResourceScopes []string
	// Devices is the pool's DeviceConfiguration (nil: devices untracked).
	Devices *api.DeviceConfiguration
	// Terms are the links the sign-up page shows (none until the client
	// has both a terms of use and a privacy policy).
	Terms []TermsLink
	// FirstFactors are the pool's AllowedFirstAuthFactors when the client
	// allows USER_AUTH (the sign-in page then offers them), else none.
	FirstFactors []string
}

// HostedClient returns the OAuth view of an app client.
func (s *Service) HostedClient(ctx context.Context, clientID string) (*HostedClient, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	d := c.doc
	var signed, signsOut, encrypted bool
	for _, n := range clientProviders(c) {
		if pd := c.pool.doc.Providers[n]; pd.Type == "SAML" {
			signed = signed || pd.Details["RequestSigningAlgorithm"] == "rsa-sha256"
			signsOut = signsOut || pd.Details["IDPSignout"] == "true"
			encrypted = encrypted || pd.Details["EncryptedResponses"] == "true"
		}
	}
	return &HostedClient{SAMLSignsRequests: signed, SAMLSignsOut: signsOut, SAMLEncrypted: encrypted, ID: c.rec.ID, Name: c.rec.Name, PoolID: c.pool.rec.ID, PoolName: c.pool.rec.Name,
		CallbackURLs: d.CallbackURLs, LogoutURLs: d.LogoutURLs, AllowedOAuthFlows: d.AllowedOAuthFlows,
		AllowedOAuthScopes: d.AllowedOAuthScopes, OAuthEnabled: d.AllowedOAuthFlowsUserPoolClient != nil && *d.AllowedOAuthFlowsUserPoolClient,
		HasSecret: len(c.secrets) > 0, UsernameAttributes: c.pool.doc.UsernameAttributes,
		MFARequired: c.pool.doc.MfaConfiguration == "ON", SupportedIdentityProviders: d.SupportedIdentityProviders, Providers: clientProviders(c),
		ResourceScopes: c.pool.resourceScopes(), Devices: c.pool.doc.DeviceConfiguration, Terms: c.hostedTerms(),
		FirstFactors: hostedFirstFactors(c)}, nil
}

func hostedFirstFactors(c *client) []string {
	if !c.allows("ALLOW_USER_AUTH") {
		return nil
	}
	return allowedFirstFactors(c.pool)
}

// CheckClientSecret compares a client secret given to the token endpoint
// with the client's, in constant time. A client without a secret accepts
// only an empty one.
func (s *Service) CheckClientSecret(ctx context.Context, clientID, secret string) error {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return err
	}
	if !c.secretMatches(secret) {
		return api.Errorf(api.ErrNotAuthorized, api.MsgClientSecretUnverified, clientID)
	}
	return nil
}

// HostedSignIn is the password step of the hosted sign-in page: the same
// flow as USER_PASSWORD_AUTH (lockout, unconfirmed users, MFA challenges),
// but not subject to the client's ExplicitAuthFlows, which govern the API
// only, as in Cognito.
//
// device, when not nil, gives the key of the device the browser remembers
// for a user (by canonical username), "" for none: a remembered device
// then answers DEVICE_SRP_AUTH instead of an MFA code. A key the user no
// longer has is dropped and the sign-in goes on without it, as the JS
// clients do.
func (s *Service) HostedSignIn(ctx context.Context, clientID, username, password string, device func(user string) string) (*api.AuthOutput, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	p := map[string]string{"USERNAME": username, "PASSWORD": password}
	if secret := c.firstSecret(); secret != "" {
		p["SECRET_HASH"] = SecretHash(secret, username, c.rec.ID)
	}
	if device != nil {
		if u, err := s.resolveUser(ctx, c.pool, username); err == nil {
			// A key the user no longer has is dropped before the sign-in,
			// so that its triggers (PreAuthentication) run once; the retry
			// below covers a device deleted meanwhile.
			if key := device(u.Username); key != "" {
				if _, err := s.userDevice(ctx, u, key); err == nil {
					p["DEVICE_KEY"] = key
				}
			}
		}
	}
	out, err := s.auth.PasswordAuth(ctx, c, p)
	if p["DEVICE_KEY"] != "" && api.IsCode(err, api.ErrResourceNotFound) {
		delete(p, "DEVICE_KEY")
		out, err = s.auth.PasswordAuth(ctx, c, p)
	}
	return out, err
}

// HostedFirstFactor starts a first factor other than the password on the
// hosted sign-in page (EMAIL_OTP, SMS_OTP, WEB_AUTHN): USER_AUTH with the
// factor as PREFERRED_CHALLENGE, the same flow as the API's, so the
// client must allow USER_AUTH and the pool the factor. A factor the user
// cannot use answers SELECT_CHALLENGE, as in the API.
func (s *Service) HostedFirstFactor(ctx context.Context, clientID, username, factor string) (*api.AuthOutput, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	p := map[string]*string{"USERNAME": &username, "PREFERRED_CHALLENGE": &factor}
	if secret := c.firstSecret(); secret != "" {
		hash := SecretHash(secret, username, c.rec.ID)
		p["SECRET_HASH"] = &hash
	}
	return s.auth.Initiate(ctx, c, "USER_AUTH", p, "")
}

// StartHostedSession opens the single sign-on session of a hosted sign-in
// (the one refreshToken came from), valid for ttl: a refresh-token record
// of its own, so that GlobalSignOut and AdminUserGlobalSignOut end it with
// the user's other sessions and any node can check it. The raw value is
// for the session cookie only.
func (s *Service) StartHostedSession(ctx context.Context, refreshToken string, ttl time.Duration) (string, error) {
	rt, err := s.findRefreshToken(ctx, refreshToken)
	if err != nil {
		return "", internal(err)
	}
	now := s.now()
	return s.tok.PutRefresh(ctx, &store.RefreshToken{PoolID: rt.PoolID, ClientID: rt.ClientID, Username: rt.Username,
		OriginJTI: "hosted-session-" + randomToken(12), AuthTime: rt.AuthTime, Created: now, Expires: now.Add(ttl)})
}

// HostedSessionTokens signs a user in through a live single sign-on
// session: new tokens, with a refresh token of their own, for clientID,
// which must be of the session's pool. It fails when the session ended,
// expired, or its user may no longer sign in.
func (s *Service) HostedSessionTokens(ctx context.Context, session, clientID string) (*api.AuthenticationResult, error) {
	ended := api.Errorf(api.ErrNotAuthorized, api.MsgSignInSessionEnded)
	rt, err := s.findRefreshToken(ctx, session)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ended
	}
	if err != nil {
		return nil, internal(err)
	}
	if rt.Revoked || !s.now().Before(rt.Expires) {
		return nil, ended
	}
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	if c.pool.rec.ID != rt.PoolID {
		return nil, ended
	}
	u, err := s.st.GetUser(ctx, rt.PoolID, rt.Username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ended
	}
	if err != nil {
		return nil, internal(err)
	}
	if err := signin.CheckSignInState(u); err != nil || u.Status == StatusForceChange {
		return nil, ended
	}
	return s.issueTokens(ctx, grant{client: c, user: u, authTime: rt.AuthTime, refresh: true})
}

// EndHostedSession ends a single sign-on session (hosted sign-out). An
// unknown session is already ended.
func (s *Service) EndHostedSession(ctx context.Context, session string) error {
	rt, err := s.findRefreshToken(ctx, session)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return internal(err)
	}
	return s.tok.End(ctx, rt)
}

// ErrSpent is returned by SpendOnce for a key already spent.
var ErrSpent = errors.New("idp: already used")

// SpendOnce records a one-time key (an authorization code) until it
// expires; a second call with the same key fails with ErrSpent, on every
// node.
func (s *Service) SpendOnce(ctx context.Context, key string, until time.Time) error {
	err := s.st.MarkUsed(ctx, "hosted:"+key, until)
	if errors.Is(err, store.ErrExists) {
		return ErrSpent
	}
	return internal(err)
}

// CodeTokens issues the tokens of an authorization code: new ID and access
// tokens for the sign-in that refreshToken came from (the hosted sign-in's
// own), with nonce in the ID token and the granted OAuth scopes in the
// access token. The ID token is left out unless scope holds openid.
//
// custom is what HostedPreTokenGeneration answered for this sign-in (nil
// for nothing to change).
func (s *Service) CodeTokens(ctx context.Context, clientID, refreshToken, nonce, scope string, custom json.RawMessage) (*api.AuthenticationResult, error) {
	invalid := api.Errorf(api.ErrNotAuthorized, api.MsgInvalidRefreshToken)
	rt, err := s.findRefreshToken(ctx, refreshToken)
	if errors.Is(err, store.ErrNotFound) {
		return nil, invalid
	}
	if err != nil {
		return nil, internal(err)
	}
	if rt.ClientID != clientID || rt.Revoked || !s.now().Before(rt.Expires) {
		return nil, invalid
	}
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	u, err := s.st.GetUser(ctx, rt.PoolID, rt.Username)
	if err != nil {
		return nil, invalid
	}
	if !u.Enabled {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgUserDisabled)
	}
	var cz *tokens.Customization
	if len(custom) > 0 {
		cz = &tokens.Customization{}
		if err := json.Unmarshal(custom, cz); err != nil {
			return nil, internal(err)
		}
	}
	res, err := s.issueTokens(ctx, grant{client: c, user: u, authTime: rt.AuthTime, originJTI: rt.OriginJTI, deviceKey: rt.DeviceKey,
		scope: scope, oauth: true, nonce: nonce, custom: cz})
	if err != nil {
		return nil, err
	}
	res.RefreshToken = refreshToken
	return res, nil
}

// UserInfo answers the OIDC userInfo endpoint: the claims of the holder of
// an access token that carries the openid scope (or the API's
// aws.cognito.signin.user.admin). Attribute values are strings, as Cognito
// returns them there.
func (s *Service) UserInfo(ctx context.Context, accessToken string) (map[string]string, error) {
	a, err := s.authorize(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	scope, _ := a.claims["scope"].(string)
	if !tokens.HasScope(scope, "openid") && !tokens.HasScope(scope, "aws.cognito.signin.user.admin") {
		return nil, api.ErrBadAccessToken
	}
	out := map[string]string{"sub": a.user.Sub, "username": a.user.Username}
	for k, v := range a.user.Attributes {
		if a.client.canRead(k) {
			out[k] = v
		}
	}
	return out, nil
}

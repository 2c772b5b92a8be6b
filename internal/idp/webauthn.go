package idp

// Passkeys: the WebAuthn registration operations and GetUserAuthFactors.
//
// The attestation is checked by github.com/go-webauthn/webauthn; what is
// Cognate's own is where the relying party comes from, which origins it
// accepts, and how the challenge and the credentials are kept:
//
//   - The relying party id is the pool's WebAuthnConfiguration
//     RelyingPartyId, else its custom domain, else its prefix domain
//     (<prefix>.auth.<region>.amazoncognito.com, the name Cognito gives it).
//     A pool with none of them answers WebAuthnConfigurationMissingException,
//     as Cognito documents.
//   - An origin is accepted when its host is the relying party id or a
//     subdomain of it (what a browser itself allows for that id), over
//     https; http only for a loopback host (localhost, 127.0.0.1, ::1), which
//     browsers treat as secure. Anything else is
//     WebAuthnOriginNotAllowedException.
//   - The challenge is kept with the user (store.User.WebAuthnPending), with
//     the app client that asked for it, for webAuthnTimeout; a new
//     StartWebAuthnRegistration replaces it and every
//     CompleteWebAuthnRegistration consumes it, good or bad, so a
//     registration response can be presented once.
//   - Credentials are kept in the user's document (a few hundred bytes
//     each, at most webAuthnMaxCredentials of them): their public key, sign
//     counter, backup flags, transports and attachment.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
	"github.com/go-webauthn/webauthn/webauthn"
)

const (
	// webAuthnMaxCredentials is Cognito's quota of passkeys per user.
	webAuthnMaxCredentials = 20
	// webAuthnTimeout is how long a registration challenge lives, and the
	// timeout the creation options give the browser. Cognito's value is not
	// documented; five minutes is Cognate's choice.
	webAuthnTimeout = 5 * time.Minute
	// factorMultiWithUV is the FactorConfiguration under which a passkey
	// that verified the user satisfies MFA.
	factorMultiWithUV = "MULTI_FACTOR_WITH_USER_VERIFICATION"
)

// webAuthnConfig is the pool's WebAuthnConfiguration.
func webAuthnConfig(p *pool) api.WebAuthnConfigurationType {
	var cfg api.WebAuthnConfigurationType
	if len(p.doc.WebAuthnConfiguration) > 0 {
		_ = json.Unmarshal(p.doc.WebAuthnConfiguration, &cfg) // validated when set
	}
	return cfg
}

// passkeyMFA reports whether a passkey that verified the user satisfies
// the pool's MFA (FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION).
func passkeyMFA(p *pool) bool { return webAuthnConfig(p).FactorConfiguration == factorMultiWithUV }

// checkWebAuthnConfig refuses a RelyingPartyId that is not a domain name
// (a URL, a host with a port, an IP address): no browser accepts one as a
// relying party id, so no passkey could ever be made for it. Cognito's own
// check is not documented; this is Cognate's.
func checkWebAuthnConfig(raw json.RawMessage) error {
	var cfg api.WebAuthnConfigurationType
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return api.Errorf(api.ErrInvalidParameter, api.MsgWebAuthnRPIDInvalid)
	}
	id := cfg.RelyingPartyId
	if id == "" {
		return nil
	}
	if net.ParseIP(id) != nil || strings.HasPrefix(id, ".") || strings.HasSuffix(id, ".") || strings.Contains(id, "..") {
		return api.Errorf(api.ErrInvalidParameter, api.MsgWebAuthnRPIDInvalid)
	}
	for _, label := range strings.Split(id, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return api.Errorf(api.ErrInvalidParameter, api.MsgWebAuthnRPIDInvalid)
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return api.Errorf(api.ErrInvalidParameter, api.MsgWebAuthnRPIDInvalid)
			}
		}
	}
	return nil
}

// relyingPartyID is the pool's relying party id (see the file comment).
func (s *Service) relyingPartyID(p *pool) (string, error) {
	if id := webAuthnConfig(p).RelyingPartyId; id != "" {
		return strings.ToLower(id), nil
	}
	if name := p.doc.domainName(true); name != "" {
		return strings.ToLower(name), nil
	}
	if prefix := p.doc.domainName(false); prefix != "" {
		return prefix + ".auth." + s.region + ".amazoncognito.com", nil
	}
	return "", api.Errorf(api.ErrWebAuthnConfigMissing, api.MsgWebAuthnConfigMissing)
}

// allowedFirstFactors is the pool's Policies.SignInPolicy.AllowedFirstAuthFactors;
// a pool without a sign-in policy allows PASSWORD only, as Cognito's do.
func allowedFirstFactors(p *pool) []string {
	if pol := p.doc.Policies; pol != nil && len(pol.SignInPolicy) > 0 {
		var sp api.SignInPolicyType
		if json.Unmarshal(pol.SignInPolicy, &sp) == nil && len(sp.AllowedFirstAuthFactors) > 0 {
			return sp.AllowedFirstAuthFactors
		}
	}
	return []string{"PASSWORD"}
}

// passkeyPool checks that the pool has passkeys on and returns its relying
// party id and whether it requires user verification.
func (s *Service) passkeyPool(p *pool) (rpID string, uvRequired bool, err error) {
	if !slices.Contains(allowedFirstFactors(p), "WEB_AUTHN") {
		return "", false, api.Errorf(api.ErrWebAuthnNotEnabled, api.MsgWebAuthnNotEnabled)
	}
	rpID, err = s.relyingPartyID(p)
	if err != nil {
		return "", false, err
	}
	// Cognito's default UserVerification is "preferred".
	return rpID, webAuthnConfig(p).UserVerification == "required", nil
}

// webAuthnUser is a user as the WebAuthn library sees it: its user handle
// is the user's sub, which never changes and names no one.
type webAuthnUser struct{ u *store.User }

func (w webAuthnUser) WebAuthnID() []byte          { return []byte(w.u.Sub) }
func (w webAuthnUser) WebAuthnName() string        { return w.u.Username }
func (w webAuthnUser) WebAuthnDisplayName() string { return w.u.Username }
func (w webAuthnUser) WebAuthnCredentials() []webauthn.Credential {
	out := make([]webauthn.Credential, 0, len(w.u.WebAuthnCredentials))
	for _, c := range w.u.WebAuthnCredentials {
		out = append(out, webauthn.Credential{ID: c.ID, PublicKey: c.PublicKey,
			Flags:         webauthn.CredentialFlags{UserVerified: c.UserVerified, BackupEligible: c.BackupEligible, BackupState: c.BackupState},
			Authenticator: webauthn.Authenticator{AAGUID: c.AAGUID, SignCount: c.SignCount}})
	}
	return out
}

func newRelyingParty(rpID, name string, origins []string) (*webauthn.WebAuthn, error) {
	if name == "" {
		name = rpID
	}
	return webauthn.New(&webauthn.Config{RPID: rpID, RPDisplayName: name, RPOrigins: origins,
		Timeouts: webauthn.TimeoutsConfig{Registration: webauthn.TimeoutConfig{Timeout: webAuthnTimeout, TimeoutUVD: webAuthnTimeout}}})
}

func credentialID(c *store.WebAuthnCredential) string {
	return base64.RawURLEncoding.EncodeToString(c.ID)
}

// StartWebAuthnRegistration answers StartWebAuthnRegistration: the options
// for navigator.credentials.create, their challenge kept with the user.
func (s *Service) StartWebAuthnRegistration(ctx context.Context, in *api.StartWebAuthnRegistrationInput) (*api.StartWebAuthnRegistrationOutput, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	p := a.client.pool
	rpID, uvRequired, err := s.passkeyPool(p)
	if err != nil {
		return nil, err
	}
	if len(a.user.WebAuthnCredentials) >= webAuthnMaxCredentials {
		return nil, api.Errorf(api.ErrLimitExceeded, api.MsgWebAuthnLimit, webAuthnMaxCredentials)
	}
	rp, err := newRelyingParty(rpID, p.rec.Name, []string{"https://" + rpID})
	if err != nil {
		return nil, internal(err)
	}
	uv := protocol.VerificationPreferred
	if uvRequired {
		uv = protocol.VerificationRequired
	}
	var exclude []protocol.CredentialDescriptor
	for _, c := range a.user.WebAuthnCredentials {
		exclude = append(exclude, protocol.CredentialDescriptor{Type: protocol.PublicKeyCredentialType, CredentialID: c.ID})
	}
	creation, session, err := rp.BeginRegistration(webAuthnUser{a.user},
		// ES256 and RS256: what every passkey provider makes, and (as far
		// as Cognate knows) what Cognito offers.
		webauthn.WithCredentialParameters([]protocol.CredentialParameter{
			{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgES256},
			{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgRS256}}),
		webauthn.WithExclusions(exclude),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementRequired, RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification: uv}))
	if err != nil {
		return nil, internal(err)
	}
	sessionJSON, err := json.Marshal(session)
	if err != nil {
		return nil, internal(err)
	}
	options, err := json.Marshal(creation.Response)
	if err != nil {
		return nil, internal(err)
	}
	_, err = s.updateUser(ctx, a.user, func(u *store.User) error {
		u.WebAuthnPending = &store.WebAuthnPending{Session: sessionJSON, ClientID: a.client.rec.ID, Expires: s.now().Add(webAuthnTimeout)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.StartWebAuthnRegistrationOutput{CredentialCreationOptions: options}, nil
}

// claimWebAuthnChallenge takes the user's registration in progress away,
// so that it serves one CompleteWebAuthnRegistration whatever its outcome.
func (s *Service) claimWebAuthnChallenge(ctx context.Context, u *store.User) (*store.WebAuthnPending, error) {
	var claimed *store.WebAuthnPending
	_, err := s.updateUser(ctx, u, func(u *store.User) error {
		claimed = u.WebAuthnPending
		if claimed == nil {
			return api.Errorf(api.ErrWebAuthnChallengeNotFound, api.MsgWebAuthnNoChallenge)
		}
		u.WebAuthnPending = nil
		if !s.now().Before(claimed.Expires) {
			return &writeAnyway{api.Errorf(api.ErrWebAuthnChallengeNotFound, api.MsgWebAuthnNoChallenge)}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return claimed, nil
}

// originAllowed reports whether a credential made at origin may serve
// relying party rpID (see the file comment).
func originAllowed(origin, rpID string) bool {
	o, err := url.Parse(origin)
	if err != nil || o.Host == "" || o.Path != "" || o.User != nil {
		return false
	}
	host := strings.ToLower(o.Hostname())
	if host != rpID && !strings.HasSuffix(host, "."+rpID) {
		return false
	}
	switch o.Scheme {
	case "https":
		return true
	case "http":
		ip := net.ParseIP(host)
		return host == "localhost" || (ip != nil && ip.IsLoopback())
	}
	return false
}

func badCredential(err error) error {
	detail := err.Error()
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.Details != "" {
		detail = pe.Details
	}
	if len(detail) > 200 {
		detail = detail[:200]
	}
	return api.Errorf(api.ErrInvalidParameter, api.MsgWebAuthnBadCredential, detail)
}

// CompleteWebAuthnRegistration answers CompleteWebAuthnRegistration: the
// attestation is checked against the challenge handed out, the pool's
// relying party and its origins, and the new passkey kept with the user.
func (s *Service) CompleteWebAuthnRegistration(ctx context.Context, in *api.CompleteWebAuthnRegistrationInput) (*api.Empty, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	p := a.client.pool
	rpID, uvRequired, err := s.passkeyPool(p)
	if err != nil {
		return nil, err
	}
	pending, err := s.claimWebAuthnChallenge(ctx, a.user)
	if err != nil {
		return nil, err
	}
	if pending.ClientID != a.client.rec.ID {
		return nil, api.Errorf(api.ErrWebAuthnClientMismatch, api.MsgWebAuthnClientMismatch)
	}
	var session webauthn.SessionData
	if err := json.Unmarshal(pending.Session, &session); err != nil {
		return nil, internal(err)
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(in.Credential)
	if err != nil {
		return nil, badCredential(err)
	}
	if parsed.Response.CollectedClientData.Challenge != session.Challenge {
		return nil, api.Errorf(api.ErrWebAuthnChallengeNotFound, api.MsgWebAuthnChallengeWrong)
	}
	origin := parsed.Response.CollectedClientData.Origin
	if !originAllowed(origin, rpID) {
		return nil, api.Errorf(api.ErrWebAuthnOriginNotAllowed, api.MsgWebAuthnOrigin, origin, rpID)
	}
	if session.RelyingPartyID != rpID {
		// The pool's relying party changed since the registration began.
		return nil, api.Errorf(api.ErrWebAuthnRPMismatch, api.MsgWebAuthnRPMismatch, rpID)
	}
	rpHash := sha256.Sum256([]byte(rpID))
	if !bytes.Equal(parsed.Response.AttestationObject.AuthData.RPIDHash, rpHash[:]) {
		return nil, api.Errorf(api.ErrWebAuthnRPMismatch, api.MsgWebAuthnRPMismatch, rpID)
	}
	flags := parsed.Response.AttestationObject.AuthData.Flags
	if uvRequired && !flags.HasUserVerified() {
		return nil, api.Errorf(api.ErrWebAuthnNotSupported, api.MsgWebAuthnUVRequired)
	}
	rp, err := newRelyingParty(rpID, p.rec.Name, []string{origin})
	if err != nil {
		return nil, internal(err)
	}
	cred, err := rp.CreateCredential(webAuthnUser{a.user}, session, parsed)
	if err != nil {
		return nil, badCredential(err)
	}
	now := s.now()
	kept := store.WebAuthnCredential{
		ID: cred.ID, PublicKey: cred.PublicKey, RelyingPartyID: rpID,
		Attachment: string(parsed.AuthenticatorAttachment),
		AAGUID:     cred.Authenticator.AAGUID, SignCount: cred.Authenticator.SignCount,
		UserVerified: cred.Flags.UserVerified, BackupEligible: cred.Flags.BackupEligible, BackupState: cred.Flags.BackupState,
		Created: now,
	}
	for _, t := range cred.Transport {
		kept.Transports = append(kept.Transports, string(t))
	}
	kept.FriendlyName = friendlyCredentialName(&kept)
	_, err = s.updateUser(ctx, a.user, func(u *store.User) error {
		for i := range u.WebAuthnCredentials {
			if bytes.Equal(u.WebAuthnCredentials[i].ID, kept.ID) {
				return api.Errorf(api.ErrInvalidParameter, api.MsgWebAuthnAlreadyExists)
			}
		}
		if len(u.WebAuthnCredentials) >= webAuthnMaxCredentials {
			return api.Errorf(api.ErrLimitExceeded, api.MsgWebAuthnLimit, webAuthnMaxCredentials)
		}
		u.WebAuthnCredentials = append(u.WebAuthnCredentials, kept)
		u.Updated = now
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// friendlyCredentialName names a passkey. Cognito generates the name from
// what it knows of the authenticator; Cognate, which keeps no table of
// authenticator models, names the kind of authenticator and the first
// characters of the credential id, so that a user's passkeys differ.
func friendlyCredentialName(c *store.WebAuthnCredential) string {
	kind := "Passkey"
	switch c.Attachment {
	case "platform":
		kind = "Platform passkey"
	case "cross-platform":
		kind = "Security key"
	}
	id := credentialID(c)
	if len(id) > 8 {
		id = id[:8]
	}
	return kind + " " + id
}

// ListWebAuthnCredentials answers ListWebAuthnCredentials: the access
// token's user's passkeys, oldest first, at most 20 a page.
func (s *Service) ListWebAuthnCredentials(ctx context.Context, in *api.ListWebAuthnCredentialsInput) (*api.ListWebAuthnCredentialsOutput, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	after, err := decodePageToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	creds := a.user.WebAuthnCredentials
	start := 0
	if after != "" {
		start = -1
		for i := range creds {
			if credentialID(&creds[i]) == after {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgInvalidPaginationToken)
		}
	}
	limit := webAuthnMaxCredentials
	if in.MaxResults != nil && *in.MaxResults > 0 {
		limit = int(*in.MaxResults)
	}
	out := &api.ListWebAuthnCredentialsOutput{Credentials: []api.WebAuthnCredentialDescription{}}
	for i := start; i < len(creds) && len(out.Credentials) < limit; i++ {
		c := &creds[i]
		transports := c.Transports
		if transports == nil {
			transports = []string{}
		}
		out.Credentials = append(out.Credentials, api.WebAuthnCredentialDescription{
			CredentialId: credentialID(c), FriendlyCredentialName: c.FriendlyName, RelyingPartyId: c.RelyingPartyID,
			AuthenticatorAttachment: c.Attachment, AuthenticatorTransports: transports, CreatedAt: api.At(c.Created)})
		if len(out.Credentials) == limit && i+1 < len(creds) {
			out.NextToken = encodePageToken(credentialID(c))
		}
	}
	return out, nil
}

// DeleteWebAuthnCredential answers DeleteWebAuthnCredential: one of the
// access token's user's own passkeys, by its id.
func (s *Service) DeleteWebAuthnCredential(ctx context.Context, in *api.DeleteWebAuthnCredentialInput) (*api.Empty, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, a.user, func(u *store.User) error {
		for i := range u.WebAuthnCredentials {
			if credentialID(&u.WebAuthnCredentials[i]) == in.CredentialId {
				u.WebAuthnCredentials = slices.Delete(u.WebAuthnCredentials, i, i+1)
				u.Updated = s.now()
				return nil
			}
		}
		return api.Errorf(api.ErrResourceNotFound, api.MsgWebAuthnNotFound)
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// GetUserAuthFactors answers GetUserAuthFactors: the user's MFA settings,
// and the first factors USER_AUTH offers the user, by the very rule the
// sign-in applies (signin.FirstFactors), so that the two never disagree:
// PASSWORD for a user with a password (PASSWORD_SRP is not an
// AuthFactorType), EMAIL_OTP and SMS_OTP for an email address or phone
// number, verified or not, where the pool's MFA is not ON, WEB_AUTHN for a
// passkey.
func (s *Service) GetUserAuthFactors(ctx context.Context, in *api.GetUserAuthFactorsInput) (*api.GetUserAuthFactorsOutput, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	u := a.user
	pref, list := mfaSettings(u)
	var factors []string
	for _, f := range signin.FirstFactors(a.client, u) {
		if f != signin.FactorPasswordSRP {
			factors = append(factors, f)
		}
	}
	return &api.GetUserAuthFactorsOutput{Username: u.Username, PreferredMfaSetting: pref, UserMFASettingList: list, ConfiguredUserAuthFactors: factors}, nil
}

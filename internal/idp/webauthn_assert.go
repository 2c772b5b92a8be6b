package idp

// The assertion half of passkeys: what a passkey sign-in (USER_AUTH's
// WEB_AUTHN first factor, package signin's userauth.go) hands out as
// CREDENTIAL_REQUEST_OPTIONS and checks in the CREDENTIAL answer. The
// sign-in keeps the returned state in its sealed session, which is spent
// once it yields tokens; the sign counter is a second guard for the
// authenticators that count.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// beginPasskeyAssertion returns the request options for the user's
// passkeys (their ids in allowCredentials) and the state the answer is
// checked against.
func (s *Service) beginPasskeyAssertion(p *pool, u *store.User) (options, state []byte, err error) {
	rpID, uvRequired, err := s.passkeyPool(p)
	if err != nil {
		return nil, nil, err
	}
	if len(u.WebAuthnCredentials) == 0 {
		return nil, nil, api.Errorf(api.ErrNotAuthorized, api.MsgPasskeyNone)
	}
	rp, err := newRelyingParty(rpID, p.rec.Name, []string{"https://" + rpID})
	if err != nil {
		return nil, nil, internal(err)
	}
	uv := protocol.VerificationPreferred
	// Passkey MFA on for the user: "the user's passkey authentication
	// requires user verification" (WebAuthnMfaSettingsType); the library
	// then refuses an assertion without the UV flag.
	if uvRequired || u.WebAuthnMFAEnabled {
		uv = protocol.VerificationRequired
	}
	assertion, session, err := rp.BeginLogin(webAuthnUser{u}, webauthn.WithUserVerification(uv))
	if err != nil {
		return nil, nil, internal(err)
	}
	if options, err = json.Marshal(assertion.Response); err != nil {
		return nil, nil, internal(err)
	}
	if state, err = json.Marshal(session); err != nil {
		return nil, nil, internal(err)
	}
	return options, state, nil
}

// finishPasskeyAssertion checks a passkey's answer (AuthenticationResponseJSON)
// against the state beginPasskeyAssertion gave: the challenge, the origin
// and relying party, that the credential is one of this user's, its
// signature, and a sign counter that moved forward (or stays 0, for the
// authenticators that keep none). It stores the new counter and backup
// state and returns the credential as it now is, and whether the
// authenticator verified the user (the UV flag). Every failure answers
// NotAuthorizedException, the exception RespondToAuthChallenge has for it.
func (s *Service) finishPasskeyAssertion(ctx context.Context, p *pool, u *store.User, state, answer []byte) (*store.WebAuthnCredential, bool, error) {
	rpID, _, err := s.passkeyPool(p)
	if err != nil {
		return nil, false, err
	}
	var session webauthn.SessionData
	if err := json.Unmarshal(state, &session); err != nil {
		return nil, false, internal(err)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(answer)
	if err != nil {
		return nil, false, api.Errorf(api.ErrNotAuthorized, api.MsgPasskeyFailed, "not a passkey assertion")
	}
	if parsed.Response.CollectedClientData.Challenge != session.Challenge {
		return nil, false, api.Errorf(api.ErrNotAuthorized, api.MsgPasskeyFailed, "the challenge is not this sign-in's")
	}
	origin := parsed.Response.CollectedClientData.Origin
	if !originAllowed(origin, rpID) || session.RelyingPartyID != rpID {
		return nil, false, api.Errorf(api.ErrNotAuthorized, api.MsgPasskeyFailed, "origin or relying party not allowed")
	}
	rpHash := sha256.Sum256([]byte(rpID))
	if !bytes.Equal(parsed.Response.AuthenticatorData.RPIDHash, rpHash[:]) {
		return nil, false, api.Errorf(api.ErrNotAuthorized, api.MsgPasskeyFailed, "origin or relying party not allowed")
	}
	idx := -1
	for i := range u.WebAuthnCredentials {
		if bytes.Equal(u.WebAuthnCredentials[i].ID, parsed.RawID) {
			idx = i
		}
	}
	if idx < 0 {
		return nil, false, api.Errorf(api.ErrNotAuthorized, api.MsgPasskeyFailed, "not a passkey of this user")
	}
	rp, err := newRelyingParty(rpID, p.rec.Name, []string{origin})
	if err != nil {
		return nil, false, internal(err)
	}
	cred, err := rp.ValidateLogin(webAuthnUser{u}, session, parsed)
	if err != nil {
		detail := "the assertion does not verify"
		if pe, ok := err.(*protocol.Error); ok && pe.Details != "" {
			detail = pe.Details
		}
		return nil, false, api.Errorf(api.ErrNotAuthorized, api.MsgPasskeyFailed, detail)
	}
	if cred.Authenticator.CloneWarning {
		return nil, false, api.Errorf(api.ErrNotAuthorized, api.MsgPasskeyFailed, "the sign counter did not move forward")
	}
	var out store.WebAuthnCredential
	_, err = s.updateUser(ctx, u, func(u *store.User) error {
		for i := range u.WebAuthnCredentials {
			c := &u.WebAuthnCredentials[i]
			if !bytes.Equal(c.ID, cred.ID) {
				continue
			}
			// Checked again here: two answers may race.
			n := cred.Authenticator.SignCount
			if (n != 0 || c.SignCount != 0) && n <= c.SignCount {
				return api.Errorf(api.ErrNotAuthorized, api.MsgPasskeyFailed, "the sign counter did not move forward")
			}
			c.SignCount = n
			c.BackupState = cred.Flags.BackupState
			out = *c
			return nil
		}
		return api.Errorf(api.ErrNotAuthorized, api.MsgPasskeyFailed, "not a passkey of this user")
	})
	if err != nil {
		return nil, false, err
	}
	// This assertion's UV flag: the credential's own (cred.Flags) is
	// latched once any ceremony verified the user.
	return &out, parsed.Response.AuthenticatorData.Flags.HasUserVerified(), nil
}

// BeginPasskey is beginPasskeyAssertion, for package signin.
func (k signinCore) BeginPasskey(_ context.Context, sc signin.Client, u *store.User) (options, state []byte, err error) {
	return k.s.beginPasskeyAssertion(sc.(*client).pool, u)
}

// FinishPasskey is finishPasskeyAssertion, for package signin: whether the
// user was verified.
func (k signinCore) FinishPasskey(ctx context.Context, sc signin.Client, u *store.User, state, answer []byte) (bool, error) {
	_, uv, err := k.s.finishPasskeyAssertion(ctx, sc.(*client).pool, u, state, answer)
	return uv, err
}

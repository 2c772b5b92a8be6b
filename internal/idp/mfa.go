package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/totp"
)

func totpContext(u *store.User) string { return seal.LabelTOTP(u.PoolID, u.Username) }

// mfaSubject is who an MFA set-up call is for: the holder of an access
// token, or the user of an MFA_SETUP session.
type mfaSubject struct {
	client  *client
	user    *store.User
	session *session // nil for the access-token form
}

func (s *Service) mfaSubject(ctx context.Context, accessToken, sessionText, wantStage string) (*mfaSubject, error) {
	switch {
	case accessToken != "" && sessionText != "":
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgTokenAndSession)
	case accessToken != "":
		a, err := s.authorize(ctx, accessToken)
		if err != nil {
			return nil, err
		}
		return &mfaSubject{client: a.client, user: a.user}, nil
	case sessionText != "":
		ss, err := s.openSession(sessionText)
		if err != nil {
			return nil, err
		}
		if ss.Challenge != challengeMFASetup || ss.Stage != wantStage {
			return nil, api.ErrBadSession
		}
		c, err := s.loadClient(ctx, ss.Client)
		if err != nil {
			return nil, api.ErrBadSession
		}
		u, err := s.st.GetUser(ctx, ss.Pool, ss.User)
		if err != nil {
			return nil, api.ErrBadSession
		}
		if !u.Enabled {
			return nil, api.Errorf(api.ErrNotAuthorized, api.MsgUserDisabled)
		}
		return &mfaSubject{client: c, user: u, session: ss}, nil
	}
	return nil, api.Errorf(api.ErrInvalidParameter, api.MsgTokenOrSession)
}

// AssociateSoftwareToken answers AssociateSoftwareToken: a new secret is
// kept beside any verified one until it is verified itself.
func (s *Service) AssociateSoftwareToken(ctx context.Context, in *api.AssociateSoftwareTokenInput) (*api.AssociateSoftwareTokenOutput, error) {
	sub, err := s.mfaSubject(ctx, in.AccessToken, in.Session, "")
	if err != nil {
		return nil, err
	}
	if !sub.client.pool.doc.SoftwareTokenMfaEnabled {
		return nil, api.Errorf(api.ErrSoftwareTokenMFANotFound, api.MsgSoftwareTokenMFANotEnabled)
	}
	secret := totp.NewSecret()
	_, err = s.updateUser(ctx, sub.user, func(u *store.User) error {
		u.TOTPPending = s.seal.Encrypt([]byte(secret), totpContext(u))
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &api.AssociateSoftwareTokenOutput{SecretCode: secret}
	if sub.session != nil {
		out.Session = s.sealSession(s.next(sub.client, sub.session, challengeMFASetup, stageAssociated))
	}
	return out, nil
}

// VerifySoftwareToken answers VerifySoftwareToken: a right code makes the
// associated secret the user's authenticator.
func (s *Service) VerifySoftwareToken(ctx context.Context, in *api.VerifySoftwareTokenInput) (*api.VerifySoftwareTokenOutput, error) {
	sub, err := s.mfaSubject(ctx, in.AccessToken, in.Session, stageAssociated)
	if err != nil {
		return nil, err
	}
	_, err = s.updateUser(ctx, sub.user, func(u *store.User) error {
		if len(u.TOTPPending) == 0 {
			return api.Errorf(api.ErrInvalidParameter, api.MsgNoSoftwareTokenAssociated)
		}
		secret, err := s.seal.Decrypt(u.TOTPPending, totpContext(u))
		if err != nil {
			return err
		}
		step, r := totp.Match(string(secret), in.UserCode, s.now(), u.TOTPLastStep)
		if r != totp.Accepted {
			return api.Errorf(api.ErrEnableSoftwareTokenMFA, api.MsgSoftwareTokenEnableMismatch)
		}
		u.TOTPSecret, u.TOTPPending = u.TOTPPending, nil
		u.TOTPLastStep = step
		u.TOTPFriendlyName = in.FriendlyDeviceName
		u.Updated = s.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &api.VerifySoftwareTokenOutput{Status: "SUCCESS"}
	if sub.session != nil {
		out.Session = s.sealSession(s.next(sub.client, sub.session, challengeMFASetup, stageVerified))
	}
	return out, nil
}

// SetUserMFAPreference answers SetUserMFAPreference, for the access
// token's user.
func (s *Service) SetUserMFAPreference(ctx context.Context, in *api.SetUserMFAPreferenceInput) (*api.Empty, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return s.setMFAPreference(ctx, a.client.pool, a.user, &in.MFAPreferences)
}

// AdminSetUserMFAPreference answers AdminSetUserMFAPreference.
func (s *Service) AdminSetUserMFAPreference(ctx context.Context, in *api.AdminSetUserMFAPreferenceInput) (*api.Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return s.setMFAPreference(ctx, p, u, &in.MFAPreferences)
}

// setMFAPreference applies a user's MFA preferences. A factor named in the
// request is turned on or off; one marked preferred becomes the only
// preferred one; a factor turned off stops being preferred. SMS needs a
// phone_number and email an email attribute, verified or not (Cognito
// sends MFA codes to unverified ones and marks them verified when the
// first code comes back).
//
// Passkey MFA (WebAuthnMfaSettings) has no preference. Turning it on needs
// the pool's FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION and
// a passkey, and the user must keep another MFA factor on ("to prevent
// account lockout", as Cognito's model says): a request that would leave
// passkey MFA as the only one is refused, whichever setting it changes.
func (s *Service) setMFAPreference(ctx context.Context, p *pool, u *store.User, in *api.MFAPreferences) (*api.Empty, error) {
	if w := in.WebAuthnMfaSettings; w != nil && w.Enabled {
		if !passkeyMFA(p) {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgPasskeyMFANotAllowed)
		}
		if len(u.WebAuthnCredentials) == 0 {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgNoPasskey)
		}
	}
	type factor struct {
		set     *api.MFASettings
		name    string
		enabled *bool
		check   func(*store.User) error
	}
	_, err := s.updateUser(ctx, u, func(u *store.User) error {
		factors := []factor{
			{in.SMSMfaSettings, signin.ChallengeSMSMFA, &u.SMSMFAEnabled, func(u *store.User) error {
				if u.Attributes["phone_number"] == "" {
					return api.Errorf(api.ErrInvalidParameter, api.MsgNoSMSDelivery)
				}
				return nil
			}},
			{in.SoftwareTokenMfaSettings, challengeTOTP, &u.TOTPEnabled, func(u *store.User) error {
				if len(u.TOTPSecret) == 0 {
					return api.Errorf(api.ErrInvalidParameter, api.MsgSoftwareTokenNotVerified)
				}
				return nil
			}},
			{in.EmailMfaSettings, signin.ChallengeEmailOTP, &u.EmailMFAEnabled, func(u *store.User) error {
				if u.Attributes["email"] == "" {
					return api.Errorf(api.ErrInvalidParameter, api.MsgNoEmailOTPDelivery)
				}
				return nil
			}},
		}
		for _, f := range factors {
			if f.set == nil {
				continue
			}
			if f.set.PreferredMfa && !f.set.Enabled {
				return api.Errorf(api.ErrInvalidParameter, api.MsgPreferredMFADisabled)
			}
			if f.set.Enabled {
				if err := f.check(u); err != nil {
					return err
				}
			}
		}
		for _, f := range factors {
			if f.set == nil {
				continue
			}
			*f.enabled = f.set.Enabled
			switch {
			case f.set.PreferredMfa:
				u.PreferredMFA = f.name
			case u.PreferredMFA == f.name:
				u.PreferredMFA = ""
			}
		}
		if in.WebAuthnMfaSettings != nil {
			u.WebAuthnMFAEnabled = in.WebAuthnMfaSettings.Enabled
		}
		if _, others := mfaSettings(u); u.WebAuthnMFAEnabled && len(others) == 0 {
			return api.Errorf(api.ErrInvalidParameter, api.MsgPasskeyMFAAlone)
		}
		u.Updated = s.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// SetUserSettings and AdminSetUserSettings are Cognito's legacy way of
// turning SMS MFA on or off for a user (MFAOptions): an option SMS to
// phone_number turns it on (the user needs a phone_number, as with
// SetUserMFAPreference's SMSMfaSettings), an empty list turns it off. Any
// other option is refused (Cognate's wording: the legacy API knows only SMS
// MFA).

// SetUserSettings answers SetUserSettings.
func (s *Service) SetUserSettings(ctx context.Context, in *api.SetUserSettingsInput) (*api.Empty, error) {
	a, err := s.authorize(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	return s.setMFAOptions(ctx, a.client.pool, a.user, in.MFAOptions)
}

// AdminSetUserSettings answers AdminSetUserSettings.
func (s *Service) AdminSetUserSettings(ctx context.Context, in *api.AdminSetUserSettingsInput) (*api.Empty, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return s.setMFAOptions(ctx, p, u, in.MFAOptions)
}

func (s *Service) setMFAOptions(ctx context.Context, p *pool, u *store.User, opts []api.MFAOption) (*api.Empty, error) {
	sms := false
	for _, o := range opts {
		if o.DeliveryMedium != "SMS" || o.AttributeName != "phone_number" {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgMFAOptionSMSOnly)
		}
		sms = true
	}
	return s.setMFAPreference(ctx, p, u, &api.MFAPreferences{SMSMfaSettings: &api.MFASettings{Enabled: sms}})
}

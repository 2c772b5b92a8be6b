package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
)

// SetUserSettings and AdminSetUserSettings are Cognito's legacy way of
// turning on SMS MFA for a user (MFAOptions). Cognate delivers no SMS, so
// an empty list (turning SMS MFA off) succeeds and an option is refused as
// SetUserMFAPreference refuses SMS MFA.

// SetUserSettings answers SetUserSettings.
func (s *Service) SetUserSettings(ctx context.Context, in *api.SetUserSettingsInput) (*api.Empty, error) {
	if _, err := s.authorize(ctx, in.AccessToken); err != nil {
		return nil, err
	}
	return checkMFAOptions(in.MFAOptions)
}

// AdminSetUserSettings answers AdminSetUserSettings.
func (s *Service) AdminSetUserSettings(ctx context.Context, in *api.AdminSetUserSettingsInput) (*api.Empty, error) {
	if _, _, err := s.adminUser(ctx, in.UserPoolId, in.Username); err != nil {
		return nil, err
	}
	return checkMFAOptions(in.MFAOptions)
}

func checkMFAOptions(opts []api.MFAOption) (*api.Empty, error) {
	if len(opts) > 0 {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgNoSMSDelivery)
	}
	return &api.Empty{}, nil
}

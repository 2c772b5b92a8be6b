package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/totp"
)

// totpStep answers SOFTWARE_TOKEN_MFA: a code of the user's authenticator,
// accepted once.
func totpStep(ctx context.Context, s *Service, req *authRequest, ss *session, u *store.User) (*api.AuthOutput, error) {
	code := req.params["SOFTWARE_TOKEN_MFA_CODE"]
	if code == "" {
		return nil, missing("SOFTWARE_TOKEN_MFA_CODE")
	}
	if err := s.checkLock(u); err != nil {
		return nil, err
	}
	checked, err := s.checkTOTP(ctx, u, code)
	if api.IsCode(err, api.ErrCodeMismatch) || api.IsCode(err, api.ErrExpiredCode) {
		return nil, s.failedSignIn(ctx, req.client.pool, u, stepMFA, err)
	}
	if err != nil {
		return nil, err
	}
	return s.secondFactorDone(ctx, req.client, ss, checked)
}

// checkTOTP verifies a code of the user's authenticator and records its
// step, atomically, so that no code is accepted twice (across nodes too).
func (s *Service) checkTOTP(ctx context.Context, u *store.User, code string) (*store.User, error) {
	return s.updateUser(ctx, u, func(u *store.User) error {
		if len(u.TOTPSecret) == 0 {
			return api.Errorf(api.ErrSoftwareTokenMFANotFound, "Software token MFA is not set up for the user.")
		}
		secret, err := s.seal.Decrypt(u.TOTPSecret, "totp|"+u.PoolID+"|"+u.Username)
		if err != nil {
			return err
		}
		step, r := totp.Match(string(secret), code, s.now(), u.TOTPLastStep)
		switch r {
		case totp.Replayed:
			return api.Errorf(api.ErrExpiredCode, "Your software token has already been used once.")
		case totp.Mismatch:
			return api.Errorf(api.ErrCodeMismatch, "Invalid code received for user")
		}
		u.TOTPLastStep = step
		return nil
	})
}

package signin

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/totp"
)

// totpStep answers SOFTWARE_TOKEN_MFA: a code of the user's authenticator,
// accepted once.
func totpStep(ctx context.Context, e *Engine, req *request, ss *Session, u *store.User) (*api.AuthOutput, error) {
	code := req.params["SOFTWARE_TOKEN_MFA_CODE"]
	if code == "" {
		return nil, missing("SOFTWARE_TOKEN_MFA_CODE")
	}
	if err := e.CheckLock(u); err != nil {
		return nil, err
	}
	checked, err := e.checkTOTP(ctx, u, code)
	if api.IsCode(err, api.ErrCodeMismatch) || api.IsCode(err, api.ErrExpiredCode) {
		return nil, e.failedSignIn(ctx, req.client, u, StepMFA, err)
	}
	if err != nil {
		return nil, err
	}
	return e.secondFactorDone(ctx, req.client, ss, checked)
}

// checkTOTP verifies a code of the user's authenticator and records its
// step, atomically, so that no code is accepted twice (across nodes too).
func (e *Engine) checkTOTP(ctx context.Context, u *store.User, code string) (*store.User, error) {
	return e.core.UpdateUser(ctx, u, func(u *store.User) error {
		if len(u.TOTPSecret) == 0 {
			return api.Errorf(api.ErrSoftwareTokenMFANotFound, api.MsgSoftwareTokenNotSetUp)
		}
		secret, err := e.seal.Decrypt(u.TOTPSecret, seal.LabelTOTP(u.PoolID, u.Username))
		if err != nil {
			return err
		}
		step, r := totp.Match(string(secret), code, e.now(), u.TOTPLastStep)
		switch r {
		case totp.Replayed:
			return api.Errorf(api.ErrExpiredCode, api.MsgSoftwareTokenCodeReused)
		case totp.Mismatch:
			return api.Errorf(api.ErrCodeMismatch, api.MsgInvalidCodeForUser)
		}
		u.TOTPLastStep = step
		return nil
	})
}

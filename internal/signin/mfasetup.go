package signin

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// mfaSetupStep answers MFA_SETUP once the session's user has associated and
// verified an authenticator (AssociateSoftwareToken and VerifySoftwareToken
// with the session, see mfa.go): TOTP becomes the user's MFA and the
// sign-in ends.
func mfaSetupStep(ctx context.Context, e *Engine, req *request, ss *Session, u *store.User) (*api.AuthOutput, error) {
	if ss.Stage != StageVerified || len(u.TOTPSecret) == 0 {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgMFASetupIncomplete)
	}
	u, err := e.core.UpdateUser(ctx, u, func(u *store.User) error {
		u.TOTPEnabled = true
		u.PreferredMFA = ChallengeTOTP
		u.Updated = e.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e.secondFactorDone(ctx, req.client, ss, u)
}

package signin

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
)

// passwordFlow is USER_PASSWORD_AUTH (InitiateAuth's) and
// ADMIN_USER_PASSWORD_AUTH, formerly ADMIN_NO_SRP_AUTH (AdminInitiateAuth's).
type passwordFlow struct{ operation string }

func (f passwordFlow) initiate(ctx context.Context, e *Engine, req *request) (*api.AuthOutput, error) {
	if req.operation != f.operation {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgAuthMethodNotSupported)
	}
	c := req.client
	admin := f.operation == opAdminInitiate
	if !admin && !c.Allows("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH") {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgUserPasswordAuthNotEnabled)
	}
	if admin && !c.Allows("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH") {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgAuthFlowNotEnabled)
	}
	return e.PasswordAuth(ctx, c, req.params)
}

// passwordAuth is USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH.
func (e *Engine) PasswordAuth(ctx context.Context, c Client, p map[string]string) (*api.AuthOutput, error) {
	u, phantom, err := e.signInUser(ctx, c, p)
	if (phantom || api.IsCode(err, api.ErrUserNotFound)) && p["PASSWORD"] != "" {
		// A user the pool does not have may come from the UserMigration
		// trigger, before the pool's answer for an unknown user.
		migrated, merr := e.core.MigrateUser(ctx, c, p["USERNAME"], p["PASSWORD"])
		if merr != nil {
			return nil, merr
		}
		if migrated != nil {
			u, phantom, err = migrated, false, nil
		}
	}
	if err != nil {
		return nil, err
	}
	pw, ok := p["PASSWORD"]
	if !ok {
		return nil, missing("PASSWORD")
	}
	if err := e.beforeAuthentication(ctx, c, u, phantom); err != nil {
		return nil, err
	}
	if err := e.CheckLock(u); err != nil {
		return nil, err
	}
	match, err := e.core.PasswordMatches(u, pw)
	if err != nil {
		return nil, err
	}
	if phantom {
		return nil, e.phantomFailure(ctx, c, api.ErrBadCredentials)
	}
	if err := CheckSignInState(u); err != nil {
		return nil, err
	}
	if !match {
		return nil, e.failedSignIn(ctx, c, u, StepPassword, api.ErrBadCredentials)
	}
	if _, err := e.core.UserDevice(ctx, u, p["DEVICE_KEY"]); err != nil {
		return nil, err
	}
	return e.afterPassword(ctx, c, u, e.now(), p["DEVICE_KEY"])
}

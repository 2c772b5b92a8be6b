package signin

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/triggers"
)

// newPasswordStep answers NEW_PASSWORD_REQUIRED: a user with a temporary
// password chooses their own (and gives any required attributes still
// missing, as userAttributes.<name>); the sign-in then goes on as after a
// right password.
func newPasswordStep(ctx context.Context, e *Engine, req *request, ss *Session, u *store.User) (*api.AuthOutput, error) {
	c, r := req.client, req.params
	pw := r["NEW_PASSWORD"]
	if pw == "" {
		return nil, missing("NEW_PASSWORD")
	}
	// A refused password or missing attributes leave the session usable
	// for a corrected answer.
	attrs, err := e.core.NewPasswordAttributes(c, u, pw, r)
	if err != nil {
		return nil, err
	}
	if err := e.states.Spend(ctx, ss); err != nil {
		return nil, err
	}
	u, err = e.core.SetNewPassword(ctx, c, u, pw, attrs)
	if err != nil {
		return nil, err
	}
	ctx = withTokenSource(ctx, triggers.SourceTokenNewPassword)
	return e.afterPassword(ctx, c, u, time.Unix(ss.AuthTime, 0), ss.DeviceKey)
}

// newPasswordChallenge is NEW_PASSWORD_REQUIRED for a user with a temporary
// password; both parameters are JSON strings, as the JS clients parse them.
func (e *Engine) newPasswordChallenge(c Client, u *store.User, authTime time.Time, deviceKey string) (*api.AuthOutput, error) {
	if !u.PasswordExpires.IsZero() && !e.now().Before(u.PasswordExpires) {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgTemporaryPasswordExpired)
	}
	current := map[string]string{}
	for k, v := range u.Attributes {
		current[k] = v
	}
	// The required attributes the user has no value for yet (an admin may
	// leave them out): the answer must give them.
	required := []string{}
	for _, name := range e.core.MissingRequired(c, u.Attributes) {
		required = append(required, "userAttributes."+name)
	}
	ua, _ := json.Marshal(current)
	ra, _ := json.Marshal(required)
	ss := e.newSession(c, u, ChallengeNewPassword, authTime)
	ss.DeviceKey = deviceKey
	return &api.AuthOutput{ChallengeName: ChallengeNewPassword, Session: e.states.Seal(ss), ChallengeParameters: map[string]string{
		"USER_ID_FOR_SRP": u.Username, "requiredAttributes": string(ra), "userAttributes": string(ua)}}, nil
}

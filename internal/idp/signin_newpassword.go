package idp

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// newPasswordStep answers NEW_PASSWORD_REQUIRED: a user with a temporary
// password chooses their own.
func newPasswordStep(ctx context.Context, s *Service, req *authRequest, ss *session, u *store.User) (*api.AuthOutput, error) {
	return s.answerNewPassword(ctx, req.client, u, ss, req.params)
}

// newPasswordChallenge is NEW_PASSWORD_REQUIRED for a user with a temporary
// password; both parameters are JSON strings, as the JS clients parse them.
func (s *Service) newPasswordChallenge(c *client, u *store.User, authTime time.Time, deviceKey string) (*api.AuthOutput, error) {
	if !u.PasswordExpires.IsZero() && !s.now().Before(u.PasswordExpires) {
		return nil, api.Errorf(api.ErrNotAuthorized, "Temporary password has expired and must be reset by an administrator.")
	}
	current := map[string]string{}
	for k, v := range u.Attributes {
		current[k] = v
	}
	// The required attributes the user has no value for yet (an admin may
	// leave them out): the answer must give them.
	required := []string{}
	for _, name := range missingRequired(c.pool, u.Attributes) {
		required = append(required, "userAttributes."+name)
	}
	ua, _ := json.Marshal(current)
	ra, _ := json.Marshal(required)
	ss := s.newSession(c, u, challengeNewPassword, authTime)
	ss.DeviceKey = deviceKey
	return &api.AuthOutput{ChallengeName: challengeNewPassword, Session: s.sealSession(ss), ChallengeParameters: map[string]string{
		"USER_ID_FOR_SRP": u.Username, "requiredAttributes": string(ra), "userAttributes": string(ua)}}, nil
}

// answerNewPassword sets the user's own password (and any attributes sent
// as userAttributes.<name>) and continues the sign-in.
func (s *Service) answerNewPassword(ctx context.Context, c *client, u *store.User, ss *session, r map[string]string) (*api.AuthOutput, error) {
	pw := r["NEW_PASSWORD"]
	if pw == "" {
		return nil, missing("NEW_PASSWORD")
	}
	if err := checkPassword(c.pool, pw); err != nil {
		return nil, err
	}
	var given []api.AttributeType
	for k, v := range r {
		if name, ok := strings.CutPrefix(k, "userAttributes."); ok {
			given = append(given, api.AttributeType{Name: name, Value: ptr(v)})
		}
	}
	attrs, err := checkAttributes(c.pool, given)
	if err == nil {
		err = c.checkWritable(given)
	}
	if err != nil {
		return nil, err
	}
	// Like a refused password, missing attributes leave the session usable
	// for a corrected answer.
	merged := map[string]string{}
	for _, m := range []map[string]string{u.Attributes, attrs} {
		for k, v := range m {
			merged[k] = v
		}
	}
	if missing := missingRequired(c.pool, merged); len(missing) > 0 {
		// Cognito's words for this case, unlike SignUp's.
		return nil, api.Errorf(api.ErrInvalidParameter, "Invalid attributes given, %s is missing", strings.Join(missing, " and "))
	}
	if err := s.reusedPassword(c.pool, u, pw); err != nil {
		return nil, err // the session stays usable for another password
	}
	if err := s.spend(ctx, ss); err != nil {
		return nil, err
	}
	u, err = s.updateUser(ctx, u, func(u *store.User) error {
		if u.Status != StatusForceChange {
			return api.ErrBadSession
		}
		for k, v := range attrs {
			u.Attributes[k] = v
		}
		if err := requiredMissing(c.pool, u.Attributes); err != nil {
			return err // the stored attributes changed meanwhile
		}
		u.Status = StatusConfirmed
		u.PasswordExpires = time.Time{}
		u.Updated = s.now()
		return s.newPassword(c.pool, u, pw)
	})
	if err != nil {
		return nil, err
	}
	return s.afterPassword(ctx, c, u, time.Unix(ss.AuthTime, 0), ss.DeviceKey)
}

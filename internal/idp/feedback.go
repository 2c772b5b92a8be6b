package idp

import (
	"context"
	"encoding/json"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
)

// Feedback on sign-in events (AdminListUserAuthEvents): an administrator
// says an event was the user's (Valid) or not (Invalid) with
// AdminUpdateAuthEventFeedback; the user says it, unauthenticated, with
// UpdateAuthEventFeedback and the FeedbackToken Cognito puts in its risk
// notification emails. Cognate sends no such emails yet: FeedbackToken
// gives an event's token (cognatetest.Server.FeedbackToken in tests). The
// feedback is recorded on the event and shown in AdminListUserAuthEvents;
// no risk is judged from it (README, stored only).

// feedbackClaims is what a FeedbackToken carries: one event of one user.
type feedbackClaims struct {
	Pool  string `json:"p"`
	User  string `json:"u"`
	Event string `json:"e"`
}

// Providers of feedback, as EventFeedbackType.Provider names them:
// Cognito's console and API give "Admin"; Cognate names the user's own
// "User".
const (
	feedbackByAdmin = "Admin"
	feedbackByUser  = "User"
)

// FeedbackToken returns the FeedbackToken of a user's sign-in event: sealed
// with the master key, bound to the pool, the user (by username) and the
// event, valid as long as the event is kept.
func (s *Service) FeedbackToken(poolID, username, eventID string) string {
	b, err := json.Marshal(feedbackClaims{Pool: poolID, User: username, Event: eventID})
	if err != nil {
		panic(err) // plain strings
	}
	return s.seal.SealString(b, seal.LabelFeedback)
}

// feedback records fb on the event of user in pool: the pool must keep a
// history (threat protection on), and the history must have the event.
// check, when not nil, vets the resolved user first.
func (s *Service) feedback(ctx context.Context, poolID, username, eventID string, fb signin.Feedback, check func(*store.User) error) error {
	p, u, err := s.adminUser(ctx, poolID, username)
	if err != nil {
		return err
	}
	if !p.keepsAuthEvents() {
		return api.Errorf(api.ErrUserPoolAddOnNotEnabled, api.MsgAdvancedSecurityNotEnabled, p.rec.ID)
	}
	if check != nil {
		if err := check(u); err != nil {
			return err
		}
	}
	fb.Date = s.now()
	_, err = s.updateUser(ctx, u, func(u *store.User) error {
		if !signin.SetFeedback(u, eventID, fb) {
			return api.Errorf(api.ErrResourceNotFound, api.MsgAuthEventNotFound, eventID)
		}
		return nil
	})
	return err
}

// AdminUpdateAuthEventFeedback answers AdminUpdateAuthEventFeedback.
func (s *Service) AdminUpdateAuthEventFeedback(ctx context.Context, in *api.AdminUpdateAuthEventFeedbackInput) (*api.Empty, error) {
	err := s.feedback(ctx, in.UserPoolId, in.Username, in.EventId, signin.Feedback{Value: in.FeedbackValue, Provider: feedbackByAdmin}, nil)
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// UpdateAuthEventFeedback answers UpdateAuthEventFeedback: the token must
// be the one of this event of this user. It is opened before the user is
// looked up, so that a caller without a token learns nothing of who exists.
func (s *Service) UpdateAuthEventFeedback(ctx context.Context, in *api.UpdateAuthEventFeedbackInput) (*api.Empty, error) {
	var c feedbackClaims
	b, err := s.seal.OpenString(in.FeedbackToken, seal.LabelFeedback)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Pool != in.UserPoolId || c.Event != in.EventId {
		return nil, api.Errorf(api.ErrNotAuthorized, api.MsgFeedbackTokenInvalid)
	}
	check := func(u *store.User) error {
		if c.User != u.Username {
			return api.Errorf(api.ErrNotAuthorized, api.MsgFeedbackTokenInvalid)
		}
		return nil
	}
	err = s.feedback(ctx, in.UserPoolId, in.Username, in.EventId, signin.Feedback{Value: in.FeedbackValue, Provider: feedbackByUser}, check)
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

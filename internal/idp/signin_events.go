package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/google/uuid"
)

// The sign-in history is package signin's; these are its store-side
// halves and AdminListUserAuthEvents.

type authEvent = signin.Event

const (
	stepPassword = signin.StepPassword
	stepMFA      = signin.StepMFA
)

// keepsAuthEvents reports whether the pool's add-ons ask for a history.
func (p *pool) keepsAuthEvents() bool { return signin.KeepsEvents(p.doc.UserPoolAddOns) }

// recordSignIn adds an event to the user's history, newest first, in pools
// that keep one.
func (s *Service) recordSignIn(ctx context.Context, p *pool, u *store.User, ev authEvent) error {
	if !p.keepsAuthEvents() {
		return nil
	}
	ev.ID, ev.Time, ev.IP = uuid.NewString(), s.now(), clientIP(ctx)
	_, err := s.updateUser(ctx, u, func(u *store.User) error {
		signin.AddEvent(u, ev)
		return nil
	})
	return err
}

// signedIn records a sign-in that ends with tokens; mfa says whether a
// second factor was proved.
func (s *Service) signedIn(ctx context.Context, p *pool, u *store.User, mfa bool) error {
	return s.recordSignIn(ctx, p, u, signin.Passed(mfa))
}

// failedSignIn records a sign-in refused at step, then counts the failure
// as failed does and returns its answer.
func (s *Service) failedSignIn(ctx context.Context, p *pool, u *store.User, step signin.Step, answer error) error {
	if err := s.recordSignIn(ctx, p, u, signin.Failed(step)); err != nil {
		return err
	}
	return s.failed(ctx, u, answer)
}

// AdminListUserAuthEvents answers AdminListUserAuthEvents: the newest
// events first; NextToken is the id of the last event returned.
func (s *Service) AdminListUserAuthEvents(ctx context.Context, in *api.AdminListUserAuthEventsInput) (*api.AdminListUserAuthEventsOutput, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if !p.keepsAuthEvents() {
		return nil, api.Errorf(api.ErrUserPoolAddOnNotEnabled, "Advanced security features are not enabled for user pool %s.", p.rec.ID)
	}
	after, err := decodePageToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	evs := signin.DecodeEvents(u.AuthEvents)
	if after != "" {
		i := 0
		for i < len(evs) && evs[i].ID != after {
			i++
		}
		if i == len(evs) {
			// The event aged out of the history meanwhile, or the token
			// was made up.
			return nil, api.Errorf(api.ErrInvalidParameter, "Invalid pagination token.")
		}
		evs = evs[i+1:]
	}
	out := &api.AdminListUserAuthEventsOutput{AuthEvents: []api.AuthEventType{}}
	if n := pageSize(in.MaxResults); len(evs) > n {
		evs = evs[:n]
		out.NextToken = encodePageToken(evs[n-1].ID)
	}
	for _, ev := range evs {
		out.AuthEvents = append(out.AuthEvents, signin.Describe(ev))
	}
	return out, nil
}

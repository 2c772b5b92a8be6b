package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
)

// The sign-in history is package signin's, which records it; this is
// AdminListUserAuthEvents, which reads it.

// keepsAuthEvents reports whether the pool's add-ons ask for a history.
func (p *pool) keepsAuthEvents() bool { return signin.KeepsEvents(p.doc.UserPoolAddOns) }

// AdminListUserAuthEvents answers AdminListUserAuthEvents: the newest
// events first; NextToken is the id of the last event returned.
func (s *Service) AdminListUserAuthEvents(ctx context.Context, in *api.AdminListUserAuthEventsInput) (*api.AdminListUserAuthEventsOutput, error) {
	p, u, err := s.adminUser(ctx, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if !p.keepsAuthEvents() {
		return nil, api.Errorf(api.ErrUserPoolAddOnNotEnabled, api.MsgAdvancedSecurityNotEnabled, p.rec.ID)
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
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgInvalidPaginationToken)
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

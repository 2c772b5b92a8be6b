package idp

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/google/uuid"
)

// Sign-in history for AdminListUserAuthEvents. As in Cognito, it is kept
// only in pools with advanced security (threat protection) on, in AUDIT or
// ENFORCED mode, and AdminListUserAuthEvents answers
// UserPoolAddOnNotEnabledException elsewhere. Keeping it costs a write at
// every sign-in and a user record that grows by up to 50 events (5% of the
// mfa benchmark's throughput with one-event histories: BENCHMARKS.md), which
// pools that never read it should not pay. No risk is assessed: events carry
// no EventRisk.
//
// A sign-in is recorded when it ends: with tokens (Pass) or with a refused
// proof (Fail). One that stops at a challenge and is never answered leaves
// no event. The second factor, a TOTP code or a remembered device's proof,
// is the Mfa step.

// authEventsKept bounds the history kept in the user's document, which is
// read at every sign-in.
const authEventsKept = 50

// authEvent is one recorded sign-in, as kept in store.User.AuthEvents.
type authEvent struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"t"`
	Pass     bool      `json:"pass"`
	Password bool      `json:"pw"`            // the password step succeeded
	MFA      string    `json:"mfa,omitempty"` // "", "Success" or "Failure"
	IP       string    `json:"ip,omitempty"`
}

// signInStep is where a failed sign-in was refused.
type signInStep int

const (
	stepPassword signInStep = iota // the password (or SRP proof)
	stepMFA                        // the TOTP code or the device's proof
)

func decodeEvents(b []byte) []authEvent {
	var evs []authEvent
	if len(b) > 0 && json.Unmarshal(b, &evs) != nil {
		return nil // a damaged history is dropped, not fatal to a sign-in
	}
	return evs
}

// keepsAuthEvents reports whether the pool's add-ons ask for a history.
func (p *pool) keepsAuthEvents() bool {
	var addOns struct{ AdvancedSecurityMode string }
	if len(p.doc.UserPoolAddOns) == 0 || json.Unmarshal(p.doc.UserPoolAddOns, &addOns) != nil {
		return false
	}
	return addOns.AdvancedSecurityMode == "AUDIT" || addOns.AdvancedSecurityMode == "ENFORCED"
}

// recordSignIn adds an event to the user's history, newest first, in pools
// that keep one.
func (s *Service) recordSignIn(ctx context.Context, p *pool, u *store.User, ev authEvent) error {
	if !p.keepsAuthEvents() {
		return nil
	}
	ev.ID, ev.Time, ev.IP = uuid.NewString(), s.now(), clientIP(ctx)
	_, err := s.updateUser(ctx, u, func(u *store.User) error {
		evs := append([]authEvent{ev}, decodeEvents(u.AuthEvents)...)
		if len(evs) > authEventsKept {
			evs = evs[:authEventsKept]
		}
		u.AuthEvents = encodeDoc(evs)
		return nil
	})
	return err
}

// signedIn records a sign-in that ends with tokens; mfa says whether a
// second factor was proved.
func (s *Service) signedIn(ctx context.Context, p *pool, u *store.User, mfa bool) error {
	ev := authEvent{Pass: true, Password: true}
	if mfa {
		ev.MFA = "Success"
	}
	return s.recordSignIn(ctx, p, u, ev)
}

// failedSignIn records a sign-in refused at step, then counts the failure
// as failed does and returns its answer.
func (s *Service) failedSignIn(ctx context.Context, p *pool, u *store.User, step signInStep, answer error) error {
	ev := authEvent{}
	if step == stepMFA {
		ev.Password, ev.MFA = true, "Failure"
	}
	if err := s.recordSignIn(ctx, p, u, ev); err != nil {
		return err
	}
	return s.failed(ctx, u, answer)
}

func describeEvent(ev authEvent) api.AuthEventType {
	out := api.AuthEventType{EventId: ev.ID, EventType: "SignIn", CreationDate: api.At(ev.Time), EventResponse: "Fail"}
	if ev.Pass {
		out.EventResponse = "Pass"
	}
	pw := "Failure"
	if ev.Password {
		pw = "Success"
	}
	out.ChallengeResponses = []api.ChallengeResponseType{{ChallengeName: "Password", ChallengeResponse: pw}}
	if ev.MFA != "" {
		out.ChallengeResponses = append(out.ChallengeResponses, api.ChallengeResponseType{ChallengeName: "Mfa", ChallengeResponse: ev.MFA})
	}
	if ev.IP != "" {
		out.EventContextData = &api.EventContextDataType{IpAddress: ev.IP}
	}
	return out
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
	evs := decodeEvents(u.AuthEvents)
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
		out.AuthEvents = append(out.AuthEvents, describeEvent(ev))
	}
	return out, nil
}

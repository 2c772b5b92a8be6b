package signin

import (
	"encoding/json"

	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
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

// eventsKept bounds the history kept in the user's document, which is read
// at every sign-in.
const eventsKept = 50

// Event is one recorded sign-in, as kept in store.User.AuthEvents.
type Event struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"t"`
	Pass     bool      `json:"pass"`
	Password bool      `json:"pw"`            // the password step succeeded
	MFA      string    `json:"mfa,omitempty"` // "", "Success" or "Failure"
	IP       string    `json:"ip,omitempty"`
	// Feedback is the last Update- or AdminUpdateAuthEventFeedback.
	Feedback *Feedback `json:"fb,omitempty"`
}

// Feedback is what a user or an administrator said of an event: Valid or
// Invalid, by whom (Provider) and when.
type Feedback struct {
	Value    string    `json:"v"`
	Provider string    `json:"p"`
	Date     time.Time `json:"t"`
}

// SetFeedback records fb on the event id of u's history (the caller stores
// u); it reports whether the history has that event.
func SetFeedback(u *store.User, id string, fb Feedback) bool {
	evs := DecodeEvents(u.AuthEvents)
	for i := range evs {
		if evs[i].ID != id {
			continue
		}
		evs[i].Feedback = &fb
		b, err := json.Marshal(evs)
		if err != nil {
			panic(err) // only plain data types are encoded
		}
		u.AuthEvents = b
		return true
	}
	return false
}

// Step is where a failed sign-in was refused.
type Step int

const (
	StepPassword Step = iota // the password (or SRP proof)
	StepMFA                  // the TOTP code or the device's proof
)

// Passed is the event of a sign-in that ends with tokens; mfa says whether
// a second factor was proved.
func Passed(mfa bool) Event {
	ev := Event{Pass: true, Password: true}
	if mfa {
		ev.MFA = "Success"
	}
	return ev
}

// Failed is the event of a sign-in refused at step.
func Failed(step Step) Event {
	ev := Event{}
	if step == StepMFA {
		ev.Password, ev.MFA = true, "Failure"
	}
	return ev
}

// DecodeEvents reads a user's history, newest first.
func DecodeEvents(b []byte) []Event {
	var evs []Event
	if len(b) > 0 && json.Unmarshal(b, &evs) != nil {
		return nil // a damaged history is dropped, not fatal to a sign-in
	}
	return evs
}

// KeepsEvents reports whether a pool's UserPoolAddOns ask for a history.
func KeepsEvents(addOns json.RawMessage) bool {
	var a struct{ AdvancedSecurityMode string }
	if len(addOns) == 0 || json.Unmarshal(addOns, &a) != nil {
		return false
	}
	return a.AdvancedSecurityMode == "AUDIT" || a.AdvancedSecurityMode == "ENFORCED"
}

// AddEvent puts ev first in u's history (the caller stores u), dropping the
// oldest beyond the bound.
func AddEvent(u *store.User, ev Event) {
	evs := append([]Event{ev}, DecodeEvents(u.AuthEvents)...)
	if len(evs) > eventsKept {
		evs = evs[:eventsKept]
	}
	b, err := json.Marshal(evs)
	if err != nil {
		panic(err) // only plain data types are encoded
	}
	u.AuthEvents = b
}

// Describe is an event as AdminListUserAuthEvents returns it.
func Describe(ev Event) api.AuthEventType {
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
	if fb := ev.Feedback; fb != nil {
		d := api.At(fb.Date)
		out.EventFeedback = &api.EventFeedbackType{FeedbackValue: fb.Value, Provider: fb.Provider, FeedbackDate: &d}
	}
	return out
}

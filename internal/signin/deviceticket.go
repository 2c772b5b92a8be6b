package signin

import (
	"context"
	"crypto/subtle"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// Device tickets. AWS's Python example, its Java v2 DeviceAuthDemo and
// pycognito answer DEVICE_SRP_AUTH without the Session of the password step
// (the model marks Session optional). What the Session proved, that this
// user just passed the password step with this device through this client,
// must then come from somewhere else: a ticket the password step writes into
// the user's record in the store (so any node, and a restarted one, finds
// it) and the first DEVICE_SRP_AUTH takes away. A caller who holds only the
// device's secret has no ticket and gets no further.
//
// The Session-carrying form takes the ticket too, so that a sign-in finished
// that way leaves nothing for a sessionless caller to continue.

// MaxDeviceTickets bounds the tickets a user holds: a new one pushes out the
// oldest, so password steps never finished cannot grow the record.
const MaxDeviceTickets = 5

// issueDeviceTicket records that u passed the password step with the device
// key through c; the ticket lives as long as a Session would.
func (e *Engine) IssueDeviceTicket(ctx context.Context, c Client, u *store.User, deviceKey string, authTime time.Time) (string, error) {
	now := e.now()
	t := store.DeviceTicket{ID: randomToken(12), DeviceKey: deviceKey, ClientID: c.ID(), AuthTime: authTime,
		Expires: now.Add(c.SessionValidity())}
	_, err := e.core.UpdateUser(ctx, u, func(u *store.User) error {
		kept := u.DeviceTickets[:0]
		for _, old := range u.DeviceTickets {
			if now.Before(old.Expires) {
				kept = append(kept, old)
			}
		}
		if len(kept) >= MaxDeviceTickets {
			kept = kept[len(kept)-MaxDeviceTickets+1:]
		}
		u.DeviceTickets = append(kept, t)
		return nil
	})
	if err != nil {
		return "", err
	}
	return t.ID, nil
}

// takeDeviceTicket removes and returns the user's live ticket for the device
// and client: the one with id when id is not "" (the Session names it), else
// the newest. Without one the answer is Cognito's for a bad session.
func (e *Engine) TakeDeviceTicket(ctx context.Context, c Client, u *store.User, deviceKey, id string) (*store.DeviceTicket, error) {
	now := e.now()
	find := func(tickets []store.DeviceTicket) int {
		found := -1
		for i, t := range tickets {
			if t.ClientID == c.ID() && subtle.ConstantTimeCompare([]byte(t.DeviceKey), []byte(deviceKey)) == 1 &&
				now.Before(t.Expires) && (id == "" || t.ID == id) {
				found = i
			}
		}
		return found
	}
	// Most callers without a ticket stop at the record already read, before
	// any write.
	if find(u.DeviceTickets) < 0 {
		return nil, api.ErrBadSession
	}
	var taken *store.DeviceTicket
	_, err := e.core.UpdateUser(ctx, u, func(u *store.User) error {
		taken = nil
		found := find(u.DeviceTickets)
		if found < 0 {
			return api.ErrBadSession
		}
		t := u.DeviceTickets[found]
		taken = &t
		u.DeviceTickets = append(u.DeviceTickets[:found:found], u.DeviceTickets[found+1:]...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return taken, nil
}

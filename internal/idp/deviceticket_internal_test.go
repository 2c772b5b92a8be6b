package idp

import (
	"context"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
)

// TestDeviceTicketsAreBounded: password steps never continued leave at most
// signin.MaxDeviceTickets in the user's record, the newest ones, and expired ones
// go at the next password step.
func TestDeviceTicketsAreBounded(t *testing.T) {
	e := newTestEnv(t, nil, nil)
	ctx := context.Background()
	name := e.user("ann")
	c, err := e.svc.loadClient(ctx, e.client)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.st.GetUser(ctx, e.pool, name)
	if err != nil {
		t.Fatal(err)
	}
	const key = "us-east-1_11111111-2222-4333-8444-555555555555"
	var ids []string
	for i := 0; i < 3*signin.MaxDeviceTickets; i++ {
		id, err := e.svc.auth.IssueDeviceTicket(ctx, c, u, key, e.clock())
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	stored, err := e.st.GetUser(ctx, e.pool, name)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.DeviceTickets) != signin.MaxDeviceTickets {
		t.Fatalf("%d tickets kept, want %d", len(stored.DeviceTickets), signin.MaxDeviceTickets)
	}
	if _, err := e.svc.auth.TakeDeviceTicket(ctx, c, stored, key, ids[0]); err != api.ErrBadSession {
		t.Fatalf("the oldest ticket: %v, want a bad session", err)
	}
	if _, err := e.svc.auth.TakeDeviceTicket(ctx, c, stored, key, ids[len(ids)-1]); err != nil {
		t.Fatalf("the newest ticket: %v", err)
	}

	e.mu.Lock()
	e.now = e.now.Add(c.sessionValidity() + time.Second)
	e.mu.Unlock()
	if _, err := e.svc.auth.IssueDeviceTicket(ctx, c, u, key, e.clock()); err != nil {
		t.Fatal(err)
	}
	if stored, _ = e.st.GetUser(ctx, e.pool, name); len(stored.DeviceTickets) != 1 {
		t.Fatalf("%d tickets after the others expired, want 1", len(stored.DeviceTickets))
	}
}

package storetest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/store"
)

// A sign-in step's writes in one unit (store.Unit; store.InUnit runs fn
// as it is on a store without units): the step's outcome is the same as
// without a unit.

// spendAndIssue is a sign-in step's writes: the TOTP step claimed once, the
// session spent once, a refresh token; or, for a wrong code, the failure
// counted and the step refused.
func spendAndIssue(ctx context.Context, s store.Store, session string, step int64, hash string) error {
	if _, err := s.UpdateUser(ctx, "p_1", "u", func(u *store.User) error {
		if u.TOTPLastStep >= step {
			return errReplayed
		}
		u.TOTPLastStep = step
		return nil
	}); err != nil {
		if _, cerr := s.UpdateUser(ctx, "p_1", "u", func(u *store.User) error {
			u.FailedAttempts++
			return nil
		}); cerr != nil {
			return cerr
		}
		return err
	}
	if err := s.MarkUsed(ctx, session, now().Add(time.Minute)); err != nil {
		return err
	}
	return s.PutRefreshToken(ctx, &store.RefreshToken{Hash: []byte(hash), PoolID: "p_1", ClientID: "c", Username: "u",
		OriginJTI: hash, AuthTime: now(), Created: now(), Expires: now().Add(time.Hour)})
}

var errReplayed = errors.New("replayed")

func testUnit(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	if err := s.CreateUser(ctx, mkUser("p_1", "u")); err != nil {
		t.Fatal(err)
	}
	unit := func(session string, step int64, hash string) error {
		return store.InUnit(ctx, s, func(ctx context.Context) error { return spendAndIssue(ctx, s, session, step, hash) })
	}
	if err := unit("session:1", 100, "h1"); err != nil {
		t.Fatalf("step: %v", err)
	}
	if _, err := s.GetRefreshToken(ctx, []byte("h1")); err != nil {
		t.Fatalf("the unit's refresh token: %v", err)
	}
	// A replayed code: refused, and its failure counted all the same.
	if err := unit("session:2", 100, "h2"); !errors.Is(err, errReplayed) {
		t.Fatalf("replayed step: %v", err)
	}
	if u, _ := s.GetUser(ctx, "p_1", "u"); u.FailedAttempts != 1 || u.TOTPLastStep != 100 {
		t.Fatalf("after a refused step: FailedAttempts %d, TOTPLastStep %d; want 1, 100", u.FailedAttempts, u.TOTPLastStep)
	}
	// A spent session, after a write in the same unit: refused, and the
	// unit's other writes stand, later ones included.
	err := store.InUnit(ctx, s, func(ctx context.Context) error {
		if _, err := s.UpdateUser(ctx, "p_1", "u", func(u *store.User) error { u.TOTPLastStep = 101; return nil }); err != nil {
			return err
		}
		if err := s.MarkUsed(ctx, "session:1", now().Add(time.Minute)); !errors.Is(err, store.ErrExists) {
			t.Errorf("spent session in a unit: %v", err)
		}
		return s.MarkUsed(ctx, "session:3", now().Add(time.Minute))
	})
	if err != nil {
		t.Fatalf("unit after a spent session: %v", err)
	}
	if u, _ := s.GetUser(ctx, "p_1", "u"); u.TOTPLastStep != 101 {
		t.Fatalf("TOTPLastStep = %d, want 101", u.TOTPLastStep)
	}
	if err := s.MarkUsed(ctx, "session:3", now().Add(time.Minute)); !errors.Is(err, store.ErrExists) {
		t.Fatalf("the unit's mark after a spent session: %v", err)
	}
}

// testNodesUnitOnce races steps on two handles, each in a unit: one code
// (step) and one session are claimed once, and only the winner's refresh
// token is stored.
func testNodesUnitOnce(t *testing.T, a, b store.Store) {
	mkPool(t, a, "p_1")
	if err := a.CreateUser(ctx, mkUser("p_1", "u")); err != nil {
		t.Fatal(err)
	}
	const n = 16
	var won, refused atomic.Int32
	race(n, []store.Store{a, b}, func(i int, s store.Store) {
		hash := string(rune('a' + i))
		switch err := store.InUnit(ctx, s, func(ctx context.Context) error { return spendAndIssue(ctx, s, "session:1", 100, hash) }); {
		case err == nil:
			won.Add(1)
		case errors.Is(err, errReplayed):
			refused.Add(1)
		default:
			t.Errorf("step: %v", err)
		}
	})
	if won.Load() != 1 || refused.Load() != n-1 {
		t.Fatalf("%d steps won, %d refused; want 1, %d", won.Load(), refused.Load(), n-1)
	}
	tokens := 0
	for i := 0; i < n; i++ {
		if _, err := b.GetRefreshToken(ctx, []byte(string(rune('a'+i)))); err == nil {
			tokens++
		}
	}
	if u, _ := a.GetUser(ctx, "p_1", "u"); tokens != 1 || u.FailedAttempts != n-1 {
		t.Fatalf("%d refresh tokens, %d failures counted; want 1, %d", tokens, u.FailedAttempts, n-1)
	}
}

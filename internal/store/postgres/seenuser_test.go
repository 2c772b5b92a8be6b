package postgres_test

import (
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
)

// TestUpdateSeenUserFastPath: a copy just read from the store is written
// in one statement: fn runs once, on the copy. Were the document not to
// round-trip through JSON byte for byte, every update would fall back to
// the locked read and run fn twice, correct but no faster.
func TestUpdateSeenUserFastPath(t *testing.T) {
	s := open(t, pgtest.NewDatabase(t))
	defer s.Close()
	now := time.Now()
	must(t, s.CreatePool(ctx, &store.Pool{ID: "p_1", Name: "p", Created: now, Updated: now, Settings: []byte("{}")}))
	u := &store.User{PoolID: "p_1", Username: "u", Sub: "s", Status: "CONFIRMED", Enabled: true, Created: now, Updated: now,
		Attributes: map[string]string{"email": "u@example.com", "name": "Ü"}, Salt: []byte{1, 2}, Verifier: []byte{3},
		Codes: map[string]store.Code{"signup": {Hash: []byte{4}, Expires: now.Add(time.Hour)}}, Groups: []string{"g"},
		LastFailure: now.Add(-time.Minute), AuthEvents: []byte(`[{"a":1}]`)}
	must(t, s.CreateUser(ctx, u))
	for i := range 3 {
		seen, err := s.GetUser(ctx, "p_1", "u")
		must(t, err)
		calls := 0
		out, err := s.UpdateSeenUser(ctx, seen, func(u *store.User) error {
			calls++
			u.FailedAttempts++
			u.LastFailure = time.Now()
			return nil
		})
		must(t, err)
		if calls != 1 || out.FailedAttempts != i+1 {
			t.Fatalf("update %d: fn ran %d times (want 1: the copy was current), FailedAttempts %d", i, calls, out.FailedAttempts)
		}
	}
}

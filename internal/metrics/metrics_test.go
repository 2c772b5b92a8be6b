package metrics

import (
	"context"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/store"
)

// BenchmarkHooks is what the metrics add to one API request that makes
// two store calls: the request's counter and histogram, and the two store
// calls' timing (the store itself does nothing here).
func BenchmarkHooks(b *testing.B) {
	m := New()
	st := m.Store(nopStore{})
	ctx := context.Background()
	for b.Loop() {
		start := time.Now()
		st.GetClient(ctx, "c")
		st.GetUser(ctx, "p", "u")
		m.Request("InitiateAuth", "ok", time.Since(start))
	}
}

// nopStore answers every call at once.
type nopStore struct{ store.Store }

func (nopStore) GetClient(context.Context, string) (*store.Client, error)     { return nil, nil }
func (nopStore) GetUser(context.Context, string, string) (*store.User, error) { return nil, nil }

package postgres_test

import (
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/store/postgres"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
)

// TestSettingsFeed: a node's SettingsEpoch changes when another node changes
// a pool or a client, and only then (not at heartbeats), and stops being ok within MaxSettingsStaleness when
// the node's connection to the database goes silent (the relay holds every
// byte, as a partition would), so that nothing kept in memory outlives the
// bound; it is ok again, in a new epoch, once the database answers.
func TestSettingsFeed(t *testing.T) {
	url := pgtest.NewDatabase(t)
	_, target := pgtest.ViaRelay(t, url, "127.0.0.1:1")
	r := pgtest.NewRelay(t, target)
	via, _ := pgtest.ViaRelay(t, url, r.Addr())
	node := open(t, via) // behind the relay
	defer node.Close()
	other := open(t, url)
	defer other.Close()

	// ok is awaited for up to d, and the epoch then returned.
	ok := func(d time.Duration) uint64 {
		t.Helper()
		for end := time.Now().Add(d); ; time.Sleep(5 * time.Millisecond) {
			if e, ok := node.SettingsEpoch(); ok {
				return e
			}
			if time.Now().After(end) {
				t.Fatalf("the feed is not ok after %v", d)
			}
		}
	}
	e0 := ok(5 * time.Second)
	now := time.Now()
	must(t, other.CreatePool(ctx, &store.Pool{ID: "p1", Name: "p", Created: now, Updated: now, Settings: []byte("{}")}))
	if e, _ := node.SettingsEpoch(); e != e0 {
		t.Fatalf("creating a pool changed the epoch")
	}
	must(t, other.CreateClient(ctx, &store.Client{ID: "c1", PoolID: "p1", Name: "c", Created: now, Updated: now, Settings: []byte("{}")}))

	// changed waits up to MaxSettingsStaleness for the epoch to leave from.
	changed := func(what string, from uint64) uint64 {
		t.Helper()
		start := time.Now()
		for {
			if e, ok := node.SettingsEpoch(); ok && e != from {
				return e
			}
			if time.Since(start) > postgres.MaxSettingsStaleness {
				t.Fatalf("%s on another node: the epoch did not change within %v", what, postgres.MaxSettingsStaleness)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	e := e0
	for _, w := range []struct {
		what string
		do   func() error
	}{
		{"UpdatePool", func() error {
			_, err := other.UpdatePool(ctx, "p1", func(*store.Pool) error { return nil })
			return err
		}},
		{"UpdateClient", func() error {
			_, err := other.UpdateClient(ctx, "c1", func(*store.Client) error { return nil })
			return err
		}},
		{"DeleteClient", func() error { return other.DeleteClient(ctx, "c1") }},
		{"DeletePool", func() error { return other.DeletePool(ctx, "p1") }},
	} {
		must(t, w.do())
		e = changed(w.what, e)
	}

	// Quiet: heartbeats (the other node listens too) are no changes.
	other.SettingsEpoch()
	time.Sleep(postgres.MaxSettingsStaleness)
	if got, ok := node.SettingsEpoch(); !ok || got != e {
		t.Fatalf("with no change for %v, the epoch went from %d to %d (ok %v)", postgres.MaxSettingsStaleness, e, got, ok)
	}

	// Silent: not ok within the bound.
	r.Pause()
	start := time.Now()
	for {
		if _, ok := node.SettingsEpoch(); !ok {
			break
		}
		if time.Since(start) > postgres.MaxSettingsStaleness {
			t.Fatalf("the feed is still ok %v after the database went silent", time.Since(start))
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("silent: the feed stopped after %v", time.Since(start).Round(time.Millisecond))
	r.Resume()
	if again := ok(10 * time.Second); again == e {
		t.Fatalf("the feed came back in the epoch it had before the silence (%d)", e)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

package sqlite

import (
	"context"
	"database/sql"
	"testing"
)

// TestEveryConnectionIsDurable: a write is acknowledged only once it is on
// stable storage, so every connection the store opens, the writer and each
// reader of the pool, runs in WAL mode with synchronous=FULL. A kill -9 test
// cannot see a missing fsync (the page cache survives the process), so the
// settings themselves are checked, on as many connections as the pools
// allow, held at once so that each is a distinct connection.
func TestEveryConnectionIsDurable(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	// Work through both pools first, so that the connections checked are the
	// ones the store really uses, then hold every connection a pool allows.
	if _, err := s.GetPool(ctx, "us-east-1_commit"); err != nil {
		t.Fatal(err)
	}
	check := func(name string, db *sql.DB) int {
		t.Helper()
		max := db.Stats().MaxOpenConnections
		if max <= 0 {
			t.Fatalf("%s pool has no connection limit", name)
		}
		conns := make([]*sql.Conn, 0, max)
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for i := range max {
			c, err := db.Conn(ctx)
			if err != nil {
				t.Fatalf("%s connection %d: %v", name, i, err)
			}
			conns = append(conns, c)
			var mode string
			var sync int
			if err := c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
				t.Fatalf("%s connection %d: %v", name, i, err)
			}
			if err := c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
				t.Fatalf("%s connection %d: %v", name, i, err)
			}
			// 2 is FULL; 3 (EXTRA) would be durable too.
			if mode != "wal" || sync < 2 {
				t.Errorf("%s connection %d: journal_mode=%s synchronous=%d, want wal and FULL (2)", name, i, mode, sync)
			}
		}
		if got := db.Stats().OpenConnections; got != max {
			t.Errorf("%s pool: %d connections open, want %d distinct", name, got, max)
		}
		return max
	}
	if n := check("writer", s.w); n != 1 {
		t.Errorf("writer pool allows %d connections, want 1", n)
	}
	if n := check("reader", s.r); n < 2 {
		t.Errorf("reader pool allows %d connections, want several", n)
	}
}

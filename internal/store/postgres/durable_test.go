package postgres

import (
	"context"
	neturl "net/url"
	"strings"
	"testing"

	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestEveryConnectionIsDurable: every connection of the store's pool waits
// for the WAL flush before a commit is acknowledged (synchronous_commit not
// off), even on a database whose own default turns it off, and a connection
// string that turns it off is refused rather than obeyed.
func TestEveryConnectionIsDurable(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	// New sessions on this database start with synchronous_commit off
	// unless the store asks otherwise.
	if _, err := admin.Exec(ctx, `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = off', current_database()); END $$`); err != nil {
		t.Fatal(err)
	}
	plain, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var def string
	if err := plain.QueryRow(ctx, `SHOW synchronous_commit`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	plain.Close(ctx)
	if def != "off" {
		t.Fatalf("database default synchronous_commit = %q after ALTER DATABASE, want off", def)
	}

	s, err := Open(ctx, withParam(url, "pool_max_conns", "6"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	max := int(s.pool.Config().MaxConns)
	conns := make([]*pgxpool.Conn, 0, max)
	defer func() {
		for _, c := range conns {
			c.Release()
		}
	}()
	pids := map[uint32]bool{}
	for i := range max {
		c, err := s.pool.Acquire(ctx)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, c)
		pids[c.Conn().PgConn().PID()] = true
		var sc string
		if err := c.QueryRow(ctx, `SHOW synchronous_commit`).Scan(&sc); err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		if sc == "off" {
			t.Errorf("connection %d: synchronous_commit = off", i)
		}
	}
	if len(pids) != max || max < 2 {
		t.Errorf("checked %d distinct backends of %d connections", len(pids), max)
	}

	for _, off := range []string{"off", "false"} {
		if s, err := Open(ctx, withParam(url, "synchronous_commit", off)); err == nil {
			s.Close()
			t.Errorf("Open with synchronous_commit=%s succeeded", off)
		} else if !strings.Contains(err.Error(), "synchronous_commit") {
			t.Errorf("Open with synchronous_commit=%s: %v", off, err)
		}
	}
}

// withParam adds key=value to a connection string in either form.
func withParam(connString, key, value string) string {
	if u, err := neturl.Parse(connString); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return connString + " " + key + "=" + value
}

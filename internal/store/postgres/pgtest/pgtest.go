// Package pgtest gives a test a PostgreSQL database of its own, so that test
// runs, and the tests of one run, never see each other's data.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultAdminURL is the server tests use when COGNATE_TEST_POSTGRES is unset.
const DefaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres"

// AdminURL is the connection string of a database on the test server that
// may create and drop databases: COGNATE_TEST_POSTGRES, else DefaultAdminURL.
func AdminURL() string {
	if u := os.Getenv("COGNATE_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultAdminURL
}

// NewDatabase creates an empty database with a random name, drops it when
// the test ends, and returns its connection string. When PostgreSQL cannot
// be reached it skips the test, or fails it when CI=true: in CI a missing
// database is a broken build, not a reason to pass.
func NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin := AdminURL()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable (COGNATE_TEST_POSTGRES): %v", err)
		}
		t.Skipf("PostgreSQL unreachable, set COGNATE_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(context.Background())
	b := make([]byte, 8)
	rand.Read(b)
	name := "cognate_test_" + hex.EncodeToString(b)
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		// Sessions of processes the test killed may linger a moment.
		conn.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, name)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return withDatabase(admin, name)
}

// withDatabase returns connString pointing at database name instead.
func withDatabase(connString, name string) string {
	if strings.HasPrefix(connString, "postgres://") || strings.HasPrefix(connString, "postgresql://") {
		if u, err := url.Parse(connString); err == nil {
			u.Path = "/" + name
			u.RawPath = ""
			return u.String()
		}
	}
	// key=value form: a later keyword wins.
	return connString + " dbname=" + name
}

package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/store/sqlite"
	"github.com/cognate-idp/cognate/internal/store/storetest"
)

var ctx = context.Background()

func open(t *testing.T, path string) store.Store {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "cognate.db"))
	}, storetest.Nodes(func(t *testing.T) func() store.Store {
		// Several handles on one file stand for several processes.
		path := filepath.Join(t.TempDir(), "cognate.db")
		return func() store.Store { return open(t, path) }
	}))
}

// TestFindUsersPlans: every filter ListUsers has, exact and prefix, sparse
// and dense, from the start and deep in the pool, and plain paging, is
// answered through an index, found by EXPLAIN QUERY PLAN: no step scans
// the users table, and each names the index meant for its column.
func TestFindUsersPlans(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "cognate.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	planOf := func(f *store.Filter, after string) string {
		t.Helper()
		plan, err := s.FindUsersPlan(ctx, "p_1", f, after, 61)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		return plan
	}
	check := func(f *store.Filter, after, plan string) {
		t.Helper()
		want := "PRIMARY KEY"
		if f != nil && f.Attr != "username" {
			want = map[string]string{"sub": "users_sub", "status": "users_status", "enabled": "users_enabled",
				"email": "users_email", "phone_number": "users_phone", "name": "users_name", "given_name": "users_given_name",
				"family_name": "users_family_name", "preferred_username": "users_preferred_username"}[f.Attr]
		}
		if scans(plan) || !strings.Contains(plan, want) {
			t.Errorf("filter %+v after %q: plan\n%s\nscans, or does not use %s", f, after, plan, want)
		}
	}
	if err := s.CreatePool(ctx, &store.Pool{ID: "p_1", Settings: []byte("{}"), SigningKey: []byte{1}}); err != nil {
		t.Fatal(err)
	}
	// The plans of an empty pool: SQLite plans without statistics here.
	check(nil, "", planOf(nil, ""))
	for _, f := range storetest.ManyFilters {
		check(&f, "", planOf(&f, ""))
	}
	var batch []*store.User
	for i := range storetest.ManyUsers {
		batch = append(batch, storetest.ManyUser("p_1", i))
	}
	if err := s.CreateUsers(ctx, batch); err != nil {
		t.Fatal(err)
	}
	// A prefix that thousands of users match is walked in username order
	// (the primary key) rather than sorted out of its index; check both.
	dense := map[string]bool{}
	for _, after := range []string{"", "u4000"} {
		check(nil, after, planOf(nil, after))
		for _, f := range storetest.ManyFilters {
			plan := planOf(&f, after)
			if testing.Verbose() && after != "" {
				t.Logf("%s %v %q:\n%s", f.Attr, map[bool]string{true: "^=", false: "="}[f.Prefix], f.Value, plan)
			}
			if count, walk, ok := strings.Cut(plan, "--\n"); ok && !strings.Contains(walk, "SUBQUERY") {
				dense[f.Attr+" ^= "+f.Value] = true
				// The count in the attribute's index, then the walk.
				if scans(plan) || !strings.Contains(count, "COVERING INDEX") || walk != "SEARCH users USING PRIMARY KEY (pool_id=? AND username>?)\n" {
					t.Errorf("dense filter %+v after %q: plan\n%s", f, after, plan)
				}
				continue
			}
			check(&f, after, plan)
		}
	}
	if !dense["family_name ^= Sm"] || !dense["email ^= e-"] || dense["email ^= e-004"] {
		t.Errorf("dense prefixes: %v", dense)
	}
}

// scans says whether a plan reads a table whole ("SCAN users"; "SCAN
// (subquery-1)" reads a subquery's few rows).
func scans(plan string) bool {
	for _, l := range strings.Split(plan, "\n") {
		if strings.HasPrefix(l, "SCAN ") && !strings.HasPrefix(l, "SCAN (subquery") {
			return true
		}
	}
	return false
}

// TestMigrateFilterIndexes: a database made before the filter indexes and
// the user counts (schema version 4) gets them when it is opened, counts
// its users right, and finds them through the new indexes.
func TestMigrateFilterIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cognate.db")
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreatePool(ctx, &store.Pool{ID: "p_1", Settings: []byte("{}"), SigningKey: []byte{1}}); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		if err := s.CreateUser(ctx, storetest.ManyUser("p_1", i)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	// Back to version 6 (before the filter indexes), as a file of an older Cognate with users in it.
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DROP TRIGGER users_counted; DROP TRIGGER users_uncounted; DROP TABLE user_counts;
		DROP INDEX users_status; DROP INDEX users_enabled; DROP INDEX users_name; DROP INDEX users_given_name;
		DROP INDEX users_family_name; DROP INDEX users_preferred_username; DELETE FROM schema_migrations WHERE version >= 7`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err = sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.CountUsers(ctx, "p_1"); err != nil || n != 30 {
		t.Fatalf("CountUsers after the migration = %d, %v", n, err)
	}
	if err := s.CreateUser(ctx, storetest.ManyUser("p_1", 30)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountUsers(ctx, "p_1"); err != nil || n != 31 {
		t.Fatalf("CountUsers after one more = %d, %v", n, err)
	}
	f := &store.Filter{Attr: "status", Value: "UNCONFIRMED"}
	if l, err := s.FindUsers(ctx, "p_1", f, "", 10); err != nil || len(l) != 3 || l[0].Username != "u0000" || l[2].Username != "u0026" {
		t.Fatalf("FindUsers %+v = %v, %v", f, l, err)
	}
	if plan, err := s.FindUsersPlan(ctx, "p_1", f, "", 10); err != nil || !strings.Contains(plan, "users_status") {
		t.Fatalf("plan %q, %v", plan, err)
	}
}

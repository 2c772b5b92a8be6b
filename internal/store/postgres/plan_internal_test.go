package postgres

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
)

// TestFindUsersPlansAtScale: with COGNATE_PLAN_USERS users in a pool (say
// 200000; the test skips without it, as writing them takes a while),
// every filter ListUsers has, exact and prefix, from the start and deep in
// the pool, is answered through an index: EXPLAIN ANALYZE shows no Seq Scan
// and names the index meant for the filter's column. PostgreSQL plans by
// its statistics, so a small table would not show the plans a large one
// gets. -v prints the plans.
//
//	COGNATE_PLAN_USERS=200000 go test -run TestFindUsersPlansAtScale -v ./internal/store/postgres/
func TestFindUsersPlansAtScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("COGNATE_PLAN_USERS"))
	if n < 10000 {
		t.Skip("COGNATE_PLAN_USERS (10000 or more) is unset")
	}
	ctx := context.Background()
	s, err := Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CreatePool(ctx, &store.Pool{ID: "p_1", Settings: []byte("{}"), SigningKey: []byte{1}}); err != nil {
		t.Fatal(err)
	}
	given := []string{"Anna", "Ben", "Carla", "David", "Emma", "Felix", "Greta", "Hugo", "Ida", "Jonas", "Karin", "Leo", "Mia", "Nils", "Olga", "Paul", "Rosa", "Sven", "Tara", "Uwe"}
	var batch []*store.User
	for i := range n {
		h := uint32(i) * 2654435761
		g, f := given[h%20], fmt.Sprintf("Fam%02d", (h>>8)%50)
		u := &store.User{PoolID: "p_1", Username: fmt.Sprintf("user%07d", i), Sub: fmt.Sprintf("%08x-%d", h, i), Status: "CONFIRMED", Enabled: i%100 != 99,
			Attributes: map[string]string{"email": strings.ToLower(g) + "." + strconv.Itoa(i) + "@example.com", "given_name": g, "family_name": f,
				"name": g + " " + f, "phone_number": fmt.Sprintf("+1555%07d", h%10000000)},
			Verifier: make([]byte, 600)} // about a real user's size
		if i%100 == 42 {
			u.Status = "UNCONFIRMED"
		}
		batch = append(batch, u)
		if len(batch) == 5000 || i == n-1 {
			if err := s.CreateUsers(ctx, batch); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	// What autovacuum does before long.
	if _, err := s.pool.Exec(ctx, "VACUUM ANALYZE users"); err != nil {
		t.Fatal(err)
	}
	filters := []*store.Filter{nil,
		{Attr: "username", Value: "user0000500"}, {Attr: "username", Value: "user000050", Prefix: true},
		{Attr: "email", Value: "anna.500@example.com"}, {Attr: "email", Value: "anna.500", Prefix: true}, {Attr: "email", Value: "anna.", Prefix: true},
		{Attr: "phone_number", Value: "+15551", Prefix: true}, {Attr: "phone_number", Value: "+15551234567"},
		{Attr: "name", Value: "Anna Fam01"}, {Attr: "name", Value: "Anna F", Prefix: true},
		{Attr: "given_name", Value: "Anna"}, {Attr: "given_name", Value: "An", Prefix: true},
		{Attr: "family_name", Value: "Fam01"}, {Attr: "family_name", Value: "Fam0", Prefix: true},
		{Attr: "preferred_username", Value: "x"}, {Attr: "preferred_username", Value: "x", Prefix: true},
		{Attr: "status", Value: "UNCONFIRMED"}, {Attr: "status", Value: "UN", Prefix: true},
		{Attr: "enabled", Value: "false"}, {Attr: "enabled", Value: "true"},
		{Attr: "sub", Value: "abc"}, {Attr: "sub", Value: "ab", Prefix: true}}
	for _, f := range filters {
		for _, after := range []string{"", fmt.Sprintf("user%07d", n*9/10)} {
			q, args, err := s.findUsersQuery(ctx, "p_1", f, after, 61)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := s.pool.Query(ctx, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) "+q, args...)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for rows.Next() {
				var l string
				if err := rows.Scan(&l); err != nil {
					t.Fatal(err)
				}
				lines = append(lines, l)
			}
			rows.Close()
			plan := strings.Join(lines, "\n")
			t.Logf("%+v after %q:\n%s", f, after, plan)
			want := "users_pkey"
			if f != nil && f.Attr != "username" && !(f.Prefix && !strings.Contains(q, "MATERIALIZED")) {
				want = map[string]string{"sub": "users_sub", "status": "users_status", "enabled": "users_enabled", "email": "users_email",
					"phone_number": "users_phone", "name": "users_name", "given_name": "users_given_name", "family_name": "users_family_name",
					"preferred_username": "users_preferred_username"}[f.Attr]
			}
			// enabled = true is nearly every user: walking the key is as good.
			if strings.Contains(plan, "Seq Scan") || (!strings.Contains(plan, want) && !(f != nil && f.Value == "true")) {
				t.Errorf("%+v after %q: plan scans, or does not use %s:\n%s", f, after, want, plan)
			}
		}
	}
}

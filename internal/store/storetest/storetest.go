// Package storetest is the conformance suite every Store backend must pass.
// A backend's own test calls Run with a constructor that gives a fresh,
// empty store.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/store"
)

// Option adds cases to Run.
type Option func(*config)

type config struct {
	nodes func(t *testing.T) func() store.Store
}

// Nodes lets Run check what several server nodes sharing one database rely
// on: races decided across handles, not only across goroutines. nodes makes
// a fresh, empty database and returns a function that opens one more handle
// on it each time it is called, as another node would (the suite closes the
// handles). Without this option those cases are skipped.
func Nodes(nodes func(t *testing.T) (another func() store.Store)) Option {
	return func(c *config) { c.nodes = nodes }
}

// Run runs every conformance case against stores made by open.
func Run(t *testing.T, open func(t *testing.T) store.Store, opts ...Option) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	cases := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Pools", testPools},
		{"Clients", testClients},
		{"Users", testUsers},
		{"UserUniqueUnderConcurrency", testUserUnique},
		{"CreateUsersAllOrNothing", testCreateUsers},
		{"UpdateUserIsAtomic", testUpdateAtomic},
		{"FindUsers", testFindUsers},
		{"FindUsersAmongMany", testFindUsersMany},
		{"CountUsersFollowsWrites", testCountUsers},
		{"RefreshTokens", testRefreshTokens},
		{"RefreshTokenRotation", testRefreshTokenRotation},
		{"MarkUsed", testMarkUsed},
		{"DeletePoolCascades", testDeleteCascade},
		{"Devices", testDevices},
		{"Blobs", testBlobs},
		{"ImportJobs", testImportJobs},
		{"UnitKeepsEachWrite", testUnit},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			c.fn(t, s)
		})
	}
	t.Run("Nodes", func(t *testing.T) {
		if cfg.nodes == nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("the backend gives no second handle on one database (storetest.Nodes), and CI=true forbids skipping")
			}
			t.Skip("the backend gives no second handle on one database (storetest.Nodes)")
		}
		for _, c := range nodeCases {
			t.Run(c.name, func(t *testing.T) {
				another := cfg.nodes(t)
				a, b := another(), another()
				t.Cleanup(func() { a.Close(); b.Close() })
				c.fn(t, a, b)
			})
		}
	})
}

// nodeCases race two handles on one database, as two server nodes do.
var nodeCases = []struct {
	name string
	fn   func(t *testing.T, a, b store.Store)
}{
	{"SignUpOneUsername", testNodesSignUp},
	{"TOTPStepClaimedOnce", testNodesTOTPStep},
	{"CountersLoseNoUpdate", testNodesCounter},
	{"MarkUsedOnce", testNodesMarkUsed},
	{"SeenUserUpdates", testNodesSeenUser},
	{"UnitStepClaimedOnce", testNodesUnitOnce},
}

// testNodesSeenUser: UpdateSeenUser, for a backend that has it, keeps
// UpdateUser's promises whatever copy it is given: every racer holds the
// same copy, stale after the first write, yet a TOTP step is claimed once,
// no increment is lost, a refusal writes nothing, and the caller's copy is
// left as it was.
func testNodesSeenUser(t *testing.T, a, b store.Store) {
	ua, ok1 := a.(store.SeenUserUpdater)
	ub, ok2 := b.(store.SeenUserUpdater)
	if !ok1 || !ok2 {
		t.Skip("the backend has no UpdateSeenUser")
	}
	mkPool(t, a, "p_1")
	if err := a.CreateUser(ctx, mkUser("p_1", "u")); err != nil {
		t.Fatal(err)
	}
	seen, err := b.GetUser(ctx, "p_1", "u")
	if err != nil {
		t.Fatal(err)
	}
	handles := []store.Store{a, b}
	up := func(s store.Store) store.SeenUserUpdater {
		if s == a {
			return ua
		}
		return ub
	}
	errUsed := errors.New("used")
	var claimed atomic.Int32
	race(16, handles, func(i int, s store.Store) {
		_, err := up(s).UpdateSeenUser(ctx, seen, func(u *store.User) error {
			if u.TOTPLastStep >= 5 {
				return errUsed
			}
			u.TOTPLastStep = 5
			return nil
		})
		if err == nil {
			claimed.Add(1)
		} else if !errors.Is(err, errUsed) {
			t.Errorf("UpdateSeenUser: %v", err)
		}
	})
	if claimed.Load() != 1 {
		t.Fatalf("step claimed %d times with one stale copy, want 1", claimed.Load())
	}
	const n = 20
	race(n, handles, func(i int, s store.Store) {
		if _, err := up(s).UpdateSeenUser(ctx, seen, func(u *store.User) error { u.FailedAttempts++; return nil }); err != nil {
			t.Errorf("increment: %v", err)
		}
	})
	if _, err := ua.UpdateSeenUser(ctx, seen, func(u *store.User) error { u.FailedAttempts = 1000; return errUsed }); !errors.Is(err, errUsed) {
		t.Fatalf("a refusing fn: %v", err)
	}
	cur, err := a.GetUser(ctx, "p_1", "u")
	if err != nil {
		t.Fatal(err)
	}
	if cur.FailedAttempts != n || cur.TOTPLastStep != 5 {
		t.Fatalf("FailedAttempts = %d, TOTPLastStep = %d; want %d and 5", cur.FailedAttempts, cur.TOTPLastStep, n)
	}
	if seen.FailedAttempts != 0 || seen.TOTPLastStep != 0 {
		t.Fatalf("the caller's copy changed: %+v", seen)
	}
	// A current copy: written at once, and the result returned.
	out, err := ub.UpdateSeenUser(ctx, cur, func(u *store.User) error { u.FailedAttempts++; return nil })
	if err != nil || out.FailedAttempts != n+1 {
		t.Fatalf("UpdateSeenUser of the current copy = %+v, %v", out, err)
	}
	gone := mkUser("p_1", "nobody")
	if _, err := ua.UpdateSeenUser(ctx, gone, func(*store.User) error { return nil }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UpdateSeenUser of no user: %v", err)
	}
}

// race runs f(i, store) n times at once, alternating between the handles.
func race(n int, handles []store.Store, f func(i int, s store.Store)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f(i, handles[i%len(handles)])
		}()
	}
	close(start)
	wg.Wait()
}

func testNodesSignUp(t *testing.T, a, b store.Store) {
	mkPool(t, a, "p_1")
	const n = 16
	var wins, exists atomic.Int32
	var winner atomic.Value
	race(n, []store.Store{a, b}, func(i int, s store.Store) {
		u := mkUser("p_1", "same")
		u.Sub = fmt.Sprintf("sub-%d", i)
		switch err := s.CreateUser(ctx, u); {
		case err == nil:
			wins.Add(1)
			winner.Store(u.Sub)
		case errors.Is(err, store.ErrExists):
			exists.Add(1)
		default:
			t.Errorf("CreateUser: %v", err)
		}
	})
	if wins.Load() != 1 || exists.Load() != n-1 {
		t.Fatalf("wins=%d exists=%d, want 1 and %d", wins.Load(), exists.Load(), n-1)
	}
	for _, s := range []store.Store{a, b} {
		if u, err := s.GetUser(ctx, "p_1", "same"); err != nil || u.Sub != winner.Load() {
			t.Fatalf("GetUser = %+v, %v; want the winner's sub %v", u, err, winner.Load())
		}
		if c, _ := s.CountUsers(ctx, "p_1"); c != 1 {
			t.Fatalf("CountUsers = %d, want 1", c)
		}
	}
}

func testNodesTOTPStep(t *testing.T, a, b store.Store) {
	mkPool(t, a, "p_1")
	if err := b.CreateUser(ctx, mkUser("p_1", "u")); err != nil {
		t.Fatal(err)
	}
	errUsed := errors.New("used")
	for _, step := range []int64{100, 101} {
		var claimed atomic.Int32
		race(16, []store.Store{a, b}, func(i int, s store.Store) {
			_, err := s.UpdateUser(ctx, "p_1", "u", func(u *store.User) error {
				if u.TOTPLastStep >= step {
					return errUsed
				}
				u.TOTPLastStep = step
				return nil
			})
			if err == nil {
				claimed.Add(1)
			} else if !errors.Is(err, errUsed) {
				t.Errorf("UpdateUser: %v", err)
			}
		})
		if claimed.Load() != 1 {
			t.Fatalf("step %d claimed %d times across two handles, want 1", step, claimed.Load())
		}
		for _, s := range []store.Store{a, b} {
			if u, err := s.GetUser(ctx, "p_1", "u"); err != nil {
				t.Fatalf("GetUser: %v", err)
			} else if u.TOTPLastStep != step {
				t.Fatalf("TOTPLastStep = %d, want %d", u.TOTPLastStep, step)
			}
		}
	}
}

func testNodesCounter(t *testing.T, a, b store.Store) {
	mkPool(t, a, "p_1")
	if err := a.CreateUser(ctx, mkUser("p_1", "u")); err != nil {
		t.Fatal(err)
	}
	const n = 24
	race(n, []store.Store{a, b}, func(i int, s store.Store) {
		if _, err := s.UpdateUser(ctx, "p_1", "u", func(u *store.User) error {
			u.FailedAttempts++
			u.Attributes["email"] = fmt.Sprintf("n%d@example.com", u.FailedAttempts)
			return nil
		}); err != nil {
			t.Errorf("increment: %v", err)
		}
	})
	for _, s := range []store.Store{a, b} {
		if u, err := s.GetUser(ctx, "p_1", "u"); err != nil {
			t.Fatalf("GetUser: %v", err)
		} else if u.FailedAttempts != n {
			t.Fatalf("FailedAttempts = %d, want %d", u.FailedAttempts, n)
		}
		// The indexed column moved with the document.
		want := fmt.Sprintf("n%d@example.com", n)
		if l, _ := s.FindUsers(ctx, "p_1", &store.Filter{Attr: "email", Value: want}, "", 10); len(l) != 1 {
			t.Fatalf("FindUsers email=%s found %d users", want, len(l))
		}
	}
}

func testNodesMarkUsed(t *testing.T, a, b store.Store) {
	const n = 16
	for _, key := range []string{"session:1", "srp:1"} {
		var ok atomic.Int32
		race(n, []store.Store{a, b}, func(i int, s store.Store) {
			switch err := s.MarkUsed(ctx, key, now().Add(time.Minute)); {
			case err == nil:
				ok.Add(1)
			case !errors.Is(err, store.ErrExists):
				t.Errorf("MarkUsed: %v", err)
			}
		})
		if ok.Load() != 1 {
			t.Fatalf("%s marked %d times across two handles, want 1", key, ok.Load())
		}
		for _, s := range []store.Store{a, b} {
			if err := s.MarkUsed(ctx, key, now().Add(time.Minute)); !errors.Is(err, store.ErrExists) {
				t.Fatalf("mark seen from the other handle: %v", err)
			}
		}
	}
}

var ctx = context.Background()

func now() time.Time { return time.Unix(1_800_000_000, 123_000_000).UTC() }

func mkPool(t *testing.T, s store.Store, id string) *store.Pool {
	t.Helper()
	p := &store.Pool{ID: id, Name: "pool " + id, Created: now(), Updated: now(), Settings: []byte(`{"a":1}`), SigningKey: []byte{1, 2, 3}}
	if err := s.CreatePool(ctx, p); err != nil {
		t.Fatalf("CreatePool: %v", err)
	}
	return p
}

func mkUser(pool, name string) *store.User {
	return &store.User{PoolID: pool, Username: name, Sub: "sub-" + pool + "-" + name, Status: "CONFIRMED", Enabled: true,
		Created: now(), Updated: now(), Attributes: map[string]string{"email": name + "@example.com"},
		Salt: []byte{9}, Verifier: []byte{8, 7}, Codes: map[string]store.Code{}}
}

func testPools(t *testing.T, s store.Store) {
	mkPool(t, s, "us-east-1_b")
	mkPool(t, s, "us-east-1_a")
	if err := s.CreatePool(ctx, &store.Pool{ID: "us-east-1_a", Settings: []byte("{}"), SigningKey: []byte{1}}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate pool: got %v, want ErrExists", err)
	}
	p, err := s.GetPool(ctx, "us-east-1_a")
	if err != nil || p.Name != "pool us-east-1_a" || !p.Created.Equal(now()) || string(p.Settings) != `{"a":1}` {
		t.Fatalf("GetPool = %+v, %v", p, err)
	}
	if _, err := s.GetPool(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing pool: %v", err)
	}
	list, err := s.ListPools(ctx, "", 10)
	if err != nil || len(list) != 2 || list[0].ID != "us-east-1_a" {
		t.Fatalf("ListPools = %v, %v", list, err)
	}
	list, _ = s.ListPools(ctx, "us-east-1_a", 10)
	if len(list) != 1 || list[0].ID != "us-east-1_b" {
		t.Fatalf("ListPools after: %v", list)
	}
	up, err := s.UpdatePool(ctx, "us-east-1_a", func(p *store.Pool) error { p.Settings = []byte(`{"b":2}`); return nil })
	if err != nil || string(up.Settings) != `{"b":2}` {
		t.Fatalf("UpdatePool: %v", err)
	}
	sentinel := errors.New("stop")
	if _, err := s.UpdatePool(ctx, "us-east-1_a", func(p *store.Pool) error { p.Settings = []byte(`{}`); return sentinel }); !errors.Is(err, sentinel) {
		t.Fatalf("UpdatePool with error: %v", err)
	}
	if p, _ := s.GetPool(ctx, "us-east-1_a"); string(p.Settings) != `{"b":2}` {
		t.Fatalf("failed update was written: %s", p.Settings)
	}
	if err := s.DeletePool(ctx, "us-east-1_a"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePool(ctx, "us-east-1_a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func testClients(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	for _, id := range []string{"c2", "c1", "c3"} {
		if err := s.CreateClient(ctx, &store.Client{ID: id, PoolID: "p_1", Name: "n" + id, Created: now(), Updated: now(), Settings: []byte("{}")}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateClient(ctx, &store.Client{ID: "c1", PoolID: "p_1", Settings: []byte("{}")}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate client: %v", err)
	}
	c, err := s.GetClient(ctx, "c2")
	if err != nil || c.PoolID != "p_1" || c.Name != "nc2" {
		t.Fatalf("GetClient: %+v %v", c, err)
	}
	list, _ := s.ListClients(ctx, "p_1", "c1", 1)
	if len(list) != 1 || list[0].ID != "c2" {
		t.Fatalf("ListClients page: %v", list)
	}
	if _, err := s.UpdateClient(ctx, "c3", func(c *store.Client) error { c.Name = "renamed"; return nil }); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.GetClient(ctx, "c3"); c.Name != "renamed" {
		t.Fatalf("UpdateClient not kept: %+v", c)
	}
	if err := s.DeleteClient(ctx, "c3"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetClient(ctx, "c3"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted client: %v", err)
	}
}

func testUsers(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	u := mkUser("p_1", "alice")
	u.Codes["signup"] = store.Code{Hash: []byte("h"), Expires: now().Add(time.Hour)}
	u.CodeLimits = map[string]store.CodeLimit{"forgot": {Failures: 3, FailuresSince: now(), Sends: 2, SendsSince: now()}}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, mkUser("p_1", "alice")); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate user: %v", err)
	}
	// The same name in another pool is another user.
	mkPool(t, s, "p_2")
	if err := s.CreateUser(ctx, mkUser("p_2", "alice")); err != nil {
		t.Fatalf("same name, other pool: %v", err)
	}
	got, err := s.GetUser(ctx, "p_1", "alice")
	if err != nil || got.Sub != u.Sub || !bytes.Equal(got.Verifier, u.Verifier) || !got.Codes["signup"].Expires.Equal(now().Add(time.Hour)) {
		t.Fatalf("GetUser = %+v, %v", got, err)
	}
	if l := got.CodeLimits["forgot"]; l.Failures != 3 || l.Sends != 2 || !l.FailuresSince.Equal(now()) || !l.SendsSince.Equal(now()) {
		t.Fatalf("GetUser lost the code limits: %+v", got.CodeLimits)
	}
	if _, err := s.GetUser(ctx, "p_1", "ALICE"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("usernames are exact: %v", err)
	}
	if _, err := s.UpdateUser(ctx, "p_1", "alice", func(u *store.User) error {
		u.Status = "UNCONFIRMED"
		u.TOTPLastStep = 42
		u.Attributes["email"] = "new@example.com"
		u.DeviceTickets = []store.DeviceTicket{{ID: "t1", DeviceKey: "us-east-1_k", ClientID: "c1", AuthTime: now(), Expires: now().Add(time.Minute)}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetUser(ctx, "p_1", "alice")
	if got.Status != "UNCONFIRMED" || got.TOTPLastStep != 42 {
		t.Fatalf("update not kept: %+v", got)
	}
	if len(got.DeviceTickets) != 1 || got.DeviceTickets[0].ID != "t1" || got.DeviceTickets[0].ClientID != "c1" ||
		!got.DeviceTickets[0].Expires.Equal(now().Add(time.Minute)) {
		t.Fatalf("device tickets not kept: %+v", got.DeviceTickets)
	}
	if l, _ := s.FindUsers(ctx, "p_1", &store.Filter{Attr: "email", Value: "new@example.com"}, "", 10); len(l) != 1 {
		t.Fatalf("indexed attribute not updated: %v", l)
	}
	if _, err := s.UpdateUser(ctx, "p_1", "bob", func(*store.User) error { return nil }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update missing user: %v", err)
	}
	if n, _ := s.CountUsers(ctx, "p_1"); n != 1 {
		t.Fatalf("CountUsers = %d", n)
	}
	if err := s.DeleteUser(ctx, "p_1", "alice"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx, "p_1", "alice"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func testUserUnique(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	const n = 16
	var wins, exists atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			u := mkUser("p_1", "same")
			u.Sub = fmt.Sprintf("sub-%d", i)
			switch err := s.CreateUser(ctx, u); {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, store.ErrExists):
				exists.Add(1)
			default:
				t.Errorf("CreateUser: %v", err)
			}
		}(i)
	}
	wg.Wait()
	if wins.Load() != 1 || exists.Load() != n-1 {
		t.Fatalf("wins=%d exists=%d, want 1 and %d", wins.Load(), exists.Load(), n-1)
	}
}

func testUpdateAtomic(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	if err := s.CreateUser(ctx, mkUser("p_1", "u")); err != nil {
		t.Fatal(err)
	}
	// Many goroutines try to claim the same TOTP step: exactly one may.
	const n = 12
	var claimed atomic.Int32
	var wg sync.WaitGroup
	errUsed := errors.New("used")
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpdateUser(ctx, "p_1", "u", func(u *store.User) error {
				if u.TOTPLastStep >= 7 {
					return errUsed
				}
				u.TOTPLastStep = 7
				return nil
			})
			if err == nil {
				claimed.Add(1)
			} else if !errors.Is(err, errUsed) {
				t.Errorf("UpdateUser: %v", err)
			}
		}()
	}
	wg.Wait()
	if claimed.Load() != 1 {
		t.Fatalf("%d goroutines claimed the step, want 1", claimed.Load())
	}
	// Counters incremented in parallel lose no update.
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.UpdateUser(ctx, "p_1", "u", func(u *store.User) error { u.FailedAttempts++; return nil }); err != nil {
				t.Errorf("increment: %v", err)
			}
		}()
	}
	wg.Wait()
	if u, _ := s.GetUser(ctx, "p_1", "u"); u.FailedAttempts != n {
		t.Fatalf("FailedAttempts = %d, want %d", u.FailedAttempts, n)
	}
}

func testFindUsers(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	phones := map[string]string{"carol": "+15550001", "alice": "+15550002", "bob": "+442000", "alfred": "+15550003"}
	fullNames := map[string]string{"carol": "Carol", "alice": "Alice", "bob": "Bob", "alfred": "Alfred"}
	for _, name := range []string{"carol", "alice", "bob", "alfred"} {
		u := mkUser("p_1", name)
		// phone_number and name are searched through their own columns.
		u.Attributes["phone_number"] = phones[name]
		u.Attributes["name"] = fullNames[name]
		if name == "bob" {
			u.Status = "UNCONFIRMED"
			u.Enabled = false
		}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	names := func(us []*store.User) string {
		var b bytes.Buffer
		for _, u := range us {
			b.WriteString(u.Username + " ")
		}
		return b.String()
	}
	all, _ := s.FindUsers(ctx, "p_1", nil, "", 10)
	if names(all) != "alfred alice bob carol " {
		t.Fatalf("all = %q", names(all))
	}
	page, _ := s.FindUsers(ctx, "p_1", nil, "alice", 2)
	if names(page) != "bob carol " {
		t.Fatalf("page = %q", names(page))
	}
	cases := []struct {
		f    store.Filter
		want string
	}{
		{store.Filter{Attr: "username", Value: "al", Prefix: true}, "alfred alice "},
		{store.Filter{Attr: "username", Value: "AL", Prefix: true}, ""},
		{store.Filter{Attr: "email", Value: "bob@example.com"}, "bob "},
		{store.Filter{Attr: "status", Value: "UNCONFIRMED"}, "bob "},
		{store.Filter{Attr: "enabled", Value: "false"}, "bob "},
		{store.Filter{Attr: "sub", Value: "sub-p_1-carol"}, "carol "},
		{store.Filter{Attr: "email", Value: "a%", Prefix: true}, ""},
		{store.Filter{Attr: "phone_number", Value: "+442000"}, "bob "},
		{store.Filter{Attr: "phone_number", Value: "+1555000", Prefix: true}, "alfred alice carol "},
		{store.Filter{Attr: "phone_number", Value: "+1555000"}, ""},
		{store.Filter{Attr: "name", Value: "Alice"}, "alice "},
		{store.Filter{Attr: "name", Value: "Al", Prefix: true}, "alfred alice "},
		{store.Filter{Attr: "name", Value: "al", Prefix: true}, ""},
	}
	for _, c := range cases {
		got, err := s.FindUsers(ctx, "p_1", &c.f, "", 10)
		if err != nil || names(got) != c.want {
			t.Errorf("filter %+v = %q, %v; want %q", c.f, names(got), err, c.want)
		}
	}
}

// ManyUsers is the size of FindUsersAmongMany's pool: enough that a filter
// matches thousands of users (a backend may plan such a search otherwise
// than one that matches a few), few enough to write in a second.
const ManyUsers = 6000

// ManyUser is the i-th user (0 <= i < ManyUsers) of FindUsersAmongMany's
// pool. Its attributes are spread over the usernames so that no attribute's
// order is the usernames' order: ordering by the wrong one shows.
func ManyUser(pool string, i int) *store.User {
	u := mkUser(pool, fmt.Sprintf("u%04d", i))
	j := (i * 4001) % ManyUsers // a permutation: 4001 is prime to 6000
	u.Sub = fmt.Sprintf("s%04d-%04d", j, i)
	u.Attributes = map[string]string{
		"email":        fmt.Sprintf("e-%04d@example.com", j),
		"phone_number": fmt.Sprintf("+1%04d", (i*37)%ManyUsers),
		"given_name":   []string{"Ann", "Anna", "Bo", "Carl", "Dora", "Eve", "Finn"}[j%7],
		"family_name":  "Smith",
	}
	if i%10 == 0 {
		u.Attributes["family_name"] = fmt.Sprintf("Jones%d", j)
	}
	u.Attributes["name"] = u.Attributes["given_name"] + " " + u.Attributes["family_name"]
	if i%3 == 0 {
		u.Attributes["preferred_username"] = fmt.Sprintf("p%d", j)
	}
	if i%13 == 0 {
		u.Status = "UNCONFIRMED"
	}
	u.Enabled = i%17 != 0
	return u
}

// ManyFilters are filters of every kind on ManyUser's pool: exact and
// prefix, matching none, few, thousands, all.
var ManyFilters = []store.Filter{
	{Attr: "username", Value: "u12", Prefix: true},
	{Attr: "username", Value: "u", Prefix: true},
	{Attr: "username", Value: "u0042"},
	{Attr: "email", Value: "e-0042@example.com"},
	{Attr: "email", Value: "e-004", Prefix: true},
	{Attr: "email", Value: "e-", Prefix: true},
	{Attr: "email", Value: "E-", Prefix: true},
	{Attr: "phone_number", Value: "+11", Prefix: true},
	{Attr: "phone_number", Value: "+10037"},
	{Attr: "given_name", Value: "Ann"},
	{Attr: "given_name", Value: "Ann", Prefix: true},
	{Attr: "family_name", Value: "Smith"},
	{Attr: "family_name", Value: "Sm", Prefix: true},
	{Attr: "family_name", Value: "Jones1", Prefix: true},
	{Attr: "name", Value: "Bo J", Prefix: true},
	{Attr: "name", Value: "Bo Smith"},
	{Attr: "preferred_username", Value: "p", Prefix: true},
	{Attr: "preferred_username", Value: "p3"},
	{Attr: "status", Value: "UNCONFIRMED"},
	{Attr: "status", Value: "UN", Prefix: true},
	{Attr: "status", Value: "CONFIRMED", Prefix: true},
	{Attr: "enabled", Value: "false"},
	{Attr: "enabled", Value: "true"},
	{Attr: "sub", Value: "s0042-", Prefix: true},
	{Attr: "sub", Value: "s1", Prefix: true},
}

// Matches says whether u passes f, as ListUsers means it.
func Matches(u *store.User, f *store.Filter) bool {
	if f == nil {
		return true
	}
	var v string
	var has bool
	switch f.Attr {
	case "username":
		v, has = u.Username, true
	case "sub":
		v, has = u.Sub, true
	case "status":
		v, has = u.Status, true
	case "enabled":
		return (f.Value == "true") == u.Enabled
	default:
		v, has = u.Attributes[f.Attr]
	}
	if !has {
		return false
	}
	if f.Prefix {
		return strings.HasPrefix(v, f.Value)
	}
	return v == f.Value
}

// testFindUsersMany pages through every filter of ManyFilters, from the
// start and from the middle, and checks each page against the users the
// filter matches in username order.
func testFindUsersMany(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	mkPool(t, s, "p_2")
	var all []*store.User
	for i := 0; i < ManyUsers; i += 2000 {
		var batch []*store.User
		for j := i; j < i+2000; j++ {
			batch = append(batch, ManyUser("p_1", j))
		}
		if err := s.CreateUsers(ctx, batch); err != nil {
			t.Fatal(err)
		}
		all = append(all, batch...)
	}
	// Another pool's users match the same filters and must not show.
	if err := s.CreateUsers(ctx, []*store.User{ManyUser("p_2", 1), ManyUser("p_2", 4242)}); err != nil {
		t.Fatal(err)
	}
	for _, f := range append([]store.Filter{{Attr: "none"}}, ManyFilters...) {
		fp := &f
		if f.Attr == "none" {
			fp = nil
		}
		for _, after := range []string{"", "u2999"} {
			var want []string
			for _, u := range all {
				if u.Username > after && Matches(u, fp) {
					want = append(want, u.Username)
				}
			}
			var got []string
			for cur, pages := after, 0; ; pages++ {
				page, err := s.FindUsers(ctx, "p_1", fp, cur, 997)
				if err != nil {
					t.Fatalf("%+v after %q: %v", f, cur, err)
				}
				for _, u := range page {
					got = append(got, u.Username)
				}
				if len(page) < 997 || pages > ManyUsers/997+1 {
					break
				}
				cur = page[len(page)-1].Username
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%+v after %q: %d users, want %d (first %v, want %v)", f, after, len(got), len(want), first(got, 3), first(want, 3))
			}
		}
	}
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

// testCountUsers: the count follows creations, bulk creations (a failed
// batch counts for nothing), deletions, and pools.
func testCountUsers(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	mkPool(t, s, "p_2")
	count := func(pool string, want int) {
		t.Helper()
		if n, err := s.CountUsers(ctx, pool); err != nil || n != want {
			t.Fatalf("CountUsers(%s) = %d, %v; want %d", pool, n, err, want)
		}
	}
	count("p_1", 0)
	count("nope", 0)
	for i := 0; i < 3; i++ {
		if err := s.CreateUser(ctx, ManyUser("p_1", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateUser(ctx, ManyUser("p_1", 0)); !errors.Is(err, store.ErrExists) {
		t.Fatalf("CreateUser twice: %v", err)
	}
	if err := s.CreateUsers(ctx, []*store.User{ManyUser("p_1", 10), ManyUser("p_1", 1)}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("CreateUsers with a taken name: %v", err)
	}
	if err := s.CreateUsers(ctx, []*store.User{ManyUser("p_2", 10), ManyUser("p_2", 11)}); err != nil {
		t.Fatal(err)
	}
	count("p_1", 3)
	count("p_2", 2)
	if err := s.DeleteUser(ctx, "p_1", ManyUser("p_1", 1).Username); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx, "p_1", ManyUser("p_1", 1).Username); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("DeleteUser twice: %v", err)
	}
	if _, err := s.UpdateUser(ctx, "p_1", ManyUser("p_1", 2).Username, func(u *store.User) error { u.Status = "X"; return nil }); err != nil {
		t.Fatal(err)
	}
	count("p_1", 2)
	if err := s.DeletePool(ctx, "p_2"); err != nil {
		t.Fatal(err)
	}
	count("p_2", 0)
	mkPool(t, s, "p_2")
	count("p_2", 0)
	if err := s.CreateUser(ctx, ManyUser("p_2", 5)); err != nil {
		t.Fatal(err)
	}
	count("p_2", 1)
	count("p_1", 2)
}

func testRefreshTokens(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	tok := &store.RefreshToken{Hash: []byte("h1"), PoolID: "p_1", ClientID: "c", Username: "u", OriginJTI: "o", AuthTime: now(), Created: now(), Expires: now().Add(time.Hour)}
	if err := s.PutRefreshToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	tok2 := *tok
	tok2.Hash = []byte("h2")
	tok2.OriginJTI = "o2"
	s.PutRefreshToken(ctx, &tok2)
	got, err := s.GetRefreshToken(ctx, []byte("h1"))
	if err != nil || got.OriginJTI != "o" || got.Revoked || !got.AuthTime.Equal(now()) {
		t.Fatalf("GetRefreshToken = %+v, %v", got, err)
	}
	if err := s.RevokeRefreshToken(ctx, []byte("h1")); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetRefreshToken(ctx, []byte("h1")); !got.Revoked {
		t.Fatal("revocation not kept")
	}
	if got, _ := s.GetRefreshToken(ctx, []byte("h2")); got.Revoked {
		t.Fatal("revoked the wrong token")
	}
	if r, err := s.OriginRevoked(ctx, "p_1", "o"); err != nil || !r {
		t.Fatalf("OriginRevoked after revoking = %v, %v", r, err)
	}
	if r, err := s.OriginRevoked(ctx, "p_1", "unknown"); err != nil || r {
		t.Fatalf("OriginRevoked of an unknown origin = %v, %v", r, err)
	}
	s.RevokeUserRefreshTokens(ctx, "p_1", "u")
	if got, _ := s.GetRefreshToken(ctx, []byte("h2")); !got.Revoked {
		t.Fatal("user revocation not kept")
	}
	if err := s.PurgeExpired(ctx, now().Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetRefreshToken(ctx, []byte("h1")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired token not purged: %v", err)
	}
}

func testMarkUsed(t *testing.T, s store.Store) {
	const n = 10
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.MarkUsed(ctx, "k", now().Add(time.Minute))
			if err == nil {
				ok.Add(1)
			} else if !errors.Is(err, store.ErrExists) {
				t.Errorf("MarkUsed: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d marks won, want 1", ok.Load())
	}
	if err := s.PurgeExpired(ctx, now().Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkUsed(ctx, "k", now().Add(time.Minute)); err != nil {
		t.Fatalf("mark after purge: %v", err)
	}
}

func testDeleteCascade(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	s.CreateClient(ctx, &store.Client{ID: "c1", PoolID: "p_1", Settings: []byte("{}")})
	s.CreateUser(ctx, mkUser("p_1", "u"))
	s.PutRefreshToken(ctx, &store.RefreshToken{Hash: []byte("h"), PoolID: "p_1", ClientID: "c1", Username: "u", Expires: now()})
	if err := s.DeletePool(ctx, "p_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetClient(ctx, "c1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("client survived its pool: %v", err)
	}
	if _, err := s.GetUser(ctx, "p_1", "u"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("user survived its pool: %v", err)
	}
	if _, err := s.GetRefreshToken(ctx, []byte("h")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("refresh token survived its pool: %v", err)
	}
	if err := s.CreateUser(ctx, mkUser("p_1", "v")); err == nil {
		t.Fatal("created a user in a deleted pool")
	}
}

func testDevices(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	s.CreateUser(ctx, mkUser("p_1", "u"))
	s.CreateUser(ctx, mkUser("p_1", "w"))
	for _, k := range []string{"p_1_b", "p_1_a", "p_1_c"} {
		if err := s.CreateDevice(ctx, &store.Device{PoolID: "p_1", Username: "u", Key: k, Created: now()}); err != nil {
			t.Fatal(err)
		}
	}
	s.CreateDevice(ctx, &store.Device{PoolID: "p_1", Username: "w", Key: "p_1_w"})
	if err := s.CreateDevice(ctx, &store.Device{PoolID: "p_1", Username: "u", Key: "p_1_a"}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate device: %v", err)
	}
	if err := s.CreateDevice(ctx, &store.Device{PoolID: "p_1", Username: "nobody", Key: "p_1_z"}); err == nil {
		t.Fatal("device of a missing user created")
	}
	list, err := s.ListDevices(ctx, "p_1", "u", "", 10)
	if err != nil || len(list) != 3 || list[0].Key != "p_1_a" {
		t.Fatalf("ListDevices = %v, %v", list, err)
	}
	page, _ := s.ListDevices(ctx, "p_1", "u", "p_1_a", 1)
	if len(page) != 1 || page[0].Key != "p_1_b" {
		t.Fatalf("device page %v", page)
	}
	if _, err := s.UpdateDevice(ctx, "p_1", "p_1_a", func(d *store.Device) error { d.Remembered = true; d.Verifier = []byte{1}; return nil }); err != nil {
		t.Fatal(err)
	}
	d, err := s.GetDevice(ctx, "p_1", "p_1_a")
	if err != nil || !d.Remembered || d.Username != "u" || !d.Created.Equal(now()) {
		t.Fatalf("GetDevice = %+v, %v", d, err)
	}
	if err := s.DeleteDevice(ctx, "p_1", "p_1_a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetDevice(ctx, "p_1", "p_1_a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted device: %v", err)
	}
	// Deleting the user forgets their devices.
	if err := s.DeleteUser(ctx, "p_1", "u"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetDevice(ctx, "p_1", "p_1_b"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("device survived its user: %v", err)
	}
	if _, err := s.GetDevice(ctx, "p_1", "p_1_w"); err != nil {
		t.Fatalf("another user's device went too: %v", err)
	}
}

func testCreateUsers(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	if err := s.CreateUser(ctx, mkUser("p_1", "taken")); err != nil {
		t.Fatal(err)
	}
	var batch []*store.User
	for i := range 50 {
		u := mkUser("p_1", fmt.Sprintf("bulk%02d", i))
		u.Sub = fmt.Sprintf("bulk-sub-%d", i)
		u.Attributes["email"] = fmt.Sprintf("bulk%02d@example.com", i)
		batch = append(batch, u)
	}
	// One taken name spoils the whole batch.
	spoiled := append(append([]*store.User{}, batch...), mkUser("p_1", "taken"))
	if err := s.CreateUsers(ctx, spoiled); !errors.Is(err, store.ErrExists) {
		t.Fatalf("batch with a taken name: %v", err)
	}
	if n, _ := s.CountUsers(ctx, "p_1"); n != 1 {
		t.Fatalf("a refused batch left %d users, want 1", n)
	}
	if err := s.CreateUsers(ctx, []*store.User{mkUser("p_none", "x")}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("batch in a missing pool: %v", err)
	}
	if err := s.CreateUsers(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountUsers(ctx, "p_1"); n != 51 {
		t.Fatalf("CountUsers = %d, want 51", n)
	}
	got, err := s.GetUser(ctx, "p_1", "bulk07")
	if err != nil || got.Sub != "bulk-sub-7" || !bytes.Equal(got.Verifier, batch[7].Verifier) {
		t.Fatalf("GetUser = %+v, %v", got, err)
	}
	if l, _ := s.FindUsers(ctx, "p_1", &store.Filter{Attr: "email", Value: "bulk31@example.com"}, "", 10); len(l) != 1 || l[0].Username != "bulk31" {
		t.Fatalf("indexed attribute of a bulk user: %v", l)
	}
	if err := s.CreateUsers(ctx, nil); err != nil {
		t.Fatalf("empty batch: %v", err)
	}
}

func testRefreshTokenRotation(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	tok := &store.RefreshToken{Hash: []byte("r1"), PoolID: "p_1", ClientID: "c", Username: "u", OriginJTI: "o", AuthTime: now(), Created: now(), Expires: now().Add(time.Hour)}
	if err := s.PutRefreshToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetRefreshToken(ctx, []byte("r1")); !got.Rotated.IsZero() {
		t.Fatalf("a new token is rotated at %v", got.Rotated)
	}
	at := now().Add(time.Minute)
	rotated, first, err := s.RotateRefreshToken(ctx, []byte("r1"), at)
	if err != nil || !first || !rotated.Equal(at) {
		t.Fatalf("first RotateRefreshToken = %v, %v, %v", rotated, first, err)
	}
	rotated, first, err = s.RotateRefreshToken(ctx, []byte("r1"), at.Add(time.Minute))
	if err != nil || first || !rotated.Equal(at) {
		t.Fatalf("second RotateRefreshToken = %v, %v, %v; want the first time kept", rotated, first, err)
	}
	if got, _ := s.GetRefreshToken(ctx, []byte("r1")); !got.Rotated.Equal(at) || got.Revoked {
		t.Fatalf("GetRefreshToken after rotation = %+v", got)
	}
	// Of concurrent rotations of one token, exactly one is first.
	tok3 := *tok
	tok3.Hash = []byte("r3")
	if err := s.PutRefreshToken(ctx, &tok3); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, first, err := s.RotateRefreshToken(ctx, []byte("r3"), at.Add(time.Duration(i)*time.Millisecond))
			if err != nil {
				t.Error(err)
			}
			if first {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if firsts != 1 {
		t.Fatalf("%d of 8 concurrent rotations were first", firsts)
	}
	if _, _, err := s.RotateRefreshToken(ctx, []byte("nope"), at); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("RotateRefreshToken of an unknown token = %v", err)
	}
	// The replacement shares the origin: revoking either revokes the sign-in.
	next := *tok
	next.Hash = []byte("r2")
	if err := s.PutRefreshToken(ctx, &next); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeRefreshToken(ctx, []byte("r2")); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if r, err := s.OriginRevoked(ctx, "p_1", "o"); err != nil || !r {
			t.Fatalf("OriginRevoked with one of two tokens revoked = %v, %v", r, err)
		}
	}
}

// testBlobs: a pool's values are created, read, replaced and removed
// through UpdateBlob, atomically (concurrent appends lose none), kept apart
// by pool and key, refused for an unknown pool, left as they were when fn
// fails, and deleted with their pool.
func testBlobs(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	mkPool(t, s, "p_2")
	if _, err := s.GetBlob(ctx, "p_1", "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("blob before any: %v", err)
	}
	set := func(pool, key string, v []byte) {
		t.Helper()
		if err := s.UpdateBlob(ctx, pool, key, func(old []byte) ([]byte, error) { return v, nil }); err != nil {
			t.Fatal(err)
		}
	}
	set("p_1", "k", []byte("one"))
	set("p_2", "k", []byte("two"))
	set("p_1", "other", []byte{0, 1, 2, 255})
	for _, c := range []struct{ pool, key, want string }{{"p_1", "k", "one"}, {"p_2", "k", "two"}, {"p_1", "other", "\x00\x01\x02\xff"}} {
		if got, err := s.GetBlob(ctx, c.pool, c.key); err != nil || string(got) != c.want {
			t.Fatalf("%s/%s = %q, %v; want %q", c.pool, c.key, got, err, c.want)
		}
	}
	// fn sees the stored value; its error writes nothing.
	boom := errors.New("boom")
	err := s.UpdateBlob(ctx, "p_1", "k", func(old []byte) ([]byte, error) {
		if string(old) != "one" {
			t.Errorf("fn saw %q", old)
		}
		return []byte("changed"), boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("fn's error: %v", err)
	}
	if got, _ := s.GetBlob(ctx, "p_1", "k"); string(got) != "one" {
		t.Fatalf("a failed update wrote %q", got)
	}
	if err := s.UpdateBlob(ctx, "p_nope", "k", func([]byte) ([]byte, error) { return []byte("x"), nil }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("blob of an unknown pool: %v", err)
	}
	// Concurrent appends lose nothing.
	const n = 20
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.UpdateBlob(ctx, "p_2", "count", func(old []byte) ([]byte, error) { return append(old, 'x'), nil }); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got, _ := s.GetBlob(ctx, "p_2", "count"); len(got) != n {
		t.Fatalf("%d concurrent appends left %d bytes", n, len(got))
	}
	// nil removes; the pool's deletion removes the rest.
	set("p_1", "k", nil)
	if _, err := s.GetBlob(ctx, "p_1", "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("blob after removal: %v", err)
	}
	if err := s.DeletePool(ctx, "p_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetBlob(ctx, "p_1", "other"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("blob survived its pool: %v", err)
	}
	if got, _ := s.GetBlob(ctx, "p_2", "k"); string(got) != "two" {
		t.Fatalf("another pool's blob after the deletion: %q", got)
	}
}

func testImportJobs(t *testing.T, s store.Store) {
	mkPool(t, s, "p_1")
	mkPool(t, s, "p_2")
	// Two jobs share a creation time: the id breaks the tie.
	for i, id := range []string{"import-a", "import-b", "import-c", "import-d"} {
		created := now().Add(time.Duration(i/2*2) * time.Second)
		if err := s.CreateImportJob(ctx, &store.ImportJob{PoolID: "p_1", ID: id, Created: created, Doc: []byte(id)}); err != nil {
			t.Fatalf("CreateImportJob %s: %v", id, err)
		}
	}
	if err := s.CreateImportJob(ctx, &store.ImportJob{PoolID: "p_1", ID: "import-a", Created: now(), Doc: []byte("x")}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate job: %v, want ErrExists", err)
	}
	if err := s.CreateImportJob(ctx, &store.ImportJob{PoolID: "p_2", ID: "import-a", Created: now(), Doc: []byte("other")}); err != nil {
		t.Fatalf("same id in another pool: %v", err)
	}
	if err := s.CreateImportJob(ctx, &store.ImportJob{PoolID: "p_none", ID: "import-z", Created: now(), Doc: []byte("x")}); err == nil {
		t.Fatal("created a job in a pool that does not exist")
	}
	j, err := s.GetImportJob(ctx, "p_1", "import-c")
	if err != nil || string(j.Doc) != "import-c" || !j.Created.Equal(now().Add(2*time.Second)) {
		t.Fatalf("GetImportJob = %+v, %v", j, err)
	}
	if _, err := s.GetImportJob(ctx, "p_2", "import-c"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("job of another pool: %v", err)
	}
	// Newest first, then by id descending; paged by the last id.
	var ids []string
	after := ""
	for {
		page, err := s.ListImportJobs(ctx, "p_1", after, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range page {
			ids = append(ids, j.ID)
		}
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1].ID
	}
	if fmt.Sprint(ids) != "[import-d import-c import-b import-a]" {
		t.Fatalf("ListImportJobs order = %v", ids)
	}
	if _, err := s.UpdateImportJob(ctx, "p_1", "import-b", func(j *store.ImportJob) error { j.Doc = []byte("changed"); return nil }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if _, err := s.UpdateImportJob(ctx, "p_1", "import-b", func(j *store.ImportJob) error { j.Doc = []byte("lost"); return boom }); !errors.Is(err, boom) {
		t.Fatalf("UpdateImportJob error = %v", err)
	}
	if j, _ := s.GetImportJob(ctx, "p_1", "import-b"); string(j.Doc) != "changed" {
		t.Fatalf("doc = %q", j.Doc)
	}
	if _, err := s.UpdateImportJob(ctx, "p_1", "import-x", func(*store.ImportJob) error { return nil }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update of a missing job: %v", err)
	}

	// Parts: by upload and number, replaced in place, gone with the job's parts or its pool.
	for n, data := range []string{"one,", "two,", "three"} {
		if err := s.PutImportPart(ctx, "p_1", "import-a", "up1", n, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutImportPart(ctx, "p_1", "import-a", "up1", 1, []byte("TWO,")); err != nil {
		t.Fatal(err)
	}
	var got []byte
	for n := 0; ; n++ {
		b, err := s.GetImportPart(ctx, "p_1", "import-a", "up1", n)
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b...)
	}
	if string(got) != "one,TWO,three" {
		t.Fatalf("parts = %q", got)
	}
	if _, err := s.GetImportPart(ctx, "p_1", "import-a", "up2", 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("part of another upload: %v", err)
	}
	if err := s.PutImportPart(ctx, "p_1", "import-none", "up1", 0, []byte("x")); err == nil {
		t.Fatal("stored a part of a job that does not exist")
	}
	if err := s.DeleteImportParts(ctx, "p_1", "import-a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetImportPart(ctx, "p_1", "import-a", "up1", 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("part survived DeleteImportParts: %v", err)
	}
	s.PutImportPart(ctx, "p_1", "import-b", "up1", 0, []byte("x"))
	if err := s.DeletePool(ctx, "p_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetImportJob(ctx, "p_1", "import-b"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("job survived its pool: %v", err)
	}
	if _, err := s.GetImportPart(ctx, "p_1", "import-b", "up1", 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("part survived its pool: %v", err)
	}
}

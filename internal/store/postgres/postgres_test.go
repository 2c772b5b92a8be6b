package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/store/postgres"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
	"github.com/cognate-idp/cognate/internal/store/storetest"
	"github.com/jackc/pgx/v5"
)

var ctx = context.Background()

func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestConformance runs the suite every backend passes, each case on a
// database of its own, and the cross-node cases on handles sharing one.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, pgtest.NewDatabase(t))
	}, storetest.Nodes(func(t *testing.T) func() store.Store {
		url := pgtest.NewDatabase(t)
		return func() store.Store { return open(t, url) }
	}))
}

// TestMigrateConcurrently: nodes starting together against an empty
// database migrate it once, and all of them open.
func TestMigrateConcurrently(t *testing.T) {
	url := pgtest.NewDatabase(t)
	const n = 6
	stores := make([]*postgres.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = postgres.Open(ctx, url)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var versions, max int
	if err := conn.QueryRow(ctx, `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&versions, &max); err != nil {
		t.Fatal(err)
	}
	if versions != max {
		t.Fatalf("%d migration rows for version %d", versions, max)
	}
	// Opening again finds nothing to do.
	open(t, url).Close()
}

// TestForgedKeys: keys PostgreSQL text cannot hold (NUL, invalid UTF-8),
// which a forged pagination token can carry, find nothing instead of
// failing, and paging after one still answers exactly the keys after it.
func TestForgedKeys(t *testing.T) {
	s := open(t, pgtest.NewDatabase(t))
	defer s.Close()
	for _, id := range []string{"a_1", "b_1", "b\u00e9_1", "c_1"} {
		if err := s.CreatePool(ctx, &store.Pool{ID: id, Settings: []byte("{}"), SigningKey: []byte{1}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []string{"a\x00", "b\xff", "b\xc3"} {
		if _, err := s.GetPool(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetPool(%q) = %v, want ErrNotFound", bad, err)
		}
		if _, err := s.GetUser(ctx, "a_1", bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetUser(%q) = %v, want ErrNotFound", bad, err)
		}
		if l, err := s.FindUsers(ctx, "a_1", &store.Filter{Attr: "username", Value: bad, Prefix: true}, "", 10); err != nil || len(l) != 0 {
			t.Errorf("FindUsers(%q) = %v, %v", bad, l, err)
		}
	}
	for _, c := range []struct {
		after string
		limit int
		want  string
	}{
		{"a\x00", 10, "a_1 b_1 bé_1 c_1 "}, // "a\x00" sorts before "a_1"
		{"b\xff", 10, "c_1 "},              // 0xff sorts after every UTF-8 byte
		{"b\xc3", 10, "bé_1 c_1 "},         // a prefix of "bé"
		{"b\xc3\xa9\xff", 10, "c_1 "},
		{"b\xc3\xa9\xff", 1, "c_1 "},
		{"\xff", 10, ""},
		{"a\x00", 2, "a_1 b_1 "},
	} {
		l, err := s.ListPools(ctx, c.after, c.limit)
		got := ""
		for _, p := range l {
			got += p.ID + " "
		}
		if err != nil || got != c.want {
			t.Errorf("ListPools(%q, %d) = %q, %v; want %q", c.after, c.limit, got, err, c.want)
		}
	}
}

// TestAttributeWithNUL: attribute values are free text and may hold NUL,
// which a TEXT column refuses; the indexed columns are BYTEA so such a
// user is stored and found like any other.
func TestAttributeWithNUL(t *testing.T) {
	s := open(t, pgtest.NewDatabase(t))
	defer s.Close()
	if err := s.CreatePool(ctx, &store.Pool{ID: "p_1", Settings: []byte("{}"), SigningKey: []byte{1}}); err != nil {
		t.Fatal(err)
	}
	u := &store.User{PoolID: "p_1", Username: "u", Sub: "s", Status: "CONFIRMED", Enabled: true,
		Attributes: map[string]string{"name": "a\x00b", "email": "u@example.com"}}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, f := range []store.Filter{{Attr: "name", Value: "a\x00b"}, {Attr: "name", Value: "a\x00", Prefix: true}} {
		if l, err := s.FindUsers(ctx, "p_1", &f, "", 10); err != nil || len(l) != 1 || l[0].Attributes["name"] != "a\x00b" {
			t.Fatalf("FindUsers %+v = %v, %v", f, l, err)
		}
	}
}

// TestDownDatabase: a database that does not answer gives errors within
// the timeouts, not a hang.
func TestDownDatabase(t *testing.T) {
	t.Parallel()
	start := time.Now()
	if _, err := postgres.Open(ctx, "postgres://postgres@127.0.0.1:1/none"); err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
	// A server that accepts and then says nothing.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	if _, err := postgres.Open(ctx, "postgres://postgres@"+l.Addr().String()+"/none"); err == nil {
		t.Fatal("Open of a silent server succeeded")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("Open took %v to fail", d)
	}
	s := open(t, pgtest.NewDatabase(t))
	s.Close()
	if err := s.Ping(ctx); err == nil {
		t.Fatal("Ping of a closed store succeeded")
	}
}

// TestFrozenDatabase: when the database stops answering mid-life (a network
// partition), calls fail within the per-call timeout instead of hanging.
func TestFrozenDatabase(t *testing.T) {
	t.Parallel()
	target, err := pgx.ParseConfig(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, fmt.Sprintf("%s:%d", target.Host, target.Port))
	s := open(t, fmt.Sprintf("postgres://%s@%s/%s", target.User, p.addr, target.Database))
	defer s.Close()
	if err := s.CreatePool(ctx, &store.Pool{ID: "p_1", Settings: []byte("{}"), SigningKey: []byte{1}}); err != nil {
		t.Fatal(err)
	}
	p.freeze()
	start := time.Now()
	// Each call fails after the connect timeout (no connection to hand
	// out) or the per-call timeout (a query that gets no answer).
	var wg sync.WaitGroup
	for _, call := range []func() error{
		func() error { return s.Ping(ctx) },
		func() error { _, err := s.GetPool(ctx, "p_1"); return err },
		func() error {
			_, err := s.UpdatePool(ctx, "p_1", func(*store.Pool) error { return nil })
			return err
		},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := call(); err == nil {
				t.Error("a call to a frozen database succeeded")
			}
		}()
	}
	wg.Wait()
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("calls took %v to fail", d)
	}
	// The partition ends with the connections reset; the store closes.
	p.cut()
	s.Close()
}

// proxy forwards TCP to a server until frozen, then holds every byte.
type proxy struct {
	addr   string
	frozen chan struct{}
	mu     sync.Mutex
	conns  []net.Conn
	cutOff bool
}

// cut resets every connection through the proxy, and those that come.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cutOff = true
	for _, c := range p.conns {
		c.Close()
	}
}

// keep records c and u for cut, or closes them if cut already happened.
func (p *proxy) keep(c, u net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cutOff {
		c.Close()
		u.Close()
		return false
	}
	p.conns = append(p.conns, c, u)
	return true
}

func newProxy(t *testing.T, target string) *proxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{addr: l.Addr().String(), frozen: make(chan struct{})}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); l.Close(); p.cut() })
	pipe := func(dst, src net.Conn) {
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if err != nil {
				dst.Close()
				return
			}
			select {
			case <-p.frozen:
				<-done
				return
			default:
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				src.Close()
				return
			}
		}
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			if !p.keep(c, u) {
				continue
			}
			go pipe(u, c)
			go pipe(c, u)
		}
	}()
	return p
}

func (p *proxy) freeze() { close(p.frozen) }

// TestMigrateFilterIndexes: a database made before the filter indexes and
// the user counts (schema version 2) gets them when it is opened, counts
// its users right, and keeps counting.
func TestMigrateFilterIndexes(t *testing.T) {
	url := pgtest.NewDatabase(t)
	s := open(t, url)
	for _, p := range []string{"p_1", "p_2"} {
		if err := s.CreatePool(ctx, &store.Pool{ID: p, Settings: []byte("{}"), SigningKey: []byte{1}}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 30 {
		if err := s.CreateUser(ctx, storetest.ManyUser("p_1", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateUser(ctx, storetest.ManyUser("p_2", 1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Back to version 4 (before the filter indexes), as a database of an older Cognate with users in it.
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, `DROP TRIGGER users_counted ON users; DROP FUNCTION users_count(); DROP TABLE user_counts;
		DROP INDEX users_status, users_enabled, users_name, users_given_name, users_family_name, users_preferred_username, users_email, users_phone;
		CREATE INDEX users_email ON users(pool_id, email); CREATE INDEX users_phone ON users(pool_id, phone_number);
		DELETE FROM schema_migrations WHERE version >= 5`)
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}

	s = open(t, url)
	defer s.Close()
	count := func(pool string, want int) {
		t.Helper()
		if n, err := s.CountUsers(ctx, pool); err != nil || n != want {
			t.Fatalf("CountUsers(%s) = %d, %v; want %d", pool, n, err, want)
		}
	}
	count("p_1", 30)
	count("p_2", 1)
	if err := s.CreateUser(ctx, storetest.ManyUser("p_1", 30)); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := s.DeleteUser(ctx, "p_1", storetest.ManyUser("p_1", i).Username); err != nil {
			t.Fatal(err)
		}
	}
	count("p_1", 21)
	f := &store.Filter{Attr: "status", Value: "UNCONFIRMED"}
	if l, err := s.FindUsers(ctx, "p_1", f, "", 10); err != nil || len(l) != 2 || l[0].Username != "u0013" || l[1].Username != "u0026" {
		t.Fatalf("FindUsers %+v = %v, %v", f, l, err)
	}
	if err := s.DeletePool(ctx, "p_1"); err != nil {
		t.Fatal(err)
	}
	count("p_1", 0)
	count("p_2", 1)
}

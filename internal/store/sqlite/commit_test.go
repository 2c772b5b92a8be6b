package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/store"
)

func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cognate.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Now()
	if err := s.CreatePool(context.Background(), &store.Pool{ID: "us-east-1_commit", Name: "p", Created: now, Updated: now, Settings: []byte("{}"), SigningKey: []byte("k")}); err != nil {
		t.Fatal(err)
	}
	return s, path
}

// Concurrent writes share commits, and inside a shared commit each write
// still stands or falls alone: duplicates fail, failing and panicking
// updates leave no trace, and everything acknowledged is there after a
// reopen.
func TestGroupCommit(t *testing.T) {
	s, path := openTest(t)
	ctx := context.Background()
	const n = 400
	before := s.commits.Load()
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Every name twice: exactly one of each pair may win.
			u := &store.User{PoolID: "us-east-1_commit", Username: fmt.Sprintf("u%03d", i/2), Sub: fmt.Sprintf("sub-%d", i), Status: "CONFIRMED", Enabled: true}
			errs[i] = s.CreateUser(ctx, u)
		}()
	}
	wg.Wait()
	wins, dups := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, store.ErrExists):
			dups++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if wins != n/2 || dups != n/2 {
		t.Fatalf("wins %d, duplicates %d; want %d each", wins, dups, n/2)
	}
	commits := s.commits.Load() - before
	t.Logf("%d concurrent writes in %d commits", n, commits)
	if commits >= int64(wins) {
		t.Errorf("%d successful writes took %d commits: writes waiting together should share commits", wins, commits)
	}

	// Updates that fail or panic, mixed with ones that succeed.
	boom := errors.New("refused")
	for i := range n / 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("u%03d", i)
			_, err := s.UpdateUser(ctx, "us-east-1_commit", name, func(u *store.User) error {
				u.Attributes = map[string]string{"name": "changed"}
				switch i % 3 {
				case 1:
					return boom
				case 2:
					panic("domain bug")
				}
				return nil
			})
			switch i % 3 {
			case 0:
				if err != nil {
					t.Errorf("%s: %v", name, err)
				}
			case 1:
				if !errors.Is(err, boom) {
					t.Errorf("%s: got %v, want the function's error", name, err)
				}
			case 2:
				if err == nil {
					t.Errorf("%s: a panicking update reported success", name)
				}
			}
		}()
	}
	wg.Wait()
	s.Close()

	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := range n / 2 {
		u, err := r.GetUser(ctx, "us-east-1_commit", fmt.Sprintf("u%03d", i))
		if err != nil {
			t.Fatalf("u%03d after reopen: %v", i, err)
		}
		changed := u.Attributes["name"] == "changed"
		if changed != (i%3 == 0) {
			t.Errorf("u%03d: changed=%v, want %v", i, changed, i%3 == 0)
		}
	}
}

// A caller that gives up before its write runs gets its context's error,
// and the write does not happen.
func TestGroupCommitCancelled(t *testing.T) {
	s, _ := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.CreateUser(ctx, &store.User{PoolID: "us-east-1_commit", Username: "late", Sub: "s", Status: "CONFIRMED"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if _, err := s.GetUser(context.Background(), "us-east-1_commit", "late"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a cancelled write was stored: %v", err)
	}
}

func TestWriteAfterClose(t *testing.T) {
	s, _ := openTest(t)
	s.Close()
	if err := s.MarkUsed(context.Background(), "k", time.Now().Add(time.Hour)); !errors.Is(err, errClosed) {
		t.Fatalf("got %v, want errClosed", err)
	}
}

// New files get 8 KiB pages, so a user row stays in its leaf; a file made
// with another page size keeps it and still opens.
func TestPageSize(t *testing.T) {
	s, _ := openTest(t)
	var size int
	if err := s.r.QueryRow(`PRAGMA page_size`).Scan(&size); err != nil || size != pageSize {
		t.Fatalf("page size %d (%v), want %d", size, err, pageSize)
	}
	s.Close()

	old := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t(x)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	o, err := Open(old)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if err := o.r.QueryRow(`PRAGMA page_size`).Scan(&size); err != nil || size != 4096 {
		t.Fatalf("an existing file's page size became %d (%v)", size, err)
	}
}

// Queries run again are prepared once: writes from their second batch on,
// reads at once.
func TestStatementsPrepared(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	for i := range 3 {
		if err := s.CreateUser(ctx, &store.User{PoolID: "us-east-1_commit", Username: fmt.Sprint("p", i), Sub: fmt.Sprint("s", i), Status: "CONFIRMED"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, "us-east-1_commit", fmt.Sprint("p", i), func(u *store.User) error { u.TOTPLastStep = int64(i); return nil }); err != nil {
			t.Fatal(err)
		}
		if u, err := s.GetUser(ctx, "us-east-1_commit", fmt.Sprint("p", i)); err != nil || u.TOTPLastStep != int64(i) {
			t.Fatalf("GetUser: %+v %v", u, err)
		}
	}
	// The writer takes this op only after preparing what the last batch
	// noted.
	s.ops <- &writeOp{ctx: ctx, fn: func(*sql.Tx) error { return nil }, done: make(chan error, 1)}
	found := 0
	for q := range s.wst {
		if strings.HasPrefix(q, "UPDATE users") || strings.HasPrefix(q, "INSERT INTO users") || strings.HasPrefix(q, "SELECT doc FROM users") {
			found++
		}
	}
	if found != 3 {
		t.Errorf("prepared write queries: %d of the 3 the calls used (%d in all)", found, len(s.wst))
	}
	s.rst.mu.Lock()
	n := len(s.rst.m)
	s.rst.mu.Unlock()
	if n == 0 {
		t.Error("no read query was prepared")
	}
}

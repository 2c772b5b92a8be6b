// Package sqlite is the embedded Store: one SQLite file in WAL mode, written
// through a single connection (SQLite has one writer anyway) and read through
// a pool of read-only connections. Commits are synchronous=FULL, so an
// acknowledged write is on disk before the answer leaves; writes waiting at
// the same time share one commit (commit.go).
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cognate-idp/cognate/internal/store"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"
)

// Store is the SQLite backend.
type Store struct {
	w *sql.DB // one connection: all writes, by commitLoop only
	r *sql.DB // read-only connections

	ops       chan *writeOp // to commitLoop; unbuffered
	quit      chan struct{}
	loopDone  chan struct{}
	closeOnce sync.Once
	commits   atomic.Int64 // transactions committed by commitLoop
	onBatch   atomic.Pointer[func(int)]

	rst      readStmts
	wst      map[string]*sql.Stmt // prepared on w; commitLoop's own
	wantStmt map[string]struct{}  // write queries to prepare between batches
}

var _ store.Store = (*Store)(nil)

// SettingsEpoch never changes: one server process owns the database file,
// so every change of a pool or a client is made through this Store, and the
// caller sees it. (cognate rotate-master-key writes from another process
// while servers run, but only re-encrypts: the plaintext stays the same.)
func (s *Store) SettingsEpoch() (uint64, bool) { return 1, true }

var migrations = []string{
	`CREATE TABLE pools (
		id TEXT PRIMARY KEY,
		name TEXT NOT NULL,
		created INTEGER NOT NULL,
		updated INTEGER NOT NULL,
		settings BLOB NOT NULL,
		signing_key BLOB NOT NULL
	);
	CREATE TABLE clients (
		id TEXT PRIMARY KEY,
		pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
		name TEXT NOT NULL,
		created INTEGER NOT NULL,
		updated INTEGER NOT NULL,
		settings BLOB NOT NULL
	);
	CREATE INDEX clients_pool ON clients(pool_id, id);
	CREATE TABLE users (
		pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
		username TEXT NOT NULL,
		sub TEXT NOT NULL,
		status TEXT NOT NULL,
		enabled INTEGER NOT NULL,
		email TEXT,
		phone_number TEXT,
		name TEXT,
		given_name TEXT,
		family_name TEXT,
		preferred_username TEXT,
		doc BLOB NOT NULL,
		PRIMARY KEY (pool_id, username)
	) WITHOUT ROWID;
	CREATE UNIQUE INDEX users_sub ON users(pool_id, sub);
	CREATE INDEX users_email ON users(pool_id, email);
	CREATE INDEX users_phone ON users(pool_id, phone_number);
	CREATE TABLE refresh_tokens (
		hash BLOB PRIMARY KEY,
		pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
		client_id TEXT NOT NULL,
		username TEXT NOT NULL,
		origin_jti TEXT NOT NULL,
		device_key TEXT NOT NULL,
		auth_time INTEGER NOT NULL,
		created INTEGER NOT NULL,
		expires INTEGER NOT NULL,
		revoked INTEGER NOT NULL DEFAULT 0
	) WITHOUT ROWID;
	CREATE INDEX refresh_user ON refresh_tokens(pool_id, username);
	CREATE TABLE used_marks (
		key TEXT PRIMARY KEY,
		expires INTEGER NOT NULL
	) WITHOUT ROWID;`,
	`CREATE TABLE devices (
		pool_id TEXT NOT NULL,
		device_key TEXT NOT NULL,
		username TEXT NOT NULL,
		doc BLOB NOT NULL,
		PRIMARY KEY (pool_id, device_key),
		FOREIGN KEY (pool_id, username) REFERENCES users(pool_id, username) ON DELETE CASCADE
	) WITHOUT ROWID;
	CREATE INDEX devices_user ON devices(pool_id, username, device_key);`,
	`CREATE INDEX refresh_origin ON refresh_tokens(origin_jti);`,
	`ALTER TABLE refresh_tokens ADD COLUMN rotated INTEGER NOT NULL DEFAULT 0;`,
	`CREATE TABLE pool_blobs (
		pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
		key TEXT NOT NULL,
		data BLOB NOT NULL,
		PRIMARY KEY (pool_id, key)
	) WITHOUT ROWID;`,
	// User import jobs and the parts of their uploaded files.
	`CREATE TABLE import_jobs (
		pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
		id TEXT NOT NULL,
		created INTEGER NOT NULL,
		doc BLOB NOT NULL,
		PRIMARY KEY (pool_id, id)
	) WITHOUT ROWID;
	CREATE INDEX import_jobs_created ON import_jobs(pool_id, created, id);
	CREATE TABLE import_parts (
		pool_id TEXT NOT NULL,
		job_id TEXT NOT NULL,
		upload TEXT NOT NULL,
		n INTEGER NOT NULL,
		data BLOB NOT NULL,
		PRIMARY KEY (pool_id, job_id, upload, n),
		FOREIGN KEY (pool_id, job_id) REFERENCES import_jobs(pool_id, id) ON DELETE CASCADE
	);`,
	// Every column ListUsers filters on gets an index in username order
	// (users_email, users_phone and users_sub have one already: an index of
	// a WITHOUT ROWID table ends with the key), and the number of users of
	// each pool is kept as they come and go, for DescribeUserPool.
	`CREATE INDEX users_status ON users(pool_id, status, username);
	CREATE INDEX users_enabled ON users(pool_id, enabled, username);
	CREATE INDEX users_name ON users(pool_id, name, username);
	CREATE INDEX users_given_name ON users(pool_id, given_name, username);
	CREATE INDEX users_family_name ON users(pool_id, family_name, username);
	CREATE INDEX users_preferred_username ON users(pool_id, preferred_username, username);
	CREATE TABLE user_counts (
		pool_id TEXT PRIMARY KEY REFERENCES pools(id) ON DELETE CASCADE,
		n INTEGER NOT NULL
	) WITHOUT ROWID;
	INSERT INTO user_counts(pool_id, n) SELECT pool_id, COUNT(*) FROM users GROUP BY pool_id;
	CREATE TRIGGER users_counted AFTER INSERT ON users BEGIN
		INSERT INTO user_counts(pool_id, n) VALUES (NEW.pool_id, 1) ON CONFLICT(pool_id) DO UPDATE SET n = n + 1;
	END;
	CREATE TRIGGER users_uncounted AFTER DELETE ON users BEGIN
		UPDATE user_counts SET n = n - 1 WHERE pool_id = OLD.pool_id;
	END;`,
}

// Open opens (creating if needed) the database file at path and applies
// migrations.
func Open(path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := create(abs); err != nil {
		return nil, err
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := "file:" + abs + "?" + q.Encode()
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := migrate(w); err != nil {
		w.Close()
		return nil, err
	}
	q.Add("_pragma", "query_only(1)")
	r, err := sql.Open("sqlite", "file:"+abs+"?"+q.Encode())
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	s := &Store{w: w, r: r, ops: make(chan *writeOp), quit: make(chan struct{}), loopDone: make(chan struct{}),
		rst: readStmts{m: map[string]*sql.Stmt{}}, wst: map[string]*sql.Stmt{}, wantStmt: map[string]struct{}{}}
	go s.commitLoop()
	return s, nil
}

// pageSize is the page size of new database files. A user row (its JSON
// document with the sealed verifier and TOTP secret, about 1.3 KB) does not
// fit the largest payload a 4 KiB page keeps in a WITHOUT ROWID leaf (about
// 1 KB), so at 4 KiB every user spills into an overflow page of its own:
// 4.9 KB of file a user. 8 KiB pages keep rows up to about 2 KB whole
// (1.8 KB of file a user, indexes included). Files made before keep their
// page size.
const pageSize = 8192

// create makes a new database file with the page size set before anything
// else: once the file is in WAL mode its page size is fixed.
func create(path string) error {
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return nil // there already (or unreadable: Open will say)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(fmt.Sprintf(`PRAGMA page_size = %d; PRAGMA journal_mode = WAL`, pageSize))
	return err
}

func migrate(db *sql.DB) error {
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return fmt.Errorf("sqlite: migrations table: %w", err)
	}
	var have int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return err
	}
	for i := have; i < len(migrations); i++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite: migration %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version) VALUES (?)`, i+1); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Close stops the writer (writes already handed to it finish first) and
// closes both connection pools.
func (s *Store) Close() error {
	first := false
	s.closeOnce.Do(func() { close(s.quit); first = true })
	<-s.loopDone
	if !first {
		return nil
	}
	// Finalize the prepared statements first: SQLite keeps a connection
	// with live statements open after it is closed.
	for _, st := range s.wst {
		st.Close()
	}
	s.rst.mu.Lock()
	for _, st := range s.rst.m {
		st.Close()
	}
	s.rst.mu.Unlock()
	return errors.Join(s.r.Close(), s.w.Close())
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.r.PingContext(ctx) }

func isUnique(err error) bool {
	var e *sqlite3.Error
	if errors.As(err, &e) {
		c := e.Code()
		return c == sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY || c == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE
	}
	return false
}

func ns(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNS(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// ---- pools ----

func (s *Store) CreatePool(ctx context.Context, p *store.Pool) error {
	_, err := s.exec(ctx, `INSERT INTO pools(id, name, created, updated, settings, signing_key) VALUES (?,?,?,?,?,?)`,
		p.ID, p.Name, ns(p.Created), ns(p.Updated), p.Settings, p.SigningKey)
	if isUnique(err) {
		return store.ErrExists
	}
	return err
}

type rowScanner interface{ Scan(...any) error }

func scanPool(r rowScanner) (*store.Pool, error) {
	var p store.Pool
	var c, u int64
	if err := r.Scan(&p.ID, &p.Name, &c, &u, &p.Settings, &p.SigningKey); err != nil {
		return nil, notFound(err)
	}
	p.Created, p.Updated = fromNS(c), fromNS(u)
	return &p, nil
}

const poolCols = `id, name, created, updated, settings, signing_key`

func (s *Store) GetPool(ctx context.Context, id string) (*store.Pool, error) {
	return scanPool(s.row(ctx, `SELECT `+poolCols+` FROM pools WHERE id = ?`, id))
}

func (s *Store) ListPools(ctx context.Context, after string, limit int) ([]*store.Pool, error) {
	rows, err := s.rows(ctx, `SELECT `+poolCols+` FROM pools WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.Pool
	for rows.Next() {
		p, err := scanPool(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Store) UpdatePool(ctx context.Context, id string, fn func(*store.Pool) error) (*store.Pool, error) {
	var out *store.Pool
	err := s.write(ctx, func(tx *sql.Tx) error {
		p, err := scanPool(s.txRow(ctx, tx, `SELECT `+poolCols+` FROM pools WHERE id = ?`, id))
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		_, err = s.txExec(ctx, tx, `UPDATE pools SET name=?, updated=?, settings=?, signing_key=? WHERE id=?`,
			p.Name, ns(p.Updated), p.Settings, p.SigningKey, id)
		out = p
		return err
	})
	return out, err
}

func (s *Store) DeletePool(ctx context.Context, id string) error {
	res, err := s.exec(ctx, `DELETE FROM pools WHERE id = ?`, id)
	return affected(res, err)
}

func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// ---- clients ----

const clientCols = `id, pool_id, name, created, updated, settings`

func scanClient(r rowScanner) (*store.Client, error) {
	var c store.Client
	var cr, up int64
	if err := r.Scan(&c.ID, &c.PoolID, &c.Name, &cr, &up, &c.Settings); err != nil {
		return nil, notFound(err)
	}
	c.Created, c.Updated = fromNS(cr), fromNS(up)
	return &c, nil
}

func (s *Store) CreateClient(ctx context.Context, c *store.Client) error {
	_, err := s.exec(ctx, `INSERT INTO clients(`+clientCols+`) VALUES (?,?,?,?,?,?)`,
		c.ID, c.PoolID, c.Name, ns(c.Created), ns(c.Updated), c.Settings)
	if isUnique(err) {
		return store.ErrExists
	}
	if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") {
		return store.ErrNotFound
	}
	return err
}

func (s *Store) GetClient(ctx context.Context, id string) (*store.Client, error) {
	return scanClient(s.row(ctx, `SELECT `+clientCols+` FROM clients WHERE id = ?`, id))
}

func (s *Store) ListClients(ctx context.Context, poolID, after string, limit int) ([]*store.Client, error) {
	rows, err := s.rows(ctx, `SELECT `+clientCols+` FROM clients WHERE pool_id = ? AND id > ? ORDER BY id LIMIT ?`, poolID, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) UpdateClient(ctx context.Context, id string, fn func(*store.Client) error) (*store.Client, error) {
	var out *store.Client
	err := s.write(ctx, func(tx *sql.Tx) error {
		c, err := scanClient(s.txRow(ctx, tx, `SELECT `+clientCols+` FROM clients WHERE id = ?`, id))
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		_, err = s.txExec(ctx, tx, `UPDATE clients SET name=?, updated=?, settings=? WHERE id=?`, c.Name, ns(c.Updated), c.Settings, id)
		out = c
		return err
	})
	return out, err
}

func (s *Store) DeleteClient(ctx context.Context, id string) error {
	res, err := s.exec(ctx, `DELETE FROM clients WHERE id = ?`, id)
	return affected(res, err)
}

// ---- users ----

// indexed lists the attribute columns kept beside the document for filters.
var indexed = []string{"email", "phone_number", "name", "given_name", "family_name", "preferred_username"}

func nullable(attrs map[string]string, k string) any {
	if v, ok := attrs[k]; ok {
		return v
	}
	return nil
}

func userArgs(u *store.User) ([]any, error) {
	doc, err := json.Marshal(u)
	if err != nil {
		return nil, err
	}
	args := []any{u.PoolID, u.Username, u.Sub, u.Status, u.Enabled}
	for _, k := range indexed {
		args = append(args, nullable(u.Attributes, k))
	}
	return append(args, doc), nil
}

func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	args, err := userArgs(u)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, insertUser, args...)
	return createdErr(err)
}

var insertUser = `INSERT INTO users(pool_id, username, sub, status, enabled, ` + strings.Join(indexed, ", ") + `, doc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`

// createdErr maps an insert's constraint failures to the store's errors.
func createdErr(err error) error {
	if isUnique(err) {
		return store.ErrExists
	}
	if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") {
		return store.ErrNotFound
	}
	return err
}

func (s *Store) CreateUsers(ctx context.Context, users []*store.User) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, insertUser)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, u := range users {
			args, err := userArgs(u)
			if err != nil {
				return err
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
		return nil
	})
	return createdErr(err)
}

func scanUser(r rowScanner) (*store.User, error) {
	var doc []byte
	if err := r.Scan(&doc); err != nil {
		return nil, notFound(err)
	}
	var u store.User
	if err := json.Unmarshal(doc, &u); err != nil {
		return nil, fmt.Errorf("sqlite: corrupt user document: %w", err)
	}
	return &u, nil
}

func (s *Store) GetUser(ctx context.Context, poolID, username string) (*store.User, error) {
	return scanUser(s.row(ctx, `SELECT doc FROM users WHERE pool_id = ? AND username = ?`, poolID, username))
}

// filterIndexes names, for each column FindUsers filters on, the index
// that finds its values in username order: (pool_id, column, username),
// written so for the columns of migration 5 and implied for the others (an
// index of a WITHOUT ROWID table ends with the primary key's columns).
// username is the primary key itself.
var filterIndexes = map[string]string{
	"sub": "users_sub", "status": "users_status", "enabled": "users_enabled",
	"email": "users_email", "phone_number": "users_phone", "name": "users_name",
	"given_name": "users_given_name", "family_name": "users_family_name",
	"preferred_username": "users_preferred_username",
}

// sparseMatches is the most users of a pool a prefix filter on an
// attribute may match for FindUsers to collect them from the attribute's
// index and sort their usernames (reading at most that many index
// entries); above it the matches are dense enough that walking the users
// in username order from the page's key finds a page of them sooner: about
// limit*users/sparseMatches rows at most while the matches are spread over
// the usernames, as names and addresses are.
const sparseMatches = 4000

// FindUsers picks its plan by the filter, and names the index it means
// (INDEXED BY): SQLite's planner, left to itself, walks the primary key for
// ORDER BY username ... LIMIT and tests every user of the pool against the
// filter (EXPLAIN QUERY PLAN said "SEARCH users USING PRIMARY KEY (pool_id=?
// AND username>?)" for email = ?), which costs a pool's size for a filter
// that matches few users. Paging is by key (username > after), never OFFSET.
func (s *Store) FindUsers(ctx context.Context, poolID string, f *store.Filter, after string, limit int) ([]*store.User, error) {
	qs, err := s.findUsersQuery(ctx, poolID, f, after, limit)
	if err != nil {
		return nil, err
	}
	rows, err := s.rows(ctx, qs.q, qs.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

type query struct {
	q    string
	args []any
}

// prefixMatch is the condition on the users of a pool that a prefix filter
// on an attribute and a page's key select, and its arguments. The range
// lets the attribute's index find them: every value starting with the
// prefix sorts at or after it and before it followed by the byte 0xff,
// which no UTF-8 text holds; substr keeps the comparison exact and
// case-sensitive, unlike LIKE.
func prefixMatch(f *store.Filter, after string) (string, []any) {
	col := f.Attr
	return col + ` >= ? AND ` + col + ` < (? || x'ff') AND substr(` + col + `, 1, ?) = ? AND username > ?`,
		[]any{f.Value, f.Value, len([]rune(f.Value)), f.Value, after}
}

// prefixCount counts, up to sparseMatches+1, the users of the pool a prefix
// filter on an attribute selects, in the attribute's index alone. It counts
// them all, not those after the page's key: a range of the index is in the
// attribute's order, so the key would only filter its entries, and the
// count would read the whole range of a dense prefix on a deep page.
func prefixCount(poolID string, f *store.Filter) (query, bool) {
	idx, ok := filterIndexes[f.Attr]
	if !ok {
		return query{}, false
	}
	col := f.Attr
	return query{`SELECT count(*) FROM (SELECT 1 FROM users INDEXED BY ` + idx + ` WHERE pool_id = ? AND ` +
		col + ` >= ? AND ` + col + ` < (? || x'ff') AND substr(` + col + `, 1, ?) = ? LIMIT ?)`,
		[]any{poolID, f.Value, f.Value, len([]rune(f.Value)), f.Value, sparseMatches + 1}}, true
}

// findUsersQuery builds FindUsers' query. For a prefix filter on an
// attribute it first counts the matches, up to sparseMatches+1, in the
// attribute's index, to choose between the two plans.
func (s *Store) findUsersQuery(ctx context.Context, poolID string, f *store.Filter, after string, limit int) (query, error) {
	const order = ` ORDER BY username LIMIT ?`
	if f == nil {
		return query{`SELECT doc FROM users WHERE pool_id = ? AND username > ?` + order, []any{poolID, after, limit}}, nil
	}
	if f.Attr == "username" {
		if !f.Prefix {
			return query{`SELECT doc FROM users WHERE pool_id = ? AND username = ? AND username > ?` + order, []any{poolID, f.Value, after, limit}}, nil
		}
		// One lower bound, the greater of the prefix and after: given both,
		// SQLite seeks to one and tests the other on every row between.
		// Every username starting with the prefix sorts at or after it and
		// before it followed by the byte 0xff, which no UTF-8 text holds;
		// substr keeps the comparison exact and case-sensitive, unlike LIKE.
		lower, bound := `username >= ?`, f.Value
		if after >= f.Value {
			lower, bound = `username > ?`, after
		}
		return query{`SELECT doc FROM users WHERE pool_id = ? AND ` + lower + ` AND username < (? || x'ff') AND substr(username, 1, ?) = ?` + order,
			[]any{poolID, bound, f.Value, len([]rune(f.Value)), f.Value, limit}}, nil
	}
	idx, ok := filterIndexes[f.Attr]
	if !ok {
		return query{}, fmt.Errorf("sqlite: attribute %q cannot be filtered", f.Attr)
	}
	col := f.Attr
	if col == "enabled" || !f.Prefix {
		// The index's entries for the value are in username order: a seek
		// to after, then the first limit of them.
		var v any = f.Value
		if col == "enabled" {
			v = f.Value == "true" || f.Value == "Enabled" || f.Value == "1"
		}
		return query{`SELECT doc FROM users INDEXED BY ` + idx + ` WHERE pool_id = ? AND ` + col + ` = ? AND username > ?` + order,
			[]any{poolID, v, after, limit}}, nil
	}
	// A prefix of an attribute: its matches are a range of the index,
	// in the attribute's order, not the usernames'.
	count, _ := prefixCount(poolID, f)
	var n int
	if err := s.row(ctx, count.q, count.args...).Scan(&n); err != nil {
		return query{}, err
	}
	match, margs := prefixMatch(f, after)
	if n <= sparseMatches {
		// Few: sort their usernames (the index holds them, so this reads
		// no user) and read the page's users by key.
		return query{`SELECT doc FROM users WHERE pool_id = ? AND username IN (SELECT username FROM users INDEXED BY ` + idx +
			` WHERE pool_id = ? AND ` + match + order + `) ORDER BY username`,
			append(append([]any{poolID, poolID}, margs...), limit)}, nil
	}
	// Many: walk the users in username order from after, testing each;
	// substr alone, which no index serves, keeps the planner on the key.
	return query{`SELECT doc FROM users WHERE pool_id = ? AND username > ? AND substr(` + col + `, 1, ?) = ?` + order,
		[]any{poolID, after, len([]rune(f.Value)), f.Value, limit}}, nil
}

func (s *Store) UpdateUser(ctx context.Context, poolID, username string, fn func(*store.User) error) (*store.User, error) {
	var out *store.User
	err := s.write(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(s.txRow(ctx, tx, `SELECT doc FROM users WHERE pool_id = ? AND username = ?`, poolID, username))
		if err != nil {
			return err
		}
		if err := fn(u); err != nil {
			return err
		}
		u.PoolID, u.Username = poolID, username
		args, err := userArgs(u)
		if err != nil {
			return err
		}
		_, err = s.txExec(ctx, tx, `UPDATE users SET sub=?, status=?, enabled=?, `+strings.Join(indexed, "=?, ")+`=?, doc=? WHERE pool_id=? AND username=?`,
			append(args[2:], poolID, username)...)
		if isUnique(err) {
			return store.ErrExists
		}
		out = u
		return err
	})
	return out, err
}

func (s *Store) DeleteUser(ctx context.Context, poolID, username string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := s.txExec(ctx, tx, `DELETE FROM users WHERE pool_id = ? AND username = ?`, poolID, username)
		if err := affected(res, err); err != nil {
			return err
		}
		_, err = s.txExec(ctx, tx, `DELETE FROM refresh_tokens WHERE pool_id = ? AND username = ?`, poolID, username)
		return err
	})
}

func (s *Store) CountUsers(ctx context.Context, poolID string) (int, error) {
	var n int
	// user_counts is kept by triggers on users (migration 5): counting the
	// rows would read a million index entries for a million users.
	err := s.row(ctx, `SELECT COALESCE((SELECT n FROM user_counts WHERE pool_id = ?), 0)`, poolID).Scan(&n)
	return n, err
}

// ---- refresh tokens ----

func (s *Store) PutRefreshToken(ctx context.Context, t *store.RefreshToken) error {
	_, err := s.exec(ctx, `INSERT INTO refresh_tokens(hash, pool_id, client_id, username, origin_jti, device_key, auth_time, created, expires, revoked) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		t.Hash, t.PoolID, t.ClientID, t.Username, t.OriginJTI, t.DeviceKey, ns(t.AuthTime), ns(t.Created), ns(t.Expires), t.Revoked)
	if isUnique(err) {
		return store.ErrExists
	}
	return err
}

func (s *Store) GetRefreshToken(ctx context.Context, hash []byte) (*store.RefreshToken, error) {
	var t store.RefreshToken
	var at, cr, ex, ro int64
	err := s.row(ctx, `SELECT hash, pool_id, client_id, username, origin_jti, device_key, auth_time, created, expires, revoked, rotated FROM refresh_tokens WHERE hash = ?`, hash).
		Scan(&t.Hash, &t.PoolID, &t.ClientID, &t.Username, &t.OriginJTI, &t.DeviceKey, &at, &cr, &ex, &t.Revoked, &ro)
	if err != nil {
		return nil, notFound(err)
	}
	t.AuthTime, t.Created, t.Expires = fromNS(at), fromNS(cr), fromNS(ex)
	if ro != 0 {
		t.Rotated = fromNS(ro)
	}
	return &t, nil
}

func (s *Store) RotateRefreshToken(ctx context.Context, hash []byte, at time.Time) (time.Time, bool, error) {
	res, err := s.exec(ctx, `UPDATE refresh_tokens SET rotated = ? WHERE hash = ? AND rotated = 0`, ns(at), hash)
	if err != nil {
		return time.Time{}, false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return time.Time{}, false, err
	}
	var ro int64
	if err := s.row(ctx, `SELECT rotated FROM refresh_tokens WHERE hash = ?`, hash).Scan(&ro); err != nil {
		return time.Time{}, false, notFound(err)
	}
	return fromNS(ro), n == 1, nil
}

func (s *Store) RevokeRefreshToken(ctx context.Context, hash []byte) error {
	res, err := s.exec(ctx, `UPDATE refresh_tokens SET revoked = 1 WHERE hash = ?`, hash)
	return affected(res, err)
}

func (s *Store) RevokeUserRefreshTokens(ctx context.Context, poolID, username string) error {
	_, err := s.exec(ctx, `UPDATE refresh_tokens SET revoked = 1 WHERE pool_id = ? AND username = ?`, poolID, username)
	return err
}

func (s *Store) OriginRevoked(ctx context.Context, poolID, originJTI string) (bool, error) {
	var revoked bool
	err := s.row(ctx, `SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE origin_jti = ? AND pool_id = ? AND revoked)`, originJTI, poolID).Scan(&revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return revoked, err
}

// ---- one-time marks ----

func (s *Store) MarkUsed(ctx context.Context, key string, expires time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO used_marks(key, expires) VALUES (?, ?)`, key, ns(expires))
	if isUnique(err) {
		return store.ErrExists
	}
	return err
}

func (s *Store) PurgeExpired(ctx context.Context, now time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := s.txExec(ctx, tx, `DELETE FROM used_marks WHERE expires < ?`, ns(now)); err != nil {
			return err
		}
		_, err := s.txExec(ctx, tx, `DELETE FROM refresh_tokens WHERE expires < ?`, ns(now))
		return err
	})
}

// ---- pool blobs ----

func (s *Store) GetBlob(ctx context.Context, poolID, key string) ([]byte, error) {
	var data []byte
	if err := s.row(ctx, `SELECT data FROM pool_blobs WHERE pool_id = ? AND key = ?`, poolID, key).Scan(&data); err != nil {
		return nil, notFound(err)
	}
	return data, nil
}

func (s *Store) UpdateBlob(ctx context.Context, poolID, key string, fn func([]byte) ([]byte, error)) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var one int
		if err := s.txRow(ctx, tx, `SELECT 1 FROM pools WHERE id = ?`, poolID).Scan(&one); err != nil {
			return notFound(err)
		}
		var data []byte
		err := s.txRow(ctx, tx, `SELECT data FROM pool_blobs WHERE pool_id = ? AND key = ?`, poolID, key).Scan(&data)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		out, err := fn(data)
		if err != nil {
			return err
		}
		if out == nil {
			_, err = s.txExec(ctx, tx, `DELETE FROM pool_blobs WHERE pool_id = ? AND key = ?`, poolID, key)
			return err
		}
		_, err = s.txExec(ctx, tx, `INSERT INTO pool_blobs(pool_id, key, data) VALUES (?, ?, ?)
			ON CONFLICT(pool_id, key) DO UPDATE SET data = excluded.data`, poolID, key, out)
		return err
	})
}

// ---- devices ----

func (s *Store) CreateDevice(ctx context.Context, d *store.Device) error {
	doc, err := json.Marshal(d)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO devices(pool_id, device_key, username, doc) VALUES (?,?,?,?)`, d.PoolID, d.Key, d.Username, doc)
	if isUnique(err) {
		return store.ErrExists
	}
	if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") {
		return store.ErrNotFound
	}
	return err
}

func scanDevice(r rowScanner) (*store.Device, error) {
	var doc []byte
	if err := r.Scan(&doc); err != nil {
		return nil, notFound(err)
	}
	var d store.Device
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("sqlite: corrupt device document: %w", err)
	}
	return &d, nil
}

func (s *Store) GetDevice(ctx context.Context, poolID, key string) (*store.Device, error) {
	return scanDevice(s.row(ctx, `SELECT doc FROM devices WHERE pool_id = ? AND device_key = ?`, poolID, key))
}

func (s *Store) ListDevices(ctx context.Context, poolID, username, after string, limit int) ([]*store.Device, error) {
	rows, err := s.rows(ctx, `SELECT doc FROM devices WHERE pool_id = ? AND username = ? AND device_key > ? ORDER BY device_key LIMIT ?`, poolID, username, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *Store) UpdateDevice(ctx context.Context, poolID, key string, fn func(*store.Device) error) (*store.Device, error) {
	var out *store.Device
	err := s.write(ctx, func(tx *sql.Tx) error {
		d, err := scanDevice(s.txRow(ctx, tx, `SELECT doc FROM devices WHERE pool_id = ? AND device_key = ?`, poolID, key))
		if err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
		d.PoolID, d.Key = poolID, key
		doc, err := json.Marshal(d)
		if err != nil {
			return err
		}
		_, err = s.txExec(ctx, tx, `UPDATE devices SET doc = ? WHERE pool_id = ? AND device_key = ?`, doc, poolID, key)
		out = d
		return err
	})
	return out, err
}

func (s *Store) DeleteDevice(ctx context.Context, poolID, key string) error {
	res, err := s.exec(ctx, `DELETE FROM devices WHERE pool_id = ? AND device_key = ?`, poolID, key)
	return affected(res, err)
}

// ---- user import jobs ----

const importJobCols = `pool_id, id, created, doc`

func scanImportJob(r rowScanner) (*store.ImportJob, error) {
	var j store.ImportJob
	var c int64
	if err := r.Scan(&j.PoolID, &j.ID, &c, &j.Doc); err != nil {
		return nil, notFound(err)
	}
	j.Created = fromNS(c)
	return &j, nil
}

func (s *Store) CreateImportJob(ctx context.Context, j *store.ImportJob) error {
	_, err := s.exec(ctx, `INSERT INTO import_jobs(`+importJobCols+`) VALUES (?,?,?,?)`, j.PoolID, j.ID, ns(j.Created), j.Doc)
	if isUnique(err) {
		return store.ErrExists
	}
	if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") {
		return store.ErrNotFound
	}
	return err
}

func (s *Store) GetImportJob(ctx context.Context, poolID, id string) (*store.ImportJob, error) {
	return scanImportJob(s.row(ctx, `SELECT `+importJobCols+` FROM import_jobs WHERE pool_id = ? AND id = ?`, poolID, id))
}

func (s *Store) ListImportJobs(ctx context.Context, poolID, after string, limit int) ([]*store.ImportJob, error) {
	q := `SELECT ` + importJobCols + ` FROM import_jobs WHERE pool_id = ? ORDER BY created DESC, id DESC LIMIT ?`
	args := []any{poolID, limit}
	if after != "" {
		q = `SELECT ` + importJobCols + ` FROM import_jobs j WHERE pool_id = ? AND EXISTS (
			SELECT 1 FROM import_jobs a WHERE a.pool_id = j.pool_id AND a.id = ?
			AND (j.created < a.created OR (j.created = a.created AND j.id < a.id)))
			ORDER BY created DESC, id DESC LIMIT ?`
		args = []any{poolID, after, limit}
	}
	rows, err := s.rows(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.ImportJob
	for rows.Next() {
		j, err := scanImportJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

func (s *Store) UpdateImportJob(ctx context.Context, poolID, id string, fn func(*store.ImportJob) error) (*store.ImportJob, error) {
	var out *store.ImportJob
	err := s.write(ctx, func(tx *sql.Tx) error {
		j, err := scanImportJob(s.txRow(ctx, tx, `SELECT `+importJobCols+` FROM import_jobs WHERE pool_id = ? AND id = ?`, poolID, id))
		if err != nil {
			return err
		}
		if err := fn(j); err != nil {
			return err
		}
		_, err = s.txExec(ctx, tx, `UPDATE import_jobs SET doc = ? WHERE pool_id = ? AND id = ?`, j.Doc, poolID, id)
		out = j
		return err
	})
	return out, err
}

func (s *Store) PutImportPart(ctx context.Context, poolID, jobID, upload string, n int, data []byte) error {
	_, err := s.exec(ctx, `INSERT OR REPLACE INTO import_parts(pool_id, job_id, upload, n, data) VALUES (?,?,?,?,?)`, poolID, jobID, upload, n, data)
	if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") {
		return store.ErrNotFound
	}
	return err
}

func (s *Store) GetImportPart(ctx context.Context, poolID, jobID, upload string, n int) ([]byte, error) {
	var data []byte
	err := s.row(ctx, `SELECT data FROM import_parts WHERE pool_id = ? AND job_id = ? AND upload = ? AND n = ?`, poolID, jobID, upload, n).Scan(&data)
	return data, notFound(err)
}

func (s *Store) DeleteImportParts(ctx context.Context, poolID, jobID string) error {
	_, err := s.exec(ctx, `DELETE FROM import_parts WHERE pool_id = ? AND job_id = ?`, poolID, jobID)
	return err
}

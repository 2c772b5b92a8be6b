// Package postgres is the Store for several server nodes: one PostgreSQL
// database shared by all of them. It keeps what the SQLite backend keeps, in
// the same shape (users and devices as JSON documents, the filterable
// attributes in plain columns beside them), and makes the same promises
// across processes that SQLite makes within one: UpdateX locks the row
// (SELECT ... FOR UPDATE) for the length of fn, so two nodes updating one
// user serialise, and unique keys decide races such as one username signed
// up twice or one session spent twice.
//
// The SQL is plain and portable where it can be, so a PostgreSQL-compatible
// distributed database remains possible; the schema is migrated at Open,
// under an advisory lock so nodes starting together migrate once.
package postgres

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cognate-idp/cognate/internal/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Defaults applied when the connection string does not set them.
const (
	defaultMaxConns = 16
	// connectTimeout bounds dialling and the start-up handshake: a database
	// that is down or unreachable gives an error, not a hang.
	connectTimeout = 5 * time.Second
	// statementTimeout is the server-side bound on one statement, lock
	// waits included (PostgreSQL's statement_timeout, in milliseconds).
	statementTimeout = "10000"
	// idleInTxTimeout ends the session of a node that stopped answering in
	// the middle of an update, so the row lock it held does not stay held.
	idleInTxTimeout = "30000"
	// opTimeout is the client-side bound on one Store call: it also covers
	// waiting for a pooled connection and a server that stopped answering.
	opTimeout = 15 * time.Second
	// migrateTimeout bounds Open's migration, waiting for another node's
	// migration included.
	migrateTimeout = 2 * time.Minute
	// migrationLock is the advisory lock key taken around migrating
	// ("cognate" in ASCII).
	migrationLock int64 = 0x636f676e617465
	// maxAttempts bounds how often an update runs again after the database
	// gave up on it for a serialisation failure (distributed databases do;
	// PostgreSQL at READ COMMITTED with a row lock does not).
	maxAttempts = 3
	// probeConns caps the connections health probes hold: probes overlap
	// while the database is silent, each waiting out its own timeout.
	probeConns = 4
)

// Store is the PostgreSQL backend.
type Store struct {
	pool *pgxpool.Pool
	// probe is a pool of its own for Probe, so that a health check neither
	// waits behind busy requests for a connection nor takes one from them.
	probe *pgxpool.Pool
	// feed listens for changes of pools and clients (settings.go).
	feed feed
	cc   *pgx.ConnConfig
}

var _ store.Store = (*Store)(nil)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Open connects to the database at connString (a postgres:// URL or a
// key=value DSN, as libpq takes) and brings its schema up to date.
//
// pool_max_conns in the connection string sizes the pool (default 16);
// connect_timeout (default 5s), statement_timeout (default 10s) and
// idle_in_transaction_session_timeout (default 30s) are honoured when given.
func Open(ctx context.Context, connString string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if !strings.Contains(connString, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	cc := cfg.ConnConfig
	if cc.ConnectTimeout == 0 {
		cc.ConnectTimeout = connectTimeout
	}
	setDefault(cc.RuntimeParams, "statement_timeout", statementTimeout)
	setDefault(cc.RuntimeParams, "idle_in_transaction_session_timeout", idleInTxTimeout)
	setDefault(cc.RuntimeParams, "application_name", "cognate")
	// A write is acknowledged only once it is flushed to the WAL on disk,
	// whatever the server's or the database's default says: a node that
	// answered before the flush could lose a spent session or a lockout
	// count in a crash. Asking for more (remote_write, remote_apply) is fine.
	switch strings.ToLower(cc.RuntimeParams["synchronous_commit"]) {
	case "":
		cc.RuntimeParams["synchronous_commit"] = "on"
	case "off", "false", "no", "0":
		return nil, errors.New("postgres: synchronous_commit=off would lose acknowledged writes in a crash")
	}

	if err := migrate(ctx, cc.Copy()); err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pcfg := cfg.Copy()
	pcfg.MaxConns, pcfg.MinConns = probeConns, 0
	probe, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return &Store{pool: pool, probe: probe, cc: cc.Copy()}, nil
}

func setDefault(m map[string]string, k, v string) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

// migrate applies the embedded migrations not yet applied. It works on a
// connection of its own: the advisory lock belongs to that session and goes
// with it when the connection closes, whatever happens meanwhile.
func migrate(ctx context.Context, cc *pgx.ConnConfig) error {
	ctx, cancel := context.WithTimeout(ctx, migrateTimeout)
	defer cancel()
	steps, err := migrations()
	if err != nil {
		return err
	}
	// Waiting for another node's migration must not hit the statement timeout.
	cc.RuntimeParams["statement_timeout"] = strconv.Itoa(int(migrateTimeout / time.Millisecond))
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("postgres: migrations table: %w", err)
	}
	var have int
	if err := conn.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("postgres: schema version: %w", err)
	}
	if have > len(steps) {
		return fmt.Errorf("postgres: the database has schema version %d, newer than this build knows (%d)", have, len(steps))
	}
	for v := have + 1; v <= len(steps); v++ {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, steps[v-1]); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations(version, applied) VALUES ($1, $2)`, v, time.Now().UnixNano())
			return err
		})
		if err != nil {
			return fmt.Errorf("postgres: migration %d: %w", v, err)
		}
	}
	return nil // closing the connection releases the lock
}

// migrations returns the embedded migrations in order; migration n is the
// file whose name begins with n (0001_..., 0002_...).
func migrations() ([]string, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []string
	for i, e := range entries {
		n, _, _ := strings.Cut(e.Name(), "_")
		if v, err := strconv.Atoi(n); err != nil || v != i+1 {
			return nil, fmt.Errorf("postgres: migration %s is out of sequence", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	return out, nil
}

// Stat is the connection pool's use (metrics).
func (s *Store) Stat() *pgxpool.Stat { return s.pool.Stat() }

// Close closes the pool, waiting for connections in use to come back.
func (s *Store) Close() error {
	s.feed.stop()
	s.pool.Close()
	s.probe.Close()
	return nil
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	return s.pool.Ping(ctx)
}

// Probe checks the database answers a query, on connections of its own
// (see Store.probe); the caller bounds the wait with ctx. A connection
// whose query was cut short by ctx is closed, not reused.
func (s *Store) Probe(ctx context.Context) error {
	var one int
	return s.probe.QueryRow(ctx, `SELECT 1`).Scan(&one)
}

// ---- helpers ----

func op(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, opTimeout)
}

func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// created maps the errors of an INSERT: a taken key is ErrExists, a
// missing parent (pool, user) ErrNotFound, as the SQLite backend answers.
func created(err error) error {
	switch pgCode(err) {
	case "23505": // unique_violation
		return store.ErrExists
	case "23503": // foreign_key_violation
		return store.ErrNotFound
	}
	return err
}

func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

func affected(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// textSafe reports whether every s can be a PostgreSQL text value: valid
// UTF-8 without NUL. Keys the domain makes always are; a key that is not
// (from a forged pagination token, say) cannot be stored, so a lookup by it
// finds nothing rather than failing.
func textSafe(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return false
		}
	}
	return true
}

// page runs fetch(after, limit) for a List method. The keys are compared
// byte by byte (COLLATE "C"), as Go compares strings. An after that text
// cannot hold is replaced by its longest prefix that it can, and the keys
// that prefix lets through but after does not are skipped here, so the
// answer is still exactly the keys after `after`.
func page[T any](after string, limit int, key func(T) string, fetch func(after string, limit int) ([]T, error)) ([]T, error) {
	if limit < 0 {
		limit = math.MaxInt32 // SQLite's LIMIT -1: no limit
	}
	if textSafe(after) {
		return fetch(after, limit)
	}
	bound := after
	for !textSafe(bound) {
		bound = bound[:len(bound)-1]
	}
	var out []T
	for len(out) < limit {
		got, err := fetch(bound, limit)
		if err != nil {
			return nil, err
		}
		for _, it := range got {
			if key(it) > after && len(out) < limit {
				out = append(out, it)
			}
		}
		if len(got) < limit {
			break
		}
		bound = key(got[len(got)-1])
	}
	return out, nil
}

// collect runs a query and scans each row with scan.
func collect[T any](ctx context.Context, s *Store, scan func(pgx.Row) (T, error), q string, args ...any) ([]T, error) {
	ctx, cancel := op(ctx)
	defer cancel()
	rows, err := s.reader(ctx).Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
}

// one runs a query expected to return one row and scans it with scan.
func one[T any](ctx context.Context, s *Store, scan func(pgx.Row) (T, error), q string, args ...any) (T, error) {
	ctx, cancel := op(ctx)
	defer cancel()
	return scan(s.reader(ctx).QueryRow(ctx, q, args...))
}

// exec runs a write: in ctx's unit when there is one (unit.go).
func (s *Store) exec(ctx context.Context, q string, args ...any) (pgconn.CommandTag, error) {
	ctx, cancel := op(ctx)
	defer cancel()
	w, err := s.writer(ctx)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	return w.Exec(ctx, q, args...)
}

// inTx runs fn in a transaction, committing if it returns nil. It runs fn
// again, in a new transaction, when the database aborted the first for a
// serialisation failure or a deadlock: fn re-reads what it changes, so the
// outcome is as if it ran once, after whatever it conflicted with. In a
// unit (unit.go) the transaction is a savepoint of the unit's.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	ctx, cancel := op(ctx)
	defer cancel()
	for attempt := 1; ; attempt++ {
		err := s.tx(ctx, fn)
		if c := pgCode(err); (c == "40001" || c == "40P01") && attempt < maxAttempts {
			continue
		}
		return err
	}
}

func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	w, err := s.writer(ctx)
	if err != nil {
		return err
	}
	tx, err := w.Begin(ctx)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback(ctx)
		return err
	}
	return tx.Commit(ctx)
}

// ns keeps times as Unix nanoseconds, the zero time as 0, as SQLite does.
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

// ---- pools ----

const poolCols = `id, name, created, updated, settings, signing_key`

func scanPool(r pgx.Row) (*store.Pool, error) {
	var p store.Pool
	var c, u int64
	if err := r.Scan(&p.ID, &p.Name, &c, &u, &p.Settings, &p.SigningKey); err != nil {
		return nil, notFound(err)
	}
	p.Created, p.Updated = fromNS(c), fromNS(u)
	return &p, nil
}

func (s *Store) CreatePool(ctx context.Context, p *store.Pool) error {
	_, err := s.exec(ctx, `INSERT INTO pools(`+poolCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		p.ID, p.Name, ns(p.Created), ns(p.Updated), nonNil(p.Settings), nonNil(p.SigningKey))
	return created(err)
}

// nonNil keeps a nil slice from becoming NULL in a NOT NULL column (SQLite
// stores it as an empty blob).
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func (s *Store) GetPool(ctx context.Context, id string) (*store.Pool, error) {
	if !textSafe(id) {
		return nil, store.ErrNotFound
	}
	return one(ctx, s, scanPool, `SELECT `+poolCols+` FROM pools WHERE id = $1`, id)
}

func (s *Store) ListPools(ctx context.Context, after string, limit int) ([]*store.Pool, error) {
	return page(after, limit, func(p *store.Pool) string { return p.ID }, func(after string, limit int) ([]*store.Pool, error) {
		return collect(ctx, s, scanPool, `SELECT `+poolCols+` FROM pools WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	})
}

func (s *Store) UpdatePool(ctx context.Context, id string, fn func(*store.Pool) error) (*store.Pool, error) {
	if !textSafe(id) {
		return nil, store.ErrNotFound
	}
	var out *store.Pool
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		p, err := scanPool(tx.QueryRow(ctx, `SELECT `+poolCols+` FROM pools WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		p.ID = id
		if _, err := tx.Exec(ctx, `UPDATE pools SET name = $1, updated = $2, settings = $3, signing_key = $4 WHERE id = $5`,
			p.Name, ns(p.Updated), nonNil(p.Settings), nonNil(p.SigningKey), id); err != nil {
			return err
		}
		if err := notifySettings(ctx, tx, "pool", id); err != nil {
			return err
		}
		out = p
		return nil
	})
	return out, err
}

// DeletePool removes the pool; its clients, users (and so their devices)
// and refresh tokens go with it (ON DELETE CASCADE).
func (s *Store) DeletePool(ctx context.Context, id string) error {
	if !textSafe(id) {
		return store.ErrNotFound
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if err := affected(tx.Exec(ctx, `DELETE FROM pools WHERE id = $1`, id)); err != nil {
			return err
		}
		return notifySettings(ctx, tx, "pool", id)
	})
}

// ---- clients ----

const clientCols = `id, pool_id, name, created, updated, settings`

func scanClient(r pgx.Row) (*store.Client, error) {
	var c store.Client
	var cr, up int64
	if err := r.Scan(&c.ID, &c.PoolID, &c.Name, &cr, &up, &c.Settings); err != nil {
		return nil, notFound(err)
	}
	c.Created, c.Updated = fromNS(cr), fromNS(up)
	return &c, nil
}

func (s *Store) CreateClient(ctx context.Context, c *store.Client) error {
	_, err := s.exec(ctx, `INSERT INTO clients(`+clientCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.ID, c.PoolID, c.Name, ns(c.Created), ns(c.Updated), nonNil(c.Settings))
	return created(err)
}

func (s *Store) GetClient(ctx context.Context, id string) (*store.Client, error) {
	if !textSafe(id) {
		return nil, store.ErrNotFound
	}
	return one(ctx, s, scanClient, `SELECT `+clientCols+` FROM clients WHERE id = $1`, id)
}

func (s *Store) ListClients(ctx context.Context, poolID, after string, limit int) ([]*store.Client, error) {
	if !textSafe(poolID) {
		return nil, nil
	}
	return page(after, limit, func(c *store.Client) string { return c.ID }, func(after string, limit int) ([]*store.Client, error) {
		return collect(ctx, s, scanClient, `SELECT `+clientCols+` FROM clients WHERE pool_id = $1 AND id > $2 ORDER BY id LIMIT $3`, poolID, after, limit)
	})
}

func (s *Store) UpdateClient(ctx context.Context, id string, fn func(*store.Client) error) (*store.Client, error) {
	if !textSafe(id) {
		return nil, store.ErrNotFound
	}
	var out *store.Client
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := scanClient(tx.QueryRow(ctx, `SELECT `+clientCols+` FROM clients WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		pool := c.PoolID
		if err := fn(c); err != nil {
			return err
		}
		c.ID, c.PoolID = id, pool
		if _, err := tx.Exec(ctx, `UPDATE clients SET name = $1, updated = $2, settings = $3 WHERE id = $4`,
			c.Name, ns(c.Updated), nonNil(c.Settings), id); err != nil {
			return err
		}
		if err := notifySettings(ctx, tx, "client", id); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

func (s *Store) DeleteClient(ctx context.Context, id string) error {
	if !textSafe(id) {
		return store.ErrNotFound
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if err := affected(tx.Exec(ctx, `DELETE FROM clients WHERE id = $1`, id)); err != nil {
			return err
		}
		return notifySettings(ctx, tx, "client", id)
	})
}

// ---- users ----

// indexed lists the attribute columns kept beside the document for filters.
var indexed = []string{"email", "phone_number", "name", "given_name", "family_name", "preferred_username"}

// userCols are the columns userArgs gives values for, in its order.
var userCols = append(append([]string{"pool_id", "username", "sub", "status", "enabled"}, indexed...), "doc")

func userArgs(u *store.User) ([]any, error) {
	doc, err := json.Marshal(u)
	if err != nil {
		return nil, err
	}
	args := []any{u.PoolID, u.Username, u.Sub, u.Status, u.Enabled}
	for _, k := range indexed {
		if v, ok := u.Attributes[k]; ok {
			args = append(args, []byte(v))
		} else {
			args = append(args, nil)
		}
	}
	return append(args, doc), nil
}

// placeholders returns "$from, ..., $(from+n-1)".
func placeholders(from, n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(p, ", ")
}

var insertUser = `INSERT INTO users(` + strings.Join(userCols, ", ") + `) VALUES (` + placeholders(1, len(userCols)) + `)`

// updateUser sets every column but the key from userArgs(u)[2:], then
// selects the row by $n+1 (pool) and $n+2 (username).
var updateUser = func() string {
	set := make([]string, 0, len(userCols))
	for i, c := range userCols[2:] {
		set = append(set, c+" = $"+strconv.Itoa(i+1))
	}
	n := len(userCols) - 2
	return `UPDATE users SET ` + strings.Join(set, ", ") + ` WHERE pool_id = $` + strconv.Itoa(n+1) + ` AND username = $` + strconv.Itoa(n+2)
}()

func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	args, err := userArgs(u)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, insertUser, args...)
	return created(err)
}

func (s *Store) CreateUsers(ctx context.Context, users []*store.User) error {
	batch := &pgx.Batch{}
	for _, u := range users {
		args, err := userArgs(u)
		if err != nil {
			return err
		}
		batch.Queue(insertUser, args...)
	}
	// One round trip for the whole batch, inside one transaction.
	return created(s.inTx(ctx, func(tx pgx.Tx) error { return tx.SendBatch(ctx, batch).Close() }))
}

func scanUser(r pgx.Row) (*store.User, error) {
	var doc []byte
	if err := r.Scan(&doc); err != nil {
		return nil, notFound(err)
	}
	var u store.User
	if err := json.Unmarshal(doc, &u); err != nil {
		return nil, fmt.Errorf("postgres: corrupt user document: %w", err)
	}
	return &u, nil
}

func (s *Store) GetUser(ctx context.Context, poolID, username string) (*store.User, error) {
	if !textSafe(poolID, username) {
		return nil, store.ErrNotFound
	}
	return one(ctx, s, scanUser, `SELECT doc FROM users WHERE pool_id = $1 AND username = $2`, poolID, username)
}

// textFilters are the filterable columns of type TEXT; the attribute
// columns (indexed) are BYTEA.
var textFilters = map[string]bool{"username": true, "sub": true, "status": true}

// sparseMatches is the most users of a pool a prefix filter on an
// attribute may match for FindUsers to collect them from the attribute's
// index and sort their usernames (reading at most that many index
// entries); above it the matches are dense enough that walking the users
// in username order from the page's key finds a page of them sooner: about
// limit*users/sparseMatches rows at most while the matches are spread over
// the usernames, as names and addresses are. The
// SQLite backend does the same.
const sparseMatches = 4000

// FindUsers pages by key (username > after), never OFFSET, and gives each
// filter a query that an index serves: an exact value seeks in the
// column's index (pool_id, column, username), whose entries for one value
// are in username order; a username prefix is a range of the primary key;
// an attribute prefix is a range of the attribute's index, in the
// attribute's order, so its matches are counted there first (up to
// sparseMatches+1): few are sorted by username, many are found by walking
// the primary key.
func (s *Store) FindUsers(ctx context.Context, poolID string, f *store.Filter, after string, limit int) ([]*store.User, error) {
	if !textSafe(poolID) {
		return nil, nil
	}
	if f != nil && f.Attr != "enabled" && !textFilters[f.Attr] && !isIndexed(f.Attr) {
		return nil, fmt.Errorf("postgres: attribute %q cannot be filtered", f.Attr)
	}
	if f != nil && textFilters[f.Attr] && !textSafe(f.Value) {
		return nil, nil // no text value equals it or starts with it
	}
	return page(after, limit, func(u *store.User) string { return u.Username }, func(after string, limit int) ([]*store.User, error) {
		q, args, err := s.findUsersQuery(ctx, poolID, f, after, limit)
		if err != nil {
			return nil, err
		}
		return collect(ctx, s, scanUser, q, args...)
	})
}

// filterValue is a filter's value as its column holds it: TEXT for
// username, sub and status, BYTEA for the attributes.
func filterValue(f *store.Filter, v string) any {
	if textFilters[f.Attr] {
		return v
	}
	return []byte(v)
}

// prefixEnd is the least value greater than every value that starts with
// p, in the column's order (bytes, COLLATE "C"), and false if there is
// none. TEXT must stay valid UTF-8, so its last character is incremented;
// BYTEA's last byte.
func prefixEnd(f *store.Filter) (any, bool) {
	if textFilters[f.Attr] {
		r := []rune(f.Value)
		for i := len(r) - 1; i >= 0; i-- {
			if r[i] < utf8.MaxRune {
				r[i]++
				if r[i] == 0xD800 { // surrogates are no characters
					r[i] = 0xE000
				}
				return string(r[:i+1]), true
			}
		}
		return nil, false
	}
	b := []byte(f.Value)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			return append(b[:i:i], b[i]+1), true
		}
	}
	return nil, false
}

// prefixMatch is the condition, from argument $from on, that a prefix
// filter on column col selects, and its arguments: a range an index can
// seek (from the prefix to prefixEnd) and SUBSTRING, which keeps the
// comparison exact and case-sensitive, unlike LIKE.
func prefixMatch(f *store.Filter, from int) (string, []any) {
	col := f.Attr
	n := any(utf8.RuneCountInString(f.Value))
	if !textFilters[f.Attr] {
		n = len(f.Value)
	}
	ph := func(i int) string { return "$" + strconv.Itoa(from+i) }
	cond := ` AND ` + col + ` >= ` + ph(0) + ` AND SUBSTRING(` + col + ` FROM 1 FOR ` + ph(1) + `) = ` + ph(0)
	args := []any{filterValue(f, f.Value), n}
	if end, ok := prefixEnd(f); ok {
		cond += ` AND ` + col + ` < ` + ph(2)
		args = append(args, end)
	}
	return cond, args
}

// findUsersQuery builds FindUsers' query; its first three arguments are
// the pool, after, and limit.
func (s *Store) findUsersQuery(ctx context.Context, poolID string, f *store.Filter, after string, limit int) (string, []any, error) {
	const order = ` ORDER BY username LIMIT $3`
	args := []any{poolID, after, limit}
	if f == nil {
		return `SELECT doc FROM users WHERE pool_id = $1 AND username > $2` + order, args, nil
	}
	if f.Attr == "enabled" || !f.Prefix {
		var v any = filterValue(f, f.Value)
		if f.Attr == "enabled" {
			v = f.Value == "true" || f.Value == "Enabled" || f.Value == "1"
		}
		return `SELECT doc FROM users WHERE pool_id = $1 AND username > $2 AND ` + f.Attr + ` = $4` + order, append(args, v), nil
	}
	cond, margs := prefixMatch(f, 4)
	if f.Attr == "username" {
		return `SELECT doc FROM users WHERE pool_id = $1 AND username > $2` + cond + order, append(args, margs...), nil
	}
	// An attribute's prefix: count its matches in the pool, in the
	// attribute's index (all of them, not those after the page's key, which
	// would only filter the range's entries, not bound them).
	var n int
	ccond, cargs := prefixMatch(f, 3)
	err := s.reader(ctx).QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM users WHERE pool_id = $1`+ccond+` LIMIT $2) m`,
		append([]any{poolID, sparseMatches + 1}, cargs...)...).Scan(&n)
	if err != nil {
		return "", nil, err
	}
	if n <= sparseMatches {
		// Few: MATERIALIZED keeps the planner to the attribute's range (it
		// would rather walk the primary key for ORDER BY ... LIMIT), then
		// the page's users are read by key.
		return `WITH m AS MATERIALIZED (SELECT username FROM users WHERE pool_id = $1 AND username > $2` + cond + `)
			SELECT doc FROM users WHERE pool_id = $1 AND username IN (SELECT username FROM m ORDER BY username LIMIT $3) ORDER BY username`,
			append(args, margs...), nil
	}
	// Many: walk the primary key from after, testing each user; SUBSTRING
	// alone, which no index serves, keeps the planner on the key.
	n4 := margs[1]
	return `SELECT doc FROM users WHERE pool_id = $1 AND username > $2 AND SUBSTRING(` + f.Attr + ` FROM 1 FOR $4) = $5` + order,
		append(args, n4, filterValue(f, f.Value)), nil
}

func isIndexed(attr string) bool {
	for _, k := range indexed {
		if k == attr {
			return true
		}
	}
	return false
}

func (s *Store) UpdateUser(ctx context.Context, poolID, username string, fn func(*store.User) error) (*store.User, error) {
	if !textSafe(poolID, username) {
		return nil, store.ErrNotFound
	}
	var out *store.User
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		u, err := scanUser(tx.QueryRow(ctx, `SELECT doc FROM users WHERE pool_id = $1 AND username = $2 FOR UPDATE`, poolID, username))
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
		if _, err := tx.Exec(ctx, updateUser, append(args[2:], poolID, username)...); err != nil {
			if pgCode(err) == "23505" { // another user has that sub
				return store.ErrExists
			}
			return err
		}
		out = u
		return nil
	})
	return out, err
}

// updateSeenUser is updateUser that also requires the stored document to
// be $n+3: every column is derived from the document, so an equal
// document is an equal row.
var updateSeenUser = updateUser + ` AND doc = $` + strconv.Itoa(len(userCols)+1)

// UpdateSeenUser implements store.SeenUserUpdater: fn is applied to a copy
// of seen, and the result written in one statement (its own transaction)
// if the stored document is still seen's. Otherwise, or if fn refuses the
// copy, it is UpdateUser, on the current user: the answer never rests on
// a user that was not current. A round trip and a row lock fewer than
// UpdateUser when seen is current, as it is when the caller just read it.
func (s *Store) UpdateSeenUser(ctx context.Context, seen *store.User, fn func(*store.User) error) (*store.User, error) {
	poolID, username := seen.PoolID, seen.Username
	if !textSafe(poolID, username) {
		return nil, store.ErrNotFound
	}
	old, err := json.Marshal(seen)
	if err != nil {
		return nil, err
	}
	var u store.User
	if json.Unmarshal(old, &u) == nil && fn(&u) == nil {
		u.PoolID, u.Username = poolID, username
		args, err := userArgs(&u)
		if err != nil {
			return nil, err
		}
		tag, err := s.exec(ctx, updateSeenUser, append(args[2:], poolID, username, old)...)
		if pgCode(err) == "23505" { // another user has that sub
			return nil, store.ErrExists
		}
		if err != nil {
			return nil, err
		}
		if tag.RowsAffected() == 1 {
			return &u, nil
		}
	}
	return s.UpdateUser(ctx, poolID, username, fn)
}

// DeleteUser removes the user, their devices (ON DELETE CASCADE) and their
// refresh tokens.
func (s *Store) DeleteUser(ctx context.Context, poolID, username string) error {
	if !textSafe(poolID, username) {
		return store.ErrNotFound
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if err := affected(tx.Exec(ctx, `DELETE FROM users WHERE pool_id = $1 AND username = $2`, poolID, username)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM refresh_tokens WHERE pool_id = $1 AND username = $2`, poolID, username)
		return err
	})
}

func (s *Store) CountUsers(ctx context.Context, poolID string) (int, error) {
	if !textSafe(poolID) {
		return 0, nil
	}
	return one(ctx, s, func(r pgx.Row) (int, error) {
		var n int
		err := r.Scan(&n)
		return n, err
	}, `SELECT COALESCE(SUM(n), 0)::BIGINT FROM user_counts WHERE pool_id = $1`, poolID) // kept by the users_counted trigger
}

// ---- refresh tokens ----

func (s *Store) PutRefreshToken(ctx context.Context, t *store.RefreshToken) error {
	_, err := s.exec(ctx, `INSERT INTO refresh_tokens(hash, pool_id, client_id, username, origin_jti, device_key, auth_time, created, expires, revoked)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		nonNil(t.Hash), t.PoolID, t.ClientID, t.Username, t.OriginJTI, t.DeviceKey, ns(t.AuthTime), ns(t.Created), ns(t.Expires), t.Revoked)
	return created(err)
}

func (s *Store) GetRefreshToken(ctx context.Context, hash []byte) (*store.RefreshToken, error) {
	return one(ctx, s, func(r pgx.Row) (*store.RefreshToken, error) {
		var t store.RefreshToken
		var at, cr, ex, ro int64
		if err := r.Scan(&t.Hash, &t.PoolID, &t.ClientID, &t.Username, &t.OriginJTI, &t.DeviceKey, &at, &cr, &ex, &t.Revoked, &ro); err != nil {
			return nil, notFound(err)
		}
		t.AuthTime, t.Created, t.Expires = fromNS(at), fromNS(cr), fromNS(ex)
		if ro != 0 {
			t.Rotated = fromNS(ro)
		}
		return &t, nil
	}, `SELECT hash, pool_id, client_id, username, origin_jti, device_key, auth_time, created, expires, revoked, rotated FROM refresh_tokens WHERE hash = $1`, nonNil(hash))
}

// RotateRefreshToken sets rotated only where it is still 0, in one
// statement, and reads back the time recorded.
func (s *Store) RotateRefreshToken(ctx context.Context, hash []byte, at time.Time) (time.Time, bool, error) {
	tag, err := s.exec(ctx, `UPDATE refresh_tokens SET rotated = $1 WHERE hash = $2 AND rotated = 0`, ns(at), nonNil(hash))
	if err != nil {
		return time.Time{}, false, err
	}
	ro, err := one(ctx, s, func(r pgx.Row) (int64, error) {
		var ro int64
		return ro, notFound(r.Scan(&ro))
	}, `SELECT rotated FROM refresh_tokens WHERE hash = $1`, nonNil(hash))
	if err != nil {
		return time.Time{}, false, err
	}
	return fromNS(ro), tag.RowsAffected() == 1, nil
}

func (s *Store) RevokeRefreshToken(ctx context.Context, hash []byte) error {
	return affected(s.exec(ctx, `UPDATE refresh_tokens SET revoked = TRUE WHERE hash = $1`, nonNil(hash)))
}

func (s *Store) RevokeUserRefreshTokens(ctx context.Context, poolID, username string) error {
	if !textSafe(poolID, username) {
		return nil
	}
	_, err := s.exec(ctx, `UPDATE refresh_tokens SET revoked = TRUE WHERE pool_id = $1 AND username = $2`, poolID, username)
	return err
}

// OriginRevoked reports whether a refresh token of that origin was revoked.
// One sign-in has one refresh token; should there be several, any revoked
// one counts, so the answer does not depend on row order.
func (s *Store) OriginRevoked(ctx context.Context, poolID, originJTI string) (bool, error) {
	if !textSafe(poolID, originJTI) {
		return false, nil
	}
	return one(ctx, s, func(r pgx.Row) (bool, error) {
		var revoked bool
		err := r.Scan(&revoked)
		return revoked, err
	}, `SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE origin_jti = $1 AND pool_id = $2 AND revoked)`, originJTI, poolID)
}

// ---- one-time marks ----

// MarkUsed does nothing, rather than fail, on a taken key, so that a
// session spent twice leaves a unit's transaction usable (unit.go).
func (s *Store) MarkUsed(ctx context.Context, key string, expires time.Time) error {
	tag, err := s.exec(ctx, `INSERT INTO used_marks(key, expires) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, ns(expires))
	if err != nil {
		return created(err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrExists
	}
	return nil
}

func (s *Store) PurgeExpired(ctx context.Context, now time.Time) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM used_marks WHERE expires < $1`, ns(now)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM refresh_tokens WHERE expires < $1`, ns(now))
		return err
	})
}

// ---- devices ----

func (s *Store) GetBlob(ctx context.Context, poolID, key string) ([]byte, error) {
	if !textSafe(poolID, key) {
		return nil, store.ErrNotFound
	}
	return one(ctx, s, func(r pgx.Row) ([]byte, error) {
		var data []byte
		if err := r.Scan(&data); err != nil {
			return nil, notFound(err)
		}
		return data, nil
	}, `SELECT data FROM pool_blobs WHERE pool_id = $1 AND key = $2`, poolID, key)
}

func (s *Store) UpdateBlob(ctx context.Context, poolID, key string, fn func([]byte) ([]byte, error)) error {
	if !textSafe(poolID, key) {
		return store.ErrNotFound
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		// The pool's row, locked, orders concurrent updates of its values
		// (a value not there yet has no row to lock).
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM pools WHERE id = $1 FOR UPDATE`, poolID).Scan(&one); err != nil {
			return notFound(err)
		}
		var data []byte
		err := tx.QueryRow(ctx, `SELECT data FROM pool_blobs WHERE pool_id = $1 AND key = $2`, poolID, key).Scan(&data)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		out, err := fn(data)
		if err != nil {
			return err
		}
		if out == nil {
			_, err = tx.Exec(ctx, `DELETE FROM pool_blobs WHERE pool_id = $1 AND key = $2`, poolID, key)
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO pool_blobs(pool_id, key, data) VALUES ($1, $2, $3)
			ON CONFLICT (pool_id, key) DO UPDATE SET data = EXCLUDED.data`, poolID, key, out)
		return err
	})
}

func (s *Store) CreateDevice(ctx context.Context, d *store.Device) error {
	doc, err := json.Marshal(d)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO devices(pool_id, device_key, username, doc) VALUES ($1, $2, $3, $4)`, d.PoolID, d.Key, d.Username, doc)
	return created(err)
}

func scanDevice(r pgx.Row) (*store.Device, error) {
	var doc []byte
	if err := r.Scan(&doc); err != nil {
		return nil, notFound(err)
	}
	var d store.Device
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("postgres: corrupt device document: %w", err)
	}
	return &d, nil
}

func (s *Store) GetDevice(ctx context.Context, poolID, key string) (*store.Device, error) {
	if !textSafe(poolID, key) {
		return nil, store.ErrNotFound
	}
	return one(ctx, s, scanDevice, `SELECT doc FROM devices WHERE pool_id = $1 AND device_key = $2`, poolID, key)
}

func (s *Store) ListDevices(ctx context.Context, poolID, username, after string, limit int) ([]*store.Device, error) {
	if !textSafe(poolID, username) {
		return nil, nil
	}
	return page(after, limit, func(d *store.Device) string { return d.Key }, func(after string, limit int) ([]*store.Device, error) {
		return collect(ctx, s, scanDevice, `SELECT doc FROM devices WHERE pool_id = $1 AND username = $2 AND device_key > $3 ORDER BY device_key LIMIT $4`,
			poolID, username, after, limit)
	})
}

func (s *Store) UpdateDevice(ctx context.Context, poolID, key string, fn func(*store.Device) error) (*store.Device, error) {
	if !textSafe(poolID, key) {
		return nil, store.ErrNotFound
	}
	var out *store.Device
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		d, err := scanDevice(tx.QueryRow(ctx, `SELECT doc FROM devices WHERE pool_id = $1 AND device_key = $2 FOR UPDATE`, poolID, key))
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
		if _, err := tx.Exec(ctx, `UPDATE devices SET doc = $1 WHERE pool_id = $2 AND device_key = $3`, doc, poolID, key); err != nil {
			return err
		}
		out = d
		return nil
	})
	return out, err
}

func (s *Store) DeleteDevice(ctx context.Context, poolID, key string) error {
	if !textSafe(poolID, key) {
		return store.ErrNotFound
	}
	return affected(s.exec(ctx, `DELETE FROM devices WHERE pool_id = $1 AND device_key = $2`, poolID, key))
}

// ---- user import jobs ----

const importJobCols = `pool_id, id, created, doc`

func scanImportJob(r pgx.Row) (*store.ImportJob, error) {
	var j store.ImportJob
	var c int64
	if err := r.Scan(&j.PoolID, &j.ID, &c, &j.Doc); err != nil {
		return nil, notFound(err)
	}
	j.Created = fromNS(c)
	return &j, nil
}

func (s *Store) CreateImportJob(ctx context.Context, j *store.ImportJob) error {
	_, err := s.exec(ctx, `INSERT INTO import_jobs(`+importJobCols+`) VALUES ($1, $2, $3, $4)`, j.PoolID, j.ID, ns(j.Created), j.Doc)
	return created(err)
}

func (s *Store) GetImportJob(ctx context.Context, poolID, id string) (*store.ImportJob, error) {
	if !textSafe(poolID, id) {
		return nil, store.ErrNotFound
	}
	return one(ctx, s, scanImportJob, `SELECT `+importJobCols+` FROM import_jobs WHERE pool_id = $1 AND id = $2`, poolID, id)
}

func (s *Store) ListImportJobs(ctx context.Context, poolID, after string, limit int) ([]*store.ImportJob, error) {
	if !textSafe(poolID, after) {
		return nil, nil
	}
	if limit < 0 {
		limit = math.MaxInt32
	}
	if after == "" {
		return collect(ctx, s, scanImportJob, `SELECT `+importJobCols+` FROM import_jobs WHERE pool_id = $1 ORDER BY created DESC, id DESC LIMIT $2`, poolID, limit)
	}
	return collect(ctx, s, scanImportJob, `SELECT `+importJobCols+` FROM import_jobs j WHERE pool_id = $1 AND EXISTS (
		SELECT 1 FROM import_jobs a WHERE a.pool_id = j.pool_id AND a.id = $2
		AND (j.created < a.created OR (j.created = a.created AND j.id < a.id)))
		ORDER BY created DESC, id DESC LIMIT $3`, poolID, after, limit)
}

func (s *Store) UpdateImportJob(ctx context.Context, poolID, id string, fn func(*store.ImportJob) error) (*store.ImportJob, error) {
	if !textSafe(poolID, id) {
		return nil, store.ErrNotFound
	}
	var out *store.ImportJob
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		j, err := scanImportJob(tx.QueryRow(ctx, `SELECT `+importJobCols+` FROM import_jobs WHERE pool_id = $1 AND id = $2 FOR UPDATE`, poolID, id))
		if err != nil {
			return err
		}
		if err := fn(j); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE import_jobs SET doc = $1 WHERE pool_id = $2 AND id = $3`, j.Doc, poolID, id); err != nil {
			return err
		}
		out = j
		return nil
	})
	return out, err
}

func (s *Store) PutImportPart(ctx context.Context, poolID, jobID, upload string, n int, data []byte) error {
	_, err := s.exec(ctx, `INSERT INTO import_parts(pool_id, job_id, upload, n, data) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (pool_id, job_id, upload, n) DO UPDATE SET data = EXCLUDED.data`, poolID, jobID, upload, n, data)
	return created(err)
}

func (s *Store) GetImportPart(ctx context.Context, poolID, jobID, upload string, n int) ([]byte, error) {
	if !textSafe(poolID, jobID, upload) {
		return nil, store.ErrNotFound
	}
	return one(ctx, s, func(r pgx.Row) ([]byte, error) {
		var data []byte
		return data, notFound(r.Scan(&data))
	}, `SELECT data FROM import_parts WHERE pool_id = $1 AND job_id = $2 AND upload = $3 AND n = $4`, poolID, jobID, upload, n)
}

func (s *Store) DeleteImportParts(ctx context.Context, poolID, jobID string) error {
	if !textSafe(poolID, jobID) {
		return nil
	}
	_, err := s.exec(ctx, `DELETE FROM import_parts WHERE pool_id = $1 AND job_id = $2`, poolID, jobID)
	return err
}

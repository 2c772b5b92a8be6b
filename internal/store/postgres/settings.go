package postgres

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Every node may keep the settings of pools and app clients in memory
// (package idp does, for the sign-in) because every node hears of every
// change: each write of a pool or a client notifies, in its own
// transaction, on settingsChannel, and each node listens on a connection of
// its own. SettingsEpoch counts what the listener heard.
//
// How stale a node can be, at most: while its listening connection works, a
// change reaches it as soon as PostgreSQL delivers the notification after
// the commit (milliseconds on a LAN). A connection that breaks loudly
// (reset, closed) ends the feed at once. One that goes silent (a dead peer,
// a partition) is found by the heartbeat: after beatEvery without a
// notification the listener notifies itself, and not hearing that within
// beatEvery ends the feed. So a change is seen, or the node stops trusting
// its memory, within 2 × beatEvery (1.5 s) of its commit, which
// MaxSettingsStaleness (2 s) states with room for a loaded machine's
// scheduling. Until the listener is back, the node reads every pool and
// client from the database, as it did without a cache, and a reconnection
// starts a new epoch, so nothing kept before it is used again.
const (
	settingsChannel = "cognate_settings"
	beatEvery       = 750 * time.Millisecond
	// MaxSettingsStaleness is the bound above, for documentation and tests.
	MaxSettingsStaleness = 2 * time.Second
)

// notifySettings tells every node, when tx commits, that a pool or a client
// changed. The payload is informative: listeners drop everything they kept.
func notifySettings(ctx context.Context, tx pgx.Tx, kind, id string) error {
	_, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, settingsChannel, kind+":"+id)
	return err
}

// feed is a Store's listener, started by the first SettingsEpoch.
type feed struct {
	once    sync.Once
	started bool
	cancel  context.CancelFunc
	done    chan struct{}
	// epoch is 0 while the listener cannot vouch for changes, else the
	// number of the current connection's last notification.
	epoch atomic.Uint64
	next  uint64 // the listener's own: the last epoch it gave out
}

// SettingsEpoch implements store.SettingsFeed: it changes at every
// notification of a pool or client change from any node, and is not ok
// while the listener is (re)connecting or found its connection silent.
func (s *Store) SettingsEpoch() (uint64, bool) {
	s.feed.once.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		s.feed.started, s.feed.cancel, s.feed.done = true, cancel, make(chan struct{})
		go s.listen(ctx)
	})
	e := s.feed.epoch.Load()
	return e, e != 0
}

func (f *feed) stop() {
	f.once.Do(func() {}) // a feed not started by now never starts
	if f.started {
		f.cancel()
		<-f.done
	}
}

// listen keeps a listening connection, reconnecting after a failure.
func (s *Store) listen(ctx context.Context) {
	defer close(s.feed.done)
	backoff := 50 * time.Millisecond
	for ctx.Err() == nil {
		heard := s.listenOnce(ctx)
		s.feed.epoch.Store(0)
		if heard {
			backoff = 50 * time.Millisecond
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, beatEvery)
	}
}

// listenOnce connects, listens, and counts notifications until the
// connection fails or goes silent; it reports whether it got as far as
// listening.
func (s *Store) listenOnce(ctx context.Context) bool {
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	conn, err := pgx.ConnectConfig(cctx, s.cc.Copy())
	cancel()
	if err != nil {
		return false
	}
	defer conn.Close(context.Background())
	lctx, cancel := context.WithTimeout(ctx, beatEvery)
	_, err = conn.Exec(lctx, `LISTEN `+settingsChannel)
	cancel()
	if err != nil {
		return false
	}
	// A new epoch: whatever was kept before LISTEN took effect is dropped.
	s.bump()
	pid := conn.PgConn().PID()
	for beat := 1; ; beat++ {
		wctx, cancel := context.WithTimeout(ctx, beatEvery)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			if !strings.HasPrefix(n.Payload, beatPrefix) {
				s.bump()
			}
			continue
		case ctx.Err() != nil:
			return true
		case !pgconn.Timeout(err):
			return true // the connection broke
		}
		// Quiet for beatEvery: the connection must still carry
		// notifications. It notifies itself, and must hear that within
		// beatEvery; a proxy that does not pass LISTEN through (PgBouncer
		// in transaction mode) never does, and then nothing is cached.
		if !s.heartbeat(ctx, conn, pid, beatPrefix+strconv.Itoa(beat)) {
			return true
		}
	}
}

// beatPrefix starts the payload of a heartbeat's notification; listeners
// do not count those as changes.
const beatPrefix = "beat:"

// heartbeat sends payload to the listeners, this one included, and reports
// whether this one heard it back within beatEvery. Changes heard
// meanwhile count as ever.
func (s *Store) heartbeat(ctx context.Context, conn *pgx.Conn, pid uint32, payload string) bool {
	ctx, cancel := context.WithTimeout(ctx, beatEvery)
	defer cancel()
	if _, err := conn.Exec(ctx, `SELECT pg_notify($1, $2)`, settingsChannel, payload); err != nil {
		return false
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return false
		}
		if n.PID == pid && n.Payload == payload {
			return true
		}
		if !strings.HasPrefix(n.Payload, beatPrefix) {
			s.bump()
		}
	}
}

func (s *Store) bump() {
	s.feed.next++
	s.feed.epoch.Store(s.feed.next)
}

package idp

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/cognate-idp/cognate/internal/store"
)

// The sign-in keeps the app clients it serves, decoded with their pools and
// the client secret opened, instead of reading both from the store on every
// request (two reads, two JSON documents and a decryption each time).
//
// What is kept is only used while nothing may have changed since it was
// read:
//   - This node's own writes of pools and clients (settingsWrites) drop
//     everything at once: the node that answers UpdateUserPoolClient never
//     serves the old settings afterwards.
//   - Other processes' writes reach it through the store's store.SettingsFeed.
//     SQLite's epoch never changes: one server process owns the file. PostgreSQL
//     notifies every node at each commit of a pool or client change and a
//     node stops using what it kept when its listening connection fails or
//     falls silent, so a node serves a change made on another node within
//     postgres.MaxSettingsStaleness (2 s) of its commit at the very most,
//     and within milliseconds while its connection to the database works.
//   - A store that has no feed, or whose feed is not ok, gets no cache: every
//     request reads, as before.
//
// Invalidation drops everything: pools and clients change rarely, and a
// coarse rule is easy to get right.
type settingsCache struct {
	feed  store.SettingsFeed // nil: cache nothing
	local atomic.Uint64      // bumped after each of this node's pool or client writes
	mu    sync.RWMutex
	m     map[string]cachedClient
}

type cachedClient struct {
	c            *client
	local, epoch uint64 // the counters before it was read
}

// maxCachedClients bounds the cache; past it, it starts again empty.
const maxCachedClients = 10000

// changed records a write of a pool or a client by this node.
func (k *settingsCache) changed() { k.local.Add(1) }

// signInClient is loadClient for the sign-in operations, through the cache.
// The client it returns is shared: read it, never change it.
func (s *Service) signInClient(ctx context.Context, id string) (*client, error) {
	k := &s.settings
	if k.feed == nil || ctx.Value(pagesKey{}) != nil {
		return s.loadClient(ctx, id) // the server's own pages mark their client
	}
	epoch, ok := k.feed.SettingsEpoch()
	if !ok {
		return s.loadClient(ctx, id)
	}
	local := k.local.Load()
	k.mu.RLock()
	e, hit := k.m[id]
	k.mu.RUnlock()
	if hit && e.local == local && e.epoch == epoch {
		return e.c, nil
	}
	c, err := s.readClient(ctx, id)
	if err != nil {
		return nil, err // not found is not kept: a new client is used at once
	}
	// Open the signing key now, while the key it was sealed with is surely
	// still there: the key is kept by its sealed bytes (Service.keys).
	if _, err := s.signingKey(c.pool); err != nil {
		return c, nil
	}
	k.mu.Lock()
	if k.m == nil || len(k.m) >= maxCachedClients {
		k.m = map[string]cachedClient{}
	}
	k.m[id] = cachedClient{c: c, local: local, epoch: epoch}
	k.mu.Unlock()
	return c, nil
}

// signInPoolClient is loadPoolClient through the cache: the client must
// belong to poolID. A mismatch is answered by loadPoolClient, whose errors
// say which of the two is missing.
func (s *Service) signInPoolClient(ctx context.Context, poolID, clientID string) (*client, error) {
	c, err := s.signInClient(ctx, clientID)
	if err == nil && c.rec.PoolID == poolID {
		return c, nil
	}
	return s.loadPoolClient(ctx, poolID, clientID)
}

// settingsWrites is the store as the Service uses it: each write of a pool
// or a client, whatever its outcome, tells the cache after it returns.
type settingsWrites struct {
	store.Store
	k *settingsCache
}

func (w settingsWrites) UpdatePool(ctx context.Context, id string, fn func(*store.Pool) error) (*store.Pool, error) {
	defer w.k.changed()
	return w.Store.UpdatePool(ctx, id, fn)
}

func (w settingsWrites) DeletePool(ctx context.Context, id string) error {
	defer w.k.changed()
	return w.Store.DeletePool(ctx, id)
}

func (w settingsWrites) UpdateClient(ctx context.Context, id string, fn func(*store.Client) error) (*store.Client, error) {
	defer w.k.changed()
	return w.Store.UpdateClient(ctx, id, fn)
}

func (w settingsWrites) DeleteClient(ctx context.Context, id string) error {
	defer w.k.changed()
	return w.Store.DeleteClient(ctx, id)
}

// InUnit passes store.Unit through when the store has it.
func (w settingsWrites) InUnit(ctx context.Context, fn func(ctx context.Context) error) error {
	return store.InUnit(ctx, w.Store, fn)
}

// UpdateSeenUser passes store.SeenUserUpdater through when the store has
// it (users are no settings).
func (w settingsWrites) UpdateSeenUser(ctx context.Context, seen *store.User, fn func(*store.User) error) (*store.User, error) {
	if up, ok := w.Store.(store.SeenUserUpdater); ok {
		return up.UpdateSeenUser(ctx, seen, fn)
	}
	return w.Store.UpdateUser(ctx, seen.PoolID, seen.Username, fn)
}

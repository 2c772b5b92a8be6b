package metrics

import (
	"context"
	"time"

	"github.com/cognate-idp/cognate/internal/store"
)

// timedStore is a store.Store that observes how long each call takes, the
// write calls' time including their wait for a (group) commit.
type timedStore struct {
	next    store.Store
	observe func(method string, start time.Time)
}

// Close is not timed: it happens once.
func (s *timedStore) Close() error { return s.next.Close() }

// Probe is the store's own health probe when it has one, else Ping.
func (s *timedStore) Probe(ctx context.Context) error {
	if p, ok := s.next.(interface{ Probe(context.Context) error }); ok {
		return p.Probe(ctx)
	}
	return s.next.Ping(ctx)
}

func (s *timedStore) CreatePool(ctx context.Context, p *store.Pool) error {
	defer s.observe("CreatePool", time.Now())
	return s.next.CreatePool(ctx, p)
}

func (s *timedStore) GetPool(ctx context.Context, id string) (*store.Pool, error) {
	defer s.observe("GetPool", time.Now())
	return s.next.GetPool(ctx, id)
}

func (s *timedStore) ListPools(ctx context.Context, after string, limit int) ([]*store.Pool, error) {
	defer s.observe("ListPools", time.Now())
	return s.next.ListPools(ctx, after, limit)
}

func (s *timedStore) UpdatePool(ctx context.Context, id string, fn func(*store.Pool) error) (*store.Pool, error) {
	defer s.observe("UpdatePool", time.Now())
	return s.next.UpdatePool(ctx, id, fn)
}

func (s *timedStore) DeletePool(ctx context.Context, id string) error {
	defer s.observe("DeletePool", time.Now())
	return s.next.DeletePool(ctx, id)
}

func (s *timedStore) CreateClient(ctx context.Context, c *store.Client) error {
	defer s.observe("CreateClient", time.Now())
	return s.next.CreateClient(ctx, c)
}

func (s *timedStore) GetClient(ctx context.Context, id string) (*store.Client, error) {
	defer s.observe("GetClient", time.Now())
	return s.next.GetClient(ctx, id)
}

func (s *timedStore) ListClients(ctx context.Context, poolID, after string, limit int) ([]*store.Client, error) {
	defer s.observe("ListClients", time.Now())
	return s.next.ListClients(ctx, poolID, after, limit)
}

func (s *timedStore) UpdateClient(ctx context.Context, id string, fn func(*store.Client) error) (*store.Client, error) {
	defer s.observe("UpdateClient", time.Now())
	return s.next.UpdateClient(ctx, id, fn)
}

func (s *timedStore) DeleteClient(ctx context.Context, id string) error {
	defer s.observe("DeleteClient", time.Now())
	return s.next.DeleteClient(ctx, id)
}

func (s *timedStore) CreateUser(ctx context.Context, u *store.User) error {
	defer s.observe("CreateUser", time.Now())
	return s.next.CreateUser(ctx, u)
}

func (s *timedStore) CreateUsers(ctx context.Context, users []*store.User) error {
	defer s.observe("CreateUsers", time.Now())
	return s.next.CreateUsers(ctx, users)
}

func (s *timedStore) GetUser(ctx context.Context, poolID, username string) (*store.User, error) {
	defer s.observe("GetUser", time.Now())
	return s.next.GetUser(ctx, poolID, username)
}

func (s *timedStore) FindUsers(ctx context.Context, poolID string, f *store.Filter, after string, limit int) ([]*store.User, error) {
	defer s.observe("FindUsers", time.Now())
	return s.next.FindUsers(ctx, poolID, f, after, limit)
}

func (s *timedStore) UpdateUser(ctx context.Context, poolID, username string, fn func(*store.User) error) (*store.User, error) {
	defer s.observe("UpdateUser", time.Now())
	return s.next.UpdateUser(ctx, poolID, username, fn)
}

func (s *timedStore) DeleteUser(ctx context.Context, poolID, username string) error {
	defer s.observe("DeleteUser", time.Now())
	return s.next.DeleteUser(ctx, poolID, username)
}

func (s *timedStore) CountUsers(ctx context.Context, poolID string) (int, error) {
	defer s.observe("CountUsers", time.Now())
	return s.next.CountUsers(ctx, poolID)
}

func (s *timedStore) PutRefreshToken(ctx context.Context, t *store.RefreshToken) error {
	defer s.observe("PutRefreshToken", time.Now())
	return s.next.PutRefreshToken(ctx, t)
}

func (s *timedStore) GetRefreshToken(ctx context.Context, hash []byte) (*store.RefreshToken, error) {
	defer s.observe("GetRefreshToken", time.Now())
	return s.next.GetRefreshToken(ctx, hash)
}

func (s *timedStore) RevokeRefreshToken(ctx context.Context, hash []byte) error {
	defer s.observe("RevokeRefreshToken", time.Now())
	return s.next.RevokeRefreshToken(ctx, hash)
}

func (s *timedStore) RotateRefreshToken(ctx context.Context, hash []byte, at time.Time) (rotated time.Time, first bool, err error) {
	defer s.observe("RotateRefreshToken", time.Now())
	return s.next.RotateRefreshToken(ctx, hash, at)
}

func (s *timedStore) RevokeUserRefreshTokens(ctx context.Context, poolID, username string) error {
	defer s.observe("RevokeUserRefreshTokens", time.Now())
	return s.next.RevokeUserRefreshTokens(ctx, poolID, username)
}

func (s *timedStore) OriginRevoked(ctx context.Context, poolID, originJTI string) (bool, error) {
	defer s.observe("OriginRevoked", time.Now())
	return s.next.OriginRevoked(ctx, poolID, originJTI)
}

func (s *timedStore) CreateDevice(ctx context.Context, d *store.Device) error {
	defer s.observe("CreateDevice", time.Now())
	return s.next.CreateDevice(ctx, d)
}

func (s *timedStore) GetDevice(ctx context.Context, poolID, key string) (*store.Device, error) {
	defer s.observe("GetDevice", time.Now())
	return s.next.GetDevice(ctx, poolID, key)
}

func (s *timedStore) ListDevices(ctx context.Context, poolID, username, after string, limit int) ([]*store.Device, error) {
	defer s.observe("ListDevices", time.Now())
	return s.next.ListDevices(ctx, poolID, username, after, limit)
}

func (s *timedStore) UpdateDevice(ctx context.Context, poolID, key string, fn func(*store.Device) error) (*store.Device, error) {
	defer s.observe("UpdateDevice", time.Now())
	return s.next.UpdateDevice(ctx, poolID, key, fn)
}

func (s *timedStore) DeleteDevice(ctx context.Context, poolID, key string) error {
	defer s.observe("DeleteDevice", time.Now())
	return s.next.DeleteDevice(ctx, poolID, key)
}

func (s *timedStore) MarkUsed(ctx context.Context, key string, expires time.Time) error {
	defer s.observe("MarkUsed", time.Now())
	return s.next.MarkUsed(ctx, key, expires)
}

func (s *timedStore) PurgeExpired(ctx context.Context, now time.Time) error {
	defer s.observe("PurgeExpired", time.Now())
	return s.next.PurgeExpired(ctx, now)
}

func (s *timedStore) Ping(ctx context.Context) error {
	defer s.observe("Ping", time.Now())
	return s.next.Ping(ctx)
}

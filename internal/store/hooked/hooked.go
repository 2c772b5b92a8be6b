// Package hooked wraps a store.Store so that something runs around each
// call: metrics time them, traces give each its span.
package hooked

import (
	"context"
	"time"

	"github.com/cognate-idp/cognate/internal/store"
)

// Around is called as a store call starts, with the call's context and
// method name; the call runs with the context it returns, and done runs
// when the call returns.
type Around func(ctx context.Context, method string) (_ context.Context, done func())

// Wrap returns st with around run about each call but Close. The wrapper
// keeps st's health probe (Probe).
func Wrap(st store.Store, around Around) store.Store {
	return &hookedStore{next: st, around: around}
}

type hookedStore struct {
	next   store.Store
	around Around
}

// Close is not hooked: it happens once.
func (s *hookedStore) Close() error { return s.next.Close() }

// Probe is the store's own health probe when it has one, else Ping; it is
// not hooked (it runs every few seconds, whatever the traffic).
func (s *hookedStore) Probe(ctx context.Context) error {
	if p, ok := s.next.(interface{ Probe(context.Context) error }); ok {
		return p.Probe(ctx)
	}
	return s.next.Ping(ctx)
}

// SettingsEpoch is the store's own, when it has one; without, it is never
// ok (nothing may be cached). Not hooked: it is a memory read.
func (s *hookedStore) SettingsEpoch() (uint64, bool) {
	if f, ok := s.next.(store.SettingsFeed); ok {
		return f.SettingsEpoch()
	}
	return 0, false
}

// InUnit is the store's own unit (store.Unit) when it has one; not hooked
// itself: the calls within it are.
func (s *hookedStore) InUnit(ctx context.Context, fn func(ctx context.Context) error) error {
	return store.InUnit(ctx, s.next, fn)
}

// UpdateSeenUser is the store's own when it has one, else UpdateUser; it
// is timed as UpdateUser.
func (s *hookedStore) UpdateSeenUser(ctx context.Context, seen *store.User, fn func(*store.User) error) (*store.User, error) {
	ctx, done := s.around(ctx, "UpdateUser")
	defer done()
	if up, ok := s.next.(store.SeenUserUpdater); ok {
		return up.UpdateSeenUser(ctx, seen, fn)
	}
	return s.next.UpdateUser(ctx, seen.PoolID, seen.Username, fn)
}

func (s *hookedStore) CreatePool(ctx context.Context, p *store.Pool) error {
	ctx, done := s.around(ctx, "CreatePool")
	defer done()
	return s.next.CreatePool(ctx, p)
}

func (s *hookedStore) GetPool(ctx context.Context, id string) (*store.Pool, error) {
	ctx, done := s.around(ctx, "GetPool")
	defer done()
	return s.next.GetPool(ctx, id)
}

func (s *hookedStore) ListPools(ctx context.Context, after string, limit int) ([]*store.Pool, error) {
	ctx, done := s.around(ctx, "ListPools")
	defer done()
	return s.next.ListPools(ctx, after, limit)
}

func (s *hookedStore) UpdatePool(ctx context.Context, id string, fn func(*store.Pool) error) (*store.Pool, error) {
	ctx, done := s.around(ctx, "UpdatePool")
	defer done()
	return s.next.UpdatePool(ctx, id, fn)
}

func (s *hookedStore) DeletePool(ctx context.Context, id string) error {
	ctx, done := s.around(ctx, "DeletePool")
	defer done()
	return s.next.DeletePool(ctx, id)
}

func (s *hookedStore) CreateClient(ctx context.Context, c *store.Client) error {
	ctx, done := s.around(ctx, "CreateClient")
	defer done()
	return s.next.CreateClient(ctx, c)
}

func (s *hookedStore) GetClient(ctx context.Context, id string) (*store.Client, error) {
	ctx, done := s.around(ctx, "GetClient")
	defer done()
	return s.next.GetClient(ctx, id)
}

func (s *hookedStore) ListClients(ctx context.Context, poolID, after string, limit int) ([]*store.Client, error) {
	ctx, done := s.around(ctx, "ListClients")
	defer done()
	return s.next.ListClients(ctx, poolID, after, limit)
}

func (s *hookedStore) UpdateClient(ctx context.Context, id string, fn func(*store.Client) error) (*store.Client, error) {
	ctx, done := s.around(ctx, "UpdateClient")
	defer done()
	return s.next.UpdateClient(ctx, id, fn)
}

func (s *hookedStore) DeleteClient(ctx context.Context, id string) error {
	ctx, done := s.around(ctx, "DeleteClient")
	defer done()
	return s.next.DeleteClient(ctx, id)
}

func (s *hookedStore) CreateUser(ctx context.Context, u *store.User) error {
	ctx, done := s.around(ctx, "CreateUser")
	defer done()
	return s.next.CreateUser(ctx, u)
}

func (s *hookedStore) CreateUsers(ctx context.Context, users []*store.User) error {
	ctx, done := s.around(ctx, "CreateUsers")
	defer done()
	return s.next.CreateUsers(ctx, users)
}

func (s *hookedStore) GetUser(ctx context.Context, poolID, username string) (*store.User, error) {
	ctx, done := s.around(ctx, "GetUser")
	defer done()
	return s.next.GetUser(ctx, poolID, username)
}

func (s *hookedStore) FindUsers(ctx context.Context, poolID string, f *store.Filter, after string, limit int) ([]*store.User, error) {
	ctx, done := s.around(ctx, "FindUsers")
	defer done()
	return s.next.FindUsers(ctx, poolID, f, after, limit)
}

func (s *hookedStore) UpdateUser(ctx context.Context, poolID, username string, fn func(*store.User) error) (*store.User, error) {
	ctx, done := s.around(ctx, "UpdateUser")
	defer done()
	return s.next.UpdateUser(ctx, poolID, username, fn)
}

func (s *hookedStore) DeleteUser(ctx context.Context, poolID, username string) error {
	ctx, done := s.around(ctx, "DeleteUser")
	defer done()
	return s.next.DeleteUser(ctx, poolID, username)
}

func (s *hookedStore) CountUsers(ctx context.Context, poolID string) (int, error) {
	ctx, done := s.around(ctx, "CountUsers")
	defer done()
	return s.next.CountUsers(ctx, poolID)
}

func (s *hookedStore) PutRefreshToken(ctx context.Context, t *store.RefreshToken) error {
	ctx, done := s.around(ctx, "PutRefreshToken")
	defer done()
	return s.next.PutRefreshToken(ctx, t)
}

func (s *hookedStore) GetRefreshToken(ctx context.Context, hash []byte) (*store.RefreshToken, error) {
	ctx, done := s.around(ctx, "GetRefreshToken")
	defer done()
	return s.next.GetRefreshToken(ctx, hash)
}

func (s *hookedStore) RevokeRefreshToken(ctx context.Context, hash []byte) error {
	ctx, done := s.around(ctx, "RevokeRefreshToken")
	defer done()
	return s.next.RevokeRefreshToken(ctx, hash)
}

func (s *hookedStore) RotateRefreshToken(ctx context.Context, hash []byte, at time.Time) (rotated time.Time, first bool, err error) {
	ctx, done := s.around(ctx, "RotateRefreshToken")
	defer done()
	return s.next.RotateRefreshToken(ctx, hash, at)
}

func (s *hookedStore) RevokeUserRefreshTokens(ctx context.Context, poolID, username string) error {
	ctx, done := s.around(ctx, "RevokeUserRefreshTokens")
	defer done()
	return s.next.RevokeUserRefreshTokens(ctx, poolID, username)
}

func (s *hookedStore) OriginRevoked(ctx context.Context, poolID, originJTI string) (bool, error) {
	ctx, done := s.around(ctx, "OriginRevoked")
	defer done()
	return s.next.OriginRevoked(ctx, poolID, originJTI)
}

func (s *hookedStore) CreateDevice(ctx context.Context, d *store.Device) error {
	ctx, done := s.around(ctx, "CreateDevice")
	defer done()
	return s.next.CreateDevice(ctx, d)
}

func (s *hookedStore) GetBlob(ctx context.Context, poolID, key string) ([]byte, error) {
	ctx, done := s.around(ctx, "GetBlob")
	defer done()
	return s.next.GetBlob(ctx, poolID, key)
}

func (s *hookedStore) UpdateBlob(ctx context.Context, poolID, key string, fn func([]byte) ([]byte, error)) error {
	ctx, done := s.around(ctx, "UpdateBlob")
	defer done()
	return s.next.UpdateBlob(ctx, poolID, key, fn)
}

func (s *hookedStore) GetDevice(ctx context.Context, poolID, key string) (*store.Device, error) {
	ctx, done := s.around(ctx, "GetDevice")
	defer done()
	return s.next.GetDevice(ctx, poolID, key)
}

func (s *hookedStore) ListDevices(ctx context.Context, poolID, username, after string, limit int) ([]*store.Device, error) {
	ctx, done := s.around(ctx, "ListDevices")
	defer done()
	return s.next.ListDevices(ctx, poolID, username, after, limit)
}

func (s *hookedStore) UpdateDevice(ctx context.Context, poolID, key string, fn func(*store.Device) error) (*store.Device, error) {
	ctx, done := s.around(ctx, "UpdateDevice")
	defer done()
	return s.next.UpdateDevice(ctx, poolID, key, fn)
}

func (s *hookedStore) DeleteDevice(ctx context.Context, poolID, key string) error {
	ctx, done := s.around(ctx, "DeleteDevice")
	defer done()
	return s.next.DeleteDevice(ctx, poolID, key)
}

func (s *hookedStore) MarkUsed(ctx context.Context, key string, expires time.Time) error {
	ctx, done := s.around(ctx, "MarkUsed")
	defer done()
	return s.next.MarkUsed(ctx, key, expires)
}

func (s *hookedStore) PurgeExpired(ctx context.Context, now time.Time) error {
	ctx, done := s.around(ctx, "PurgeExpired")
	defer done()
	return s.next.PurgeExpired(ctx, now)
}

func (s *hookedStore) Ping(ctx context.Context) error {
	ctx, done := s.around(ctx, "Ping")
	defer done()
	return s.next.Ping(ctx)
}

func (s *hookedStore) CreateImportJob(ctx context.Context, j *store.ImportJob) error {
	ctx, done := s.around(ctx, "CreateImportJob")
	defer done()
	return s.next.CreateImportJob(ctx, j)
}

func (s *hookedStore) GetImportJob(ctx context.Context, poolID, id string) (*store.ImportJob, error) {
	ctx, done := s.around(ctx, "GetImportJob")
	defer done()
	return s.next.GetImportJob(ctx, poolID, id)
}

func (s *hookedStore) ListImportJobs(ctx context.Context, poolID, after string, limit int) ([]*store.ImportJob, error) {
	ctx, done := s.around(ctx, "ListImportJobs")
	defer done()
	return s.next.ListImportJobs(ctx, poolID, after, limit)
}

func (s *hookedStore) UpdateImportJob(ctx context.Context, poolID, id string, fn func(*store.ImportJob) error) (*store.ImportJob, error) {
	ctx, done := s.around(ctx, "UpdateImportJob")
	defer done()
	return s.next.UpdateImportJob(ctx, poolID, id, fn)
}

func (s *hookedStore) PutImportPart(ctx context.Context, poolID, jobID, upload string, n int, data []byte) error {
	ctx, done := s.around(ctx, "PutImportPart")
	defer done()
	return s.next.PutImportPart(ctx, poolID, jobID, upload, n, data)
}

func (s *hookedStore) GetImportPart(ctx context.Context, poolID, jobID, upload string, n int) ([]byte, error) {
	ctx, done := s.around(ctx, "GetImportPart")
	defer done()
	return s.next.GetImportPart(ctx, poolID, jobID, upload, n)
}

func (s *hookedStore) DeleteImportParts(ctx context.Context, poolID, jobID string) error {
	ctx, done := s.around(ctx, "DeleteImportParts")
	defer done()
	return s.next.DeleteImportParts(ctx, poolID, jobID)
}

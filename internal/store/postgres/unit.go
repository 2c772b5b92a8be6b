package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A unit of work (store.Unit): the writes of one sign-in step in one
// transaction, so that the step costs one commit (one WAL flush, one
// round trip) instead of one per write.
//
// The transaction is begun by the unit's first write, not at its start:
// the reads before it (the user, the client) take a pooled connection for
// a statement each, as without a unit, and hold nothing. From the first
// write on, every statement of the unit (reads too, so they see its
// writes) runs in the transaction, and an inTx within it is a savepoint.
//
// A statement that fails in a transaction aborts it, so the writes a unit
// may see refused as a matter of course must not fail: MarkUsed is an
// INSERT ... ON CONFLICT DO NOTHING, and UpdateUser's refusals come from
// its fn, inside its savepoint.

// querier is what a statement runs on: the pool, or a unit's transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
}

type unitKey struct{}

// unit is the transaction of one InUnit, nil until its first write.
type unit struct {
	s   *Store
	tx  pgx.Tx
	err error // the failed BEGIN, if it failed
	// done is set when InUnit returned: a call made with the unit's ctx
	// after that (by code that kept ctx) runs on its own, as without a unit.
	done bool
}

// InUnit implements store.Unit.
func (s *Store) InUnit(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.unit(ctx) != nil {
		return fn(ctx) // already in one: its writes join it
	}
	u := &unit{s: s}
	defer func() {
		u.done = true
		if u.tx != nil {
			// After a panic in fn; after the commit, a no-op.
			rctx, cancel := op(context.WithoutCancel(ctx))
			defer cancel()
			u.tx.Rollback(rctx)
		}
	}()
	err := fn(context.WithValue(ctx, unitKey{}, u))
	if u.tx == nil {
		return err
	}
	// The writes are made; a client that went away must not undo them (a
	// failed attempt's count among them), so the commit outlives ctx.
	u.done = true
	cctx, cancel := op(context.WithoutCancel(ctx))
	defer cancel()
	if cerr := u.tx.Commit(cctx); cerr != nil {
		return errors.Join(errUnitLost, cerr)
	}
	return err
}

// errUnitLost wraps the error of a unit whose commit failed: none of its
// writes happened, whatever fn answered.
var errUnitLost = errors.New("postgres: the step's writes were not committed")

// unit is ctx's unit of this store, if any and still running.
func (s *Store) unit(ctx context.Context) *unit {
	u, _ := ctx.Value(unitKey{}).(*unit)
	if u == nil || u.s != s || u.done {
		return nil
	}
	return u
}

// reader is where a read runs: in the unit's transaction once it has one,
// so that the unit reads its own writes; else on the pool.
func (s *Store) reader(ctx context.Context) querier {
	if u := s.unit(ctx); u != nil && u.tx != nil {
		return u.tx
	}
	return s.pool
}

// writer is where a write runs: in the unit's transaction, begun now if
// this is its first write; else on the pool.
func (s *Store) writer(ctx context.Context) (querier, error) {
	u := s.unit(ctx)
	if u == nil {
		return s.pool, nil
	}
	if u.tx == nil && u.err == nil {
		u.tx, u.err = s.pool.Begin(ctx)
	}
	if u.err != nil {
		return nil, u.err
	}
	return u.tx, nil
}

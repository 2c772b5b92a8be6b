package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// Prepared statements. database/sql prepares a statement afresh for every
// Exec and Query it is given as text, and SQLite's parser and planner were
// a tenth of a sign-in's CPU time in the profile of the mfa workload
// (BENCHMARKS.md). So the store keeps each query prepared, once per
// connection. The set of queries is fixed by the code (FindUsers builds a
// few dozen variants at most); maxStmts bounds it anyway.

const maxStmts = 256

// readStmts are prepared on the read pool, lazily; database/sql prepares
// each again on any pool connection that lacks it.
type readStmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// errRow is a row whose Scan fails with the error of preparing its query.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

func (s *Store) readStmt(ctx context.Context, q string) (*sql.Stmt, error) {
	s.rst.mu.Lock()
	defer s.rst.mu.Unlock()
	if st, ok := s.rst.m[q]; ok {
		return st, nil
	}
	st, err := s.r.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(s.rst.m) < maxStmts {
		s.rst.m[q] = st
	}
	return st, nil
}

// row runs a read query returning one row.
func (s *Store) row(ctx context.Context, q string, args ...any) rowScanner {
	st, err := s.readStmt(ctx, q)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// rows runs a read query.
func (s *Store) rows(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := s.readStmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// Writes run on the writer's one connection, inside commitLoop's
// transactions. That connection is busy for the whole batch, so a query
// seen for the first time runs unprepared and is noted; commitLoop prepares
// the noted ones between batches, when the connection is free, and later
// batches use them. Only the commitLoop goroutine touches wst and wantStmt.

func (s *Store) txStmt(ctx context.Context, tx *sql.Tx, q string) *sql.Stmt {
	if st, ok := s.wst[q]; ok {
		return tx.StmtContext(ctx, st)
	}
	if len(s.wst)+len(s.wantStmt) < maxStmts {
		s.wantStmt[q] = struct{}{}
	}
	return nil
}

// txExec runs a write statement inside a batch's transaction.
func (s *Store) txExec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	if st := s.txStmt(ctx, tx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

// txRow runs a query returning one row inside a batch's transaction.
func (s *Store) txRow(ctx context.Context, tx *sql.Tx, q string, args ...any) rowScanner {
	if st := s.txStmt(ctx, tx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

// prepareWanted prepares the write queries noted since the last batch.
// A query that fails to prepare is simply run unprepared again.
func (s *Store) prepareWanted() {
	for q := range s.wantStmt {
		if st, err := s.w.PrepareContext(context.Background(), q); err == nil {
			s.wst[q] = st
		}
		delete(s.wantStmt, q)
	}
}

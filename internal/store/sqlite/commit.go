package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Group commit. SQLite has one writer, and with synchronous=FULL every
// commit waits for an fsync of the WAL. Committing each write on its own
// caps the store at one write per fsync (about 1,000 a second on the disk
// BENCHMARKS.md describes), however many requests are waiting. So writes
// are queued to one goroutine, which runs whatever has gathered while the
// previous commit was on its way to disk as one transaction, each write
// inside its own savepoint, and commits once. A write's caller is answered
// only after that commit returns, so an acknowledged write is still on disk
// before the answer leaves, and a write that fails is rolled back to its
// savepoint without touching the others of its batch. Nothing waits to
// fill a batch: a lone write commits at once.

// maxBatch bounds how many writes share one commit, so one slow batch
// cannot hold a queue of callers for long.
const maxBatch = 128

var errClosed = errors.New("sqlite: store closed")

// writeOp is one queued write: fn runs inside the batch's transaction.
type writeOp struct {
	ctx  context.Context
	fn   func(*sql.Tx) error
	done chan error // buffered: the writer never blocks on it
}

// write runs fn in a transaction, atomically, and returns once the result
// is durable (or fn's error, with nothing of fn written).
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	op := &writeOp{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.ops <- op:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.quit:
		return errClosed
	}
	// The writer has the op (the channel is unbuffered) and always answers;
	// waiting past ctx keeps the answer true: an op is reported written only
	// if it was.
	return <-op.done
}

// exec is write for a single statement.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = s.txExec(ctx, tx, query, args...)
		return err
	})
	return res, err
}

// commitLoop is the single writer. It takes the first waiting op, then
// every other op already waiting (up to maxBatch), and commits them as one.
func (s *Store) commitLoop() {
	defer close(s.loopDone)
	batch := make([]*writeOp, 0, maxBatch)
	for {
		select {
		case op := <-s.ops:
			batch = append(batch[:0], op)
		case <-s.quit:
			return
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case op := <-s.ops:
				batch = append(batch, op)
			default:
				break fill
			}
		}
		if f := s.onBatch.Load(); f != nil {
			(*f)(len(batch))
		}
		s.commitBatch(batch)
		clear(batch)
		s.prepareWanted()
	}
}

// OnBatch has f told the size of each group commit (metrics).
func (s *Store) OnBatch(f func(writes int)) { s.onBatch.Store(&f) }

func (s *Store) commitBatch(batch []*writeOp) {
	bg := context.Background()
	results := make([]error, len(batch))
	tx, err := s.w.BeginTx(bg, nil)
	if err != nil {
		failAll(batch, err)
		return
	}
	for i, op := range batch {
		if err := op.ctx.Err(); err != nil {
			results[i] = err // its caller gave up before it ran: skip it
			continue
		}
		if len(batch) == 1 {
			results[i] = runOp(op, tx)
			break
		}
		if _, err := tx.ExecContext(bg, `SAVEPOINT op`); err != nil {
			results[i] = err
			continue
		}
		results[i] = runOp(op, tx)
		if results[i] != nil {
			if _, err := tx.ExecContext(bg, `ROLLBACK TO op`); err != nil {
				// The transaction cannot be trusted past this point.
				tx.Rollback()
				failAll(batch, fmt.Errorf("sqlite: rolling back a failed write: %w", err))
				return
			}
		}
		if _, err := tx.ExecContext(bg, `RELEASE op`); err != nil && results[i] == nil {
			results[i] = err
		}
	}
	if len(batch) == 1 && results[0] != nil {
		tx.Rollback()
		batch[0].done <- results[0]
		return
	}
	if err := tx.Commit(); err != nil {
		failAll(batch, err)
		return
	}
	s.commits.Add(1)
	for i, op := range batch {
		op.done <- results[i]
	}
}

// failAll answers every op of a batch that could not be committed.
func failAll(batch []*writeOp, err error) {
	for _, op := range batch {
		op.done <- err
	}
}

// runOp runs one op's function; a panic in it (domain code runs inside
// UpdateUser) fails that op alone instead of killing the only writer.
func runOp(op *writeOp, tx *sql.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sqlite: write panicked: %v", r)
		}
	}()
	return op.fn(tx)
}

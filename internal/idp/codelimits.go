package idp

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store"
)

// Codes are six digits: a million of them. Without a bound on wrong
// guesses a password-reset code is an account takeover, so each user and
// purpose (sign-up, password reset, the verification of one attribute)
// gets a few wrong codes an hour; past them every code is refused, the
// right one too, until the hour is over. Sending is bounded the same way,
// so that a caller can neither flood a mailbox nor buy fresh guesses with
// fresh codes. The counts live in the user's stored record: every node
// and every restart sees them, and the store's atomic update keeps
// concurrent guesses from slipping past the count.
const (
	codeFailureLimit  = 5
	codeFailureWindow = time.Hour
	codeSendLimit     = 5
	codeSendWindow    = time.Hour
)

func errAttemptLimit() error {
	return api.Errorf(api.ErrLimitExceeded, api.MsgAttemptLimitExceeded)
}

// codeLimit returns u's counts for purpose, with a window that has passed
// started afresh.
func (s *Service) codeLimit(u *store.User, purpose string) store.CodeLimit {
	l := u.CodeLimits[purpose]
	now := s.now()
	if l.Failures > 0 && !now.Before(l.FailuresSince.Add(codeFailureWindow)) {
		l.Failures, l.FailuresSince = 0, time.Time{}
	}
	if l.Sends > 0 && !now.Before(l.SendsSince.Add(codeSendWindow)) {
		l.Sends, l.SendsSince = 0, time.Time{}
	}
	return l
}

func setCodeLimit(u *store.User, purpose string, l store.CodeLimit) {
	if l == (store.CodeLimit{}) {
		delete(u.CodeLimits, purpose)
		return
	}
	if u.CodeLimits == nil {
		u.CodeLimits = map[string]store.CodeLimit{}
	}
	u.CodeLimits[purpose] = l
}

// codeGuessAllowed refuses any code of purpose once u offered too many
// wrong ones (inside an update, before the code is compared).
func (s *Service) codeGuessAllowed(u *store.User, purpose string) error {
	if s.codeLimit(u, purpose).Failures >= codeFailureLimit {
		return errAttemptLimit()
	}
	return nil
}

// codeGuessFailed counts a wrong code on u and returns the answer for it.
// The answer asks updateUser to write u even though the operation fails,
// so a wrong code must be found before the operation changes anything
// else on u.
func (s *Service) codeGuessFailed(u *store.User, purpose string, answer error) error {
	l := s.codeLimit(u, purpose)
	if l.Failures == 0 {
		l.FailuresSince = s.now()
	}
	l.Failures++
	setCodeLimit(u, purpose, l)
	return &writeAnyway{answer}
}

// codeGuessSucceeded clears the wrong-code count of purpose once the right
// code was given within the limit.
func (s *Service) codeGuessSucceeded(u *store.User, purpose string) {
	l := s.codeLimit(u, purpose)
	l.Failures, l.FailuresSince = 0, time.Time{}
	setCodeLimit(u, purpose, l)
}

// limitCodeSends counts one more code of purpose sent to u, refusing it
// once the hour's sends are spent. It is its own atomic update, made
// before the code is issued.
func (s *Service) limitCodeSends(ctx context.Context, u *store.User, purpose string) error {
	_, err := s.updateUser(ctx, u, func(u *store.User) error {
		l := s.codeLimit(u, purpose)
		if l.Sends >= codeSendLimit {
			return errAttemptLimit()
		}
		if l.Sends == 0 {
			l.SendsSince = s.now()
		}
		l.Sends++
		setCodeLimit(u, purpose, l)
		return nil
	})
	return err
}

// writeAnyway is an error from inside a user update whose changes must
// still be written: a wrong code is refused, and its count kept.
type writeAnyway struct{ answer error }

func (w *writeAnyway) Error() string { return w.answer.Error() }
func (w *writeAnyway) Unwrap() error { return w.answer }

// keepWrites wraps an update so that a writeAnyway error commits the
// update; the caller then returns *kept.
func keepWrites(fn func(*store.User) error) (func(*store.User) error, *error) {
	kept := new(error)
	return func(u *store.User) error {
		*kept = nil // the store may run fn again
		err := fn(u)
		var w *writeAnyway
		if errors.As(err, &w) {
			*kept = w.answer
			return nil
		}
		return err
	}, kept
}

// A client with PreventUserExistenceErrors answers a name that is no user
// as it would a user with a wrong code. Once real users reach the limits
// above, such names must reach them too, or LimitExceededException would
// tell the two apart. Their counts are one-time marks in the store, at
// most limit of them in a clock-aligned window (a real user's window
// starts at its first event instead); the name is kept only as a MAC.

// phantomCodeGuess answers a code offered for a name that is no user.
func (s *Service) phantomCodeGuess(ctx context.Context, p *pool, name, purpose string) error {
	if s.phantomLimited(ctx, p, name, "guess:"+purpose, codeFailureLimit, codeFailureWindow) {
		return errAttemptLimit()
	}
	return api.Errorf(api.ErrCodeMismatch, api.MsgCodeMismatch)
}

// phantomCodeSend counts a code "sent" to a name that is no user.
func (s *Service) phantomCodeSend(ctx context.Context, p *pool, name, purpose string) error {
	if s.phantomLimited(ctx, p, name, "send:"+purpose, codeSendLimit, codeSendWindow) {
		return errAttemptLimit()
	}
	return nil
}

// phantomLimited takes one of the limit marks of the current window and
// reports whether all were taken already. A store failure takes none and
// limits no one.
func (s *Service) phantomLimited(ctx context.Context, p *pool, name, what string, limit int, window time.Duration) bool {
	w := s.now().UnixNano() / int64(window)
	id := hex.EncodeToString(s.seal.MAC(seal.MACPhantomCode, p.rec.ID, p.canonicalName(name), what))
	until := time.Unix(0, (w+1)*int64(window))
	for i := range limit {
		err := s.st.MarkUsed(ctx, fmt.Sprintf("phantom-code:%s:%d:%d", id, w, i), until)
		if !errors.Is(err, store.ErrExists) {
			return false
		}
	}
	return true
}

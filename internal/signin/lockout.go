package signin

import (
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// Failed-attempt lockout as Cognito documents it: after five failures the
// user is locked for 1 s, doubling with each further failure up to about
// 15 minutes; attempts during a lockout do not extend it; 15 minutes
// without attempts, or a successful sign-in, start the count afresh.
const (
	lockoutThreshold = 5
	lockoutMax       = 15 * time.Minute
	lockoutReset     = 15 * time.Minute
)

// ErrLocked is the answer to a sign-in step while the user is locked out.
var ErrLocked = &api.Error{Code: api.ErrNotAuthorized, Message: api.MsgPasswordAttemptsExceeded}

// CheckLock refuses a sign-in step while the user is locked out.
func CheckLock(u *store.User, now time.Time) error {
	if now.Before(u.LockedUntil) {
		return ErrLocked
	}
	return nil
}

// LockFor is the lockout after the n-th consecutive failure.
func LockFor(n int) time.Duration {
	if n < lockoutThreshold {
		return 0
	}
	shift := n - lockoutThreshold
	if shift > 10 {
		return lockoutMax
	}
	d := time.Second << shift
	if d > lockoutMax {
		d = lockoutMax
	}
	return d
}

// CountFailure counts a failed password, SRP, device or MFA proof in u (the
// caller stores it). During a lockout it changes nothing and returns
// ErrLocked: attempts in a lockout do not extend it.
func CountFailure(u *store.User, now time.Time) error {
	if now.Before(u.LockedUntil) {
		return ErrLocked
	}
	if now.Sub(u.LastFailure) > lockoutReset {
		u.FailedAttempts = 0
	}
	u.FailedAttempts++
	u.LastFailure = now
	if d := LockFor(u.FailedAttempts); d > 0 {
		u.LockedUntil = now.Add(d)
	}
	return nil
}

// HasFailures reports whether u has failures for a completed sign-in to
// clear (ClearFailures).
func HasFailures(u *store.User) bool { return u.FailedAttempts != 0 || !u.LockedUntil.IsZero() }

// ClearFailures starts the count afresh after a completed sign-in.
func ClearFailures(u *store.User) {
	u.FailedAttempts, u.LockedUntil, u.LastFailure = 0, time.Time{}, time.Time{}
}

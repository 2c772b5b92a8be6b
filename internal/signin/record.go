package signin

import (
	"context"
	"errors"
	"strings"

	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/google/uuid"
)

// The store-side halves of the lockout, the phantom users and the sign-in
// history (see lockout.go, phantom.go, events.go).

type ctxKey int

const clientIPKey ctxKey = 0

// WithClientIP records the caller's address for device records and the
// sign-in history.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey, ip)
}

// ClientIP is the caller's address WithClientIP recorded, or "".
func ClientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey).(string)
	return ip
}

// randomToken is seal.RandomToken: never starting with '-'.
func randomToken(n int) string { return seal.RandomToken(n) }

// SRPPoolName is the part of the pool id after the first underscore: the
// SRP "pool name" of the protocol.
func SRPPoolName(id string) string {
	_, after, _ := strings.Cut(id, "_")
	return after
}

// CheckLock refuses a sign-in step while the user is locked out.
func (e *Engine) CheckLock(u *store.User) error { return CheckLock(u, e.now()) }

// recordFailure counts a failed password, SRP, device or MFA proof. It
// returns ErrLocked if a lockout began meanwhile, else nil.
func (e *Engine) recordFailure(ctx context.Context, u *store.User) error {
	var locked bool
	_, err := e.core.UpdateUser(ctx, u, func(u *store.User) error {
		if err := CountFailure(u, e.now()); err != nil {
			locked = true
			return err // nothing to write: attempts in a lockout do not extend it
		}
		return nil
	})
	if locked {
		return ErrLocked
	}
	return err
}

// recordSuccess clears the failure count after a completed sign-in.
func (e *Engine) recordSuccess(ctx context.Context, u *store.User) error {
	if !HasFailures(u) {
		return nil
	}
	_, err := e.core.UpdateUser(ctx, u, func(u *store.User) error {
		ClearFailures(u)
		return nil
	})
	return err
}

// Failed records a failed proof and returns the error to answer with: the
// given one, or the lockout if the user is locked.
func (e *Engine) Failed(ctx context.Context, u *store.User, answer error) error {
	if err := e.recordFailure(ctx, u); err != nil {
		if errors.Is(err, ErrLocked) {
			return ErrLocked
		}
		return err
	}
	return answer
}

// phantomName is the username a phantom user of the client's pool answers
// to.
func (e *Engine) phantomName(c Client, typed string) string {
	return PhantomName(e.seal, c.PoolID(), c.CanonicalName(typed), c.SignsInByAttribute())
}

// phantom stands in for an unknown user when the client hides user
// existence.
func (e *Engine) phantom(c Client, name string) *store.User {
	u := Phantom(e.seal, c.PoolID(), name)
	u.Status = StatusConfirmed
	return u
}

// phantomFailure stands in, for a phantom, for the store writes a wrong
// password costs a real user: the failure count, and the sign-in event in
// pools that keep them (failedSignIn).
func (e *Engine) phantomFailure(ctx context.Context, c Client, answer error) error {
	writes := 1
	if c.KeepsAuthEvents() {
		writes++
	}
	PhantomWrites(ctx, e.st, e.now(), writes)
	noted(ctx, ResultUnknownUser)
	return answer
}

// recordSignIn adds an event to the user's history, newest first, in pools
// that keep one.
func (e *Engine) recordSignIn(ctx context.Context, c Client, u *store.User, ev Event) error {
	if !c.KeepsAuthEvents() {
		return nil
	}
	ev.ID, ev.Time, ev.IP = uuid.NewString(), e.now(), ClientIP(ctx)
	_, err := e.core.UpdateUser(ctx, u, func(u *store.User) error {
		AddEvent(u, ev)
		return nil
	})
	return err
}

// signedIn records a sign-in that ends with tokens; mfa says whether a
// second factor was proved.
func (e *Engine) signedIn(ctx context.Context, c Client, u *store.User, mfa bool) error {
	return e.recordSignIn(ctx, c, u, Passed(mfa))
}

// failedSignIn records a sign-in refused at step, then counts the failure
// as Failed does and returns its answer.
func (e *Engine) failedSignIn(ctx context.Context, c Client, u *store.User, step Step, answer error) error {
	if step == StepMFA {
		noted(ctx, ResultMFAFailed)
	} else {
		noted(ctx, ResultWrongPassword)
	}
	if err := e.recordSignIn(ctx, c, u, Failed(step)); err != nil {
		return err
	}
	return e.Failed(ctx, u, answer)
}

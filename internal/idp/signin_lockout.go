package idp

import (
	"context"
	"errors"

	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
)

// The failed-attempt lockout and the phantom users are package signin's;
// these are their store-side halves.

var errLocked = signin.ErrLocked

// checkLock refuses a sign-in step while the user is locked out.
func (s *Service) checkLock(u *store.User) error { return signin.CheckLock(u, s.now()) }

// recordFailure counts a failed password, SRP, device or MFA proof. It
// returns errLocked if a lockout began meanwhile, else nil.
func (s *Service) recordFailure(ctx context.Context, u *store.User) error {
	var locked bool
	_, err := s.updateUser(ctx, u, func(u *store.User) error {
		if err := signin.CountFailure(u, s.now()); err != nil {
			locked = true
			return err // nothing to write: attempts in a lockout do not extend it
		}
		return nil
	})
	if locked {
		return errLocked
	}
	return err
}

// recordSuccess clears the failure count after a completed sign-in.
func (s *Service) recordSuccess(ctx context.Context, u *store.User) error {
	if !signin.HasFailures(u) {
		return nil
	}
	_, err := s.updateUser(ctx, u, func(u *store.User) error {
		signin.ClearFailures(u)
		return nil
	})
	return err
}

// failed records a failed proof and returns the error to answer with: the
// given one, or the lockout if the user is locked.
func (s *Service) failed(ctx context.Context, u *store.User, answer error) error {
	if err := s.recordFailure(ctx, u); err != nil {
		if errors.Is(err, errLocked) {
			return errLocked
		}
		return err
	}
	return answer
}

// ---- PreventUserExistenceErrors ----

// phantomName is the username a phantom user of the pool answers to.
func (s *Service) phantomName(p *pool, typed string) string {
	return signin.PhantomName(s.seal, p.rec.ID, p.canonicalName(typed), len(p.doc.UsernameAttributes) > 0)
}

// phantom stands in for an unknown user when the client hides user
// existence.
func (s *Service) phantom(p *pool, name string) *store.User {
	u := signin.Phantom(s.seal, p.rec.ID, name)
	u.Status = StatusConfirmed
	return u
}

// phantomFailure stands in, for a phantom, for the store writes a wrong
// password costs a real user: the failure count, and the sign-in event in
// pools that keep them (failedSignIn).
func (s *Service) phantomFailure(ctx context.Context, p *pool, answer error) error {
	writes := 1
	if p.keepsAuthEvents() {
		writes++
	}
	signin.PhantomWrites(ctx, s.st, s.now(), writes)
	return answer
}

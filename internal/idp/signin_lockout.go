package idp

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/srp"
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

var errLocked = &api.Error{Code: api.ErrNotAuthorized, Message: "Password attempts exceeded"}

// checkLock refuses a sign-in step while the user is locked out.
func (s *Service) checkLock(u *store.User) error {
	if s.now().Before(u.LockedUntil) {
		return errLocked
	}
	return nil
}

// lockFor is the lockout after the n-th consecutive failure.
func lockFor(n int) time.Duration {
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

// recordFailure counts a failed password, SRP, device or MFA proof. It
// returns errLocked if a lockout began meanwhile, else nil.
func (s *Service) recordFailure(ctx context.Context, u *store.User) error {
	var locked bool
	_, err := s.updateUser(ctx, u, func(u *store.User) error {
		now := s.now()
		if now.Before(u.LockedUntil) {
			locked = true
			return errLocked // nothing to write: attempts in a lockout do not extend it
		}
		if now.Sub(u.LastFailure) > lockoutReset {
			u.FailedAttempts = 0
		}
		u.FailedAttempts++
		u.LastFailure = now
		if d := lockFor(u.FailedAttempts); d > 0 {
			u.LockedUntil = now.Add(d)
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
	if u.FailedAttempts == 0 && u.LockedUntil.IsZero() {
		return nil
	}
	_, err := s.updateUser(ctx, u, func(u *store.User) error {
		u.FailedAttempts, u.LockedUntil, u.LastFailure = 0, time.Time{}, time.Time{}
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

// phantomName is the username a phantom user answers to: the typed name,
// or in pools whose users sign in by email or phone (and are known by a
// UUID) a stable UUID derived from it, so that USER_ID_FOR_SRP looks alike
// for real and unknown users.
func (s *Service) phantomName(p *pool, typed string) string {
	name := p.canonicalName(typed)
	if len(p.doc.UsernameAttributes) > 0 {
		return phantomUUID(s.seal.MAC("phantom-id", p.rec.ID, name))
	}
	return name
}

// phantom stands in for an unknown user when the client hides user
// existence: a stable salt and verifier derived from its name, so repeated
// attempts look like one real user. The verifier is derived, not computed
// from a password, so that the phantom costs the same modular
// exponentiations as a real user: a real user's verifier is read, not made,
// on every sign-in. It is sealed like a real one, so that the same decryption
// runs too.
func (s *Service) phantom(p *pool, name string) *store.User {
	poolID := p.rec.ID
	salt := s.seal.MAC("phantom-salt", poolID, name)[:srp.SaltLen]
	v, err := hkdf.Key(sha256.New, s.seal.MAC("phantom-verifier", poolID, name), nil, "cognate phantom verifier", 3072/8)
	if err != nil {
		panic("idp: hkdf: " + err.Error()) // only fails for lengths it cannot produce
	}
	// Below 2^3071, hence below N, whose top bit is set.
	v[0] &= 0x7f
	return &store.User{PoolID: poolID, Username: name, Salt: salt, Enabled: true, Status: StatusConfirmed,
		Verifier: s.seal.Encrypt(v, "verifier|"+poolID+"|"+name)}
}

// phantomFailure stands in, for a phantom, for the store writes a wrong
// password costs a real user: the failure count, and the sign-in event in
// pools that keep them (failedSignIn). Each is a one-time mark that expires
// in a minute. Writes wait for the disk; without them an unknown user would
// answer measurably faster.
func (s *Service) phantomFailure(ctx context.Context, p *pool, answer error) error {
	writes := 1
	if p.keepsAuthEvents() {
		writes++
	}
	for range writes {
		s.st.MarkUsed(ctx, "phantom:"+randomToken(12), s.now().Add(time.Minute))
	}
	return answer
}

func phantomUUID(b []byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

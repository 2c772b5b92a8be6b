package idp

import (
	"context"
	"time"

	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
)

// session is the sealed state of a sign-in between two calls (package
// signin keeps it).
type session = signin.Session

const (
	stageAssociated = signin.StageAssociated
	stageVerified   = signin.StageVerified
)

// newSession starts a session for challenge, valid for the client's
// AuthSessionValidity.
func (s *Service) newSession(c *client, u *store.User, challenge string, authTime time.Time) *session {
	return &session{ID: randomToken(12), Pool: c.pool.rec.ID, Client: c.rec.ID, User: u.Username, Challenge: challenge,
		Expires: s.now().Add(c.sessionValidity()).Unix(), AuthTime: authTime.Unix()}
}

// next derives the session for the following step: a new id and expiry,
// the rest carried over.
func (s *Service) next(c *client, prev *session, challenge, stage string) *session {
	n := *prev
	n.ID = randomToken(12)
	n.Challenge, n.Stage = challenge, stage
	n.Expires = s.now().Add(c.sessionValidity()).Unix()
	return &n
}

func (s *Service) sealSession(ss *session) string { return s.states.Seal(ss) }

// openSession opens a session text and checks it has not expired. The
// caller checks client and challenge.
func (s *Service) openSession(text string) (*session, error) { return s.states.Open(text) }

// spend marks a session used, so that it yields tokens once only.
func (s *Service) spend(ctx context.Context, ss *session) error { return s.states.Spend(ctx, ss) }

package idp

import (
	"github.com/cognate-idp/cognate/internal/signin"
)

// session is the sealed state of a sign-in between two calls (package
// signin keeps it); MFA set-up (mfa.go) continues an MFA_SETUP session.
type session = signin.Session

const (
	stageAssociated = signin.StageAssociated
	stageVerified   = signin.StageVerified
)

// next derives the session for the following step: a new id and expiry,
// the rest carried over.
func (s *Service) next(c *client, prev *session, challenge, stage string) *session {
	n := *prev
	n.ID = randomToken(12)
	n.Challenge, n.Stage = challenge, stage
	n.Expires = s.now().Add(c.sessionValidity()).Unix()
	return &n
}

func (s *Service) sealSession(ss *session) string { return s.auth.States().Seal(ss) }

// openSession opens a session text and checks it has not expired. The
// caller checks client and challenge.
func (s *Service) openSession(text string) (*session, error) { return s.auth.States().Open(text) }

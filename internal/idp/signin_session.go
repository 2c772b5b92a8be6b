package idp

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// session is the state of a sign-in between two calls. It travels to the
// client sealed (AEAD), so any node can continue a sign-in another began;
// only the fact that it was spent is kept in the store.
type session struct {
	ID        string `json:"i"`
	Pool      string `json:"p"`
	Client    string `json:"c"`
	User      string `json:"u"` // canonical username
	Challenge string `json:"ch"`
	Stage     string `json:"st,omitempty"` // MFA_SETUP: "", "associated", "verified"
	Expires   int64  `json:"e"`
	AuthTime  int64  `json:"at"`
	DeviceKey string `json:"dk,omitempty"`
	// Ticket names the device ticket of a DEVICE_SRP_AUTH session (see
	// deviceticket.go); the device proof's own state travels in its
	// SECRET_BLOCK, as PASSWORD_VERIFIER's does.
	Ticket string `json:"tk,omitempty"`
}

const sessionContext = "cognate session"

const (
	stageAssociated = "associated"
	stageVerified   = "verified"
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

func (s *Service) sealSession(ss *session) string {
	b, _ := json.Marshal(ss)
	return s.seal.SealString(b, sessionContext)
}

// openSession opens a session text and checks it has not expired. The
// caller checks client and challenge.
func (s *Service) openSession(text string) (*session, error) {
	if text == "" {
		return nil, api.Errorf(api.ErrInvalidParameter, "Missing required parameter Session")
	}
	b, err := s.seal.OpenString(text, sessionContext)
	if err != nil {
		return nil, api.ErrBadSession
	}
	var ss session
	if err := json.Unmarshal(b, &ss); err != nil {
		return nil, api.ErrBadSession
	}
	if s.now().Unix() >= ss.Expires {
		return nil, api.ErrBadSession
	}
	return &ss, nil
}

// spend marks a session used, so that it yields tokens once only.
func (s *Service) spend(ctx context.Context, ss *session) error {
	err := s.st.MarkUsed(ctx, "session:"+ss.ID, time.Unix(ss.Expires, 0))
	if errors.Is(err, store.ErrExists) {
		return api.ErrBadSession
	}
	return internal(err)
}

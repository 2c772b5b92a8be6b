package mail

import (
	"context"
	"log/slog"
	"slices"
	"sync"

	"github.com/cognate-idp/cognate/internal/idp"
)

// Outbox is the development delivery (an idp.Delivery): it keeps the last messages in memory
// for GET /_cognate/outbox and logs that a message went out (never the code).
type Outbox struct {
	mu   sync.Mutex
	max  int
	msgs []idp.Message
	log  *slog.Logger
	// Names, when set, gives the usernames a searched name may stand for
	// in a pool (the username, or an email, phone or alias of its user),
	// so that messages can be found by the name a person signs in with.
	Names func(ctx context.Context, poolID, name string) []string
}

// NewOutbox keeps up to max messages.
func NewOutbox(max int, log *slog.Logger) *Outbox { return &Outbox{max: max, log: log} }

// Deliver records m.
func (o *Outbox) Deliver(_ context.Context, m idp.Message) error {
	o.mu.Lock()
	o.msgs = append(o.msgs, m)
	if len(o.msgs) > o.max {
		o.msgs = append([]idp.Message(nil), o.msgs[len(o.msgs)-o.max:]...)
	}
	o.mu.Unlock()
	o.log.Info("code delivered to outbox", "pool", m.PoolID, "username", m.Username, "purpose", m.Purpose, "medium", m.Medium)
	return nil
}

// Messages returns the kept messages, oldest first, optionally only those of
// one pool and user. The user may be named by username, or by any name the
// Names hook resolves in the message's pool (an email or phone number used as
// username, an alias), with or without the pool.
func (o *Outbox) Messages(poolID, username string) []idp.Message {
	o.mu.Lock()
	kept := []idp.Message{}
	for _, m := range o.msgs {
		if poolID == "" || m.PoolID == poolID {
			kept = append(kept, m)
		}
	}
	o.mu.Unlock()
	if username == "" {
		return kept
	}
	// The names the user goes by, per pool, resolved outside the lock.
	names := map[string][]string{}
	out := []idp.Message{}
	for _, m := range kept {
		n, ok := names[m.PoolID]
		if !ok {
			n = []string{username}
			if o.Names != nil {
				n = o.Names(context.Background(), m.PoolID, username)
			}
			names[m.PoolID] = n
		}
		if slices.Contains(n, m.Username) {
			out = append(out, m)
		}
	}
	return out
}

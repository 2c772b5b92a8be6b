package idp

import (
	"context"
	"slices"

	"github.com/cognate-idp/cognate/internal/store"
)

// OutboxUsernames returns the usernames a name may stand for in a pool, for
// searching delivered messages: the name itself, the user whose username it
// is, and the users who have it as a sign-in attribute (email or phone as
// username) or alias, verified or not, since a code is often sent to confirm
// that very attribute. A pool that does not exist yields the name alone.
func (s *Service) OutboxUsernames(ctx context.Context, poolID, name string) []string {
	names := []string{name}
	if poolID == "" || name == "" {
		return names
	}
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return names
	}
	add := func(n string) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	canon := p.canonicalName(name)
	if u, err := s.st.GetUser(ctx, p.rec.ID, canon); err == nil {
		add(u.Username)
	}
	attrs := append(slices.Clone(p.doc.UsernameAttributes), p.doc.AliasAttributes...)
	for _, attr := range attrs {
		for _, v := range []string{name, canon} {
			users, err := s.st.FindUsers(ctx, p.rec.ID, &store.Filter{Attr: attr, Value: v}, "", 10)
			if err != nil {
				continue
			}
			for _, u := range users {
				add(u.Username)
			}
		}
	}
	return names
}

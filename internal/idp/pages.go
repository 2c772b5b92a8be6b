package idp

import (
	"context"
	"sync"
)

// The server's own pages (package hosted's sign-in pages, package
// console) call the Cognito operations on a user's behalf. They are not an
// outside client: a request of theirs is marked with PagesRequest, and in
// it the app client is read from the store once and taken as the caller
// itself, so the pages neither hold nor compute a SECRET_HASH. Every OAuth
// endpoint that acts for an outside client authenticates it first
// (CheckClientSecret, or the ClientSecret the refresh and revoke
// operations compare); the mark never reaches the API, whose requests are
// built by package httpapi.

type pagesKey struct{}

// pagesCall is one page request: the app clients it has loaded.
type pagesCall struct {
	mu      sync.Mutex
	clients map[string]*client
}

// PagesRequest marks ctx as one request of the server's own pages.
func PagesRequest(ctx context.Context) context.Context {
	return context.WithValue(ctx, pagesKey{}, &pagesCall{clients: map[string]*client{}})
}

func (p *pagesCall) client(id string) *client {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.clients[id]
}

func (p *pagesCall) keep(c *client) {
	p.mu.Lock()
	p.clients[c.rec.ID] = c
	p.mu.Unlock()
}

package idp

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

type clientReads struct {
	store.Store
	n atomic.Int64
}

func (c *clientReads) GetClient(ctx context.Context, id string) (*store.Client, error) {
	c.n.Add(1)
	return c.Store.GetClient(ctx, id)
}

// TestPagesRequest: in a request marked as the server's own pages the app
// client is read from the store once, however many operations the page
// drives, and is taken as the caller itself, so no SECRET_HASH is needed;
// the same calls outside such a request still need it.
func TestPagesRequest(t *testing.T) {
	pool := &api.CreateUserPoolInput{}
	pool.AutoVerifiedAttributes = []string{"email"}
	e := newTestEnv(t, pool, func(in *api.CreateUserPoolClientInput) { in.GenerateSecret = true })
	reads := &clientReads{Store: e.svc.st}
	e.svc.st = reads
	password := "Passw0rd!x"
	email := "pat@example.com"
	signUp := &api.SignUpInput{ClientId: e.client, Username: "pat", Password: &password,
		UserAttributes: []api.AttributeType{{Name: "email", Value: &email}}}
	resend := &api.ResendConfirmationCodeInput{ClientId: e.client, Username: "pat"}

	ctx := context.Background()
	if _, err := e.svc.SignUp(ctx, signUp); !api.IsCode(err, api.ErrNotAuthorized) {
		t.Fatalf("SignUp without SECRET_HASH outside the pages: %v", err)
	}
	page := PagesRequest(ctx)
	before := reads.n.Load()
	if _, err := e.svc.HostedClient(page, e.client); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SignUp(page, signUp); err != nil {
		t.Fatalf("SignUp on a page: %v", err)
	}
	if _, err := e.svc.ResendConfirmationCode(page, resend); err != nil {
		t.Fatalf("ResendConfirmationCode on a page: %v", err)
	}
	if n := reads.n.Load() - before; n != 1 {
		t.Fatalf("a page request read the client %d times, want 1", n)
	}
	if _, err := e.svc.ResendConfirmationCode(ctx, resend); !api.IsCode(err, api.ErrNotAuthorized) {
		t.Fatalf("ResendConfirmationCode without SECRET_HASH after a page request: %v", err)
	}
	if _, err := e.svc.ResendConfirmationCode(PagesRequest(ctx), &api.ResendConfirmationCodeInput{ClientId: "nosuchclient0000000000000", Username: "pat"}); !api.IsCode(err, api.ErrResourceNotFound) {
		t.Fatalf("an unknown client on a page: %v", err)
	}
}

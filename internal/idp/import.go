package idp

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/google/uuid"
)

// ImportUser is one user for ImportUsers: a confirmed user with a password
// and, when TOTPSecret is set, a verified, enabled and preferred
// authenticator.
type ImportUser struct {
	Username   string
	Password   string
	Attributes map[string]string
	TOTPSecret string // base32, as AssociateSoftwareToken hands it out
}

// ImportUsers writes confirmed users straight to the store, a batch to a
// transaction, without the API's one-request-per-user path. Each user is
// real: its own sub, salt and SRP verifier, its secrets sealed with the
// master key, exactly as sign-up and TOTP set-up would leave them. It is how
// the benchmark fills a pool with a million users.
//
// The password policy is not applied (the caller chose the passwords), and
// pools that sign in by email or phone are refused, since their usernames
// are generated.
func (s *Service) ImportUsers(ctx context.Context, poolID string, users []ImportUser) error {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return err
	}
	if len(p.doc.UsernameAttributes) > 0 {
		return api.Errorf(api.ErrInvalidParameter, api.MsgImportWithUsernameAttributes)
	}
	recs := make([]*store.User, len(users))
	for i, in := range users {
		var attrs []api.AttributeType
		for k, v := range in.Attributes {
			attrs = append(attrs, api.AttributeType{Name: k, Value: &v})
		}
		checked, err := checkAttributes(p, attrs)
		if err != nil {
			return err
		}
		now := s.now()
		recs[i] = &store.User{PoolID: p.rec.ID, Username: p.canonicalName(in.Username), Sub: uuid.NewString(),
			Status: StatusConfirmed, Enabled: true, Created: now, Updated: now, Attributes: checked, Codes: map[string]store.Code{}}
	}
	// The verifiers are the cost (one 3072-bit exponentiation each): make
	// them on every core.
	var wg sync.WaitGroup
	errs := make([]error, len(users))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, u := range recs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = s.setPassword(u, users[i].Password)
			if sec := users[i].TOTPSecret; sec != "" {
				u.TOTPSecret = s.seal.Encrypt([]byte(sec), totpContext(u))
				u.TOTPEnabled, u.PreferredMFA = true, "SOFTWARE_TOKEN_MFA"
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return internal(err)
	}
	if err := s.st.CreateUsers(ctx, recs); err != nil {
		if errors.Is(err, store.ErrExists) {
			return api.Errorf(api.ErrUsernameExists, api.MsgUserExists)
		}
		return internal(err)
	}
	return nil
}

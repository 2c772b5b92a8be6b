package idp

import (
	"crypto/hmac"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store"
)

// historySize is the pool's PasswordPolicy.PasswordHistorySize (0: off).
func (p *pool) historySize() int {
	if p.doc.Policies == nil || p.doc.Policies.PasswordPolicy == nil || p.doc.Policies.PasswordPolicy.PasswordHistorySize == nil {
		return 0
	}
	return int(*p.doc.Policies.PasswordPolicy.PasswordHistorySize)
}

// passwordMACs are the keyed hashes of pw for u under every master key, so
// that a history recorded before a key rotation is still recognised. The
// hash is keyed by the master key and bound to the pool and user: without
// the key a stolen history is no dictionary target, and two users with the
// same password get different entries.
func (s *Service) passwordMACs(u *store.User, pw string) [][]byte {
	return s.seal.MACs("password-history", u.PoolID, u.Username, pw)
}

// reusedPassword refuses pw if it is one of the user's last
// PasswordHistorySize passwords (the current one included).
func (s *Service) reusedPassword(p *pool, u *store.User, pw string) error {
	n := p.historySize()
	if n == 0 {
		return nil
	}
	reused := false
	for _, h := range s.passwordMACs(u, pw) {
		for i, old := range u.PasswordHistory {
			if i < n && hmac.Equal(h, old) {
				reused = true
			}
		}
	}
	if reused {
		return api.Errorf(api.ErrPasswordHistoryViolation, api.MsgPasswordReused)
	}
	return nil
}

// newPassword sets a password the user or an admin chose: it refuses a
// reused one, records it in the history (bounded to the pool's size, none
// kept when the policy is off), and stores its verifier.
func (s *Service) newPassword(p *pool, u *store.User, pw string) error {
	if err := s.reusedPassword(p, u, pw); err != nil {
		return err
	}
	if n := p.historySize(); n > 0 {
		h := s.seal.MAC(seal.MACPasswordHistory, u.PoolID, u.Username, pw)
		u.PasswordHistory = append([][]byte{h}, u.PasswordHistory...)
		if len(u.PasswordHistory) > n {
			u.PasswordHistory = u.PasswordHistory[:n]
		}
	} else {
		u.PasswordHistory = nil
	}
	return s.setPassword(u, pw)
}

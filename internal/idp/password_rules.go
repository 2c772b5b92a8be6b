package idp

import (
	"context"
	"fmt"
)

// passwordSymbols are the characters a password policy counts as symbols
// (Cognito's list, and the space).
const passwordSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "

// PasswordRule is one rule of a pool's password policy, in words for a
// person, and whether a given password meets it.
type PasswordRule struct {
	Text string
	Met  bool
}

// HostedPasswordRules lists the password rules of an app client's pool
// (for the hosted pages, which show them before the user types and name
// every unmet one after a refusal), each checked against password as
// checkPassword checks it.
func (s *Service) HostedPasswordRules(ctx context.Context, clientID, password string) ([]PasswordRule, error) {
	c, err := s.loadClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	pol := defaultPasswordPolicy()
	if d := c.pool.doc.Policies; d != nil && d.PasswordPolicy != nil {
		pol = d.PasswordPolicy
	}
	min := 8
	if pol.MinimumLength != nil {
		min = int(*pol.MinimumLength)
	}
	upper, lower, digit, symbol := passwordClasses(password)
	n := len([]rune(password))
	rules := []PasswordRule{{Text: fmt.Sprintf("at least %d characters", min), Met: n >= min && len(password) <= 256}}
	for _, r := range []struct {
		need, have bool
		text       string
	}{{pol.RequireUppercase, upper, "an uppercase letter"}, {pol.RequireLowercase, lower, "a lowercase letter"},
		{pol.RequireNumbers, digit, "a number"}, {pol.RequireSymbols, symbol, "a symbol, such as ! @ # $ % ^ & *"}} {
		if r.need {
			rules = append(rules, PasswordRule{Text: r.text, Met: r.have})
		}
	}
	return rules, nil
}

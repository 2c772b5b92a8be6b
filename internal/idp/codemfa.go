package idp

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/signin"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/triggers"
)

// MFA codes by text message and email (SMS_MFA and EMAIL_OTP): the pool's
// settings (SmsMfaConfiguration, EmailMfaConfiguration) and the sending of
// a code for package signin, which makes it and checks the answer.
//
// Cognito turns email MFA on only in pools of the Essentials tier whose
// EmailConfiguration sends through Amazon SES (DEVELOPER). Cognate has no
// SES: its email goes through its own Delivery (the development outbox or
// SMTP), so an EmailMfaConfiguration is enough (Cognate's choice).

// purposeMFA is the purpose of an MFA code's message (the outbox shows it).
const purposeMFA = "mfa"

// Cognito's default MFA message; the email subject is Cognate's choice.
const (
	defaultMFABody    = "Your authentication code is {####}. "
	defaultMFASubject = "Your authentication code"
)

// configured reports whether a stored optional setting is present.
func configured(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// SMSMFA reports whether the pool sends MFA codes by text message.
func (c *client) SMSMFA() bool { return configured(c.pool.doc.SmsMfaConfiguration) }

// EmailMFA reports whether the pool sends MFA codes by email.
func (c *client) EmailMFA() bool { return configured(c.pool.doc.EmailMfaConfiguration) }

// renderMFA fills an MFA message from the pool's SmsMfaConfiguration or
// EmailMfaConfiguration, or a CustomMessage_Authentication answer.
func renderMFA(p *pool, m *Message) {
	subject, body := defaultMFASubject, defaultMFABody
	if m.Medium == "SMS" {
		// The pool's own SmsAuthenticationMessage (CreateUserPool,
		// UpdateUserPool) is the same setting in Cognito; the MFA
		// configuration's wins.
		body = nonEmpty(p.doc.SmsAuthenticationMessage, body)
		var cfg api.SmsMfaConfigType
		if json.Unmarshal(p.doc.SmsMfaConfiguration, &cfg) == nil {
			body = nonEmpty(cfg.SmsAuthenticationMessage, body)
		}
	} else {
		var cfg api.EmailMfaConfigType
		if json.Unmarshal(p.doc.EmailMfaConfiguration, &cfg) == nil {
			subject, body = nonEmpty(cfg.Subject, subject), nonEmpty(cfg.Message, body)
		}
	}
	if b := m.custom.body(m.Medium); b != "" {
		body = b
	}
	if m.custom != nil && m.custom.subject != "" && m.Medium == "EMAIL" {
		subject = m.custom.subject
	}
	m.Subject, m.Body = subject, strings.ReplaceAll(body, codePlaceholder, m.Code)
	var ec struct{ From string }
	if json.Unmarshal(p.doc.EmailConfiguration, &ec) == nil {
		m.From = ec.From
	}
}

// DeliverMFACode sends an MFA code now, before anything of the challenge
// exists: a sending that fails is CodeDeliveryFailureException and leaves
// nothing behind (Cognito's model lists that error for failed deliveries;
// which error its sign-in gives for a failed SMS is not documented).
func (k signinCore) DeliverMFACode(ctx context.Context, sc signin.Client, u *store.User, medium, code string) (string, error) {
	c := sc.(*client)
	p := c.pool
	attr := "email"
	if medium == "SMS" {
		attr = "phone_number"
	}
	dest := u.Attributes[attr]
	custom, err := k.s.customMessage(ctx, p, messageRequest{source: triggers.SourceCustomMessageAuthentication, user: u, clientID: c.rec.ID,
		meta: callMetadata(ctx), mediums: []string{medium}, codeLen: codeLength})
	if err != nil {
		return "", err
	}
	m := Message{PoolID: u.PoolID, Username: u.Username, Destination: dest, Medium: medium, Purpose: purposeMFA, Code: code,
		Time: k.s.now(), custom: custom}
	renderMFA(p, &m)
	if err := k.s.delivery.Deliver(ctx, m); err != nil {
		k.s.log.Error("MFA code delivery failed", "pool", m.PoolID, "username", m.Username, "medium", medium, "err", err)
		return "", api.Errorf(api.ErrCodeDeliveryFailure, api.MsgCodeDeliveryFailed)
	}
	return mfaMask(medium, dest), nil
}

// mfaMask hides most of an MFA code's destination as Cognito's sign-in
// challenges show it: "+*******1234" for a phone, "u***@e***.com" for an
// email (the first letter of each part and the top-level domain).
func mfaMask(medium, dest string) string {
	if medium != "EMAIL" {
		return mask(medium, dest)
	}
	local, domain, _ := strings.Cut(dest, "@")
	tld := ""
	if i := strings.LastIndexByte(domain, '.'); i > 0 {
		tld = domain[i:]
	}
	return firstRune(local) + "***@" + firstRune(domain) + "***" + tld
}

// CheckSetupEmail checks the address an MFA_SETUP answer gives for email
// MFA: well formed, and not another user's sign-in address (alias or
// username attribute), as an attribute update would check.
func (k signinCore) CheckSetupEmail(ctx context.Context, sc signin.Client, u *store.User, email string) error {
	if !emailPattern.MatchString(email) {
		return api.Errorf(api.ErrInvalidParameter, api.MsgInvalidEmail)
	}
	return k.s.checkSignInAttributeFree(ctx, sc.(*client).pool, map[string]string{"email": email}, u.Username)
}

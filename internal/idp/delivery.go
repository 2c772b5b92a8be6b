package idp

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"
)

// Message is a code on its way to a user.
type Message struct {
	PoolID      string    `json:"poolId"`
	Username    string    `json:"username"`
	Destination string    `json:"destination"`
	Medium      string    `json:"medium"`
	Purpose     string    `json:"purpose"`
	Code        string    `json:"code"`
	Time        time.Time `json:"time"`
	// Subject and Body are the message as the pool's templates render it
	// (the code in place of {####}, the username of {username}).
	Subject string `json:"subject,omitempty"`
	Body    string `json:"body,omitempty"`
	// From is the pool's sender address, if it configures one.
	From string `json:"-"`
	// custom is the CustomMessage trigger's text, which replaces the
	// templates' where it is usable (custommessage.go).
	custom *customText
}

// Delivery sends codes to users.
type Delivery interface {
	Deliver(ctx context.Context, m Message) error
}

// dropped is the Delivery of a Service configured with none: it logs that a
// message was not sent (never the code).
type dropped struct{ log *slog.Logger }

func (d dropped) Deliver(_ context.Context, m Message) error {
	d.log.Warn("no delivery configured: message dropped", "pool", m.PoolID, "username", m.Username, "purpose", m.Purpose)
	return nil
}

// Cognito's default messages.
const (
	defaultVerifySubject = "Your verification code"
	defaultVerifyBody    = "Your verification code is {####}. "
	defaultInviteSubject = "Your temporary password"
	defaultInviteBody    = "Your username is {username} and temporary password is {####}. "
)

type messageTemplate struct {
	EmailMessage       string
	EmailSubject       string
	EmailMessageByLink string
	DefaultEmailOption string
	SMSMessage         string
}

// render fills the message's subject, body and sender from the pool's
// templates: VerificationMessageTemplate (or EmailVerificationMessage and
// EmailVerificationSubject) for codes, AdminCreateUserConfig's
// InviteMessageTemplate for invitations.
func render(p *pool, m *Message) {
	subject, body := defaultVerifySubject, defaultVerifyBody
	if m.Purpose == purposeWelcome {
		subject, body = welcomeSubject, welcomeBody
	} else if m.Purpose == purposeInvitation {
		subject, body = defaultInviteSubject, defaultInviteBody
		var cfg struct{ InviteMessageTemplate messageTemplate }
		if json.Unmarshal(p.doc.AdminCreateUserConfig, &cfg) == nil {
			subject = nonEmpty(cfg.InviteMessageTemplate.EmailSubject, subject)
			body = nonEmpty(cfg.InviteMessageTemplate.EmailMessage, body)
			if m.Medium == "SMS" {
				body = nonEmpty(cfg.InviteMessageTemplate.SMSMessage, body)
			}
		}
	} else {
		var t messageTemplate
		json.Unmarshal(p.doc.VerificationMessageTemplate, &t)
		subject = nonEmpty(t.EmailSubject, nonEmpty(p.doc.EmailVerificationSubject, subject))
		body = nonEmpty(t.EmailMessage, nonEmpty(p.doc.EmailVerificationMessage, body))
		if m.Medium == "SMS" {
			body = nonEmpty(t.SMSMessage, nonEmpty(p.doc.SmsVerificationMessage, body))
		}
	}
	if b := m.custom.body(m.Medium); b != "" {
		body = b
	}
	if m.custom != nil && m.custom.subject != "" && m.Medium == "EMAIL" {
		subject = m.custom.subject
	}
	r := strings.NewReplacer("{####}", m.Code, "{username}", m.Username)
	m.Subject, m.Body = r.Replace(subject), r.Replace(body)
	var ec struct{ From string }
	if json.Unmarshal(p.doc.EmailConfiguration, &ec) == nil {
		m.From = ec.From
	}
}

func nonEmpty(s, dflt string) string {
	if s != "" {
		return s
	}
	return dflt
}

// deliver renders and sends a message after the write that stored its code.
// A failed delivery is logged and loses nothing: the code is stored and the
// user can ask for it again.
func (s *Service) deliver(ctx context.Context, p *pool, m Message) {
	render(p, &m)
	if err := s.delivery.Deliver(ctx, m); err != nil {
		s.log.Error("message delivery failed", "pool", m.PoolID, "username", m.Username, "purpose", m.Purpose, "err", err)
	}
}

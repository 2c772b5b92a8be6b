package idp

import (
	"context"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/triggers"
)

// The CustomMessage trigger: before a code (or a temporary password) goes
// out, the pool's function may write the message. It is called before the
// write that stores the code, with the placeholders only (Cognito sends
// codeParameter "{####}", never the code), so that a function that fails
// refuses the whole operation and leaves nothing half done: Cognate's
// choice, as Cognito does not document whether the user of a SignUp whose
// CustomMessage failed is kept.

// The placeholders Cognito sends and replaces.
const (
	codePlaceholder     = "{####}"
	usernamePlaceholder = "{username}"
)

// Cognito's limits for a custom message, the code included: 20,000
// UTF-8 characters for an email, 140 for an SMS; 140 for a subject (the
// limit of the pool's EmailSubject template).
const (
	maxCustomEmail   = 20000
	maxCustomSMS     = 140
	maxCustomSubject = 140
)

// customEmailPattern is the pattern Cognito holds email messages to (that
// of VerificationMessageTemplate.EmailMessage), anchored. Java's \s, which
// Cognito's pattern means, is the ASCII white space only.
var customEmailPattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\x0B\f\r *]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\x0B\f\r *]*$`)

// customText is what a CustomMessage function answered for one message:
// "" where it left the pool's own text.
type customText struct {
	email, subject, sms string
	// invite: the message carries a username and a temporary password.
	invite bool
}

// body is the function's text for a medium, or "" where the pool's
// template stays. A message without the code placeholder (or, for an
// invitation, without the username one) is not used: Cognito then sends
// the pool's message, as users of Cognito report for invitations whose
// custom body lacked {username} (their custom subject was still used).
func (t *customText) body(medium string) string {
	if t == nil {
		return ""
	}
	b := t.email
	if medium == "SMS" {
		b = t.sms
	}
	if !strings.Contains(b, codePlaceholder) || (t.invite && !strings.Contains(b, usernamePlaceholder)) {
		return ""
	}
	return b
}

// messageRequest is one message on its way: what the trigger is told.
type messageRequest struct {
	source   string
	user     *store.User
	clientID string
	meta     map[string]string
	// mediums are those the message goes by (EMAIL, SMS).
	mediums []string
	// codeLen is the length of what replaces {####} (6 for a code, the
	// temporary password's for an invitation), for the length limits.
	codeLen int
}

// customMessage calls the pool's CustomMessage function, if it has one, for
// a message about to be sent, and checks its answer against Cognito's
// limits for the mediums the message goes by. It returns nil when the pool
// has no function.
func (s *Service) customMessage(ctx context.Context, p *pool, r messageRequest) (*customText, error) {
	if arn, _ := p.trigger(triggers.CustomMessage); arn == "" || len(r.mediums) == 0 {
		return nil, nil
	}
	invite := r.source == triggers.SourceCustomMessageAdminCreateUser
	req := triggers.CustomMessageRequest{UserAttributes: triggerAttributes(p, r.user), CodeParameter: codePlaceholder, ClientMetadata: r.meta}
	if invite {
		req.UsernameParameter = ptr(usernamePlaceholder)
	}
	var resp triggers.CustomMessageResponse
	if _, err := s.callTrigger(ctx, p, triggers.CustomMessage, &triggers.Event{TriggerSource: r.source, UserName: r.user.Username,
		CallerContext: triggers.CallerContext{ClientID: r.clientID}, Request: req, Response: triggers.CustomMessageResponse{}}, &resp); err != nil {
		return nil, err
	}
	t := &customText{invite: invite}
	if resp.EmailMessage != nil {
		t.email = *resp.EmailMessage
	}
	if resp.EmailSubject != nil {
		t.subject = *resp.EmailSubject
	}
	if resp.SMSMessage != nil {
		t.sms = *resp.SMSMessage
	}
	// Lengths count the message as sent: the code (or password) and the
	// username in place of their placeholders.
	sent := func(b string) int {
		n := utf8.RuneCountInString(b)
		n += strings.Count(b, codePlaceholder) * (r.codeLen - utf8.RuneCountInString(codePlaceholder))
		if invite {
			n += strings.Count(b, usernamePlaceholder) * (utf8.RuneCountInString(r.user.Username) - utf8.RuneCountInString(usernamePlaceholder))
		}
		return n
	}
	for _, m := range r.mediums {
		b := t.body(m)
		switch {
		case m == "SMS" && sent(b) > maxCustomSMS:
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgCustomSMSLength)
		case m != "EMAIL":
		case sent(b) > maxCustomEmail:
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgCustomEmailLength)
		case b != "" && !customEmailPattern.MatchString(b):
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgCustomEmailPattern, b)
		case utf8.RuneCountInString(t.subject) > maxCustomSubject:
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgCustomSubject)
		}
	}
	return t, nil
}

// triggerAttributes is a user's attributes as triggers see them: with the
// sub and, as Cognito adds them, cognito:user_status and, for a verified
// email or phone that is an alias of the pool, cognito:email_alias or
// cognito:phone_number_alias.
func triggerAttributes(p *pool, u *store.User) map[string]string {
	m := make(map[string]string, len(u.Attributes)+3)
	for k, v := range u.Attributes {
		m[k] = v
	}
	m["sub"] = u.Sub
	m["cognito:user_status"] = u.Status
	for _, a := range []string{"email", "phone_number"} {
		if contains(p.doc.AliasAttributes, a) && u.Attributes[a] != "" && u.Attributes[a+"_verified"] == "true" {
			m["cognito:"+a+"_alias"] = u.Attributes[a]
		}
	}
	return m
}

package idp

import (
	"encoding/json"
	"testing"

	"github.com/cognate-idp/cognate/internal/api"
)

func TestRenderTemplates(t *testing.T) {
	p := &pool{}
	m := Message{Purpose: purposeSignUp, Code: "123456", Username: "ann", Medium: "EMAIL"}
	render(p, &m)
	if m.Subject != "Your verification code" || m.Body != "Your verification code is 123456. " {
		t.Fatalf("default: %q %q", m.Subject, m.Body)
	}
	p.doc.UserPoolSettings = api.UserPoolSettings{
		VerificationMessageTemplate: json.RawMessage(`{"EmailMessage":"Hi {username}, code {####}","EmailSubject":"Welcome"}`),
		AdminCreateUserConfig:       json.RawMessage(`{"InviteMessageTemplate":{"EmailMessage":"User {username} pw {####}","EmailSubject":"Join"}}`),
		EmailConfiguration:          json.RawMessage(`{"From":"Team <team@example.com>"}`),
	}
	m = Message{Purpose: purposeForgot, Code: "654321", Username: "ann", Medium: "EMAIL"}
	render(p, &m)
	if m.Subject != "Welcome" || m.Body != "Hi ann, code 654321" || m.From != "Team <team@example.com>" {
		t.Fatalf("verification template: %+v", m)
	}
	m = Message{Purpose: purposeInvitation, Code: "Tmp-1", Username: "ann", Medium: "EMAIL"}
	render(p, &m)
	if m.Subject != "Join" || m.Body != "User ann pw Tmp-1" {
		t.Fatalf("invite template: %+v", m)
	}
}

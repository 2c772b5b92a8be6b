package idp

import "testing"

// The email pattern is Cognito's (Java's \p classes and ASCII \s): HTML,
// quotes, emoji and line breaks pass; control characters and the
// no-break space (a separator Java's \s does not match) do not.
func TestCustomEmailPattern(t *testing.T) {
	for body, want := range map[string]bool{
		"<html><body style=\"color:#333\">\n\t<p>Hi! Your code: <b>{####}</b> 🎉</p></body></html>": true,
		"Code {####}":    true,
		"{####}":         true,
		"Code":           false,
		"Ding \a {####}": false,
		"Hi\u00a0{####}": false,
		"{####} \u200b":  false,
	} {
		if got := customEmailPattern.MatchString(body); got != want {
			t.Errorf("%q: match %v, want %v", body, got, want)
		}
	}
}

// A custom text is used only with its placeholders: {####} always, and
// {username} too for an invitation.
func TestCustomTextBody(t *testing.T) {
	v := &customText{email: "code {####}", sms: "sms"}
	if v.body("EMAIL") != "code {####}" || v.body("SMS") != "" {
		t.Errorf("verification: %q %q", v.body("EMAIL"), v.body("SMS"))
	}
	inv := &customText{email: "pw {####}", sms: "{username} {####}", invite: true}
	if inv.body("EMAIL") != "" || inv.body("SMS") != "{username} {####}" {
		t.Errorf("invitation: %q %q", inv.body("EMAIL"), inv.body("SMS"))
	}
	var none *customText
	if none.body("EMAIL") != "" {
		t.Error("nil text has a body")
	}
}

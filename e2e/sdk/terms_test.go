package sdk_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// signupPage opens the hosted sign-up page of an OAuth client, the way a
// browser reaches it from /oauth2/authorize, and returns its HTML.
func (e *env) signupPage(clientID string) string {
	e.t.Helper()
	b := e.browser()
	resp, _ := b.Get("/oauth2/authorize?" + url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {implicitCallback},
		"scope": {"openid"}, "code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"}}.Encode())
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "/login?") {
		e.t.Fatalf("authorize answered %d %q", resp.StatusCode, loc)
	}
	resp, page := b.Get("/signup?" + strings.TrimPrefix(loc, "/login?"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `action="/signup"`) {
		e.t.Fatalf("sign-up page: %d\n%s", resp.StatusCode, page)
	}
	return html.UnescapeString(page)
}

// TestTerms: terms documents are created, described, listed a page at a
// time, updated in place and deleted; the hosted sign-up page links to the
// client's terms of use and privacy policy once it has both (English, else
// the default link); names are unique to a client; every refusal, an
// unknown pool, client and terms id; a deleted client's terms go with it.
func TestTerms(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	clientID := e.client(poolID, func(in *cip.CreateUserPoolClientInput) {
		in.AllowedOAuthFlows = []types.OAuthFlowType{types.OAuthFlowTypeCode}
		in.AllowedOAuthFlowsUserPoolClient = true
		in.AllowedOAuthScopes = []string{"openid"}
		in.CallbackURLs = []string{implicitCallback}
	})
	create := func(client, name string, links map[string]string) (*types.TermsType, error) {
		out, err := e.c.CreateTerms(ctx, &cip.CreateTermsInput{UserPoolId: &poolID, ClientId: &client, TermsName: &name,
			TermsSource: types.TermsSourceTypeLink, Enforcement: types.TermsEnforcementTypeNone, Links: links})
		if err != nil {
			return nil, err
		}
		return out.Terms, nil
	}
	use := must(create(clientID, "terms-of-use", map[string]string{"cognito:default": "https://example.com/terms", "cognito:spanish": "https://example.com/es/terms"}))(t)
	if aws.ToString(use.ClientId) != clientID || aws.ToString(use.UserPoolId) != poolID || aws.ToString(use.TermsName) != "terms-of-use" ||
		use.TermsSource != types.TermsSourceTypeLink || use.Enforcement != types.TermsEnforcementTypeNone || len(use.Links) != 2 ||
		!within(use.CreationDate, e.srv.Clock.Now()) || !within(use.LastModifiedDate, e.srv.Clock.Now()) {
		t.Fatalf("created terms: %+v", use)
	}
	got := must(e.c.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: &poolID, TermsId: use.TermsId}))(t).Terms
	if aws.ToString(got.TermsId) != *use.TermsId || got.Links["cognito:spanish"] != "https://example.com/es/terms" || aws.ToString(got.TermsName) != "terms-of-use" {
		t.Fatalf("described terms: %+v", got)
	}
	// One document is not enough for the page.
	if page := e.signupPage(clientID); strings.Contains(page, "example.com") {
		t.Fatalf("sign-up page links to terms with only the terms of use:\n%s", page)
	}
	privacy := must(create(clientID, "privacy-policy", map[string]string{"cognito:english": "https://example.com/privacy", "cognito:default": "https://example.com/privacy-default"}))(t)
	page := e.signupPage(clientID)
	if !strings.Contains(page, `href="https://example.com/terms"`) || !strings.Contains(page, `href="https://example.com/privacy"`) || strings.Contains(page, "privacy-default") {
		t.Fatalf("sign-up page does not link to the terms of use (default) and the privacy policy (English):\n%s", page)
	}

	// Unique names per client.
	_, err := create(clientID, "terms-of-use", map[string]string{"cognito:default": "https://example.com/other"})
	wantErr(t, err, "TermsExistsException", "terms-of-use")

	// Listed in pages.
	first := must(e.c.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: &poolID, MaxResults: aws.Int32(1)}))(t)
	if len(first.Terms) != 1 || first.NextToken == nil {
		t.Fatalf("first page: %+v", first)
	}
	second := must(e.c.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: &poolID, MaxResults: aws.Int32(1), NextToken: first.NextToken}))(t)
	if len(second.Terms) != 1 || second.NextToken != nil || *second.Terms[0].TermsId == *first.Terms[0].TermsId {
		t.Fatalf("second page: %+v", second)
	}
	all := must(e.c.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: &poolID}))(t).Terms
	if len(all) != 2 {
		t.Fatalf("all terms: %+v", all)
	}
	for _, d := range all {
		if d.Enforcement != types.TermsEnforcementTypeNone || d.CreationDate == nil || d.LastModifiedDate == nil ||
			(*d.TermsId != *use.TermsId && *d.TermsId != *privacy.TermsId) {
			t.Fatalf("listed terms: %+v", d)
		}
	}

	// Updated in place: links replaced, the rest kept.
	e.srv.Clock.Advance(time.Minute)
	up := must(e.c.UpdateTerms(ctx, &cip.UpdateTermsInput{UserPoolId: &poolID, TermsId: use.TermsId,
		Links: map[string]string{"cognito:english": "https://example.com/v2/terms"}}))(t).Terms
	if len(up.Links) != 1 || up.Links["cognito:english"] != "https://example.com/v2/terms" || aws.ToString(up.TermsName) != "terms-of-use" ||
		!up.CreationDate.Equal(*use.CreationDate) || !within(up.LastModifiedDate, e.srv.Clock.Now()) {
		t.Fatalf("updated terms: %+v", up)
	}
	if page := e.signupPage(clientID); !strings.Contains(page, `href="https://example.com/v2/terms"`) {
		t.Fatalf("sign-up page after the update:\n%s", page)
	}
	_, err = e.c.UpdateTerms(ctx, &cip.UpdateTermsInput{UserPoolId: &poolID, TermsId: use.TermsId, TermsName: aws.String("privacy-policy")})
	wantErr(t, err, "TermsExistsException", "privacy-policy")

	// Refusals.
	refused := []struct {
		name  string
		links map[string]string
		msg   string
	}{
		{"terms", map[string]string{"cognito:default": "https://example.com"}, "regular expression pattern"},
		{"terms-of-use", nil, "at least one link"},
		{"terms-of-use", map[string]string{"cognito:klingon": "https://example.com"}, "cognito:klingon"},
		{"terms-of-use", map[string]string{"default": "https://example.com"}, "is not a language"},
		{"terms-of-use", map[string]string{"cognito:default": "javascript:alert(1)"}, "absolute http or https URL"},
		{"terms-of-use", map[string]string{"cognito:default": "/relative/terms"}, "absolute http or https URL"},
		{"terms-of-use", map[string]string{"cognito:default": "https://example.com/" + strings.Repeat("a", 1020)}, "1024"},
	}
	other := e.client(poolID, nil)
	for _, r := range refused {
		_, err := create(other, r.name, r.links)
		wantErr(t, err, "InvalidParameterException", r.msg)
	}
	many := map[string]string{}
	for i := range 14 {
		many[fmt.Sprintf("cognito:x%d", i)] = "https://example.com"
	}
	_, err = create(other, "terms-of-use", many)
	wantErr(t, err, "InvalidParameterException", "Member must have length less than or equal to 13")
	_, err = e.c.CreateTerms(ctx, &cip.CreateTermsInput{UserPoolId: &poolID, ClientId: &other, TermsName: aws.String("terms-of-use"),
		TermsSource: "URL", Enforcement: "STRICT", Links: map[string]string{"cognito:default": "https://example.com"}})
	wantErr(t, err, "InvalidParameterException", "2 validation errors")
	_, err = e.c.UpdateTerms(ctx, &cip.UpdateTermsInput{UserPoolId: &poolID, TermsId: use.TermsId, Links: map[string]string{"cognito:default": "ftp://example.com"}})
	wantErr(t, err, "InvalidParameterException", "absolute http or https URL")
	_, err = e.c.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: &poolID, TermsId: aws.String("not-a-uuid")})
	wantErr(t, err, "InvalidParameterException", "regular expression pattern")
	_, err = e.c.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: &poolID, MaxResults: aws.Int32(61)})
	wantErr(t, err, "InvalidParameterException", "less than or equal to 60")
	_, err = e.c.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: &poolID, NextToken: aws.String("!!")})
	wantErr(t, err, "InvalidParameterException", "pagination token")

	// Unknown pool, client and terms.
	const unknownID = "00000000-0000-4000-8000-000000000000"
	_, err = create("nosuchclient1234567890", "terms-of-use", map[string]string{"cognito:default": "https://example.com"})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.c.CreateTerms(ctx, &cip.CreateTermsInput{UserPoolId: aws.String("us-east-1_nothere1"), ClientId: &clientID, TermsName: aws.String("terms-of-use"),
		TermsSource: types.TermsSourceTypeLink, Enforcement: types.TermsEnforcementTypeNone, Links: map[string]string{"cognito:default": "https://example.com"}})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.c.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: &poolID, TermsId: aws.String(unknownID)})
	wantErr(t, err, "ResourceNotFoundException", unknownID)
	_, err = e.c.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: aws.String("us-east-1_nothere1"), TermsId: use.TermsId})
	wantErr(t, err, "ResourceNotFoundException", "")
	_, err = e.c.UpdateTerms(ctx, &cip.UpdateTermsInput{UserPoolId: &poolID, TermsId: aws.String(unknownID), Enforcement: types.TermsEnforcementTypeNone})
	wantErr(t, err, "ResourceNotFoundException", unknownID)
	_, err = e.c.DeleteTerms(ctx, &cip.DeleteTermsInput{UserPoolId: &poolID, TermsId: aws.String(unknownID)})
	wantErr(t, err, "ResourceNotFoundException", unknownID)
	_, err = e.c.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: aws.String("us-east-1_nothere1")})
	wantErr(t, err, "ResourceNotFoundException", "")
	if n := len(must(e.c.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: &poolID}))(t).Terms); n != 2 {
		t.Fatalf("%d terms after the refusals, want 2", n)
	}

	// Deleted: gone from Describe and from the page.
	must(e.c.DeleteTerms(ctx, &cip.DeleteTermsInput{UserPoolId: &poolID, TermsId: privacy.TermsId}))(t)
	_, err = e.c.DescribeTerms(ctx, &cip.DescribeTermsInput{UserPoolId: &poolID, TermsId: privacy.TermsId})
	wantErr(t, err, "ResourceNotFoundException", "")
	if page := e.signupPage(clientID); strings.Contains(page, "example.com") {
		t.Fatalf("sign-up page links to terms after the privacy policy was deleted:\n%s", page)
	}
	// A deleted client's terms go with it.
	must(create(other, "privacy-policy", map[string]string{"cognito:default": "https://example.com/p"}))(t)
	must(e.c.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: &poolID, ClientId: &other}))(t)
	left := must(e.c.ListTerms(ctx, &cip.ListTermsInput{UserPoolId: &poolID}))(t).Terms
	if len(left) != 1 || *left[0].TermsId != *use.TermsId {
		t.Fatalf("terms after the client's deletion: %+v", left)
	}
}

package idp

import (
	"context"
	"net/url"
	"regexp"
	"time"

	"github.com/google/uuid"

	"github.com/cognate-idp/cognate/internal/api"
)

// Terms documents: links to an app client's terms of use and privacy
// policy, by language. The hosted sign-up page links to them once the
// client has both, as Cognito's managed login does.

// termsDoc is one terms document, kept in the pool's extras by id.
type termsDoc struct {
	ClientID    string
	Name        string
	Source      string
	Enforcement string
	Links       map[string]string
	Created     time.Time
	Modified    time.Time
}

var (
	termsLanguage = regexp.MustCompile(`^cognito:(default|dutch|english|french|spanish|german|bahasa-indonesia|italian|japanese|korean|portuguese-brazil|chinese-(simplified|traditional))$`)
	termsLinkText = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)
)

// checkTermsLinks holds each link to the model (a language Cognito
// localizes to, a URL of 1 to 1024 characters without spaces) and, Cognate's
// choice, to being an absolute http or https URL: the sign-up page links to
// it, and a javascript: or data: link there would run in the user's page.
func checkTermsLinks(links map[string]string) error {
	for lang, link := range links {
		if !termsLanguage.MatchString(lang) {
			return api.Errorf(api.ErrInvalidParameter, api.MsgTermsLanguage, lang)
		}
		u, err := url.Parse(link)
		if len([]rune(link)) > 1024 || !termsLinkText.MatchString(link) || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return api.Errorf(api.ErrInvalidParameter, api.MsgTermsLink, lang)
		}
	}
	return nil
}

// termsNameTaken reports whether the client has another document of that
// name (TermsExistsException: names are unique to a client).
func termsNameTaken(x *poolExtras, clientID, name, except string) bool {
	for id, t := range x.Terms {
		if id != except && t.ClientID == clientID && t.Name == name {
			return true
		}
	}
	return false
}

func describeTerms(poolID, id string, t *termsDoc) *api.TermsType {
	links := t.Links
	if links == nil {
		links = map[string]string{}
	}
	return &api.TermsType{TermsId: id, UserPoolId: poolID, ClientId: t.ClientID, TermsName: t.Name, TermsSource: t.Source,
		Enforcement: t.Enforcement, Links: links, CreationDate: api.At(t.Created), LastModifiedDate: api.At(t.Modified)}
}

// CreateTerms answers CreateTerms. Links is optional in the request but
// required in every answer; Cognate refuses a document without a link
// rather than keep one the page could never show.
func (s *Service) CreateTerms(ctx context.Context, in *api.CreateTermsInput) (*api.TermsOutput, error) {
	if _, err := s.loadPoolClient(ctx, in.UserPoolId, in.ClientId); err != nil {
		return nil, err
	}
	if len(in.Links) == 0 {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgTermsNoLinks)
	}
	if err := checkTermsLinks(in.Links); err != nil {
		return nil, err
	}
	id, now := uuid.NewString(), s.now()
	t := &termsDoc{ClientID: in.ClientId, Name: in.TermsName, Source: in.TermsSource, Enforcement: in.Enforcement, Links: in.Links, Created: now, Modified: now}
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		x := extrasOf(d)
		if termsNameTaken(x, in.ClientId, in.TermsName, "") {
			return api.Errorf(api.ErrTermsExists, api.MsgTermsExists, in.TermsName, in.ClientId)
		}
		if x.Terms == nil {
			x.Terms = map[string]*termsDoc{}
		}
		x.Terms[id] = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.TermsOutput{Terms: describeTerms(in.UserPoolId, id, t)}, nil
}

// poolTerms returns a terms document of the pool.
func (s *Service) poolTerms(ctx context.Context, poolID, id string) (*termsDoc, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return nil, err
	}
	if p.doc.Extras == nil || p.doc.Extras.Terms[id] == nil {
		return nil, api.Errorf(api.ErrResourceNotFound, api.MsgTermsNotFound, id, poolID)
	}
	return p.doc.Extras.Terms[id], nil
}

// DescribeTerms answers DescribeTerms.
func (s *Service) DescribeTerms(ctx context.Context, in *api.DescribeTermsInput) (*api.TermsOutput, error) {
	t, err := s.poolTerms(ctx, in.UserPoolId, in.TermsId)
	if err != nil {
		return nil, err
	}
	return &api.TermsOutput{Terms: describeTerms(in.UserPoolId, in.TermsId, t)}, nil
}

// UpdateTerms answers UpdateTerms: the members given replace the stored
// ones (Links as a whole), the others stay.
func (s *Service) UpdateTerms(ctx context.Context, in *api.UpdateTermsInput) (*api.TermsOutput, error) {
	if in.Links != nil {
		if err := checkTermsLinks(in.Links); err != nil {
			return nil, err
		}
	}
	var out *termsDoc
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		x := extrasOf(d)
		t := x.Terms[in.TermsId]
		if t == nil {
			return api.Errorf(api.ErrResourceNotFound, api.MsgTermsNotFound, in.TermsId, in.UserPoolId)
		}
		if in.TermsName != "" && termsNameTaken(x, t.ClientID, in.TermsName, in.TermsId) {
			return api.Errorf(api.ErrTermsExists, api.MsgTermsExists, in.TermsName, t.ClientID)
		}
		c := *t
		if in.TermsName != "" {
			c.Name = in.TermsName
		}
		if in.TermsSource != "" {
			c.Source = in.TermsSource
		}
		if in.Enforcement != "" {
			c.Enforcement = in.Enforcement
		}
		if in.Links != nil {
			c.Links = in.Links
		}
		c.Modified = s.now()
		x.Terms[in.TermsId], out = &c, &c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.TermsOutput{Terms: describeTerms(in.UserPoolId, in.TermsId, out)}, nil
}

// DeleteTerms answers DeleteTerms.
func (s *Service) DeleteTerms(ctx context.Context, in *api.DeleteTermsInput) (*api.Empty, error) {
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		x := extrasOf(d)
		if x.Terms[in.TermsId] == nil {
			return api.Errorf(api.ErrResourceNotFound, api.MsgTermsNotFound, in.TermsId, in.UserPoolId)
		}
		delete(x.Terms, in.TermsId)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// ListTerms answers ListTerms: the pool's documents in id order;
// NextToken is the id of the last one returned.
func (s *Service) ListTerms(ctx context.Context, in *api.ListTermsInput) (*api.ListTermsOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	var terms map[string]*termsDoc
	if p.doc.Extras != nil {
		terms = p.doc.Extras.Terms
	}
	ids, next, err := keyPage(terms, in.NextToken, in.MaxResults, pageSize(nil))
	if err != nil {
		return nil, err
	}
	out := &api.ListTermsOutput{Terms: []api.TermsDescriptionType{}, NextToken: next}
	for _, id := range ids {
		t := terms[id]
		out.Terms = append(out.Terms, api.TermsDescriptionType{TermsId: id, TermsName: t.Name, Enforcement: t.Enforcement,
			CreationDate: api.At(t.Created), LastModifiedDate: api.At(t.Modified)})
	}
	return out, nil
}

// TermsLink is a link the hosted sign-up page shows.
type TermsLink struct {
	Text, URL string
}

// hostedTerms returns the client's terms links for the hosted sign-up
// page, in English (the pages' one language) or the default: none until
// the client has both documents, as in Cognito.
func (c *client) hostedTerms() []TermsLink {
	x := c.pool.doc.Extras
	if x == nil {
		return nil
	}
	byName := map[string]string{}
	for _, t := range x.Terms {
		if t.ClientID != c.rec.ID {
			continue
		}
		link := t.Links["cognito:english"]
		if link == "" {
			link = t.Links["cognito:default"]
		}
		if link != "" {
			byName[t.Name] = link
		}
	}
	if byName["terms-of-use"] == "" || byName["privacy-policy"] == "" {
		return nil
	}
	return []TermsLink{{Text: "Terms of use", URL: byName["terms-of-use"]}, {Text: "Privacy policy", URL: byName["privacy-policy"]}}
}

// dropClientExtras removes what the pool keeps for a deleted client:
// terms, UI customization and risk configuration.
func (s *Service) dropClientExtras(ctx context.Context, poolID, clientID string) error {
	p, err := s.loadPool(ctx, poolID)
	if err != nil || p.doc.Extras == nil || !p.doc.Extras.hasClient(clientID) {
		return err
	}
	_, err = s.updatePool(ctx, poolID, func(d *poolDoc) error {
		x := extrasOf(d)
		for id, t := range x.Terms {
			if t.ClientID == clientID {
				delete(x.Terms, id)
			}
		}
		delete(x.UI, clientID)
		delete(x.Risk, clientID)
		return nil
	})
	return err
}

// hasClient reports whether x keeps anything for the client.
func (x *poolExtras) hasClient(clientID string) bool {
	if x.UI[clientID] != nil || x.Risk[clientID] != nil {
		return true
	}
	for _, t := range x.Terms {
		if t.ClientID == clientID {
			return true
		}
	}
	return false
}

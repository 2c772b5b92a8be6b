package idp

import (
	"context"

	"github.com/cognate-idp/cognate/internal/api"
)

// canRead reports whether the app client may read the attribute: every
// attribute when its ReadAttributes is empty, else the listed ones. The sub
// is always readable: it names the user in every token.
func (c *client) canRead(name string) bool {
	return len(c.doc.ReadAttributes) == 0 || name == "sub" || contains(c.doc.ReadAttributes, name)
}

// readable keeps the attributes the client may read.
func (c *client) readable(list []api.AttributeType) []api.AttributeType {
	out := list[:0:0]
	for _, a := range list {
		if c.canRead(a.Name) {
			out = append(out, a)
		}
	}
	return out
}

// checkWritable refuses attributes the client may not write: any not in its
// WriteAttributes when that list is set.
func (c *client) checkWritable(attrs []api.AttributeType) error {
	if len(c.doc.WriteAttributes) == 0 {
		return nil
	}
	for _, a := range attrs {
		if !contains(c.doc.WriteAttributes, a.Name) {
			return api.Errorf(api.ErrNotAuthorized, api.MsgWriteUnauthorizedAttribute)
		}
	}
	return nil
}

// checkTokenWritable is checkWritable for the client of an access token.
func (s *Service) checkTokenWritable(ctx context.Context, accessToken string, attrs []api.AttributeType) error {
	a, err := s.authorize(ctx, accessToken)
	if err != nil {
		return err
	}
	return a.client.checkWritable(attrs)
}

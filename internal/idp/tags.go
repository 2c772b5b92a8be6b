package idp

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/cognate-idp/cognate/internal/api"
)

// Tags: a user pool is the one taggable Cognito resource. Its tags are the
// pool's UserPoolTags, so CreateUserPool, DescribeUserPool and the tagging
// operations agree.

// maxTags is Cognito's limit of tags on one pool.
const maxTags = 50

// poolOfArn returns the id of the pool an ARN names. Only this server's
// region and the user pool resource type are known.
func (s *Service) poolOfArn(arn string) (string, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "cognito-idp" || !strings.HasPrefix(parts[5], "userpool/") {
		return "", api.Errorf(api.ErrInvalidParameter, api.MsgNotPoolARN, arn)
	}
	id := strings.TrimPrefix(parts[5], "userpool/")
	if parts[3] != s.region || id == "" {
		return "", api.Errorf(api.ErrResourceNotFound, api.MsgPoolNotFound, id)
	}
	return id, nil
}

// TagResource answers TagResource: adds or replaces tags on a pool.
func (s *Service) TagResource(ctx context.Context, in *api.TagResourceInput) (*api.Empty, error) {
	id, err := s.poolOfArn(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	for k, v := range in.Tags {
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgTagKeyLength)
		}
		if utf8.RuneCountInString(v) > 256 {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgTagValueLength)
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgTagKeyReserved)
		}
	}
	_, err = s.updatePool(ctx, id, func(d *poolDoc) error {
		merged := make(map[string]string, len(d.UserPoolTags)+len(in.Tags))
		for k, v := range d.UserPoolTags {
			merged[k] = v
		}
		for k, v := range in.Tags {
			merged[k] = v
		}
		if len(merged) > maxTags {
			return api.Errorf(api.ErrInvalidParameter, api.MsgTooManyTags, maxTags)
		}
		d.UserPoolTags = merged
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// UntagResource answers UntagResource; keys the pool does not have are
// ignored.
func (s *Service) UntagResource(ctx context.Context, in *api.UntagResourceInput) (*api.Empty, error) {
	id, err := s.poolOfArn(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	_, err = s.updatePool(ctx, id, func(d *poolDoc) error {
		for _, k := range in.TagKeys {
			delete(d.UserPoolTags, k)
		}
		if len(d.UserPoolTags) == 0 {
			d.UserPoolTags = nil
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// ListTagsForResource answers ListTagsForResource.
func (s *Service) ListTagsForResource(ctx context.Context, in *api.ListTagsForResourceInput) (*api.ListTagsForResourceOutput, error) {
	id, err := s.poolOfArn(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	p, err := s.loadPool(ctx, id)
	if err != nil {
		return nil, err
	}
	return &api.ListTagsForResourceOutput{Tags: p.doc.UserPoolTags}, nil
}

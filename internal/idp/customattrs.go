package idp

import (
	"context"
	"strings"

	"github.com/cognate-idp/cognate/internal/api"
)

// maxCustomAttributes is Cognito's limit of custom attributes in a pool.
const maxCustomAttributes = 50

// AddCustomAttributes answers AddCustomAttributes: new custom (or
// developer-only) attributes on an existing pool. Attributes cannot be
// changed or removed once added, so a name already in the schema is refused.
func (s *Service) AddCustomAttributes(ctx context.Context, in *api.AddCustomAttributesInput) (*api.Empty, error) {
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		have := map[string]bool{}
		custom := 0
		for _, sa := range d.Schema {
			if standardAttributes[sa.Name] || sa.Name == "sub" {
				continue
			}
			custom++
			have[baseName(sa.Name)] = true
		}
		for _, sa := range in.CustomAttributes {
			name := baseName(sa.Name)
			if name == "" {
				return api.Errorf(api.ErrInvalidParameter, api.MsgCustomAttributeNameNull)
			}
			if have[name] {
				return api.Errorf(api.ErrInvalidParameter, api.MsgAttributeExists, schemaName(sa))
			}
			if sa.Required != nil && *sa.Required {
				return api.Errorf(api.ErrInvalidParameter, api.MsgRequiredCustomAttribute)
			}
			have[name] = true
			custom++
			add := sa
			add.Name = name
			if add.AttributeDataType == "" {
				add.AttributeDataType = "String"
			}
			d.Schema = append(d.Schema, add)
		}
		if custom > maxCustomAttributes {
			return api.Errorf(api.ErrInvalidParameter, api.MsgTooManyCustomAttributes, maxCustomAttributes)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// baseName is an attribute's name without its custom: or dev: prefix.
func baseName(name string) string {
	return strings.TrimPrefix(strings.TrimPrefix(name, "custom:"), "dev:")
}

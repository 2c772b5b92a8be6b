package idp

import (
	"context"
	"regexp"
	"strings"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

var filterPattern = regexp.MustCompile(`^\s*([A-Za-z_:]+)\s*(\^=|=)\s*"((?:[^"\\]|\\.)*)"\s*$`)

// filterAttrs maps ListUsers' filterable names to the store's.
var filterAttrs = map[string]string{
	"username": "username", "email": "email", "phone_number": "phone_number", "name": "name",
	"given_name": "given_name", "family_name": "family_name", "preferred_username": "preferred_username",
	"cognito:user_status": "status", "status": "enabled", "sub": "sub",
}

// parseFilter reads ListUsers' Filter: `attribute = "value"` or
// `attribute ^= "value"`.
func parseFilter(f string) (*store.Filter, error) {
	if strings.TrimSpace(f) == "" {
		return nil, nil
	}
	m := filterPattern.FindStringSubmatch(f)
	if m == nil {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgFilterParse)
	}
	attr, ok := filterAttrs[m[1]]
	if !ok {
		return nil, api.Errorf(api.ErrInvalidParameter, api.MsgInvalidSearchAttribute, m[1])
	}
	value := strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[3])
	out := &store.Filter{Attr: attr, Value: value, Prefix: m[2] == "^="}
	if attr == "status" {
		// Cognito matches cognito:user_status without regard to case; the
		// statuses themselves are all upper case.
		out.Value = strings.ToUpper(value)
	}
	if attr == "enabled" {
		switch value {
		case "Enabled":
			out.Value = "true"
		case "Disabled":
			out.Value = "false"
		default:
			return nil, api.Errorf(api.ErrInvalidParameter, api.MsgInvalidStatusFilter)
		}
		out.Prefix = false
	}
	return out, nil
}

// ListUsers answers ListUsers.
func (s *Service) ListUsers(ctx context.Context, in *api.ListUsersInput) (*api.ListUsersOutput, error) {
	if _, err := s.loadPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	f, err := parseFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	after, err := decodePageToken(in.PaginationToken)
	if err != nil {
		return nil, err
	}
	limit := pageSize(in.Limit)
	users, err := s.st.FindUsers(ctx, in.UserPoolId, f, after, limit+1)
	if err != nil {
		return nil, internal(err)
	}
	out := &api.ListUsersOutput{Users: []api.UserType{}}
	if len(users) > limit {
		users = users[:limit]
		out.PaginationToken = encodePageToken(users[limit-1].Username)
	}
	for _, u := range users {
		out.Users = append(out.Users, *userType(u, in.AttributesToGet))
	}
	return out, nil
}

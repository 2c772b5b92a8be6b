package idp

import (
	"context"
	"errors"
	"math"
	"sort"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

func errNoGroup(name string) error {
	return api.Errorf(api.ErrResourceNotFound, api.MsgGroupNotFound, name)
}

func describeGroup(poolID, name string, g *groupDoc) *api.GroupType {
	return &api.GroupType{GroupName: name, UserPoolId: poolID, Description: g.Description, RoleArn: g.RoleArn,
		Precedence: g.Precedence, CreationDate: api.At(g.Created), LastModifiedDate: api.At(g.Updated)}
}

// CreateGroup answers CreateGroup.
func (s *Service) CreateGroup(ctx context.Context, in *api.CreateGroupInput) (*api.GroupOutput, error) {
	var g *groupDoc
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		if _, ok := d.Groups[in.GroupName]; ok {
			return api.Errorf(api.ErrGroupExists, api.MsgGroupExists, in.GroupName)
		}
		if d.Groups == nil {
			d.Groups = map[string]*groupDoc{}
		}
		now := s.now()
		g = &groupDoc{Description: deref(in.Description), RoleArn: deref(in.RoleArn), Precedence: in.Precedence, Created: now, Updated: now}
		d.Groups[in.GroupName] = g
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.GroupOutput{Group: describeGroup(in.UserPoolId, in.GroupName, g)}, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// UpdateGroup answers UpdateGroup: members given replace the group's.
func (s *Service) UpdateGroup(ctx context.Context, in *api.UpdateGroupInput) (*api.GroupOutput, error) {
	var g *groupDoc
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		var ok bool
		if g, ok = d.Groups[in.GroupName]; !ok {
			return errNoGroup(in.GroupName)
		}
		if in.Description != nil {
			g.Description = *in.Description
		}
		if in.RoleArn != nil {
			g.RoleArn = *in.RoleArn
		}
		if in.Precedence != nil {
			g.Precedence = in.Precedence
		}
		g.Updated = s.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.GroupOutput{Group: describeGroup(in.UserPoolId, in.GroupName, g)}, nil
}

// GetGroup answers GetGroup.
func (s *Service) GetGroup(ctx context.Context, in *api.GetGroupInput) (*api.GroupOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	g, ok := p.doc.Groups[in.GroupName]
	if !ok {
		return nil, errNoGroup(in.GroupName)
	}
	return &api.GroupOutput{Group: describeGroup(in.UserPoolId, in.GroupName, g)}, nil
}

// DeleteGroup answers DeleteGroup and removes the group from its members,
// so that a new group of the same name starts empty.
func (s *Service) DeleteGroup(ctx context.Context, in *api.DeleteGroupInput) (*api.Empty, error) {
	_, err := s.updatePool(ctx, in.UserPoolId, func(d *poolDoc) error {
		if _, ok := d.Groups[in.GroupName]; !ok {
			return errNoGroup(in.GroupName)
		}
		delete(d.Groups, in.GroupName)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.eachUser(ctx, in.UserPoolId, func(u *store.User) error {
		if !contains(u.Groups, in.GroupName) {
			return nil
		}
		_, err := s.updateUser(ctx, u, func(u *store.User) error {
			u.Groups = without(u.Groups, in.GroupName)
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

func without(list []string, s string) []string {
	var out []string
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// eachUser calls fn for every user of the pool, in username order, from
// fn returning errStop ends the walk early.
func (s *Service) eachUser(ctx context.Context, poolID string, fn func(*store.User) error) error {
	after := ""
	for {
		batch, err := s.st.FindUsers(ctx, poolID, nil, after, 500)
		if err != nil {
			return internal(err)
		}
		for _, u := range batch {
			after = u.Username
			if err := fn(u); err != nil {
				if err == errStop {
					return nil
				}
				return err
			}
		}
		if len(batch) < 500 {
			return nil
		}
	}
}

var errStop = errors.New("stop walking")

// pageOf cuts a sorted name list after the token, limit at a time.
func pageOf(names []string, token string, limit *int32) (page []string, next string, err error) {
	after, err := decodePageToken(token)
	if err != nil {
		return nil, "", err
	}
	n := pageSize(limit)
	i := sort.SearchStrings(names, after)
	if after != "" && i < len(names) && names[i] == after {
		i++
	}
	page = names[i:]
	if len(page) > n {
		page = page[:n]
		next = encodePageToken(page[n-1])
	}
	return page, next, nil
}

// ListGroups answers ListGroups: the pool's groups.
func (s *Service) ListGroups(ctx context.Context, in *api.ListGroupsInput) (*api.ListGroupsOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	var names []string
	for n := range p.doc.Groups {
		names = append(names, n)
	}
	return groupList(p, names, in.NextToken, in.Limit)
}

// AdminListGroupsForUser answers AdminListGroupsForUser: the user's groups.
func (s *Service) AdminListGroupsForUser(ctx context.Context, in *api.AdminListGroupsForUserInput) (*api.ListGroupsOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	u, err := s.resolveUser(ctx, p, in.Username)
	if err != nil {
		return nil, err
	}
	return groupList(p, groupsOf(p, u), in.NextToken, in.Limit)
}

// groupList is one page of the named groups, in name order.
func groupList(p *pool, names []string, token string, limit *int32) (*api.ListGroupsOutput, error) {
	sort.Strings(names)
	page, next, err := pageOf(names, token, limit)
	if err != nil {
		return nil, err
	}
	out := &api.ListGroupsOutput{Groups: []api.GroupType{}, NextToken: next}
	for _, n := range page {
		out.Groups = append(out.Groups, *describeGroup(p.rec.ID, n, p.doc.Groups[n]))
	}
	return out, nil
}

// groupsOf lists the user's groups that exist.
func groupsOf(p *pool, u *store.User) []string {
	var out []string
	for _, n := range u.Groups {
		if _, ok := p.doc.Groups[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

// setMembership backs AdminAddUserToGroup and AdminRemoveUserFromGroup.
func (s *Service) setMembership(ctx context.Context, poolID, username, group string, member bool) (*api.Empty, error) {
	p, u, err := s.adminUser(ctx, poolID, username)
	if err != nil {
		return nil, err
	}
	if _, ok := p.doc.Groups[group]; !ok {
		return nil, errNoGroup(group)
	}
	_, err = s.updateUser(ctx, u, func(u *store.User) error {
		kept := without(u.Groups, group)
		if member {
			kept = append(kept, group)
		}
		sort.Strings(kept)
		u.Groups = kept
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.Empty{}, nil
}

// AdminAddUserToGroup answers AdminAddUserToGroup.
func (s *Service) AdminAddUserToGroup(ctx context.Context, in *api.AdminAddUserToGroupInput) (*api.Empty, error) {
	return s.setMembership(ctx, in.UserPoolId, in.Username, in.GroupName, true)
}

// AdminRemoveUserFromGroup answers AdminRemoveUserFromGroup.
func (s *Service) AdminRemoveUserFromGroup(ctx context.Context, in *api.AdminRemoveUserFromGroupInput) (*api.Empty, error) {
	return s.setMembership(ctx, in.UserPoolId, in.Username, in.GroupName, false)
}

// ListUsersInGroup answers ListUsersInGroup. Memberships live in the users'
// documents, so this scans the pool's users: fine for thousands of users, a
// dedicated index is the next step for millions.
func (s *Service) ListUsersInGroup(ctx context.Context, in *api.ListUsersInGroupInput) (*api.ListUsersInGroupOutput, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if _, ok := p.doc.Groups[in.GroupName]; !ok {
		return nil, errNoGroup(in.GroupName)
	}
	after, err := decodePageToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageSize(in.Limit)
	out := &api.ListUsersInGroupOutput{Users: []api.UserType{}}
	err = s.eachUser(ctx, p.rec.ID, func(u *store.User) error {
		if u.Username <= after || !contains(u.Groups, in.GroupName) {
			return nil
		}
		if len(out.Users) == limit {
			out.NextToken = encodePageToken(out.Users[limit-1].Username)
			return errStop
		}
		out.Users = append(out.Users, *userType(u, nil))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// tokenGroups orders the user's groups for the cognito:groups claim: by
// precedence (lowest first, groups without one last), then by name. The
// role of the group that takes precedence gives cognito:preferred_role; as
// Cognito documents, groups tied at the top with different roles give none.
func tokenGroups(p *pool, u *store.User) (names, roles []string, preferred string) {
	names = groupsOf(p, u)
	prec := func(n string) int64 {
		if g := p.doc.Groups[n]; g.Precedence != nil {
			return int64(*g.Precedence)
		}
		return math.MaxInt64
	}
	sort.SliceStable(names, func(i, j int) bool { return prec(names[i]) < prec(names[j]) })
	top := int64(-1)
	for _, n := range names {
		r := p.doc.Groups[n].RoleArn
		if r == "" {
			continue
		}
		roles = append(roles, r)
		switch {
		case top < 0:
			top, preferred = prec(n), r
		case prec(n) == top && r != preferred:
			preferred = "" // a tie between roles: neither is preferred
		}
	}
	return names, roles, preferred
}

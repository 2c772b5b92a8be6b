package sdk_test

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestGroups: group management, membership, and cognito:groups in tokens
// ordered by precedence.
func TestGroups(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	ann, bob := e.user(poolID, clientID), e.user(poolID, clientID)

	must(e.c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("readers"), Precedence: aws.Int32(5)}))(t)
	must(e.c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins"), Precedence: aws.Int32(1),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/admin"), Description: aws.String("the admins")}))(t)
	_, err := e.c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins")})
	wantErr(t, err, "GroupExistsException", "")
	g := must(e.c.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &poolID, GroupName: aws.String("admins")}))(t).Group
	if aws.ToString(g.Description) != "the admins" || aws.ToInt32(g.Precedence) != 1 {
		t.Fatalf("GetGroup %+v", g)
	}
	must(e.c.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: &poolID, GroupName: aws.String("readers"), Description: aws.String("can read")}))(t)
	if l := must(e.c.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: &poolID, Limit: aws.Int32(1)}))(t); len(l.Groups) != 1 || l.NextToken == nil {
		t.Fatalf("ListGroups page %+v", l)
	}

	for _, grp := range []string{"readers", "admins"} {
		must(e.c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: &ann, GroupName: aws.String(grp)}))(t)
	}
	must(e.c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: &bob, GroupName: aws.String("readers")}))(t)
	_, err = e.c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: &ann, GroupName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", "")

	tok := must(e.passwordAuth(clientID, ann, password))(t).AuthenticationResult
	id, access := claims(t, *tok.IdToken), claims(t, *tok.AccessToken)
	want := []any{"admins", "readers"}
	if !slices.Equal(id["cognito:groups"].([]any), want) || !slices.Equal(access["cognito:groups"].([]any), want) ||
		id["cognito:preferred_role"] != "arn:aws:iam::123456789012:role/admin" {
		t.Fatalf("group claims: id %v access %v", id["cognito:groups"], access["cognito:groups"])
	}
	forAnn := must(e.c.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &poolID, Username: &ann}))(t)
	if len(forAnn.Groups) != 2 {
		t.Fatalf("AdminListGroupsForUser %+v", forAnn)
	}
	inReaders := must(e.c.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: &poolID, GroupName: aws.String("readers")}))(t)
	if len(inReaders.Users) != 2 {
		t.Fatalf("ListUsersInGroup %+v", inReaders)
	}
	page := must(e.c.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: &poolID, GroupName: aws.String("readers"), Limit: aws.Int32(1)}))(t)
	rest := must(e.c.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: &poolID, GroupName: aws.String("readers"), NextToken: page.NextToken}))(t)
	if len(page.Users) != 1 || len(rest.Users) != 1 || *page.Users[0].Username == *rest.Users[0].Username {
		t.Fatalf("paging: %+v then %+v", page.Users, rest.Users)
	}

	must(e.c.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: &poolID, Username: &ann, GroupName: aws.String("admins")}))(t)
	must(e.c.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: &poolID, GroupName: aws.String("readers")}))(t)
	must(e.c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("readers")}))(t)
	if l := must(e.c.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: &poolID, GroupName: aws.String("readers")}))(t); len(l.Users) != 0 {
		t.Fatalf("a re-created group kept the old members: %+v", l.Users)
	}
	tok = must(e.passwordAuth(clientID, ann, password))(t).AuthenticationResult
	if _, has := claims(t, *tok.AccessToken)["cognito:groups"]; has {
		t.Fatal("groups claim after leaving every group")
	}
}

// TestGroupPrecedence: cognito:groups follows precedence, not names, and
// cognito:preferred_role is the role of the group that takes precedence;
// UpdateGroup's changes show in GetGroup and in the next tokens.
func TestGroupPrecedence(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	ann := e.user(poolID, clientID)
	role := func(n string) string { return "arn:aws:iam::123456789012:role/" + n }
	for _, g := range []struct {
		name string
		prec *int32
		role string
	}{{"zeta", aws.Int32(1), role("zeta")}, {"alpha", aws.Int32(7), role("alpha")}, {"beta", aws.Int32(3), ""}, {"aardvark", nil, role("aardvark")}} {
		in := &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String(g.name), Precedence: g.prec}
		if g.role != "" {
			in.RoleArn = aws.String(g.role)
		}
		must(e.c.CreateGroup(ctx, in))(t)
		must(e.c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: &ann, GroupName: aws.String(g.name)}))(t)
	}
	check := func(groups []any, preferred any, roles []any) {
		t.Helper()
		tok := must(e.passwordAuth(clientID, ann, password))(t).AuthenticationResult
		id, access := claims(t, *tok.IdToken), claims(t, *tok.AccessToken)
		idGroups, _ := id["cognito:groups"].([]any)
		accessGroups, _ := access["cognito:groups"].([]any)
		idRoles, _ := id["cognito:roles"].([]any)
		if !slices.Equal(idGroups, groups) || !slices.Equal(accessGroups, groups) || id["cognito:preferred_role"] != preferred || !slices.Equal(idRoles, roles) {
			t.Fatalf("groups id %v access %v, preferred %v, roles %v; want %v, %v, %v",
				idGroups, accessGroups, id["cognito:preferred_role"], idRoles, groups, preferred, roles)
		}
	}
	check([]any{"zeta", "beta", "alpha", "aardvark"}, role("zeta"), []any{role("zeta"), role("alpha"), role("aardvark")})

	before := must(e.c.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &poolID, GroupName: aws.String("zeta")}))(t).Group
	e.srv.Clock.Advance(time.Minute)
	up := must(e.c.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: &poolID, GroupName: aws.String("zeta"), Precedence: aws.Int32(9),
		Description: aws.String("last now")}))(t).Group
	got := must(e.c.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: &poolID, GroupName: aws.String("zeta")}))(t).Group
	for _, g := range []*types.GroupType{up, got} {
		if aws.ToInt32(g.Precedence) != 9 || aws.ToString(g.Description) != "last now" || aws.ToString(g.RoleArn) != role("zeta") ||
			!g.CreationDate.Equal(*before.CreationDate) || !g.LastModifiedDate.After(*before.LastModifiedDate) {
			t.Fatalf("after UpdateGroup: %+v (before %+v)", g, before)
		}
	}
	check([]any{"beta", "alpha", "zeta", "aardvark"}, role("alpha"), []any{role("alpha"), role("zeta"), role("aardvark")})

	// Groups tied at the top with different roles name no preferred role
	// (Cognito's documented rule); with the same role, that one.
	must(e.c.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: &poolID, GroupName: aws.String("beta"), Precedence: aws.Int32(7), RoleArn: aws.String(role("beta"))}))(t)
	check([]any{"alpha", "beta", "zeta", "aardvark"}, nil, []any{role("alpha"), role("beta"), role("zeta"), role("aardvark")})
	must(e.c.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: &poolID, GroupName: aws.String("beta"), RoleArn: aws.String(role("alpha"))}))(t)
	check([]any{"alpha", "beta", "zeta", "aardvark"}, role("alpha"), []any{role("alpha"), role("alpha"), role("zeta"), role("aardvark")})
}

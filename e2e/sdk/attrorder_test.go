package sdk_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func attrNames(attrs []types.AttributeType) []string {
	var out []string
	for _, a := range attrs {
		out = append(out, *a.Name)
	}
	return out
}

// TestAttributeOrder: GetUser, AdminGetUser, ListUsers and ListUsersInGroup
// list sub first and the rest in Cognito's order; AWS's CLI example of
// admin-get-user is the reference for the four attributes it shows.
// AdminCreateUser lists the attributes as given, then sub.
func TestAttributeOrder(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	create := func(attrs ...string) string {
		name := fmt.Sprintf("user%d", userSeq.Add(1))
		var list []types.AttributeType
		for i := 0; i < len(attrs); i += 2 {
			list = append(list, types.AttributeType{Name: aws.String(attrs[i]), Value: aws.String(attrs[i+1])})
		}
		out := must(e.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: &name,
			MessageAction: types.MessageActionTypeSuppress, UserAttributes: list}))(t)
		want := append(attrNames(list), "sub")
		if got := attrNames(out.User.Attributes); !reflect.DeepEqual(got, want) {
			t.Fatalf("AdminCreateUser attributes %v, want %v", got, want)
		}
		if v := out.User.Attributes[len(want)-1].Value; v == nil || *v == "" {
			t.Fatalf("AdminCreateUser: sub without a value")
		}
		must(e.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &poolID, Username: &name,
			Password: aws.String(password), Permanent: true}))(t)
		return name
	}
	check := func(name string, want []string) {
		t.Helper()
		got := attrNames(must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t).UserAttributes)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("AdminGetUser order %v, want %v", got, want)
		}
		tok := must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult
		if got := attrNames(must(e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken}))(t).UserAttributes); !reflect.DeepEqual(got, want) {
			t.Fatalf("GetUser order %v, want %v", got, want)
		}
		users := must(e.c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID, Filter: aws.String(fmt.Sprintf("username = %q", name))}))(t).Users
		if len(users) != 1 || !reflect.DeepEqual(attrNames(users[0].Attributes), want) {
			t.Fatalf("ListUsers gave %v, want one user with %v", users, want)
		}
		group := "g-" + name
		must(e.c.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: &group}))(t)
		must(e.c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: &name, GroupName: &group}))(t)
		members := must(e.c.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: &poolID, GroupName: &group}))(t).Users
		if len(members) != 1 || !reflect.DeepEqual(attrNames(members[0].Attributes), want) {
			t.Fatalf("ListUsersInGroup gave %v, want one user with %v", members, want)
		}
	}

	// The attributes of AWS's example, given in another order.
	cli := create("email", "cli@example.com", "phone_number", "+15555551212", "email_verified", "true", "phone_number_verified", "true")
	check(cli, []string{"sub", "email_verified", "phone_number_verified", "phone_number", "email"})

	many := create("name", "Ann Example", "email", "ann@example.com", "given_name", "Ann", "family_name", "Example",
		"locale", "en", "zoneinfo", "Europe/Paris", "preferred_username", "ann", "phone_number", "+15555551213",
		"email_verified", "true", "phone_number_verified", "false")
	check(many, []string{"sub", "zoneinfo", "email_verified", "phone_number_verified", "preferred_username", "given_name", "locale",
		"name", "phone_number", "family_name", "email"})

	// AttributesToGet keeps Cognito's order.
	users := must(e.c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID, AttributesToGet: []string{"email", "sub", "email_verified"},
		Filter: aws.String(fmt.Sprintf("username = %q", cli))}))(t).Users
	if len(users) != 1 || !reflect.DeepEqual(attrNames(users[0].Attributes), []string{"sub", "email_verified", "email"}) {
		t.Fatalf("ListUsers with AttributesToGet: %v", users)
	}
}

package idp

import (
	"reflect"
	"testing"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

func TestJavaHash(t *testing.T) {
	// Values of String.hashCode as a JVM prints them.
	for s, want := range map[string]int32{"": 0, "a": 97, "hello": 99162322, "email": 96619420, "custom:team": -1811707706,
		"\U0001F600": 1772899} { // a surrogate pair: two UTF-16 units
		if got := javaHash(s); got != want {
			t.Errorf("javaHash(%q) = %d, want %d", s, got, want)
		}
	}
}

func names(attrs []api.AttributeType) []string {
	var out []string
	for _, a := range attrs {
		out = append(out, a.Name)
	}
	return out
}

func TestAttributeOrder(t *testing.T) {
	cases := []struct {
		attrs []string
		want  []string
	}{
		// AWS CLI example output of admin-get-user.
		{[]string{"email", "phone_number", "email_verified", "phone_number_verified"},
			[]string{"sub", "email_verified", "phone_number_verified", "phone_number", "email"}},
		// The GetUser answer amazon-cognito-identity-js caches as userData.
		{[]string{"email", "email_verified"}, []string{"sub", "email_verified", "email"}},
		// More names: buckets of a 32-entry table (given_name and locale
		// share bucket 12 and keep name order).
		{[]string{"email", "email_verified", "phone_number", "phone_number_verified", "given_name", "family_name", "name", "locale",
			"custom:team", "preferred_username", "zoneinfo", "updated_at"},
			[]string{"sub", "zoneinfo", "email_verified", "custom:team", "phone_number_verified", "preferred_username", "given_name",
				"locale", "updated_at", "name", "phone_number", "family_name", "email"}},
	}
	for _, c := range cases {
		u := &store.User{Sub: "s", Attributes: map[string]string{}}
		for _, a := range c.attrs {
			u.Attributes[a] = "v"
		}
		if got := names(orderedAttributes(u, nil)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("order of %v = %v, want %v", c.attrs, got, c.want)
		}
	}
	// AttributesToGet keeps the order and drops the rest.
	u := &store.User{Sub: "s", Attributes: map[string]string{"email": "e", "email_verified": "true", "name": "n"}}
	if got := names(orderedAttributes(u, []string{"email", "sub", "email_verified"})); !reflect.DeepEqual(got, []string{"sub", "email_verified", "email"}) {
		t.Errorf("with AttributesToGet: %v", got)
	}
	// AdminCreateUser: the request's order, then what the server added,
	// then sub.
	given := []api.AttributeType{{Name: "email"}, {Name: "email_verified"}}
	u = &store.User{Sub: "s", Attributes: map[string]string{"email": "e", "email_verified": "true", "phone_number": "+1"}}
	if got := names(createdUserType(u, given).Attributes); !reflect.DeepEqual(got, []string{"email", "email_verified", "phone_number", "sub"}) {
		t.Errorf("AdminCreateUser order: %v", got)
	}
}

func TestHashMapTable(t *testing.T) {
	for count, want := range map[int]int{1: 32, 24: 32, 25: 64, 48: 64, 49: 128} {
		if got := hashMapTable(count); got != want {
			t.Errorf("hashMapTable(%d) = %d, want %d", count, got, want)
		}
	}
}

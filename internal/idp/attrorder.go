package idp

import (
	"sort"
	"unicode/utf16"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// Cognito lists a user's attributes (GetUser, AdminGetUser, ListUsers,
// ListUsersInGroup) with sub first and the others in the order a Java
// HashMap keyed by the names iterates them: by bucket, the bucket being
// the spread String.hashCode masked by the table size. AWS's CLI example
// of admin-get-user shows sub, email_verified, phone_number_verified,
// phone_number, email, and the user data amazon-cognito-identity-js caches
// from GetUser shows sub, email_verified, email: both that order.
// Applications index into the list (AWS's JavaScript example prints [0] as
// the user's id), so the order is part of the answer.
//
// AdminCreateUser answers differently: a response captured from Cognito
// lists the attributes as the request gave them, with sub last.

// javaHash is java.lang.String.hashCode: s[0]*31^(n-1) + ... over the
// UTF-16 code units, in 32-bit arithmetic.
func javaHash(s string) int32 {
	var h int32
	for _, c := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(c)
	}
	return h
}

// hashMapBucket is the bucket of name in a java.util.HashMap table of size
// n (a power of two): the hash with its high half folded in, masked.
func hashMapBucket(name string, n int) int {
	h := uint32(javaHash(name))
	return int((h ^ h>>16) & uint32(n-1))
}

// hashMapTable is the table size of a HashMap holding count entries: it
// starts at 32 (what Cognito's answers fit) and doubles when more than
// three quarters full, as HashMap does.
func hashMapTable(count int) int {
	n := 32
	for count > n*3/4 {
		n *= 2
	}
	return n
}

// cognitoOrder sorts names (sub excluded) in Cognito's order. Names that
// share a bucket keep name order: which of them Cognito inserted first
// is not known.
func cognitoOrder(names []string) {
	n := hashMapTable(len(names) + 1) // sub is in Cognito's map too
	sort.Slice(names, func(i, j int) bool {
		bi, bj := hashMapBucket(names[i], n), hashMapBucket(names[j], n)
		if bi != bj {
			return bi < bj
		}
		return names[i] < names[j]
	})
}

// orderedAttributes lists u's attributes in Cognito's order, only those
// named in only when it is not empty.
func orderedAttributes(u *store.User, only []string) []api.AttributeType {
	names := make([]string, 0, len(u.Attributes))
	for k := range u.Attributes {
		if k != "sub" {
			names = append(names, k)
		}
	}
	cognitoOrder(names)
	out := []api.AttributeType{}
	add := func(n, v string) {
		if len(only) == 0 || contains(only, n) {
			out = append(out, api.AttributeType{Name: n, Value: &v})
		}
	}
	add("sub", u.Sub)
	for _, n := range names {
		add(n, u.Attributes[n])
	}
	return out
}

// createdUserType is AdminCreateUser's User: the attributes in the order
// the request gave them, then any the server set, then sub.
func createdUserType(u *store.User, given []api.AttributeType) *api.UserType {
	ut := userType(u, nil)
	attrs := make([]api.AttributeType, 0, len(ut.Attributes))
	seen := map[string]bool{"sub": true}
	for _, a := range given {
		if v, ok := u.Attributes[a.Name]; ok && !seen[a.Name] {
			seen[a.Name] = true
			attrs = append(attrs, api.AttributeType{Name: a.Name, Value: &v})
		}
	}
	for _, a := range ut.Attributes {
		if !seen[a.Name] {
			attrs = append(attrs, a)
		}
	}
	ut.Attributes = append(attrs, api.AttributeType{Name: "sub", Value: &u.Sub})
	return ut
}

package sdk_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/internal/httpapi"
)

// badText are strings that are not text: bytes that are not UTF-8 (the two
// user names of issue 19 that decoded to the same string) and an escaped
// half of a surrogate pair. encoding/json would turn each into U+FFFD.
var badText = []string{"ab\xff\xfe\xc3", "ab\xfe\xfe\xfe", `ab\ud800cd`, `ab\udc00`}

// placeholder marks where a bad string goes in a body built with
// encoding/json (which would itself replace invalid bytes).
const placeholder = "@@NOT-TEXT@@"

// stringPaths builds, for each place a string can sit in shape (a string
// member, a list element, a map value, a map key), a JSON value holding the
// placeholder there. Recursion stops at shapes already on the path.
func stringPaths(m *cognitoModel, shape string, seen map[string]bool) []any {
	s := m.Shapes[shape]
	if s == nil || seen[shape] {
		return nil
	}
	switch s.Type {
	case "string":
		return []any{placeholder}
	case "structure":
		seen[shape] = true
		defer delete(seen, shape)
		names := make([]string, 0, len(s.Members))
		for n := range s.Members {
			names = append(names, n)
		}
		sort.Strings(names)
		var out []any
		for _, n := range names {
			for _, v := range stringPaths(m, s.Members[n].Shape, seen) {
				out = append(out, map[string]any{n: v})
			}
		}
		return out
	case "list":
		seen[shape] = true
		defer delete(seen, shape)
		var out []any
		for _, v := range stringPaths(m, s.Member.Shape, seen) {
			out = append(out, []any{v})
		}
		return out
	case "map":
		seen[shape] = true
		defer delete(seen, shape)
		out := []any{map[string]any{placeholder: "value"}}
		for _, v := range stringPaths(m, s.Value.Shape, seen) {
			out = append(out, map[string]any{"key": v})
		}
		return out
	}
	return nil
}

// TestInvalidUTF8Refused: for every operation and every string member of
// its input (nested ones, list elements, map keys and values included), and
// in a member name, a body carrying a string that is not text is refused
// with SerializationException, signed or public, before anything runs.
func TestInvalidUTF8Refused(t *testing.T) {
	m := loadModel(t)
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	before := e.poolState(poolID, name)
	sign := &signing{keyID: e.srv.AccessKeyID, secret: e.srv.SecretAccessKey}

	ops := httpapi.Operations()
	names := make([]string, 0, len(ops))
	for op := range ops {
		names = append(names, op)
	}
	sort.Strings(names)
	sent := 0
	for i, op := range names {
		mop, ok := m.Operations[op]
		if !ok || mop.Input == nil {
			continue
		}
		var s *signing
		if ops[op] {
			s = sign
		}
		bodies := stringPaths(m, mop.Input.Shape, map[string]bool{})
		// A member name that is not text, beside valid members.
		bodies = append(bodies, map[string]any{placeholder: "x", "UserPoolId": poolID, "ClientId": clientID})
		for j, v := range bodies {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			// Cycle through the bad strings so each kind meets every
			// operation over the walk.
			bad := badText[(i+j)%len(badText)]
			body := strings.ReplaceAll(string(b), placeholder, bad)
			a := e.post(op, body, s)
			sent++
			if a.status != 400 || a.code() != "SerializationException" || a.errType != "SerializationException" {
				t.Errorf("%s %q: answered %d %v", op, body, a.status, a.body)
			}
		}
	}
	if sent < 500 {
		t.Fatalf("only %d bodies sent: the walk of the model went wrong", sent)
	}
	if after := e.poolState(poolID, name); after != before {
		t.Fatalf("the pool changed:\n%s\n---\n%s", before, after)
	}
}

// TestInvalidUTF8UserNamesDoNotCollide: the two byte strings that used to
// become one user name are both refused, and a name in valid non-ASCII
// UTF-8 (and an escaped surrogate pair) still works.
func TestInvalidUTF8UserNamesDoNotCollide(t *testing.T) {
	e := newEnv(t)
	poolID, _ := e.pool(types.UserPoolMfaTypeOff)
	sign := &signing{keyID: e.srv.AccessKeyID, secret: e.srv.SecretAccessKey}
	for _, name := range []string{"ab\xff\xfe\xc3", "ab\xfe\xfe\xfe"} {
		a := e.post("AdminCreateUser", fmt.Sprintf(`{"UserPoolId":%q,"Username":"%s","MessageAction":"SUPPRESS"}`, poolID, name), sign)
		if a.code() != "SerializationException" {
			t.Fatalf("user name %q: answered %d %v", name, a.status, a.body)
		}
	}
	a := e.post("AdminCreateUser", fmt.Sprintf(`{"UserPoolId":%q,"Username":"%s","MessageAction":"SUPPRESS"}`, poolID, `j\u00fcrgen\ud83d\ude00`), sign)
	if a.status != 200 {
		t.Fatalf("a valid escaped name: %d %v", a.status, a.body)
	}
	a = e.post("AdminCreateUser", fmt.Sprintf(`{"UserPoolId":%q,"Username":"zoë","MessageAction":"SUPPRESS"}`, poolID), sign)
	if a.status != 200 {
		t.Fatalf("a valid UTF-8 name: %d %v", a.status, a.body)
	}
	users := must(e.c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID, Limit: aws.Int32(60)}))(t)
	got := []string{}
	for _, u := range users.Users {
		got = append(got, *u.Username)
	}
	sort.Strings(got)
	if want := []string{"jürgen😀", "zoë"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("users %q, want %q", got, want)
	}
}

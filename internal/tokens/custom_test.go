package tokens

import (
	"reflect"
	"testing"
)

// TestCustomizeKeepsCognitosClaims: additions and overrides apply, but
// never to Cognito's own claims (nor through a dev: name); suppression
// wins over addition; group claims come only from the group override but
// may be suppressed; simple-only ID claims take no object; scopes change
// only through ScopesAdd and ScopesSuppress.
func TestCustomizeKeepsCognitosClaims(t *testing.T) {
	access := map[string]any{"sub": "s", "client_id": "c", "scope": "aws.cognito.signin.user.admin", "username": "u",
		"token_use": "access", "cognito:groups": []string{"g"}}
	id := map[string]any{"sub": "s", "aud": "c", "email": "a@example.com", "email_verified": true, "cognito:groups": []string{"g"}}
	cz := &Customization{
		IDAdd:          map[string]any{"sub": "x", "aud": "x", "email": "b@example.com", "email_verified": map[string]any{"x": 1}, "dev:x": "y", "both": "v", "cognito:groups": "x", "n": 3.0},
		IDSuppress:     []string{"both", "iss", "cognito:groups"},
		AccessAdd:      map[string]any{"client_id": "x", "scope": "x", "username": "x", "tenant": "t"},
		AccessSuppress: []string{"token_use", "cognito:groups"},
		ScopesAdd:      []string{"a/b", "a/b", "has space", "aws.cognito.signin.user.admin"},
		ScopesSuppress: []string{"aws.cognito.signin.user.admin"},
	}
	cz.customize(access, id)
	wantID := map[string]any{"sub": "s", "aud": "c", "email": "b@example.com", "email_verified": true, "n": 3.0}
	if !reflect.DeepEqual(id, wantID) {
		t.Errorf("ID claims %v, want %v", id, wantID)
	}
	wantAccess := map[string]any{"sub": "s", "client_id": "c", "scope": "a/b", "username": "u", "token_use": "access", "tenant": "t"}
	if !reflect.DeepEqual(access, wantAccess) {
		t.Errorf("access claims %v, want %v", access, wantAccess)
	}
	// Every scope suppressed: no scope claim.
	access = map[string]any{"scope": "a b"}
	(&Customization{ScopesSuppress: []string{"a", "b"}}).customize(access, nil)
	if _, ok := access["scope"]; ok {
		t.Errorf("scope %v left", access["scope"])
	}
	// A nil customization changes nothing.
	var none *Customization
	none.customize(access, id)
	u := &User{Groups: []string{"g"}}
	if none.groups(u) != u {
		t.Error("nil customization copied the user")
	}
	empty := []string{}
	if got := (&Customization{Groups: &empty}).groups(u); len(got.Groups) != 0 || len(u.Groups) != 1 {
		t.Errorf("group override: %v (user's %v)", got.Groups, u.Groups)
	}
}

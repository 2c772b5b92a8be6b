package httpapi

import (
	"strings"
	"testing"
	"time"
)

// TestEveryOperationHasACategory: an operation added to the table without a
// quota category would escape --throttle cognito.
func TestEveryOperationHasACategory(t *testing.T) {
	for name := range Operations() {
		cat := Category(name)
		if _, ok := CognitoQuotas[cat]; !ok && cat != challengeCategory {
			t.Errorf("%s has no quota category", name)
		}
	}
}

// TestParseThrottle: the settings --throttle takes, and the challenge
// answers metered at three times UserAuthentication.
func TestParseThrottle(t *testing.T) {
	for _, spec := range []string{"", "off"} {
		if th, err := ParseThrottle(spec); th != nil || err != nil {
			t.Errorf("%q: %v %v", spec, th, err)
		}
	}
	for _, bad := range []string{"on", "cognito,Nope=3", "UserRead=0", "UserRead=x", "UserRead", "UserRead=5,cognito"} {
		if _, err := ParseThrottle(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	th, err := ParseThrottle("cognito,UserAuthentication=2")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1000, 0)
	count := func(op string) (n int) {
		for th.Allow(op, now) {
			n++
		}
		return n
	}
	if a, c, l := count("InitiateAuth"), count("RespondToAuthChallenge"), count("ListUsers"); a != 2 || c != 6 || l != 30 {
		t.Fatalf("burst: InitiateAuth %d, RespondToAuthChallenge %d, ListUsers %d", a, c, l)
	}
	now = now.Add(500 * time.Millisecond)
	if a := count("AdminInitiateAuth"); a != 1 {
		t.Fatalf("half a second later: %d", a)
	}
	if _, err := ParseThrottle("cognito,Nope=1"); err == nil || !strings.Contains(err.Error(), "UserAuthentication") {
		t.Fatalf("the error should list the categories: %v", err)
	}
}

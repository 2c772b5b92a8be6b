package idp

import "testing"

// TestRandomTokensNeverLookLikeOptions: a refresh token starting with '-'
// broke `aws cognito-idp get-tokens-from-refresh-token --refresh-token`
// (argparse read it as an option; seen in the CLI walkthrough). One token
// in 64 started so; 20000 draws would all miss it with probability 1e-137.
func TestRandomTokensNeverLookLikeOptions(t *testing.T) {
	for i := 0; i < 20000; i++ {
		if s := randomToken(48); s[0] == '-' || len(s) != 64 {
			t.Fatalf("token %q", s)
		}
	}
}

package seal

import "testing"

// TestRandomTokensNeverLookLikeOptions: one base64url token in 64 starts
// with '-', which the AWS CLI reads as an option; 20000 draws would all
// miss such a token with probability 1e-137.
func TestRandomTokensNeverLookLikeOptions(t *testing.T) {
	for i := 0; i < 20000; i++ {
		if s := RandomToken(48); s[0] == '-' || len(s) != 64 {
			t.Fatalf("token %q", s)
		}
	}
}

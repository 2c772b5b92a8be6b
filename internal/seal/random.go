package seal

import (
	"crypto/rand"
	"encoding/base64"
)

// RandomToken returns n random bytes in base64url: refresh tokens and the
// ids of sessions, tickets and states. Such values are passed on command
// lines, so one never starts with '-': the AWS CLI would take
// `--refresh-token -x...` for an option (seen in the CLI walkthrough).
func RandomToken(n int) string {
	b := make([]byte, n)
	for {
		rand.Read(b)
		if s := base64.RawURLEncoding.EncodeToString(b); s[0] != '-' {
			return s
		}
	}
}

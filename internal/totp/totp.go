// Package totp is the authenticator-app code check Cognito uses: RFC 6238
// with HMAC-SHA1, 6 digits and 30-second steps, one step of drift either way,
// and the step that matched returned so the caller can refuse replays.
// The HOTP computation itself is pquerna/otp's.
package totp

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// Period is the length of one time step.
const Period = 30 * time.Second

// Skew is how many steps before or after the current one are accepted.
const Skew = 1

var encoding = base32.StdEncoding.WithPadding(base32.NoPadding)

var opts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewSecret returns 32 random bytes as unpadded base32 (52 characters), the
// form of Cognito's SecretCode.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return encoding.EncodeToString(b)
}

// Step is the time step containing t.
func Step(t time.Time) int64 { return t.Unix() / int64(Period/time.Second) }

// Code returns the code of the given step.
func Code(secret string, step int64) (string, error) {
	return hotp.GenerateCodeCustom(secret, uint64(step), opts)
}

// Now returns the code valid at t.
func Now(secret string, t time.Time) (string, error) { return Code(secret, Step(t)) }

// Result is the outcome of Match.
type Result int

// Match outcomes.
const (
	Mismatch Result = iota // no step in the window has this code
	Accepted               // a step later than the last used one has it
	Replayed               // only an already used step has it
)

// Match looks for the step whose code equals code among the steps within
// Skew of t, trying the current step first. Steps not later than after (the
// last step the user already used) make a Replayed result, so the caller can
// say the code was used rather than wrong.
func Match(secret, code string, t time.Time, after int64) (step int64, r Result) {
	if len(code) != int(otp.DigitsSix) {
		return 0, Mismatch
	}
	now := Step(t)
	replayed := false
	for _, s := range []int64{now, now - 1, now + 1} {
		want, err := Code(secret, s)
		if err != nil {
			return 0, Mismatch
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			if s > after {
				return s, Accepted
			}
			replayed = true
		}
	}
	if replayed {
		return 0, Replayed
	}
	return 0, Mismatch
}

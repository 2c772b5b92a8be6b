package idp

import (
	"context"
	"encoding/base64"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/srp"
)

// asSent stands for "the value a genuine client would send" in fuzz inputs.
const asSent = "@"

// FuzzPasswordClaim answers PASSWORD_VERIFIER with fuzzed USERNAME,
// PASSWORD_CLAIM_SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE, TIMESTAMP and
// DEVICE_KEY. Each run starts a fresh exchange, and "@" in a member stands
// for what a genuine client would send there, so the fuzzer reaches the
// proof check itself. The answer is always a Cognito error, never an
// internal one, and tokens come only for the genuine proof of the user.
func FuzzPasswordClaim(f *testing.F) {
	e := newTestEnv(f, nil, nil)
	name := e.user("alice")
	ctx := context.Background()
	signedIn := false
	for _, s := range [][5]string{
		{asSent, asSent, asSent, asSent, ""},
		{"alice", asSent, asSent, asSent, ""},
		{"bob", asSent, asSent, asSent, ""},
		{asSent, asSent, "AAAA", asSent, ""},
		{asSent, asSent, asSent, "Mon Jan 2 15:04:05 UTC 2006", ""},
		{asSent, asSent, asSent, "Mon Jan 02 15:04:05 UTC 2006", ""},
		{asSent, "AAAA", asSent, asSent, ""},
		{asSent, "!!!", "%%%", "yesterday", ""},
		{asSent, asSent, asSent, asSent, "us-east-1_00000000-0000-4000-8000-000000000000"},
		{"", "", "", "", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	// attempt answers one fresh exchange; "@" members are the genuine ones.
	attempt := func(t testing.TB, user, block, sig, ts, deviceKey string) {
		// Fifteen quiet minutes between runs, so lockouts never stop the
		// fuzzer short of the proof check.
		e.mu.Lock()
		e.now = e.now.Add(16 * time.Minute)
		e.mu.Unlock()
		cl, err := srp.NewClient()
		if err != nil {
			t.Fatal(err)
		}
		ch, err := e.svc.InitiateAuth(ctx, &api.InitiateAuthInput{ClientId: e.client, AuthFlow: "USER_SRP_AUTH",
			AuthParameters: authParams("USERNAME", name, "SRP_A", cl.PublicHex())})
		if err != nil {
			t.Fatal(err)
		}
		p := ch.ChallengeParameters
		genuine, err := cl.Respond(srp.Challenge{PoolName: poolName(e.pool), UserID: p["USER_ID_FOR_SRP"], Salt: p["SALT"], B: p["SRP_B"],
			SecretBlock: p["SECRET_BLOCK"]}, testPassword, e.clock())
		if err != nil {
			t.Fatal(err)
		}
		pick := func(v, genuine string) string {
			if v == asSent {
				return genuine
			}
			return v
		}
		r := map[string]*string{}
		set := func(k, v string) {
			if v != "" {
				r[k] = strp(v)
			}
		}
		set("USERNAME", pick(user, name))
		set("PASSWORD_CLAIM_SECRET_BLOCK", pick(block, genuine.SecretBlock))
		set("PASSWORD_CLAIM_SIGNATURE", pick(sig, genuine.Signature))
		set("TIMESTAMP", pick(ts, genuine.Timestamp))
		set("DEVICE_KEY", deviceKey)
		out, err := e.svc.RespondToAuthChallenge(ctx, &api.RespondToAuthChallengeInput{ClientId: e.client, ChallengeName: "PASSWORD_VERIFIER",
			ChallengeResponses: r})
		if err != nil {
			if e, ok := api.As(err); !ok || e.Code == api.ErrInternal {
				t.Fatalf("user %q block %q signature %q timestamp %q device %q: %v", user, block, sig, ts, deviceKey, err)
			}
			return
		}
		isGenuine := func(k, want string) bool { return r[k] != nil && *r[k] == want }
		if out.AuthenticationResult == nil || !isGenuine("PASSWORD_CLAIM_SECRET_BLOCK", genuine.SecretBlock) ||
			!isGenuine("PASSWORD_CLAIM_SIGNATURE", genuine.Signature) || !isGenuine("TIMESTAMP", genuine.Timestamp) {
			t.Fatalf("signed in with user %q block %q signature %q timestamp %q device %q", user, block, sig, ts, deviceKey)
		}
		signedIn = true
	}
	// The harness must reach a sign-in with the genuine proof, or the
	// fuzzer would only ever see refusals.
	attempt(f, asSent, asSent, asSent, asSent, "")
	if !signedIn {
		f.Fatal("the genuine proof did not sign in")
	}
	f.Fuzz(func(t *testing.T, user, block, sig, ts, deviceKey string) {
		attempt(t, user, block, sig, ts, deviceKey)
	})
}

// FuzzDeviceVerifierConfig: ConfirmDevice's PasswordVerifier and Salt are
// accepted or refused with InvalidParameterException, never a panic; an
// accepted verifier always starts a device SRP exchange.
func FuzzDeviceVerifierConfig(f *testing.F) {
	dev, err := srp.NewDeviceSecret("-abcdefgh", "us-east-1_00000000-0000-4000-8000-000000000000")
	if err != nil {
		f.Fatal(err)
	}
	pv, salt := dev.VerifierConfig()
	n := srp.Prime().Bytes()
	for _, s := range [][2]string{{pv, salt}, {"", salt}, {pv, ""}, {"AA==", "AA=="}, {"AQ==", "AQ=="},
		{base64.StdEncoding.EncodeToString(n), salt}, {"!!", "??"}, {pv + "=", salt}, {base64.RawStdEncoding.EncodeToString(dev.Verifier), salt}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pv, salt string) {
		v, s, err := deviceVerifierConfig(&api.DeviceSecretVerifierConfig{PasswordVerifier: pv, Salt: salt})
		if err != nil {
			if !api.IsCode(err, api.ErrInvalidParameter) {
				t.Fatalf("%q %q: %v", pv, salt, err)
			}
			return
		}
		if len(s) == 0 {
			t.Fatalf("%q %q: accepted an empty salt", pv, salt)
		}
		if _, err := srp.NewServer(v); err != nil {
			t.Fatalf("%q: accepted a verifier the server cannot use: %v", pv, err)
		}
	})
}

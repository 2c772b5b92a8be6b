package idp

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/fxamacker/cbor/v2"
)

// testPasskey is a software passkey: a P-256 key, an attestation of format
// "none" at registration and signed assertions after, encoded from the
// WebAuthn specification (not by the library the server uses).
type testPasskey struct {
	t       *testing.T
	key     *ecdsa.PrivateKey
	id      []byte
	counter uint32
	flags   byte
}

func newTestPasskey(t *testing.T) *testPasskey {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &testPasskey{t: t, key: key, id: id, flags: 0x01 | 0x04 | 0x08 | 0x10}
}

var rawURL = base64.RawURLEncoding

func (k *testPasskey) clientData(typ, challenge, origin string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": origin})
	return b
}

func (k *testPasskey) register(challenge, origin, rpID string) json.RawMessage {
	enc, _ := cbor.CTAP2EncOptions().EncMode()
	cose, _ := enc.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: k.key.X.FillBytes(make([]byte, 32)), -3: k.key.Y.FillBytes(make([]byte, 32))})
	h := sha256.Sum256([]byte(rpID))
	auth := append(append([]byte{}, h[:]...), k.flags|0x40)
	auth = binary.BigEndian.AppendUint32(auth, k.counter)
	auth = append(auth, make([]byte, 16)...)
	auth = binary.BigEndian.AppendUint16(auth, uint16(len(k.id)))
	auth = append(append(auth, k.id...), cose...)
	att, _ := enc.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": auth})
	b, _ := json.Marshal(map[string]any{"id": rawURL.EncodeToString(k.id), "rawId": rawURL.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{"clientDataJSON": rawURL.EncodeToString(k.clientData("webauthn.create", challenge, origin)),
			"attestationObject": rawURL.EncodeToString(att)}})
	return b
}

// assert signs an assertion with the passkey's current counter.
func (k *testPasskey) assert(challenge, origin, rpID string, userHandle []byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	auth := append(append([]byte{}, h[:]...), k.flags)
	auth = binary.BigEndian.AppendUint32(auth, k.counter)
	cd := k.clientData("webauthn.get", challenge, origin)
	cdh := sha256.Sum256(cd)
	digest := sha256.Sum256(append(append([]byte{}, auth...), cdh[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.key, digest[:])
	if err != nil {
		k.t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"id": rawURL.EncodeToString(k.id), "rawId": rawURL.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{"clientDataJSON": rawURL.EncodeToString(cd), "authenticatorData": rawURL.EncodeToString(auth),
			"signature": rawURL.EncodeToString(sig), "userHandle": rawURL.EncodeToString(userHandle)}})
	return b
}

// passkeyUser signs a new user in and registers k for them through the
// service's operations; it returns the stored user.
func (e *testEnv) passkeyUser(name string, k *testPasskey) *store.User {
	e.t.Helper()
	ctx := context.Background()
	e.user(name)
	out, err := e.svc.InitiateAuth(ctx, &api.InitiateAuthInput{ClientId: e.client, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: authParams("USERNAME", name, "PASSWORD", testPassword)})
	if err != nil {
		e.t.Fatal(err)
	}
	access := out.AuthenticationResult.AccessToken
	start, err := e.svc.StartWebAuthnRegistration(ctx, &api.StartWebAuthnRegistrationInput{AccessToken: access})
	if err != nil {
		e.t.Fatal(err)
	}
	var opts struct{ Challenge string }
	if err := json.Unmarshal(start.CredentialCreationOptions, &opts); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.CompleteWebAuthnRegistration(ctx, &api.CompleteWebAuthnRegistrationInput{AccessToken: access,
		Credential: k.register(opts.Challenge, "https://example.com", "example.com")}); err != nil {
		e.t.Fatal(err)
	}
	u, err := e.st.GetUser(ctx, e.pool, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// TestPasskeyAssertion checks the assertion half with real signatures: a
// good answer signs in and moves the stored counter; a replayed answer, a
// counter going backwards, a wrong origin or relying party, another
// user's passkey, another challenge, and a spoilt signature are refused.
func TestPasskeyAssertion(t *testing.T) {
	e := newTestEnv(t, &api.CreateUserPoolInput{UserPoolSettings: api.UserPoolSettings{Policies: &api.UserPoolPolicy{
		SignInPolicy: json.RawMessage(`{"AllowedFirstAuthFactors":["PASSWORD","WEB_AUTHN"]}`)}}}, nil)
	ctx := context.Background()
	rpID := "example.com"
	if _, err := e.svc.SetUserPoolMfaConfig(ctx, &api.SetUserPoolMfaConfigInput{UserPoolId: e.pool,
		UserPoolMfaConfig: api.UserPoolMfaConfig{WebAuthnConfiguration: json.RawMessage(`{"RelyingPartyId":"example.com","UserVerification":"required"}`)}}); err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.loadPool(ctx, e.pool)
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := newTestPasskey(t), newTestPasskey(t)
	alice.counter = 5
	ua := e.passkeyUser("alice", alice)
	ub := e.passkeyUser("bob", bob)

	begin := func(u *store.User) (string, []byte) {
		t.Helper()
		options, state, err := e.svc.beginPasskeyAssertion(p, u)
		if err != nil {
			t.Fatal(err)
		}
		var o struct {
			Challenge        string
			RpId             string
			UserVerification string
			AllowCredentials []struct{ Id string }
		}
		if err := json.Unmarshal(options, &o); err != nil {
			t.Fatal(err)
		}
		if o.RpId != rpID || o.UserVerification != "required" || len(o.AllowCredentials) != 1 {
			t.Fatalf("request options %s", options)
		}
		return o.Challenge, state
	}
	refused := func(what, want string, err error) {
		t.Helper()
		if !api.IsCode(err, api.ErrNotAuthorized) || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: want NotAuthorizedException with %q, got %v", what, want, err)
		}
	}
	sub := func(u *store.User) []byte { return []byte(u.Sub) }

	// A good answer: counter 6 stored.
	challenge, state := begin(ua)
	alice.counter = 6
	good := alice.assert(challenge, "https://login.example.com", rpID, sub(ua))
	c, _, err := e.svc.finishPasskeyAssertion(ctx, p, ua, state, good)
	if err != nil {
		t.Fatal(err)
	}
	if c.SignCount != 6 || !c.BackupState {
		t.Fatalf("credential after sign-in %+v", c)
	}
	ua, _ = e.st.GetUser(ctx, e.pool, "alice")
	if ua.WebAuthnCredentials[0].SignCount != 6 {
		t.Fatalf("stored counter %d", ua.WebAuthnCredentials[0].SignCount)
	}

	// The same answer again (the state of its sign-in kept): the counter
	// did not move.
	_, _, err = e.svc.finishPasskeyAssertion(ctx, p, ua, state, good)
	refused("replay", "sign counter", err)

	// A counter going backwards on a fresh challenge.
	challenge, state = begin(ua)
	alice.counter = 3
	_, _, err = e.svc.finishPasskeyAssertion(ctx, p, ua, state, alice.assert(challenge, "https://example.com", rpID, sub(ua)))
	refused("counter backwards", "sign counter", err)
	alice.counter = 7

	for _, tc := range []struct{ what, origin, rp, want string }{
		{"wrong origin", "https://example.org", rpID, "origin"},
		{"wrong rp id", "https://example.com", "example.org", "relying party"},
	} {
		challenge, state = begin(ua)
		_, _, err = e.svc.finishPasskeyAssertion(ctx, p, ua, state, alice.assert(challenge, tc.origin, tc.rp, sub(ua)))
		refused(tc.what, tc.want, err)
	}

	// Another challenge than this sign-in's.
	_, state = begin(ua)
	other, _ := begin(ua)
	_, _, err = e.svc.finishPasskeyAssertion(ctx, p, ua, state, alice.assert(other, "https://example.com", rpID, sub(ua)))
	refused("other challenge", "challenge", err)

	// Bob's passkey answering Alice's sign-in, with either user handle.
	challenge, state = begin(ua)
	bob.counter = 1
	_, _, err = e.svc.finishPasskeyAssertion(ctx, p, ua, state, bob.assert(challenge, "https://example.com", rpID, sub(ub)))
	refused("another user's passkey", "not a passkey of this user", err)

	// A signature by another key over Alice's credential id.
	challenge, state = begin(ua)
	forger := newTestPasskey(t)
	forger.id, forger.counter = alice.id, 100
	_, _, err = e.svc.finishPasskeyAssertion(ctx, p, ua, state, forger.assert(challenge, "https://example.com", rpID, sub(ua)))
	refused("forged signature", "", err)

	// Without user verification where the pool requires it.
	challenge, state = begin(ua)
	alice.flags &^= 0x04
	_, _, err = e.svc.finishPasskeyAssertion(ctx, p, ua, state, alice.assert(challenge, "https://example.com", rpID, sub(ua)))
	refused("no user verification", "", err)
	alice.flags |= 0x04

	// And after all that, a good answer still signs in.
	challenge, state = begin(ua)
	if c, _, err = e.svc.finishPasskeyAssertion(ctx, p, ua, state, alice.assert(challenge, "https://example.com", rpID, sub(ua))); err != nil || c.SignCount != 7 {
		t.Fatalf("good answer after refusals: %+v, %v", c, err)
	}
}

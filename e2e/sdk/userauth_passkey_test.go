package sdk_test

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// assert answers request options as navigator.credentials.get would at
// origin, for relying party rpID, with the given flags and sign counter:
// an AuthenticationResponseJSON, as a string.
func (a *softAuthenticator) assert(challenge, origin, rpID string, flags byte, counter uint32, userHandle string) string {
	a.t.Helper()
	clientData := must(json.Marshal(map[string]any{"type": "webauthn.get", "challenge": challenge, "origin": origin, "crossOrigin": false}))(a.t)
	rpHash := sha256.Sum256([]byte(rpID))
	auth := append(append([]byte{}, rpHash[:]...), flags)
	auth = binary.BigEndian.AppendUint32(auth, counter)
	clientHash := sha256.Sum256(clientData)
	digest := sha256.Sum256(append(append([]byte{}, auth...), clientHash[:]...))
	sig := must(ecdsa.SignASN1(rand.Reader, a.key, digest[:]))(a.t)
	b := must(json.Marshal(map[string]any{"id": b64.EncodeToString(a.credID), "rawId": b64.EncodeToString(a.credID), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(clientData), "authenticatorData": b64.EncodeToString(auth),
			"signature": b64.EncodeToString(sig), "userHandle": b64.EncodeToString([]byte(userHandle))},
		"clientExtensionResults": map[string]any{}}))(a.t)
	return string(b)
}

// requestOptions is what the test reads of CREDENTIAL_REQUEST_OPTIONS.
type requestOptions struct {
	Challenge        string `json:"challenge"`
	RPID             string `json:"rpId"`
	UserVerification string `json:"userVerification"`
	AllowCredentials []struct {
		ID string `json:"id"`
	} `json:"allowCredentials"`
}

// TestUserAuthPasskey: a user registers a passkey; USER_AUTH then offers
// WEB_AUTHN, hands out CREDENTIAL_REQUEST_OPTIONS and signs in with the
// software authenticator's assertion, through PREFERRED_CHALLENGE and
// SELECT_CHALLENGE alike. A replayed answer, a wrong origin and an
// assertion without user verification where the pool requires it are
// refused.
func TestUserAuthPasskey(t *testing.T) {
	e := newEnv(t)
	poolID, _, name, access := passkeyPool(t, e, "example.com", "required")
	c := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("passwordless"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t)
	clientID := *c.UserPoolClient.ClientId

	// No passkey yet: not offered.
	ch := must(e.userAuth(clientID, map[string]string{"USERNAME": name}))(t)
	if !slices.Equal(challengeNames(ch.AvailableChallenges), []string{"PASSWORD", "PASSWORD_SRP"}) {
		t.Fatalf("before registration: %v", ch.AvailableChallenges)
	}
	a := newSoftAuthenticator(t)
	opts := startRegistration(t, e, access)
	must(completeRegistration(e, access, a.create(opts.Challenge, "https://example.com", "example.com")))(t)
	sub := attrOf(must(e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name}))(t).UserAttributes, "sub")

	ch = must(e.userAuth(clientID, map[string]string{"USERNAME": name}))(t)
	if !slices.Equal(challengeNames(ch.AvailableChallenges), []string{"PASSWORD", "PASSWORD_SRP", "WEB_AUTHN"}) {
		t.Fatalf("after registration: %v", ch.AvailableChallenges)
	}

	start := func(ch *cip.InitiateAuthOutput) (requestOptions, *string) {
		t.Helper()
		var ro requestOptions
		if ch.ChallengeName != types.ChallengeNameTypeWebAuthn {
			t.Fatalf("want WEB_AUTHN, got %q", ch.ChallengeName)
		}
		if err := json.Unmarshal([]byte(ch.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"]), &ro); err != nil {
			t.Fatalf("CREDENTIAL_REQUEST_OPTIONS %q: %v", ch.ChallengeParameters["CREDENTIAL_REQUEST_OPTIONS"], err)
		}
		if ro.RPID != "example.com" || ro.Challenge == "" || ro.UserVerification != "required" ||
			len(ro.AllowCredentials) != 1 || ro.AllowCredentials[0].ID != b64.EncodeToString(a.credID) {
			t.Fatalf("request options %+v", ro)
		}
		return ro, ch.Session
	}
	answer := func(session *string, cred string) (*cip.RespondToAuthChallengeOutput, error) {
		return e.respond(clientID, types.ChallengeNameTypeWebAuthn, session, map[string]string{"USERNAME": name, "CREDENTIAL": cred})
	}

	// PREFERRED_CHALLENGE WEB_AUTHN: straight to the options.
	ro, session := start(must(e.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "WEB_AUTHN"}))(t))
	good := a.assert(ro.Challenge, "https://example.com", "example.com", flagUP|flagUV|flagBE|flagBS, 1, sub)
	out := must(answer(session, good))(t)
	if out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == nil {
		t.Fatalf("no tokens: %+v", out)
	}
	// Replayed: the session is spent.
	_, err := answer(session, good)
	wantErr(t, err, "NotAuthorizedException", "")

	// Through SELECT_CHALLENGE; the counter moves on.
	sel := must(e.userAuth(clientID, map[string]string{"USERNAME": name}))(t)
	r := must(e.respond(clientID, types.ChallengeNameTypeSelectChallenge, sel.Session, map[string]string{"USERNAME": name, "ANSWER": "WEB_AUTHN"}))(t)
	ro, session = start(&cip.InitiateAuthOutput{ChallengeName: r.ChallengeName, Session: r.Session, ChallengeParameters: r.ChallengeParameters})
	if out := must(answer(session, a.assert(ro.Challenge, "https://example.com", "example.com", flagUP|flagUV|flagBE|flagBS, 2, sub)))(t); out.AuthenticationResult == nil {
		t.Fatalf("SELECT_CHALLENGE WEB_AUTHN: no tokens")
	}

	// Refused: another origin; an old challenge; no user verification
	// where the pool requires it; a counter going backwards.
	for _, tc := range []struct {
		what string
		cred func(ro requestOptions) string
	}{
		{"origin", func(ro requestOptions) string {
			return a.assert(ro.Challenge, "https://evil.example.net", "example.com", flagUP|flagUV|flagBE|flagBS, 3, sub)
		}},
		{"challenge", func(requestOptions) string {
			return a.assert(b64.EncodeToString([]byte("not this sign-in's challenge!!!")), "https://example.com", "example.com", flagUP|flagUV|flagBE|flagBS, 3, sub)
		}},
		{"user verification", func(ro requestOptions) string {
			return a.assert(ro.Challenge, "https://example.com", "example.com", flagUP|flagBE|flagBS, 3, sub)
		}},
		{"counter", func(ro requestOptions) string {
			return a.assert(ro.Challenge, "https://example.com", "example.com", flagUP|flagUV|flagBE|flagBS, 1, sub)
		}},
	} {
		ro, session := start(must(e.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "WEB_AUTHN"}))(t))
		_, err := answer(session, tc.cred(ro))
		if err == nil {
			t.Fatalf("%s: accepted", tc.what)
		}
		wantErr(t, err, "NotAuthorizedException", "Passkey authentication failed")
	}
	_, err = answer(session, "")
	wantErr(t, err, "InvalidParameterException", "CREDENTIAL")
}

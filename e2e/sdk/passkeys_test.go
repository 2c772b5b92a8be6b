package sdk_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
	"github.com/fxamacker/cbor/v2"
)

// softAuthenticator is a passkey authenticator in software: a P-256 key
// per credential, attestation format "none", the encodings of WebAuthn
// Level 3 (authenticator data, COSE key, CBOR attestation object) written
// here from the specification, not by the library the server uses.
type softAuthenticator struct {
	t      *testing.T
	key    *ecdsa.PrivateKey
	credID []byte
	// flags are the authenticator data flags besides AT: UP|UV|BE|BS by
	// default.
	flags byte
	// attachment is the authenticatorAttachment reported, if any.
	attachment string
	// packed makes a "packed" self attestation, signed with the
	// credential's own key; tamper spoils its signature.
	packed, tamper bool
}

const (
	flagUP = 0x01
	flagUV = 0x04
	flagBE = 0x08
	flagBS = 0x10
	flagAT = 0x40
)

func newSoftAuthenticator(t *testing.T) *softAuthenticator {
	t.Helper()
	key := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))(t)
	id := make([]byte, 32)
	must(rand.Read(id))(t)
	return &softAuthenticator{t: t, key: key, credID: id, flags: flagUP | flagUV | flagBE | flagBS, attachment: "platform"}
}

var b64 = base64.RawURLEncoding

// creationOptions is what the test reads of CredentialCreationOptions.
type creationOptions struct {
	Challenge string `json:"challenge"`
	RP        struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"rp"`
	User struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"user"`
	PubKeyCredParams []struct {
		Type string      `json:"type"`
		Alg  json.Number `json:"alg"`
	} `json:"pubKeyCredParams"`
	Timeout            json.Number `json:"timeout"`
	ExcludeCredentials []struct {
		ID string `json:"id"`
	} `json:"excludeCredentials"`
	AuthenticatorSelection struct {
		ResidentKey      string `json:"residentKey"`
		UserVerification string `json:"userVerification"`
	} `json:"authenticatorSelection"`
}

func startRegistration(t *testing.T, e *env, access string) creationOptions {
	t.Helper()
	out := must(e.c.StartWebAuthnRegistration(ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: &access}))(t)
	// The document as the SDK decodes it, then read by its JSON names
	// (numbers come back as strings: json.Number reads them).
	var doc any
	if err := out.CredentialCreationOptions.UnmarshalSmithyDocument(&doc); err != nil {
		t.Fatalf("CredentialCreationOptions: %v", err)
	}
	var opts creationOptions
	if err := json.Unmarshal(must(json.Marshal(doc))(t), &opts); err != nil {
		t.Fatal(err)
	}
	return opts
}

// create answers creation options as navigator.credentials.create would
// at origin, for relying party rpID: a RegistrationResponseJSON.
func (a *softAuthenticator) create(challenge, origin, rpID string) map[string]any {
	a.t.Helper()
	clientData := must(json.Marshal(map[string]any{"type": "webauthn.create", "challenge": challenge, "origin": origin, "crossOrigin": false}))(a.t)
	x, y := a.key.X.FillBytes(make([]byte, 32)), a.key.Y.FillBytes(make([]byte, 32))
	enc := must(cbor.CTAP2EncOptions().EncMode())(a.t)
	coseKey := must(enc.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y}))(a.t)
	rpHash := sha256.Sum256([]byte(rpID))
	auth := append([]byte{}, rpHash[:]...)
	auth = append(auth, a.flags|flagAT)
	auth = binary.BigEndian.AppendUint32(auth, 0) // sign count
	auth = append(auth, make([]byte, 16)...)      // AAGUID: none
	auth = binary.BigEndian.AppendUint16(auth, uint16(len(a.credID)))
	auth = append(auth, a.credID...)
	auth = append(auth, coseKey...)
	att := map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": auth}
	if a.packed {
		clientHash := sha256.Sum256(clientData)
		digest := sha256.Sum256(append(append([]byte{}, auth...), clientHash[:]...))
		sig := must(ecdsa.SignASN1(rand.Reader, a.key, digest[:]))(a.t)
		if a.tamper {
			sig[len(sig)-1] ^= 0xff
		}
		att = map[string]any{"fmt": "packed", "attStmt": map[string]any{"alg": -7, "sig": sig}, "authData": auth}
	}
	attObj := must(enc.Marshal(att))(a.t)
	resp := map[string]any{
		"id": b64.EncodeToString(a.credID), "rawId": b64.EncodeToString(a.credID), "type": "public-key",
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(clientData),
			"attestationObject": b64.EncodeToString(attObj),
			"transports":        []string{"internal", "hybrid"},
		},
		"clientExtensionResults": map[string]any{},
	}
	if a.attachment != "" {
		resp["authenticatorAttachment"] = a.attachment
	}
	return resp
}

func completeRegistration(e *env, access string, cred map[string]any) (*cip.CompleteWebAuthnRegistrationOutput, error) {
	return e.c.CompleteWebAuthnRegistration(ctx, &cip.CompleteWebAuthnRegistrationInput{AccessToken: &access, Credential: document.NewLazyDocument(cred)})
}

// passkeyPool makes a pool that allows passkeys for relying party rpID
// (none set when rpID is ""), with a client, and signs a new user in.
func passkeyPool(t *testing.T, e *env, rpID, uv string) (poolID, clientID, name, access string) {
	t.Helper()
	poolID, clientID = e.pool(types.UserPoolMfaTypeOff, func(in *cip.CreateUserPoolInput) {
		in.Policies = &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
			AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeWebAuthn}}}
	})
	if rpID != "" {
		must(e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID,
			WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: &rpID, UserVerification: types.UserVerificationType(uv)}}))(t)
	}
	name = e.user(poolID, clientID)
	access = *must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult.AccessToken
	return
}

// TestPasskeyRegistration walks a passkey's life through the SDK: the pool's
// WebAuthnConfiguration, StartWebAuthnRegistration, a real attestation
// from the software authenticator, CompleteWebAuthnRegistration,
// ListWebAuthnCredentials (paged), GetUserAuthFactors and
// DeleteWebAuthnCredential; a replayed response and a second registration
// of the same credential are refused.
func TestPasskeyRegistration(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { passkeyWalk(t, newEnv(t)) })
	t.Run("postgres", func(t *testing.T) { passkeyWalk(t, newEnv(t, cognatetest.WithDatabase(pgtest.NewDatabase(t)))) })
}

func passkeyWalk(t *testing.T, e *env) {
	poolID, _, name, access := passkeyPool(t, e, "example.com", "preferred")

	cfg := must(e.c.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: &poolID}))(t)
	if cfg.WebAuthnConfiguration == nil || aws.ToString(cfg.WebAuthnConfiguration.RelyingPartyId) != "example.com" || cfg.WebAuthnConfiguration.UserVerification != types.UserVerificationTypePreferred {
		t.Fatalf("WebAuthnConfiguration %+v", cfg.WebAuthnConfiguration)
	}

	// Before any passkey: PASSWORD only.
	f := must(e.c.GetUserAuthFactors(ctx, &cip.GetUserAuthFactorsInput{AccessToken: &access}))(t)
	if aws.ToString(f.Username) != name || !slices.Equal(f.ConfiguredUserAuthFactors, []types.AuthFactorType{types.AuthFactorTypePassword}) {
		t.Fatalf("auth factors before: %+v", f)
	}

	opts := startRegistration(t, e, access)
	if opts.RP.ID != "example.com" || opts.User.Name != name || opts.User.ID == "" || len(opts.ExcludeCredentials) != 0 {
		t.Fatalf("creation options %+v", opts)
	}
	if len(opts.Challenge) < 22 || opts.AuthenticatorSelection.ResidentKey != "required" || opts.AuthenticatorSelection.UserVerification != "preferred" || opts.Timeout == "" || opts.Timeout == "0" {
		t.Fatalf("creation options %+v", opts)
	}
	if !slices.ContainsFunc(opts.PubKeyCredParams, func(p struct {
		Type string      `json:"type"`
		Alg  json.Number `json:"alg"`
	}) bool {
		return p.Alg == "-7"
	}) {
		t.Fatalf("ES256 not offered: %+v", opts.PubKeyCredParams)
	}

	a := newSoftAuthenticator(t)
	cred := a.create(opts.Challenge, "https://app.example.com", "example.com")
	must(completeRegistration(e, access, cred))(t)

	// The same response again: its challenge was used.
	_, err := completeRegistration(e, access, cred)
	wantErr(t, err, "WebAuthnChallengeNotFoundException", "")

	list := must(e.c.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: &access}))(t)
	if len(list.Credentials) != 1 || list.NextToken != nil {
		t.Fatalf("list: %+v", list)
	}
	c := list.Credentials[0]
	if aws.ToString(c.CredentialId) != b64.EncodeToString(a.credID) || aws.ToString(c.RelyingPartyId) != "example.com" ||
		aws.ToString(c.FriendlyCredentialName) == "" || aws.ToString(c.AuthenticatorAttachment) != "platform" ||
		!slices.Equal(c.AuthenticatorTransports, []string{"internal", "hybrid"}) || c.CreatedAt == nil || c.CreatedAt.IsZero() {
		t.Fatalf("credential %+v", c)
	}

	f = must(e.c.GetUserAuthFactors(ctx, &cip.GetUserAuthFactorsInput{AccessToken: &access}))(t)
	if !slices.Equal(f.ConfiguredUserAuthFactors, []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeWebAuthn}) {
		t.Fatalf("auth factors after: %+v", f.ConfiguredUserAuthFactors)
	}

	// Passkey MFA needs the pool's FactorConfiguration (passkey_mfa_test.go).
	_, err = e.c.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: &access, WebAuthnMfaSettings: &types.WebAuthnMfaSettingsType{Enabled: true}})
	wantErr(t, err, "InvalidParameterException", "MULTI_FACTOR_WITH_USER_VERIFICATION")

	// The next registration excludes it, and registering it again fails.
	opts = startRegistration(t, e, access)
	if len(opts.ExcludeCredentials) != 1 || opts.ExcludeCredentials[0].ID != b64.EncodeToString(a.credID) {
		t.Fatalf("excludeCredentials %+v", opts.ExcludeCredentials)
	}
	_, err = completeRegistration(e, access, a.create(opts.Challenge, "https://example.com", "example.com"))
	wantErr(t, err, "InvalidParameterException", "already registered")

	// Two more, a security key without backup among them: pages of two.
	for _, attachment := range []string{"cross-platform", ""} {
		b := newSoftAuthenticator(t)
		b.attachment = attachment
		b.flags = flagUP | flagUV
		opts = startRegistration(t, e, access)
		must(completeRegistration(e, access, b.create(opts.Challenge, "https://example.com", "example.com")))(t)
	}
	page := must(e.c.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: &access, MaxResults: aws.Int32(2)}))(t)
	if len(page.Credentials) != 2 || page.NextToken == nil {
		t.Fatalf("first page %+v", page)
	}
	rest := must(e.c.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: &access, MaxResults: aws.Int32(2), NextToken: page.NextToken}))(t)
	if len(rest.Credentials) != 1 || rest.NextToken != nil || aws.ToString(rest.Credentials[0].AuthenticatorAttachment) != "" {
		t.Fatalf("second page %+v", rest)
	}
	if aws.ToString(page.Credentials[1].AuthenticatorAttachment) != "cross-platform" {
		t.Fatalf("second credential %+v", page.Credentials[1])
	}

	// Delete the first; deleting it again is ResourceNotFound.
	must(e.c.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: &access, CredentialId: c.CredentialId}))(t)
	_, err = e.c.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: &access, CredentialId: c.CredentialId})
	wantErr(t, err, "ResourceNotFoundException", "")
	list = must(e.c.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: &access}))(t)
	if len(list.Credentials) != 2 || aws.ToString(list.Credentials[0].CredentialId) == aws.ToString(c.CredentialId) {
		t.Fatalf("after delete: %+v", list)
	}
}

// TestPasskeyRegistrationRefusals: what CompleteWebAuthnRegistration and
// StartWebAuthnRegistration refuse, each with Cognito's exception.
func TestPasskeyRegistrationRefusals(t *testing.T) {
	e := newEnv(t)
	poolID, clientID, _, access := passkeyPool(t, e, "example.com", "required")
	a := newSoftAuthenticator(t)

	// Completing with nothing started.
	_, err := completeRegistration(e, access, a.create(b64.EncodeToString(make([]byte, 32)), "https://example.com", "example.com"))
	wantErr(t, err, "WebAuthnChallengeNotFoundException", "")

	cases := []struct {
		name, origin, rpID, code string
		challenge                func(string) string
		flags                    byte
	}{
		{"wrong origin", "https://example.org", "example.com", "WebAuthnOriginNotAllowedException", nil, 0},
		{"look-alike origin", "https://badexample.com", "example.com", "WebAuthnOriginNotAllowedException", nil, 0},
		{"plain http", "http://example.com", "example.com", "WebAuthnOriginNotAllowedException", nil, 0},
		{"wrong rp id", "https://example.com", "example.org", "WebAuthnRelyingPartyMismatchException", nil, 0},
		{"wrong challenge", "https://example.com", "example.com", "WebAuthnChallengeNotFoundException",
			func(string) string { return b64.EncodeToString([]byte("a challenge the server never gave")) }, 0},
		{"no user verification", "https://example.com", "example.com", "WebAuthnCredentialNotSupportedException", nil, flagUP},
		{"no user presence", "https://example.com", "example.com", "InvalidParameterException", nil, flagUV},
	}
	for _, tc := range cases {
		opts := startRegistration(t, e, access)
		challenge := opts.Challenge
		if tc.challenge != nil {
			challenge = tc.challenge(challenge)
		}
		a.flags = flagUP | flagUV
		if tc.flags != 0 {
			a.flags = tc.flags
		}
		_, err := completeRegistration(e, access, a.create(challenge, tc.origin, tc.rpID))
		if err == nil {
			t.Fatalf("%s: accepted", tc.name)
		}
		wantErr(t, err, tc.code, "")
		// A refused response used up the challenge: the right one fails too.
		a.flags = flagUP | flagUV
		_, err = completeRegistration(e, access, a.create(opts.Challenge, "https://example.com", "example.com"))
		wantErr(t, err, "WebAuthnChallengeNotFoundException", "")
	}

	// A packed self attestation: its signature is checked.
	for _, tamper := range []bool{true, false} {
		opts := startRegistration(t, e, access)
		p := newSoftAuthenticator(t)
		p.packed, p.tamper = true, tamper
		_, err := completeRegistration(e, access, p.create(opts.Challenge, "https://example.com", "example.com"))
		if tamper {
			wantErr(t, err, "InvalidParameterException", "verify signature")
		} else if err != nil {
			t.Fatalf("packed self attestation refused: %v", err)
		}
	}

	// A body that is no registration response.
	startRegistration(t, e, access)
	_, err = completeRegistration(e, access, map[string]any{"id": "x", "type": "public-key", "response": map[string]any{"clientDataJSON": "e30"}})
	wantErr(t, err, "InvalidParameterException", "")

	// Another user's response: the other user's challenge is not this one's.
	other := e.user(poolID, clientID)
	otherAccess := *must(e.passwordAuth(clientID, other, password))(t).AuthenticationResult.AccessToken
	mine := startRegistration(t, e, access)
	startRegistration(t, e, otherAccess)
	_, err = completeRegistration(e, otherAccess, a.create(mine.Challenge, "https://example.com", "example.com"))
	wantErr(t, err, "WebAuthnChallengeNotFoundException", "")
	// ... and the first user's registration is still theirs to complete.
	must(completeRegistration(e, access, a.create(mine.Challenge, "https://example.com", "example.com")))(t)
	// The other user cannot delete it.
	id := b64.EncodeToString(a.credID)
	_, err = e.c.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: &otherAccess, CredentialId: &id})
	wantErr(t, err, "ResourceNotFoundException", "")
	if l := must(e.c.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: &otherAccess}))(t); len(l.Credentials) != 0 {
		t.Fatalf("the other user lists %+v", l.Credentials)
	}

	// Started through one app client, completed through another.
	c2 := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("other"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t)
	access2 := *must(e.passwordAuth(*c2.UserPoolClient.ClientId, other, password))(t).AuthenticationResult.AccessToken
	started := startRegistration(t, e, otherAccess)
	_, err = completeRegistration(e, access2, newSoftAuthenticator(t).create(started.Challenge, "https://example.com", "example.com"))
	wantErr(t, err, "WebAuthnClientMismatchException", "")

	// An expired challenge.
	started = startRegistration(t, e, otherAccess)
	e.srv.Clock.Advance(6 * time.Minute)
	_, err = completeRegistration(e, otherAccess, newSoftAuthenticator(t).create(started.Challenge, "https://example.com", "example.com"))
	wantErr(t, err, "WebAuthnChallengeNotFoundException", "")
}

// TestPasskeyRelyingParty: a pool without WEB_AUTHN among its first
// factors has no passkeys; one without a relying party id or a domain
// cannot name its relying party; a pool's prefix domain is its relying
// party when no id is set, and localhost may register over http.
func TestPasskeyRelyingParty(t *testing.T) {
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	access := *must(e.passwordAuth(clientID, name, password))(t).AuthenticationResult.AccessToken
	_, err := e.c.StartWebAuthnRegistration(ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: &access})
	wantErr(t, err, "WebAuthnNotEnabledException", "")

	poolID, _, _, access = passkeyPool(t, e, "", "")
	for _, bad := range []string{"https://example.com", "example.com:443", "127.0.0.1", "exa mple.com", ".example.com", "-x.example.com"} {
		_, err = e.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID,
			WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String(bad)}})
		wantErr(t, err, "InvalidParameterException", "RelyingPartyId")
	}
	_, err = e.c.StartWebAuthnRegistration(ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: &access})
	wantErr(t, err, "WebAuthnConfigurationMissingException", "")

	must(e.c.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String("passkeys-test")}))(t)
	opts := startRegistration(t, e, access)
	rp := "passkeys-test.auth." + e.srv.Region + ".amazoncognito.com"
	if opts.RP.ID != rp {
		t.Fatalf("rp id %q, want %q", opts.RP.ID, rp)
	}
	must(completeRegistration(e, access, newSoftAuthenticator(t).create(opts.Challenge, "https://"+rp, rp)))(t)

	_, _, _, access = passkeyPool(t, e, "localhost", "preferred")
	opts = startRegistration(t, e, access)
	must(completeRegistration(e, access, newSoftAuthenticator(t).create(opts.Challenge, "http://localhost:5173", "localhost")))(t)
}

// TestPasskeyLimit: a user has at most 20 passkeys (Cognito's quota); the
// 21st registration is refused when it starts, and deleting one makes room.
func TestPasskeyLimit(t *testing.T) {
	e := newEnv(t)
	_, _, _, access := passkeyPool(t, e, "example.com", "preferred")
	for range 20 {
		opts := startRegistration(t, e, access)
		must(completeRegistration(e, access, newSoftAuthenticator(t).create(opts.Challenge, "https://example.com", "example.com")))(t)
	}
	_, err := e.c.StartWebAuthnRegistration(ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: &access})
	wantErr(t, err, "LimitExceededException", "20")
	list := must(e.c.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: &access}))(t)
	if len(list.Credentials) != 20 || list.NextToken != nil {
		t.Fatalf("a full page of 20 wanted, got %d (next %v)", len(list.Credentials), list.NextToken)
	}
	must(e.c.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: &access, CredentialId: list.Credentials[5].CredentialId}))(t)
	opts := startRegistration(t, e, access)
	if len(opts.ExcludeCredentials) != 19 {
		t.Fatalf("%d credentials excluded, want 19", len(opts.ExcludeCredentials))
	}
	must(completeRegistration(e, access, newSoftAuthenticator(t).create(opts.Challenge, "https://example.com", "example.com")))(t)
}

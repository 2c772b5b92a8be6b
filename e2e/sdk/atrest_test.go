package sdk_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/srp"
)

// encodings returns the forms a secret could be stored in without
// encryption: the bytes themselves, hex in either case, and base64 in the
// four alphabets. Base64 inside a longer encoded value starts at an offset
// that need not be a multiple of 3 bytes, so each base64 form is given for
// the secret cut at 0, 1 and 2 bytes, with the last characters (which depend
// on what follows) dropped.
func encodings(secret []byte) map[string][]byte {
	out := map[string][]byte{
		"raw": secret, "hex": []byte(hex.EncodeToString(secret)), "HEX": []byte(strings.ToUpper(hex.EncodeToString(secret))),
	}
	for name, enc := range map[string]*base64.Encoding{"base64": base64.StdEncoding, "base64url": base64.URLEncoding} {
		for cut := 0; cut < 3 && cut < len(secret); cut++ {
			s := enc.WithPadding(base64.NoPadding).EncodeToString(secret[cut:])
			s = s[:len(secret[cut:])/3*4]
			if len(s) >= 8 { // shorter runs turn up by chance
				out[name+"@"+string(rune('0'+cut))] = []byte(s)
			}
		}
	}
	return out
}

// containsPiece reports whether data holds b, or for a long b any 32-byte
// piece of it: SQLite splits a long row over overflow pages, so a value of
// hundreds of bytes (a verifier, in base64 inside a JSON document) need not
// be contiguous in the file.
func containsPiece(data, b []byte) bool {
	const piece = 32
	if len(b) <= 2*piece {
		return bytes.Contains(data, b)
	}
	for i := 0; i+piece <= len(b); i += piece / 2 {
		if bytes.Contains(data, b[i:i+piece]) {
			return true
		}
	}
	return false
}

// TestSecretsAtRest opens the database files and finds none of the secrets
// the server holds, in plain text or in any usual encoding: TOTP secrets,
// SRP and device verifiers, the device password, refresh tokens, client
// secrets (a rotation's second one too), identity providers' secrets, a
// pending confirmation code, the password and the pool's RSA
// private key. The SRP salt, stored in the clear on purpose, is found: the
// search does see binary columns.
func TestSecretsAtRest(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, cognatetest.WithDataDir(dir))
	poolID, clientID := e.devicePool()
	name := e.user(poolID, clientID)
	e.signUp(clientID, "pending") // an unused code stays stored
	pendingCode := e.code(poolID, "pending")
	totpSecret, meta, dev := e.rememberDevice(clientID, name)
	tokens := e.mfaSignIn(clientID, name, totpSecret)
	sc := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("s"), GenerateSecret: true}))(t)
	idpSecret, appleKey := "oidc-provider-secret-6f1d2c", pkcs8PEM(t, must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))(t))
	d := oidcDetails()
	d["client_secret"] = idpSecret
	must(e.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("Corp"),
		ProviderType: types.IdentityProviderTypeTypeOidc, ProviderDetails: d}))(t)
	must(e.c.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &poolID, ProviderName: aws.String("SignInWithApple"),
		ProviderType: types.IdentityProviderTypeTypeSignInWithApple, ProviderDetails: map[string]string{"client_id": "com.example", "team_id": "T",
			"key_id": "K", "private_key": appleKey, "authorize_scopes": "email"}}))(t)
	// Rotation's second secret, one chosen by the caller.
	const addedSecret = "RotatedIn+second_secret0123456789"
	must(e.c.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: sc.UserPoolClient.ClientId, ClientSecret: aws.String(addedSecret)}))(t)
	// The SRP salt comes with the challenge; with it and the password the
	// stored verifier can be computed here.
	_, ch := e.srpStart(clientID, name, nil)
	salt, err := hex.DecodeString(ch.ChallengeParameters["SALT"])
	if err != nil {
		t.Fatal(err)
	}
	verifier := srp.Verifier(strings.SplitN(poolID, "_", 2)[1], name, password, salt)
	// The signing key's modulus is public, but it is only ever stored inside
	// the encrypted private key: finding it would mean the key is in the clear.
	var jwks struct{ Keys []struct{ N string } }
	getJSON(t, e.srv.URL+"/"+poolID+"/.well-known/jwks.json", &jwks)
	modulus, err := base64.RawURLEncoding.DecodeString(jwks.Keys[0].N)
	if err != nil || len(modulus) < 256 {
		t.Fatalf("JWKS modulus: %v", err)
	}
	totpRaw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(totpSecret)
	if err != nil {
		t.Fatal(err)
	}
	refreshRaw, _ := base64.RawURLEncoding.DecodeString(*tokens.RefreshToken)
	e.srv.Close()

	var data []byte
	files, _ := filepath.Glob(filepath.Join(dir, "cognate.db*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, b...)
	}
	if len(data) == 0 {
		t.Fatal("no database files found")
	}

	secrets := map[string][]byte{
		"TOTP secret":           []byte(totpSecret),
		"TOTP key bytes":        totpRaw,
		"SRP verifier":          verifier,
		"SRP verifier unpadded": new(big.Int).SetBytes(verifier).Bytes(),
		"device verifier":       dev.Verifier,
		"device password":       []byte(dev.Password),
		"refresh token":         []byte(*tokens.RefreshToken),
		"client secret":         []byte(*sc.UserPoolClient.ClientSecret),
		"provider secret":       []byte(idpSecret),
		"Apple private key":     []byte(appleKey),
		"added client secret":   []byte(addedSecret),
		"password":              []byte(password),
		"signing key modulus":   modulus,
	}
	if len(refreshRaw) >= 16 {
		secrets["refresh token bytes"] = refreshRaw
	}
	for what, s := range secrets {
		for form, b := range encodings(s) {
			if containsPiece(data, b) {
				t.Errorf("%s found in the database (%s)", what, form)
			}
		}
	}
	// Six digits are too short to look for bare: a stored code would be a
	// JSON string, or encoded.
	for form, b := range encodings([]byte(pendingCode)) {
		if form == "raw" {
			b = []byte(`"` + pendingCode + `"`)
		}
		if bytes.Contains(data, b) {
			t.Errorf("pending confirmation code found in the database (%s)", form)
		}
	}

	// Controls: what is stored in the clear is found, so the search works.
	if !bytes.Contains(data, []byte(name)) || !bytes.Contains(data, []byte(*meta.DeviceKey)) {
		t.Fatal("the test reads the wrong files: the username and device key are not there either")
	}
	found := false
	for _, b := range encodings(salt) {
		found = found || containsPiece(data, b)
	}
	if !found {
		t.Fatal("the SRP salt, which is not a secret, is not found: the search misses binary columns")
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

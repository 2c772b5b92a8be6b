package sdk_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
)

// TestSecretsAtRest opens the database files and finds none of the secrets
// the server handed out: TOTP secrets, codes, refresh tokens, client secrets.
func TestSecretsAtRest(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, cognatetest.WithDataDir(dir))
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	e.signUp(clientID, "keeper")
	code := e.code(poolID, "keeper")
	must(e.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("keeper"), ConfirmationCode: &code}))
	e.signUp(clientID, "pending") // an unused code stays stored
	pendingCode := e.code(poolID, "pending")
	secret, tokens := e.enrol(clientID, "keeper")
	sc := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("s"), GenerateSecret: true}))
	e.srv.Close()

	var data []byte
	for _, f := range []string{"cognate.db", "cognate.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err == nil {
			data = append(data, b...)
		}
	}
	if len(data) == 0 {
		t.Fatal("no database files found")
	}
	for what, s := range map[string]string{
		"TOTP secret":   secret,
		"refresh token": *tokens.RefreshToken,
		"client secret": *sc.UserPoolClient.ClientSecret,
		"pending code":  `"` + pendingCode + `"`,
		"password":      password,
	} {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("%s found in plain text in the database", what)
		}
	}
	// The signing key: an RSA private key in PKCS #8 DER starts with these bytes.
	if bytes.Contains(data, []byte{0x30, 0x82}) && bytes.Contains(data, []byte{0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01}) {
		t.Error("an unencrypted RSA private key is in the database")
	}
	if !bytes.Contains(data, []byte("keeper")) {
		t.Fatal("the test reads the wrong files: the username is not there either")
	}
}

package sdk_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/app"
)

// TestRotateMasterKey: a rotation re-encrypts every secret under a new key
// while the server keeps serving, and after the old key is retired a
// restarted server still opens everything.
func TestRotateMasterKey(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, cognatetest.WithDataDir(dir))
	poolID, clientID := e.pool(types.UserPoolMfaTypeOn)
	name := e.user(poolID, clientID)
	secret, tokens := e.enrol(clientID, name)
	sc := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("s"), GenerateSecret: true})).UserPoolClient
	keyFile := filepath.Join(dir, "master.key")
	before, _ := os.ReadFile(keyFile)

	var out strings.Builder
	if err := app.RotateMasterKey(ctx, app.Options{DataDir: dir}, app.RotateOptions{Wait: 300 * time.Millisecond, Out: &out}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "pass 1: re-encrypted 1 signing keys, 1 client secrets, 2 user secrets") {
		t.Fatalf("rotation report:\n%s", out.String())
	}
	if strings.Contains(out.String(), "pass 2: re-encrypted 1") {
		t.Fatalf("second pass found old ciphertexts:\n%s", out.String())
	}
	// The running server serves on: password, TOTP, the old refresh token.
	e.mfaSignIn(clientID, name, secret)
	must(e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID, RefreshToken: tokens.RefreshToken}))
	if d := must(e.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: sc.ClientId})); *d.UserPoolClient.ClientSecret != *sc.ClientSecret {
		t.Fatal("client secret changed")
	}

	// Retire the old key: only the new one is left, and a restarted server
	// opens every secret with it.
	if err := app.RotateMasterKey(ctx, app.Options{DataDir: dir}, app.RotateOptions{Wait: 300 * time.Millisecond, Retire: true}); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(keyFile)
	if lines := strings.Count(strings.TrimSpace(string(after)), "\n") + 1; lines != 1 || strings.Contains(string(after), strings.TrimSpace(string(before))) {
		t.Fatalf("key file after retiring: %d lines", lines)
	}
	now := e.srv.Clock.Now()
	e.srv.Close()
	e2 := newEnv(t, cognatetest.WithDataDir(dir))
	e2.srv.Clock.Set(now.Add(time.Minute))
	e2.mfaSignIn(clientID, name, secret)
	if d := must(e2.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: sc.ClientId})); *d.UserPoolClient.ClientSecret != *sc.ClientSecret {
		t.Fatal("client secret lost")
	}
}

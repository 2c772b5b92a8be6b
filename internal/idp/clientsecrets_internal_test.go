package idp

import (
	"context"
	"strings"
	"testing"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/store"
)

// TestClientSecretBeforeRotation: a client stored before secret rotation
// (its one secret in clientDoc.Secret) keeps that secret live, listed with
// an id and its creation date; adding a second moves both to Secrets, and
// both are accepted.
func TestClientSecretBeforeRotation(t *testing.T) {
	e := newTestEnv(t, nil, nil)
	ctx := context.Background()
	const old = "legacysecret0123456789abcdefghij"
	now := e.clock()
	doc := clientDoc{ClientName: "legacy", Secret: e.svc.seal.Encrypt([]byte(old), secretLabel("legacyclient"))}
	if err := e.svc.st.CreateClient(ctx, &store.Client{ID: "legacyclient", PoolID: e.pool, Name: "legacy", Created: now, Updated: now, Settings: encodeDoc(doc)}); err != nil {
		t.Fatal(err)
	}
	c, err := e.svc.loadClient(ctx, "legacyclient")
	if err != nil || !c.secretMatches(old) || c.secretMatches("") || c.secretMatches(old+"x") {
		t.Fatalf("legacy client: %v", err)
	}
	list, err := e.svc.ListUserPoolClientSecrets(ctx, &api.ListUserPoolClientSecretsInput{UserPoolId: e.pool, ClientId: "legacyclient"})
	if err != nil || len(list.ClientSecrets) != 1 || !strings.HasPrefix(list.ClientSecrets[0].ClientSecretId, "legacyclient--") ||
		list.ClientSecrets[0].ClientSecretCreateDate.UnixMilli() != now.UnixMilli() {
		t.Fatalf("legacy client's secrets: %+v, %v", list, err)
	}
	added, err := e.svc.AddUserPoolClientSecret(ctx, &api.AddUserPoolClientSecretInput{UserPoolId: e.pool, ClientId: "legacyclient"})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := e.svc.st.GetClient(ctx, "legacyclient")
	if err != nil {
		t.Fatal(err)
	}
	var after clientDoc
	if err := decodeDoc(rec.Settings, &after); err != nil || len(after.Secret) != 0 || len(after.Secrets) != 2 ||
		after.Secrets[0].ID != list.ClientSecrets[0].ClientSecretId {
		t.Fatalf("stored after the add: %d legacy bytes, %d secrets, %v", len(after.Secret), len(after.Secrets), err)
	}
	c, err = e.svc.loadClient(ctx, "legacyclient")
	if err != nil || !c.secretMatches(old) || !c.secretMatches(added.ClientSecretDescriptor.ClientSecretValue) || c.firstSecret() != old {
		t.Fatalf("after the add: %v", err)
	}
	if c.checkSecretHash(SecretHash(old, "u", "legacyclient"), "u") != nil || c.checkSecretHash(SecretHash(added.ClientSecretDescriptor.ClientSecretValue, "u", "legacyclient"), "u") != nil {
		t.Fatal("SECRET_HASH of a live secret refused")
	}
}

package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store/sqlite"
)

// The fuzz targets' admin credentials: requests to SigV4 operations are
// signed with them, so that fuzzed bodies get past the signature check to
// decoding, validation and the domain.
const (
	fuzzKeyID  = "AKFUZZ"
	fuzzSecret = "fuzz-secret"
)

// fuzzSeeds are bodies that reach past decoding for many operations.
var fuzzSeeds = []string{`{}`, `{"ClientId":"fuzzclient0000000000000001","Username":"u","Password":"Passw0rd!"}`,
	`{"ClientId":"fuzzclient0000000000000001","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"u","SRP_A":"0"}}`,
	`{"ClientId":"fuzzclient0000000000000001","ChallengeName":"PASSWORD_VERIFIER","ChallengeResponses":{"USERNAME":"u","PASSWORD_CLAIM_SECRET_BLOCK":"AAAA","PASSWORD_CLAIM_SIGNATURE":"AAAA","TIMESTAMP":"Mon Jan 2 15:04:05 UTC 2006"}}`,
	`{"Session":"` + strings.Repeat("A", 40) + `","UserCode":"123456"}`, `{"UserPoolId":"us-east-1_fuzzpool1","Filter":"username ^= \"a\""}`,
	`{"UserPoolId":"us-east-1_fuzzpool1","Username":"u","UserAttributes":[{"Name":"email","Value":"a@b.c"}]}`,
	`{"UserPoolId":"us-east-1_fuzzpool1","ClientId":"fuzzclient0000000000000001","AuthFlow":"ADMIN_USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"u","PASSWORD":"Passw0rd!"}}`,
	`{"PoolName":"p","Schema":[{"Name":"x","AttributeDataType":"String"}],"MfaConfiguration":"OFF"}`,
	`{"UserPoolId":"us-east-1_fuzzpool1","GroupName":"g","Precedence":1}`,
	`{"UserPoolId":"us-east-1_fuzzpool1","MaxResults":10}`, `{"MaxResults":60}`, `null`, `[`, ``}

// operationNames returns the table's operation names in a stable order.
func operationNames(h *Server) []string {
	var names []string
	for n := range h.ops {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// FuzzOperations sends arbitrary bodies to every operation of the table
// through the whole handler (decoding, validation, SigV4, the domain, a real
// store): the answer is always a JSON 1.1 reply, never a 500 or a panic.
// With sign set, the request carries a valid signature by the admin
// credentials, so the SigV4 operations are fuzzed past their signature.
func FuzzOperations(f *testing.F) {
	st, err := sqlite.Open(filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	sealer, _ := seal.New(seal.NewKey())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := idp.New(idp.Config{Store: st, Sealer: sealer, Region: "us-east-1", Logger: log, Now: time.Now,
		Issuer: func(p string) string { return "http://127.0.0.1/" + p }})
	ctx := context.Background()
	p, _ := svc.CreatePool(ctx, "us-east-1_fuzzpool1", &api.CreateUserPoolInput{PoolName: "fuzz"})
	cin := &api.CreateUserPoolClientInput{UserPoolId: p.UserPool.Id}
	cin.ClientName = "c"
	cin.ExplicitAuthFlows = []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"}
	svc.CreateClient(ctx, "fuzzclient0000000000000001", "", cin)
	h := New(Config{Service: svc, Logger: log, Issuer: func(p string) string { return p },
		Credentials: func(id string) (string, bool) { return fuzzSecret, id == fuzzKeyID }})
	names := operationNames(h)
	for i, n := range names {
		for _, s := range fuzzSeeds {
			f.Add(uint8(i), h.ops[n].auth == iam, s)
		}
	}
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: fuzzKeyID, SecretAccessKey: fuzzSecret}
	f.Fuzz(func(t *testing.T, which uint8, sign bool, body string) {
		name := names[int(which)%len(names)]
		req := httptest.NewRequest("POST", "http://cognito-idp.us-east-1.amazonaws.com/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", targetPrefix+name)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		if sign {
			sum := sha256.Sum256([]byte(body))
			if err := signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "cognito-idp", "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusInternalServerError || (rec.Code != 200 && rec.Header().Get("x-amzn-ErrorType") == "") {
			t.Fatalf("%s %q: %d %s", name, body, rec.Code, rec.Body.String())
		}
		if sign && h.ops[name].auth == iam && strings.Contains(rec.Header().Get("x-amzn-ErrorType"), "Signature") {
			t.Fatalf("%s: a correctly signed request was refused: %s", name, rec.Body.String())
		}
	})
}

// FuzzDecode runs every operation's decoding and validation alone, SigV4
// ones included, without the domain: whatever the body, the outcome is a
// typed input or a SerializationException or InvalidParameterException,
// never a panic or another error.
func FuzzDecode(f *testing.F) {
	h := New(Config{Service: idp.New(idp.Config{})})
	names := operationNames(h)
	for i := range names {
		for _, s := range fuzzSeeds {
			f.Add(uint8(i), s)
		}
	}
	f.Add(uint8(0), strings.Repeat("[", MaxDepth+1))
	f.Add(uint8(0), `{"a":"`+strings.Repeat(`\"[`, 40)+`"}`)
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		name := names[int(which)%len(names)]
		err := h.ops[name].check([]byte(body))
		if err == nil {
			return
		}
		e, ok := api.As(err)
		if !ok || (e.Code != api.ErrSerialization && e.Code != api.ErrInvalidParameter) {
			t.Fatalf("%s %q: %v", name, body, err)
		}
	})
}

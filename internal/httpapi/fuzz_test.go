package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/store/sqlite"
)

// FuzzOperations sends arbitrary bodies to every operation of the table
// through the whole handler (decoding, validation, SigV4, the domain, a real
// store): the answer is always a JSON 1.1 reply, never a 500 or a panic.
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
	cin.ExplicitAuthFlows = []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"}
	svc.CreateClient(ctx, "fuzzclient0000000000000001", "", cin)
	h := New(Config{Service: svc, Credentials: func(string) (string, bool) { return "", false }, Logger: log,
		Issuer: func(p string) string { return p }})
	var names []string
	for n := range h.ops {
		names = append(names, n)
	}
	sort.Strings(names)
	seeds := []string{`{}`, `{"ClientId":"fuzzclient0000000000000001","Username":"u","Password":"Passw0rd!"}`,
		`{"ClientId":"fuzzclient0000000000000001","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"u","SRP_A":"0"}}`,
		`{"ClientId":"fuzzclient0000000000000001","ChallengeName":"PASSWORD_VERIFIER","ChallengeResponses":{"USERNAME":"u","PASSWORD_CLAIM_SECRET_BLOCK":"AAAA","PASSWORD_CLAIM_SIGNATURE":"AAAA","TIMESTAMP":"Mon Jan 2 15:04:05 UTC 2006"}}`,
		`{"Session":"` + strings.Repeat("A", 40) + `","UserCode":"123456"}`, `{"UserPoolId":"us-east-1_fuzzpool1","Filter":"username ^= \"a\""}`, `null`, `[`, ``}
	for i := range names {
		for _, s := range seeds {
			f.Add(uint8(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		name := names[int(which)%len(names)]
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", targetPrefix+name)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusInternalServerError || (rec.Code != 200 && rec.Header().Get("x-amzn-ErrorType") == "") {
			t.Fatalf("%s %q: %d %s", name, body, rec.Code, rec.Body.String())
		}
	})
}

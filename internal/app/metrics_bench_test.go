package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/app"
)

// BenchmarkMetrics is the cost of the metrics per request, through the
// HTTP handler on SQLite: each case runs with metrics on and off.
// unknown-client is a cheap request (one store read, an error answer);
// sign-in is a USER_PASSWORD_AUTH sign-in to tokens.
func BenchmarkMetrics(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "metrics=off"
		if on {
			name = "metrics=on"
		}
		benchRequests(b, name, app.Options{NoMetrics: !on})
	}
}

// BenchmarkTracing is the cost of tracing per request, as BenchmarkMetrics
// (metrics off in both cases): with tracing on, every request is sampled
// and its spans exported to an OTLP receiver that discards them.
func BenchmarkTracing(b *testing.B) {
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer sink.Close()
	benchRequests(b, "tracing=off", app.Options{NoMetrics: true})
	b.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", sink.URL)
	benchRequests(b, "tracing=on", app.Options{NoMetrics: true})
}

// benchRequests runs the two requests against a server built with o.
func benchRequests(b *testing.B, name string, o app.Options) {
	o.DataDir, o.MasterKey, o.AccessKeyID, o.SecretAccessKey = b.TempDir(), make([]byte, 32), "AKBENCH", "bench-secret"
	o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(context.Background(), o, "http://127.0.0.1:9229")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	p, err := a.Service.CreateUserPool(ctx, &api.CreateUserPoolInput{PoolName: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	poolID := p.UserPool.Id
	c, err := a.Service.CreateUserPoolClient(ctx, &api.CreateUserPoolClientInput{UserPoolId: poolID, ClientName: "app",
		UserPoolClientSettings: api.UserPoolClientSettings{ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.Service.AdminCreateUser(ctx, &api.AdminCreateUserInput{UserPoolId: poolID, Username: "bench", MessageAction: "SUPPRESS"}); err != nil {
		b.Fatal(err)
	}
	if _, err := a.Service.AdminSetUserPassword(ctx, &api.AdminSetUserPasswordInput{UserPoolId: poolID, Username: "bench", Password: "Corr3ct-Horse!", Permanent: true}); err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name, body string
		status     int
	}{
		{"unknown-client", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"1234567890abcdefghijklmnop","AuthParameters":{"USERNAME":"bench","PASSWORD":"x"}}`, 400},
		{"sign-in", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + c.UserPoolClient.ClientId + `","AuthParameters":{"USERNAME":"bench","PASSWORD":"Corr3ct-Horse!"}}`, 200},
	}
	for _, tc := range cases {
		b.Run(tc.name+"/"+name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
				req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
				req.Header.Set("Content-Type", "application/x-amz-json-1.1")
				rec := httptest.NewRecorder()
				a.Handler.ServeHTTP(rec, req)
				if rec.Code != tc.status {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
	b.StopTimer()
	if err := a.Shutdown(ctx); err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
}

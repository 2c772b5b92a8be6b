package console_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/app"
	"github.com/cognate-idp/cognate/internal/console"
	"github.com/cognate-idp/cognate/internal/idp"
)

// BenchmarkUsersPage measures one page of the users list (60 users, each
// with its MFA read) at the start of a pool of COGNATE_BENCH_USERS users
// (default 10000) and at its end, and one prefix search: the same cost at
// any depth, since the console pages with ListUsers' keyset tokens. The
// default is a whole number of pages, so the last page is full too.
//
//	go test -run '^$' -bench UsersPage ./internal/console/
func BenchmarkUsersPage(b *testing.B) {
	users := 10020
	if n, err := strconv.Atoi(os.Getenv("COGNATE_BENCH_USERS")); err == nil && n > 0 {
		users = n
	}
	a, err := app.New(ctx, app.Options{DataDir: b.TempDir(), AccessKeyID: "AKBENCH", SecretAccessKey: "bench-secret",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, "http://127.0.0.1:9229")
	if err != nil {
		b.Fatal(err)
	}
	defer a.Shutdown(ctx)
	pool, err := a.Service.CreatePool(ctx, a.Service.NewPoolID(), &api.CreateUserPoolInput{PoolName: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	poolID := pool.UserPool.Id
	batch := make([]idp.ImportUser, 0, 1000)
	for i := range users {
		batch = append(batch, idp.ImportUser{Username: fmt.Sprintf("user%06d", i), Password: "Corr3ct-Horse!",
			Attributes: map[string]string{"email": fmt.Sprintf("user%06d@example.com", i)}})
		if len(batch) == cap(batch) {
			if err := a.Service.ImportUsers(ctx, poolID, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	// The token of the last page, found as the console finds it.
	next := ""
	for {
		out, err := a.Service.ListUsers(ctx, &api.ListUsersInput{UserPoolId: poolID, PaginationToken: next, Limit: aws32(60)})
		if err != nil {
			b.Fatal(err)
		}
		if out.PaginationToken == "" || len(out.Users) < 60 {
			break
		}
		peek, err := a.Service.ListUsers(ctx, &api.ListUsersInput{UserPoolId: poolID, PaginationToken: out.PaginationToken, Limit: aws32(60)})
		if err != nil {
			b.Fatal(err)
		}
		if peek.PaginationToken == "" {
			next = out.PaginationToken // the last page
			break
		}
		next = out.PaginationToken
	}
	do := func(method, path, cookie string, form url.Values) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "http://127.0.0.1:9229"+console.Prefix+path, strings.NewReader(form.Encode()))
		req.RemoteAddr = "127.0.0.1:5000"
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie)
		w := httptest.NewRecorder()
		a.Handler.ServeHTTP(w, req)
		return w
	}
	page := do(http.MethodGet, "/login", "", nil)
	token := csrfField.FindStringSubmatch(page.Body.String())[1]
	login := strings.Split(page.Header().Get("Set-Cookie"), ";")[0]
	w := do(http.MethodPost, "/login", login, url.Values{"_csrf": {token}, "access_key_id": {"AKBENCH"}, "secret_access_key": {"bench-secret"}})
	session := strings.Split(w.Header().Get("Set-Cookie"), ";")[0]
	for _, bc := range []struct{ name, query string }{
		{"first", url.Values{"pool": {poolID}}.Encode()},
		{"last", url.Values{"pool": {poolID}, "next": {next}}.Encode()},
		{"prefix", url.Values{"pool": {poolID}, "attr": {"username"}, "q": {fmt.Sprintf("user%05d", users/10-1)}}.Encode()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if w := do(http.MethodGet, "/users?"+bc.query, session, nil); w.Code != http.StatusOK {
					b.Fatalf("%d", w.Code)
				}
			}
		})
	}
}

func aws32(n int32) *int32 { return &n }

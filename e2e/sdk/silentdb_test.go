package sdk_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
)

// healthCheck fetches /health, returning its status, body and how long it
// took.
func healthCheck(t *testing.T, base string) (int, string, time.Duration) {
	t.Helper()
	start := time.Now()
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(base + "/health")
	if err != nil {
		t.Fatalf("/health: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), time.Since(start)
}

// TestSilentDatabase: a PostgreSQL that stops answering (the relay holds
// every byte) makes requests fail within about two seconds with
// InternalErrorException, requests in flight included, and /health answer
// 503 within a second, saying nothing of the database; when it answers
// again, so does the server, within about a second.
func TestSilentDatabase(t *testing.T) {
	db := pgtest.NewDatabase(t)
	_, target := pgtest.ViaRelay(t, db, "127.0.0.1:1")
	r := pgtest.NewRelay(t, target)
	via, _ := pgtest.ViaRelay(t, db, r.Addr())
	e := newEnv(t, cognatetest.WithDatabase(via))
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	get := func() (time.Duration, error) {
		start := time.Now()
		_, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name})
		return time.Since(start), err
	}
	if _, err := get(); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := healthCheck(t, e.srv.URL); code != 200 {
		t.Fatalf("/health before: %d %s", code, body)
	}

	r.Pause()
	silent := time.Now()
	// Requests sent as the database falls silent, before the server can
	// know it: they are in flight when it finds out.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	took := make([]time.Duration, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			took[i], errs[i] = get()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "InternalErrorException" {
			t.Fatalf("request %d to a silent database: %v", i, err)
		}
		if took[i] > 2500*time.Millisecond {
			t.Fatalf("request %d to a silent database took %v", i, took[i])
		}
	}
	t.Logf("requests in flight as the database fell silent failed after %v", took)

	// /health says 503 within a second of asking, and soon after the
	// silence began; its body names nothing of the database.
	var code int
	var body string
	for {
		var d time.Duration
		code, body, d = healthCheck(t, e.srv.URL)
		if d > time.Second {
			t.Fatalf("/health took %v", d)
		}
		if code == http.StatusServiceUnavailable {
			break
		}
		if time.Since(silent) > 2500*time.Millisecond {
			t.Fatalf("/health still %d %s %v after the database fell silent", code, body, time.Since(silent))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("/health answered 503 %v after the silence began", time.Since(silent))
	if body != `{"status":"unavailable"}` {
		t.Fatalf("/health body %q", body)
	}
	u, _ := url.Parse(db)
	for _, secret := range []string{u.User.Username(), strings.TrimPrefix(u.Path, "/"), r.Addr(), "postgres", "dial", "timeout"} {
		if secret != "" && strings.Contains(body, secret) {
			t.Fatalf("/health body %q shows %q", body, secret)
		}
	}
	// New requests now fail at once.
	for range 5 {
		d, err := get()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "InternalErrorException" || d > 500*time.Millisecond {
			t.Fatalf("a request while the database is silent: %v after %v", err, d)
		}
	}

	r.Resume()
	back := time.Now()
	for {
		if _, err := get(); err == nil {
			break
		}
		if time.Since(back) > 2*time.Second {
			t.Fatalf("still failing %v after the database answered again", time.Since(back))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("served again %v after the database answered", time.Since(back))
	if code, body, _ := healthCheck(t, e.srv.URL); code != 200 {
		t.Fatalf("/health after: %d %s", code, body)
	}
	// What was written before the silence is still there, and writes work.
	must(e.c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: &name,
		UserAttributes: []types.AttributeType{{Name: aws.String("given_name"), Value: aws.String("Back")}}}))(t)
}

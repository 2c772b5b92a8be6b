package sdk_test

import (
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/cognate-idp/cognate/cognatetest"
)

// tooMany reports whether err is Cognito's answer past a quota or under
// overload: TooManyRequestsException "Rate exceeded", HTTP 400.
func tooMany(t *testing.T, err error) bool {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "TooManyRequestsException" {
		return false
	}
	if ae.ErrorMessage() != "Rate exceeded" {
		t.Errorf("TooManyRequestsException message %q", ae.ErrorMessage())
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != http.StatusBadRequest {
		t.Errorf("TooManyRequestsException with HTTP %d", re.HTTPStatusCode())
	}
	return true
}

// hammer calls fn from workers goroutines for d, counting successes and
// TooManyRequestsException; any other error fails the test.
func hammer(t *testing.T, workers int, d time.Duration, fn func() error) (ok, refused int64, elapsed time.Duration) {
	t.Helper()
	var okN, refusedN atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Since(start) < d {
				err := fn()
				switch {
				case err == nil:
					okN.Add(1)
				case tooMany(t, err):
					refusedN.Add(1)
				default:
					t.Errorf("unexpected error: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return okN.Load(), refusedN.Load(), time.Since(start)
}

// TestThrottleHoldsTheRate: with a quota of 20 requests a second on
// UserRead, callers going as fast as they can get 20 at once (the burst)
// and then 20 a second, the rest TooManyRequestsException "Rate exceeded";
// the other categories are not held meanwhile.
func TestThrottleHoldsTheRate(t *testing.T) {
	e := newEnv(t, cognatetest.WithThrottle("UserRead=20"))
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	ok, refused, elapsed := hammer(t, 8, 2*time.Second, func() error {
		_, err := e.c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: &name})
		return err
	})
	t.Logf("%d admitted, %d refused in %v", ok, refused, elapsed)
	if most := 20 + 20*elapsed.Seconds() + 1; float64(ok) > most {
		t.Fatalf("%d admitted in %v: the quota allows %.0f", ok, elapsed, most)
	}
	if least := 20 + 20*elapsed.Seconds()*0.7; float64(ok) < least {
		t.Fatalf("%d admitted in %v: the quota allows %.0f, and less was served", ok, elapsed, least)
	}
	if refused == 0 {
		t.Fatal("nothing was refused")
	}
	// Another category is not held.
	for range 30 {
		must(e.c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &poolID}))(t)
	}
}

// TestThrottleRetriesGetThrough: past the UserAuthentication quota a burst
// of sign-ins is refused in part, and the AWS SDK's standard retryer, with
// its back-off, gets every one of them through.
func TestThrottleRetriesGetThrough(t *testing.T) {
	e := newEnv(t, cognatetest.WithThrottle("cognito,UserAuthentication=5"))
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	names := make([]string, 15)
	for i := range names {
		names[i] = e.user(poolID, clientID)
	}
	burst := func(c *cip.Client) (ok, refused int) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, name := range names {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
					AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case tooMany(t, err):
					refused++
				default:
					t.Errorf("%s: %v", name, err)
				}
			}()
		}
		wg.Wait()
		return ok, refused
	}
	// Without retries: the burst of the quota passes, the rest is refused.
	if ok, refused := burst(e.c); ok < 5 || ok > 7 || refused != len(names)-ok {
		t.Fatalf("without retries: %d signed in, %d refused", ok, refused)
	}
	time.Sleep(1100 * time.Millisecond) // the quota refills

	// The SDK's standard retryer (exponential back-off with jitter) and
	// enough attempts for the quota to let every call through.
	retrying := cip.New(cip.Options{Region: e.srv.Region, BaseEndpoint: aws.String(e.srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(e.srv.AccessKeyID, e.srv.SecretAccessKey, ""), RetryMaxAttempts: 10})
	start := time.Now()
	if ok, refused := burst(retrying); ok != len(names) || refused != 0 {
		t.Fatalf("with the standard retryer: %d signed in, %d refused", ok, refused)
	}
	// 15 sign-ins at 5 a second after a burst of 5 take two seconds at least.
	if took := time.Since(start); took < 1500*time.Millisecond {
		t.Fatalf("15 sign-ins took %v: the quota was not applied", took)
	}
}

// TestOverloadSheds: with room for two requests at once and two waiting,
// a burst of 64 sign-ins is served in part and the rest refused at once
// with TooManyRequestsException, rather than queued behind each other.
func TestOverloadSheds(t *testing.T) {
	e := newEnv(t, cognatetest.WithAdmission(2, 2, 20*time.Millisecond))
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)
	name := e.user(poolID, clientID)
	var mu sync.Mutex
	var ok, refused int
	var slowestRefusal time.Duration
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			t0 := time.Now()
			_, err := e.passwordAuth(clientID, name, password)
			took := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case tooMany(t, err):
				refused++
				slowestRefusal = max(slowestRefusal, took)
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	t.Logf("%d served, %d refused, the slowest refusal after %v", ok, refused, slowestRefusal)
	if ok == 0 || refused == 0 || ok+refused != 64 {
		t.Fatalf("%d served, %d refused", ok, refused)
	}
	if slowestRefusal > time.Second {
		t.Fatalf("a refusal took %v", slowestRefusal)
	}
	// Once the burst is over, the server serves as before.
	must(e.passwordAuth(clientID, name, password))(t)
}

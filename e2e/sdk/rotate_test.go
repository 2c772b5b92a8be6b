package sdk_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/app"
	"github.com/cognate-idp/cognate/internal/srp"
)

// deviceSignIn signs in from a remembered device (password by SRP, then the
// device's own proof) and returns the tokens, reporting failures as errors:
// it runs beside the test's goroutine.
func (e *env) deviceSignIn(poolID, clientID, name string, meta *types.NewDeviceMetadataType, dev *srp.DeviceSecret) (*types.AuthenticationResultType, error) {
	cl, _ := srp.NewClient()
	ch, err := e.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": name, "SRP_A": cl.PublicHex(), "DEVICE_KEY": *meta.DeviceKey}})
	if err != nil {
		return nil, err
	}
	p := ch.ChallengeParameters
	resp, err := cl.Respond(srp.Challenge{PoolName: strings.SplitN(poolID, "_", 2)[1], UserID: p["USER_ID_FOR_SRP"], Salt: p["SALT"], B: p["SRP_B"],
		SecretBlock: p["SECRET_BLOCK"]}, password, e.srv.Clock.Now())
	if err != nil {
		return nil, err
	}
	next, err := e.respond(clientID, types.ChallengeNameTypePasswordVerifier, ch.Session, map[string]string{"USERNAME": p["USER_ID_FOR_SRP"],
		"PASSWORD_CLAIM_SECRET_BLOCK": resp.SecretBlock, "PASSWORD_CLAIM_SIGNATURE": resp.Signature, "TIMESTAMP": resp.Timestamp, "DEVICE_KEY": *meta.DeviceKey})
	if err != nil {
		return nil, err
	}
	if next.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		return nil, fmt.Errorf("want DEVICE_SRP_AUTH, got %q", next.ChallengeName)
	}
	dcl, _ := srp.NewClient()
	dch, err := e.respond(clientID, types.ChallengeNameTypeDeviceSrpAuth, next.Session,
		map[string]string{"USERNAME": name, "DEVICE_KEY": *meta.DeviceKey, "SRP_A": dcl.PublicHex()})
	if err != nil {
		return nil, err
	}
	dp := dch.ChallengeParameters
	dresp, err := dcl.Respond(srp.Challenge{PoolName: *meta.DeviceGroupKey, UserID: *meta.DeviceKey, Salt: dp["SALT"], B: dp["SRP_B"],
		SecretBlock: dp["SECRET_BLOCK"]}, dev.Password, e.srv.Clock.Now())
	if err != nil {
		return nil, err
	}
	done, err := e.respond(clientID, types.ChallengeNameTypeDevicePasswordVerifier, dch.Session, map[string]string{"USERNAME": name,
		"DEVICE_KEY": *meta.DeviceKey, "PASSWORD_CLAIM_SECRET_BLOCK": dresp.SecretBlock, "PASSWORD_CLAIM_SIGNATURE": dresp.Signature, "TIMESTAMP": dresp.Timestamp})
	if err != nil {
		return nil, err
	}
	return done.AuthenticationResult, nil
}

// reportWriter keeps the rotation's report and notes how many requests had
// been served when the new key file was written.
type reportWriter struct {
	mu     sync.Mutex
	b      strings.Builder
	served *atomic.Int64
	start  int64
}

func (w *reportWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.b.Len() == 0 {
		w.start = w.served.Load()
	}
	return w.b.Write(p)
}

func (w *reportWriter) startedAt() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.start
}

func (w *reportWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestRotateMasterKey: a rotation re-encrypts every secret (signing key,
// client secret, SRP verifier, TOTP secret, device verifier) under a new key
// while the server keeps serving: sign-ins from a remembered device (which
// open the user's and the device's verifiers and sign with the pool's key),
// GetUser, refreshes and reads of the client secret run throughout, and none
// fails. After the old key is retired a restarted server still opens
// everything.
func TestRotateMasterKey(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, cognatetest.WithDataDir(dir))
	poolID, clientID := e.devicePool()
	name := e.user(poolID, clientID)
	secret, meta, dev := e.rememberDevice(clientID, name)
	tokens := must(e.deviceSignIn(poolID, clientID, name, meta, dev))(t)
	sc := must(e.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("s"), GenerateSecret: true}))(t).UserPoolClient
	// A second secret (client-secret rotation) is re-encrypted too.
	second := *must(e.c.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: &poolID, ClientId: sc.ClientId}))(t).ClientSecretDescriptor.ClientSecretValue
	// More users, so that re-encryption takes a while and requests overlap it.
	const others = 20
	for range others {
		e.user(poolID, clientID)
	}
	keyFile := filepath.Join(dir, "master.key")
	before, _ := os.ReadFile(keyFile)

	// Requests of every kind, one after another, until the rotation is over.
	var (
		stop     atomic.Bool
		served   atomic.Int64
		failures = make(chan error, 100)
		wg       sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			steps := []func() error{
				func() error { _, err := e.deviceSignIn(poolID, clientID, name, meta, dev); return err },
				func() error {
					_, err := e.c.GetUser(ctx, &cip.GetUserInput{AccessToken: tokens.AccessToken})
					return err
				},
				func() error {
					_, err := e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID, RefreshToken: tokens.RefreshToken})
					return err
				},
				func() error {
					d, err := e.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: sc.ClientId})
					if err == nil && aws.ToString(d.UserPoolClient.ClientSecret) != *sc.ClientSecret {
						err = fmt.Errorf("client secret changed")
					}
					return err
				},
			}
			for _, step := range steps {
				if err := step(); err != nil {
					select {
					case failures <- err:
					default:
					}
				}
				served.Add(1)
			}
		}
	}()
	for served.Load() < 4 { // a first round before the rotation starts
		runtime.Gosched()
	}
	out := &reportWriter{served: &served}
	err := app.RotateMasterKey(ctx, app.Options{DataDir: dir}, app.RotateOptions{Wait: 500 * time.Millisecond, Out: out})
	duringRotation := served.Load() - out.startedAt()
	stop.Store(true)
	wg.Wait()
	close(failures)
	if err != nil {
		t.Fatal(err)
	}
	for err := range failures {
		t.Errorf("a request failed during the rotation: %v", err)
	}
	// At least a whole round (a device sign-in, GetUser, a refresh, the
	// client secret) between the new key file and the end of re-encryption.
	if duringRotation < 4 {
		t.Fatalf("only %d requests ran during the rotation", duringRotation)
	}
	// The first pass found everything under the old key; the second found
	// nothing left to do, though the sign-ins wrote new rows meanwhile.
	if !strings.Contains(out.String(), fmt.Sprintf("pass 1: re-encrypted 1 signing keys, 2 client secrets, %d user secrets, 1 device verifiers", 2+others)) {
		t.Fatalf("rotation report:\n%s", out)
	}
	if !strings.Contains(out.String(), "pass 2: re-encrypted 0 signing keys, 0 client secrets, 0 user secrets, 0 device verifiers") {
		t.Fatalf("second pass found old ciphertexts:\n%s", out)
	}
	t.Logf("%d requests served during the rotation", duringRotation)
	// The running server serves on: password and TOTP, the old refresh token.
	must(e.c.AdminUpdateDeviceStatus(ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: &poolID, Username: &name, DeviceKey: meta.DeviceKey,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered}))(t)
	e.mfaSignIn(clientID, name, secret)
	must(e.c.AdminUpdateDeviceStatus(ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: &poolID, Username: &name, DeviceKey: meta.DeviceKey,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered}))(t)
	must(e.c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{ClientId: &clientID, RefreshToken: tokens.RefreshToken}))(t)

	// Retire the old key: only the new one is left, and a restarted server
	// opens every secret with it, the device's verifier too.
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
	must(e2.deviceSignIn(poolID, clientID, name, meta, dev))(t)
	must(e2.c.AdminUpdateDeviceStatus(ctx, &cip.AdminUpdateDeviceStatusInput{UserPoolId: &poolID, Username: &name, DeviceKey: meta.DeviceKey,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered}))(t)
	e2.mfaSignIn(clientID, name, secret)
	if d := must(e2.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &poolID, ClientId: sc.ClientId}))(t); *d.UserPoolClient.ClientSecret != *sc.ClientSecret {
		t.Fatal("client secret lost")
	}
	if !e2.tokenEndpointAuth(*sc.ClientId, second) || !e2.tokenEndpointAuth(*sc.ClientId, *sc.ClientSecret) {
		t.Fatal("a client secret no longer authenticates the client after the rotation")
	}
}

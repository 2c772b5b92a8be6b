package idp_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/api"
	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/mail"
	"github.com/cognate-idp/cognate/internal/seal"
	"github.com/cognate-idp/cognate/internal/srp"
	"github.com/cognate-idp/cognate/internal/store/sqlite"
	"github.com/cognate-idp/cognate/internal/totp"
)

// These benchmarks measure the server's work for one sign-in of each kind,
// on a real SQLite store, without HTTP. Client-side computations (the SRP
// client's exponentiations, TOTP codes) are excluded from the timer.
//
//	go test -run x -bench . -benchtime 200x ./internal/idp/

const pw = "Bench-Passw0rd!"

// cpuMeter adds up the process's CPU time (user + system, every thread)
// while the benchmark timer runs, and reports it as cpu-ms/op: on a shared,
// noisy machine CPU time says more about cost than wall time. Benchmarks
// call its start and stop where they would call b.StartTimer/StopTimer.
type cpuMeter struct {
	b     *testing.B
	since time.Duration
	total time.Duration
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func meter(b *testing.B) *cpuMeter {
	return &cpuMeter{b: b, since: cpuNow()}
}

func (m *cpuMeter) stop() {
	m.b.StopTimer()
	m.total += cpuNow() - m.since
}

func (m *cpuMeter) start() {
	m.since = cpuNow()
	m.b.StartTimer()
}

func (m *cpuMeter) report() {
	m.stop()
	m.b.ReportMetric(float64(m.total)/float64(time.Millisecond)/float64(m.b.N), "cpu-ms/op")
}

type bench struct {
	svc    *idp.Service
	outbox *mail.Outbox
	pool   string
	client string
	clock  atomic.Int64 // unix nanoseconds
}

func newBench(b *testing.B, mfa string, devices bool) *bench {
	b.Helper()
	st, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	sealer, _ := seal.New(seal.NewKey())
	bn := &bench{}
	bn.clock.Store(time.Now().UnixNano())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	bn.outbox = mail.NewOutbox(10, log)
	bn.svc = idp.New(idp.Config{Store: st, Sealer: sealer, Region: "us-east-1", Logger: log, Delivery: bn.outbox,
		Now:    func() time.Time { return time.Unix(0, bn.clock.Load()) },
		Issuer: func(p string) string { return "http://127.0.0.1/" + p }})
	ctx := context.Background()
	in := &api.CreateUserPoolInput{PoolName: "bench"}
	in.MfaConfiguration = mfa
	if devices {
		in.DeviceConfiguration = &api.DeviceConfiguration{ChallengeRequiredOnNewDevice: true}
	}
	p, err := bn.svc.CreatePool(ctx, "", in)
	if err != nil {
		b.Fatal(err)
	}
	bn.pool = p.UserPool.Id
	cin := &api.CreateUserPoolClientInput{UserPoolId: bn.pool}
	cin.ClientName = "bench"
	cin.ExplicitAuthFlows = []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
	c, err := bn.svc.CreateClient(ctx, "", "", cin)
	if err != nil {
		b.Fatal(err)
	}
	bn.client = c.UserPoolClient.ClientId
	return bn
}

func (bn *bench) now() time.Time { return time.Unix(0, bn.clock.Load()) }

func (bn *bench) user(b *testing.B, name string) {
	ctx := context.Background()
	if _, err := bn.svc.SignUp(ctx, &api.SignUpInput{ClientId: bn.client, Username: name, Password: ptr(pw)}); err != nil {
		b.Fatal(err)
	}
	if _, err := bn.svc.AdminConfirmSignUp(ctx, &api.AdminConfirmSignUpInput{UserPoolId: bn.pool, Username: name}); err != nil {
		b.Fatal(err)
	}
}

func ptr(s string) *string { return &s }

func params(m map[string]string) map[string]*string {
	out := map[string]*string{}
	for k, v := range m {
		out[k] = ptr(v)
	}
	return out
}

func BenchmarkPasswordSignIn(b *testing.B) {
	bn := newBench(b, "OFF", false)
	bn.user(b, "u")
	in := &api.InitiateAuthInput{ClientId: bn.client, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: params(map[string]string{"USERNAME": "u", "PASSWORD": pw})}
	m := meter(b)
	for b.Loop() {
		if _, err := bn.svc.InitiateAuth(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
	m.report()
}

func (bn *bench) enrolTOTP(b *testing.B, name string) (string, *api.AuthenticationResult) {
	ctx := context.Background()
	out, err := bn.svc.InitiateAuth(ctx, &api.InitiateAuthInput{ClientId: bn.client, AuthFlow: "USER_PASSWORD_AUTH",
		AuthParameters: params(map[string]string{"USERNAME": name, "PASSWORD": pw})})
	if err != nil || out.ChallengeName != "MFA_SETUP" {
		b.Fatalf("%v %+v", err, out)
	}
	as, err := bn.svc.AssociateSoftwareToken(ctx, &api.AssociateSoftwareTokenInput{Session: out.Session})
	if err != nil {
		b.Fatal(err)
	}
	code, _ := totp.Now(as.SecretCode, bn.now())
	v, err := bn.svc.VerifySoftwareToken(ctx, &api.VerifySoftwareTokenInput{Session: as.Session, UserCode: code})
	if err != nil {
		b.Fatal(err)
	}
	done, err := bn.svc.RespondToAuthChallenge(ctx, &api.RespondToAuthChallengeInput{ClientId: bn.client, ChallengeName: "MFA_SETUP",
		Session: v.Session, ChallengeResponses: params(map[string]string{"USERNAME": name})})
	if err != nil {
		b.Fatal(err)
	}
	return as.SecretCode, done.AuthenticationResult
}

// BenchmarkTOTPSignIn is one USER_PASSWORD_AUTH + SOFTWARE_TOKEN_MFA sign-in;
// the clock moves one TOTP step per sign-in so replay protection is satisfied.
func BenchmarkTOTPSignIn(b *testing.B) {
	bn := newBench(b, "ON", false)
	bn.user(b, "u")
	secret, _ := bn.enrolTOTP(b, "u")
	ctx := context.Background()
	in := &api.InitiateAuthInput{ClientId: bn.client, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: params(map[string]string{"USERNAME": "u", "PASSWORD": pw})}
	m := meter(b)
	for b.Loop() {
		bn.clock.Add(int64(totp.Period))
		out, err := bn.svc.InitiateAuth(ctx, in)
		if err != nil {
			b.Fatal(err)
		}
		m.stop()
		code, _ := totp.Now(secret, bn.now())
		m.start()
		if _, err := bn.svc.RespondToAuthChallenge(ctx, &api.RespondToAuthChallengeInput{ClientId: bn.client, ChallengeName: "SOFTWARE_TOKEN_MFA",
			Session: out.Session, ChallengeResponses: params(map[string]string{"USERNAME": "u", "SOFTWARE_TOKEN_MFA_CODE": code})}); err != nil {
			b.Fatal(err)
		}
	}
	m.report()
}

func (bn *bench) srpLogin(b *testing.B, m *cpuMeter, name string, deviceKey string) *api.AuthOutput {
	ctx := context.Background()
	m.stop()
	cl, _ := srp.NewClient()
	m.start()
	ch, err := bn.svc.InitiateAuth(ctx, &api.InitiateAuthInput{ClientId: bn.client, AuthFlow: "USER_SRP_AUTH",
		AuthParameters: params(map[string]string{"USERNAME": name, "SRP_A": cl.PublicHex()})})
	if err != nil {
		b.Fatal(err)
	}
	m.stop()
	p := ch.ChallengeParameters
	resp, err := cl.Respond(srp.Challenge{PoolName: strings.SplitN(bn.pool, "_", 2)[1], UserID: p["USER_ID_FOR_SRP"], Salt: p["SALT"], B: p["SRP_B"],
		SecretBlock: p["SECRET_BLOCK"]}, pw, bn.now())
	if err != nil {
		b.Fatal(err)
	}
	r := map[string]string{"USERNAME": name, "PASSWORD_CLAIM_SECRET_BLOCK": resp.SecretBlock, "PASSWORD_CLAIM_SIGNATURE": resp.Signature, "TIMESTAMP": resp.Timestamp}
	if deviceKey != "" {
		r["DEVICE_KEY"] = deviceKey
	}
	m.start()
	out, err := bn.svc.RespondToAuthChallenge(ctx, &api.RespondToAuthChallengeInput{ClientId: bn.client, ChallengeName: "PASSWORD_VERIFIER",
		Session: ch.Session, ChallengeResponses: params(r)})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkSRPSignIn is the server's side of one USER_SRP_AUTH sign-in
// ending in tokens (no MFA).
func BenchmarkSRPSignIn(b *testing.B) {
	bn := newBench(b, "OFF", false)
	bn.user(b, "u")
	m := meter(b)
	for b.Loop() {
		if out := bn.srpLogin(b, m, "u", ""); out.AuthenticationResult == nil {
			b.Fatal("no tokens")
		}
	}
	m.report()
}

func BenchmarkDeviceSignIn(b *testing.B) {
	bn := newBench(b, "ON", true)
	bn.user(b, "u")
	_, res := bn.enrolTOTP(b, "u")
	ctx := context.Background()
	// The enrolment sign-in created a device: confirm it (the pool remembers
	// confirmed devices without asking the user).
	key, group := res.NewDeviceMetadata.DeviceKey, res.NewDeviceMetadata.DeviceGroupKey
	dev, _ := srp.NewDeviceSecret(group, key)
	pv, salt := dev.VerifierConfig()
	if _, err := bn.svc.ConfirmDevice(ctx, &api.ConfirmDeviceInput{AccessToken: res.AccessToken, DeviceKey: key,
		DeviceSecretVerifierConfig: &api.DeviceSecretVerifierConfig{PasswordVerifier: pv, Salt: salt}}); err != nil {
		b.Fatal(err)
	}
	m := meter(b)
	for b.Loop() {
		out := bn.srpLogin(b, m, "u", key)
		if out.ChallengeName != "DEVICE_SRP_AUTH" {
			b.Fatalf("challenge %q", out.ChallengeName)
		}
		m.stop()
		cl, _ := srp.NewClient()
		m.start()
		ch, err := bn.svc.RespondToAuthChallenge(ctx, &api.RespondToAuthChallengeInput{ClientId: bn.client, ChallengeName: "DEVICE_SRP_AUTH",
			Session: out.Session, ChallengeResponses: params(map[string]string{"USERNAME": "u", "DEVICE_KEY": key, "SRP_A": cl.PublicHex()})})
		if err != nil {
			b.Fatal(err)
		}
		m.stop()
		p := ch.ChallengeParameters
		resp, err := cl.Respond(srp.Challenge{PoolName: group, UserID: key, Salt: p["SALT"], B: p["SRP_B"], SecretBlock: p["SECRET_BLOCK"]}, dev.Password, bn.now())
		if err != nil {
			b.Fatal(err)
		}
		m.start()
		done, err := bn.svc.RespondToAuthChallenge(ctx, &api.RespondToAuthChallengeInput{ClientId: bn.client, ChallengeName: "DEVICE_PASSWORD_VERIFIER",
			Session: ch.Session, ChallengeResponses: params(map[string]string{"USERNAME": "u", "DEVICE_KEY": key,
				"PASSWORD_CLAIM_SECRET_BLOCK": resp.SecretBlock, "PASSWORD_CLAIM_SIGNATURE": resp.Signature, "TIMESTAMP": resp.Timestamp})})
		if err != nil || done.AuthenticationResult == nil {
			b.Fatalf("%v %+v", err, done)
		}
	}
	m.report()
}

// BenchmarkBrandedPoolSignIn is BenchmarkPasswordSignIn in a pool with a
// managed login style of a megabyte of images: kept beside the pool's
// document, they should cost a sign-in nothing (kept in it, they made it
// four times as costly).
func BenchmarkBrandedPoolSignIn(b *testing.B) {
	bn := newBench(b, "OFF", false)
	bn.user(b, "u")
	img := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 1000000-8)...)
	if _, err := bn.svc.CreateManagedLoginBranding(context.Background(), &api.CreateManagedLoginBrandingInput{UserPoolId: bn.pool, ClientId: bn.client,
		Assets: []api.AssetType{{Category: "PAGE_BACKGROUND", ColorMode: "LIGHT", Extension: "PNG", Bytes: img}}}); err != nil {
		b.Fatal(err)
	}
	in := &api.InitiateAuthInput{ClientId: bn.client, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: params(map[string]string{"USERNAME": "u", "PASSWORD": pw})}
	m := meter(b)
	for b.Loop() {
		if _, err := bn.svc.InitiateAuth(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
	m.report()
}

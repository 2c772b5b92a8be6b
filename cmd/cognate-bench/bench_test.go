package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
)

// testConfig points the tool at an in-process server. The server's clock is
// manual, so the tool reads it for TOTP codes and SRP timestamps, and when
// the mfa workload has spent every user's usable steps it moves the clock
// to the step boundary it waits for instead of sleeping up to 30 s.
func testConfig(srv *cognatetest.Server, workload string, users int, conc ...int) Config {
	var mu sync.Mutex
	return Config{Endpoint: srv.URL, AccessKey: srv.AccessKeyID, SecretKey: srv.SecretAccessKey, Region: srv.Region,
		Workload: workload, Users: users, Concurrency: conc, Duration: time.Second, Warmup: 100 * time.Millisecond,
		Timeout: 30 * time.Second, SetupConcurrency: 4, Now: srv.Clock.Now,
		Wait: func(ctx context.Context, until time.Time) error {
			mu.Lock()
			if srv.Clock.Now().Before(until) {
				srv.Clock.Set(until)
			}
			mu.Unlock()
			return ctx.Err()
		}}
}

// TestWorkloads runs every workload for about a second against an
// in-process server and requires operations and no errors.
func TestWorkloads(t *testing.T) {
	for _, name := range strings.Split(workloadNames(), ", ") {
		t.Run(name, func(t *testing.T) {
			srv := cognatetest.Start(t)
			// Enough users that a sign-in in flight never sees the clock
			// jump twice (see testConfig).
			rep, err := Run(t.Context(), testConfig(srv, name, 12, 3))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Interrupted || len(rep.Runs) != 1 {
				t.Fatalf("report %+v", rep)
			}
			r := rep.Runs[0]
			t.Logf("%s: %d ops, %.1f ops/s, p50 %.1fms, %d requests, maths %.2fms/op", name, r.Completed, r.Throughput, r.Latency.P50, r.Requests, r.ClientMathsMs)
			if r.ErrorCount != 0 || len(r.Errors) != 0 {
				t.Fatalf("errors: %v", r.Errors)
			}
			if r.Completed == 0 || r.Throughput <= 0 || r.Latency.P50 <= 0 || r.Latency.Max < r.Latency.P99 {
				t.Fatalf("result %+v", r)
			}
			if r.StoppedBy != "duration" {
				t.Fatalf("stopped by %s", r.StoppedBy)
			}
		})
	}
}

// TestSweepMaxOpsAndOutputs: a sweep runs once per concurrency, -max-ops
// bounds each run, and the JSON and SVG outputs are written.
func TestSweepMaxOpsAndOutputs(t *testing.T) {
	srv := cognatetest.Start(t)
	cfg := testConfig(srv, "getuser", 4, 1, 2)
	cfg.Duration = 20 * time.Second // must be cut short by MaxOps
	cfg.MaxOps = 25
	rep, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 2 {
		t.Fatalf("%d runs", len(rep.Runs))
	}
	for _, r := range rep.Runs {
		if r.StoppedBy != "max-ops" || r.Completed+r.ErrorCount != 25 || r.ErrorCount != 0 {
			t.Fatalf("run %+v", r)
		}
	}
	var txt, svg bytes.Buffer
	printReport(&txt, rep)
	if !strings.Contains(txt.String(), "conc") {
		t.Fatalf("report:\n%s", txt.String())
	}
	if err := writeSVG(&svg, rep); err != nil {
		t.Fatal(err)
	}
	if s := svg.String(); !strings.HasPrefix(s, "<svg") || !strings.Contains(s, "<polyline") || !strings.HasSuffix(s, "</svg>\n") {
		t.Fatalf("svg:\n%s", s)
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Fatal(err)
	}
}

// TestInterrupt: cancelling the context (Ctrl-C) stops a run early and
// reports it as interrupted, without counting cut-off requests as errors.
// The cancel comes 300 ms into the first measured run (the tool's log says
// when it begins), so there is always exactly one run to check, stopped by
// the interrupt; the second concurrency of the sweep never starts.
func TestInterrupt(t *testing.T) {
	srv := cognatetest.Start(t)
	cfg := testConfig(srv, "password", 4, 4, 8)
	cfg.Duration = time.Minute
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	cfg.Log = &onLine{prefix: "run: ", do: func() { time.AfterFunc(300*time.Millisecond, cancel) }}
	start := time.Now()
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 20*time.Second || !rep.Interrupted {
		t.Fatalf("interrupted=%v after %s", rep.Interrupted, time.Since(start))
	}
	if len(rep.Runs) != 1 {
		t.Fatalf("%d runs, want the one interrupted: %+v", len(rep.Runs), rep.Runs)
	}
	for _, r := range rep.Runs {
		if r.StoppedBy != "interrupt" || r.ErrorCount != 0 || r.Completed == 0 || r.Concurrency != 4 {
			t.Fatalf("run %+v", r)
		}
	}
}

// onLine is a log that calls do once, when a line starting with prefix is
// written.
type onLine struct {
	prefix string
	do     func()
	once   sync.Once
}

func (o *onLine) Write(p []byte) (int, error) {
	if strings.HasPrefix(string(p), o.prefix) {
		o.once.Do(o.do)
	}
	return len(p), nil
}

// TestCommandLine runs the command's entry point against the in-process
// server, and checks it refuses a non-loopback endpoint.
func TestCommandLine(t *testing.T) {
	srv := cognatetest.Start(t)
	dir := t.TempDir()
	out, svg := filepath.Join(dir, "r.json"), filepath.Join(dir, "c.svg")
	var stdout, stderr bytes.Buffer
	code := run([]string{"run", "-endpoint", srv.URL, "-access-key", srv.AccessKeyID, "-secret-key", srv.SecretAccessKey,
		"-workload", "password", "-users", "3", "-sweep", "1,2", "-duration", "300ms", "-warmup", "0s", "-out", out, "-svg", svg, "-q"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	var rep Report
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil || len(rep.Runs) != 2 || rep.Runs[1].Concurrency != 2 {
		t.Fatalf("json %v: %s", err, b)
	}
	if _, err := os.Stat(svg); err != nil {
		t.Fatal(err)
	}
	for _, ep := range []string{"http://192.0.2.1:9229", "http://example.com", "ftp://127.0.0.1/"} {
		stderr.Reset()
		if code := run([]string{"run", "-endpoint", ep, "-access-key", "a", "-secret-key", "b"}, &stdout, &stderr); code != 2 {
			t.Fatalf("%s: exit %d", ep, code)
		}
	}
	for _, ep := range []string{"http://127.0.0.1:1", "http://[::1]:1", "http://localhost:1"} {
		if err := checkEndpoint(ep, false); err != nil {
			t.Fatalf("%s: %v", ep, err)
		}
	}
	if err := checkEndpoint("http://192.0.2.1:9229", true); err != nil {
		t.Fatal(err)
	}
}

func TestPercentiles(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	l := percentiles(ds)
	if l.P50 != 50 || l.P95 != 95 || l.P99 != 99 || l.Max != 100 || l.Mean != 50.5 {
		t.Fatalf("%+v", l)
	}
	if l := percentiles(nil); l != (Latency{}) {
		t.Fatalf("%+v", l)
	}
}

// TestCommittedChart: testdata/mfa-sweep.svg is what this tool draws from
// testdata/mfa-sweep.json, the -out file of the sweep in BENCHMARKS.md.
// After changing the chart, redraw it with
//
//	go run ./cmd/cognate-bench summarize -svg cmd/cognate-bench/testdata/mfa-sweep.svg cmd/cognate-bench/testdata/mfa-sweep.json
func TestCommittedChart(t *testing.T) {
	b, err := os.ReadFile("testdata/mfa-sweep.json")
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := writeSVG(&got, &rep); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/mfa-sweep.svg")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatal("testdata/mfa-sweep.svg is not what the tool draws from testdata/mfa-sweep.json; redraw it (see the comment)")
	}
}

// TestLoadThenRunInThePool: load writes real users straight into a data
// dir's store (each signs in with its password and has a TOTP
// authenticator), and a run with -pool-id works among them and removes only
// what it made.
func TestLoadThenRunInThePool(t *testing.T) {
	dir := t.TempDir()
	const pool = "us-east-1_loadtest1"
	rep, err := loadUsers(t.Context(), LoadConfig{DataDir: dir, PoolID: pool, Users: 30, Batch: 7, Prefix: "filler-"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.PoolBefore != 0 || rep.PoolAfter != 30 {
		t.Fatalf("load report %+v", rep)
	}
	srv := cognatetest.Start(t, cognatetest.WithDataDir(dir))
	cfg := testConfig(srv, "mfa", 6, 2)
	cfg.PoolID = pool
	run, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r := run.Runs[0]; r.ErrorCount != 0 || r.Completed == 0 {
		t.Fatalf("run in the loaded pool: %+v", r)
	}
	if run.PoolUsers != 36 {
		t.Fatalf("the run saw %d users in the pool, want 30 loaded + 6", run.PoolUsers)
	}

	admin := cip.New(cip.Options{Region: srv.Region, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKeyID, srv.SecretAccessKey, "")})
	ctx := t.Context()
	desc, err := admin.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
	if err != nil || desc.UserPool.EstimatedNumberOfUsers != 30 {
		t.Fatalf("after the run the pool holds %v users (%v), want the 30 loaded", desc.UserPool.EstimatedNumberOfUsers, err)
	}
	u, err := admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("filler-0000017")})
	if err != nil || u.UserStatus != types.UserStatusTypeConfirmed || aws.ToString(u.PreferredMfaSetting) != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("loaded user: %+v, %v", u, err)
	}
	c, err := admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(pool), ClientName: aws.String("t"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}})
	if err != nil {
		t.Fatal(err)
	}
	signIn := func(pw string) (*cip.InitiateAuthOutput, error) {
		return admin.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: c.UserPoolClient.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "filler-0000017", "PASSWORD": pw}})
	}
	if out, err := signIn("Bench-Passw0rd!"); err != nil || out.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("a loaded user's password sign-in: %+v, %v", out, err)
	}
	var na *types.NotAuthorizedException
	if _, err := signIn("Wrong-Passw0rd!"); !errors.As(err, &na) {
		t.Fatalf("a wrong password for a loaded user: %v", err)
	}
	// A batch with taken names, loaded beside the running server as a
	// second writer: refused whole, its fresh names not written either.
	if _, err := loadUsers(ctx, LoadConfig{DataDir: dir, PoolID: pool, Users: 35, Batch: 35, Prefix: "filler-"}); err == nil {
		t.Fatal("loading taken usernames succeeded")
	}
	var nf *types.UserNotFoundException
	if _, err := admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String("filler-0000031")}); !errors.As(err, &nf) {
		t.Fatalf("a refused batch wrote part of itself: %v", err)
	}
}

// TestAccessTokenEnrolment: the mfa workload with TOTP set up through the
// access token in an MFA OPTIONAL pool, the path other servers support.
func TestAccessTokenEnrolment(t *testing.T) {
	srv := cognatetest.Start(t)
	cfg := testConfig(srv, "mfa", 8, 2)
	cfg.AccessTokenEnrolment = true
	rep, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Runs[0]; r.ErrorCount != 0 || r.Completed == 0 {
		t.Fatalf("%+v", r)
	}
}

// TestFloor: the floor adds up the measured primitives per the recipe, and
// throughput is reported against it.
func TestFloor(t *testing.T) {
	f := measureFloor("device")
	p := f.PrimitiveMs
	if p["srp-server"] <= 0 || p["rs256-sign"] <= 0 || p["srp-client"] <= 0 || f.ReferenceModExpMs <= 0 {
		t.Fatalf("primitives %+v", f)
	}
	if want := 2*p["srp-server"] + 2*p["rs256-sign"]; math.Abs(f.ServerMs-want) > 1e-9 || f.Server != "2×srp-server + 2×rs256-sign" {
		t.Fatalf("server %q = %.3f, want %.3f", f.Server, f.ServerMs, want)
	}
	if math.Abs(f.OpsPerS-float64(f.Cores)*1000/f.ServerMs) > 1e-6 || f.SharedOpsPerS >= f.OpsPerS {
		t.Fatalf("floor %+v", f)
	}
	for w := range workloads {
		if _, ok := serverCrypto[w]; !ok {
			t.Errorf("workload %s has no floor recipe", w)
		}
	}
	srv := cognatetest.Start(t)
	cfg := testConfig(srv, "getuser", 2, 2)
	cfg.Floor = true
	rep, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Floor == nil || rep.Floor.Server != "rs256-verify" || rep.Runs[0].FloorShare == nil {
		t.Fatalf("report floor %+v", rep.Floor)
	}
	var txt bytes.Buffer
	printReport(&txt, rep)
	if !strings.Contains(txt.String(), "of the floor") {
		t.Fatalf("report:\n%s", txt.String())
	}
}

// TestSubcommands: each command is reached by name with its own flags; no
// command, an unknown one or a bad flag is a usage error.
func TestSubcommands(t *testing.T) {
	call := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(args, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	if code, _, errs := call(); code != 2 || !strings.Contains(errs, "Commands:") {
		t.Fatalf("no command: exit %d, %q", code, errs)
	}
	if code, _, errs := call("sweep"); code != 2 || !strings.Contains(errs, `unknown command "sweep"`) {
		t.Fatalf("unknown command: exit %d, %q", code, errs)
	}
	if code, out, _ := call("help"); code != 0 || !strings.Contains(out, "cognate-bench load") {
		t.Fatalf("help: exit %d, %q", code, out)
	}
	if code, _, _ := call("run", "-load", "5"); code != 2 {
		t.Fatalf("run takes no -load flag: exit %d", code)
	}
	code, out, errs := call("summarize", "testdata/mfa-sweep.json")
	if code != 0 || !strings.Contains(out, "| mfa") {
		t.Fatalf("summarize: exit %d, %q %q", code, out, errs)
	}
	if code, _, _ := call("summarize"); code != 2 {
		t.Fatalf("summarize without files: exit %d", code)
	}
	dir := t.TempDir()
	res := filepath.Join(dir, "load.json")
	code, out, errs = call("load", "-pool-id", "us-east-1_subcmd1", "-data-dir", dir, "-out", res, "4")
	if code != 0 || !strings.Contains(out, "loaded 4 users into us-east-1_subcmd1") {
		t.Fatalf("load: exit %d, %q %q", code, out, errs)
	}
	if _, err := os.Stat(res); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := call("load", "-pool-id", "p", "-data-dir", dir, "many"); code != 2 {
		t.Fatalf("load with a bad count: exit %d", code)
	}
	if code, _, errs := call("floor", "-workload", "bogus"); code != 2 || !strings.Contains(errs, "unknown workload") {
		t.Fatalf("floor with a bad workload: exit %d, %q", code, errs)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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
func TestInterrupt(t *testing.T) {
	srv := cognatetest.Start(t)
	cfg := testConfig(srv, "password", 4, 4)
	cfg.Duration = time.Minute
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(1500*time.Millisecond, cancel)
	start := time.Now()
	rep, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 20*time.Second || !rep.Interrupted {
		t.Fatalf("interrupted=%v after %s", rep.Interrupted, time.Since(start))
	}
	if len(rep.Runs) == 1 && (rep.Runs[0].StoppedBy != "interrupt" || rep.Runs[0].ErrorCount != 0) {
		t.Fatalf("run %+v", rep.Runs[0])
	}
}

// TestCommandLine runs the command's entry point against the in-process
// server, and checks it refuses a non-loopback endpoint.
func TestCommandLine(t *testing.T) {
	srv := cognatetest.Start(t)
	dir := t.TempDir()
	out, svg := filepath.Join(dir, "r.json"), filepath.Join(dir, "c.svg")
	var stdout, stderr bytes.Buffer
	code := run([]string{"-endpoint", srv.URL, "-access-key", srv.AccessKeyID, "-secret-key", srv.SecretAccessKey,
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
		if code := run([]string{"-endpoint", ep, "-access-key", "a", "-secret-key", "b"}, &stdout, &stderr); code != 2 {
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
//	go run ./cmd/cognate-bench -summarize -svg cmd/cognate-bench/testdata/mfa-sweep.svg cmd/cognate-bench/testdata/mfa-sweep.json
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

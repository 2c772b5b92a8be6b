// Command cognate-bench is a load generator for a Cognate server. It creates
// its own user pool and app client, pre-creates users, runs one workload at
// a fixed concurrency (or a sweep of them) for a bounded time and count, and
// reports throughput, latency percentiles and errors by exception name, as
// text and JSON, optionally with an SVG chart. It deletes its pool at the
// end.
//
//	cognate-bench run -endpoint http://127.0.0.1:9229 -access-key ... -secret-key ... \
//	    -workload mfa -users 1000 -concurrency 16 -duration 15s -out result.json
//	cognate-bench load -pool-id ID -data-dir DIR 999000
//	cognate-bench summarize result.json...
//	cognate-bench floor -workload mfa
//
// Set-up (pools, users, TOTP enrolment, devices) uses aws-sdk-go-v2 for the
// signed admin operations; the measured requests use plain net/http and
// encoding/json over one keep-alive client.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cognate-idp/cognate/internal/app"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func env(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// commands are cognate-bench's subcommands, each with its own flags.
var commands = []struct {
	name, args, doc string
	run             func(args []string, stdout, stderr io.Writer) int
}{
	{"run", "[flags]", "run one workload (or a sweep of concurrencies) against a server and report", runWorkload},
	{"load", "-pool-id ID -data-dir DIR [flags] N", "write N users straight into a server's store (for growth runs)", runLoad},
	{"summarize", "[-svg FILE] RESULT.json...", "print a Markdown table of medians of earlier runs; with -svg, redraw one run's chart", runSummarize},
	{"floor", "[-workload NAME]", "measure a workload's crypto floor in-process and print it", runFloor},
}

func run(args []string, stdout, stderr io.Writer) int {
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: cognate-bench COMMAND [flags]\n\nCommands:\n")
		for _, c := range commands {
			fmt.Fprintf(w, "  %-9s %s\n            cognate-bench %s %s\n", c.name, c.doc, c.name, c.args)
		}
		fmt.Fprintf(w, "\n'cognate-bench COMMAND -h' lists a command's flags.\n")
	}
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	for _, c := range commands {
		if args[0] == c.name {
			return c.run(args[1:], stdout, stderr)
		}
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "cognate-bench: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

// newFlags is a command's flag set; parse reports the exit status to return
// when parsing ends the command (help, or a bad flag).
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("cognate-bench "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) (status int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	return 0, false
}

func failf(stderr io.Writer, status int, format string, a ...any) int {
	fmt.Fprintf(stderr, "cognate-bench: "+format+"\n", a...)
	return status
}

func runSummarize(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("summarize", stderr)
	svg := fs.String("svg", "", "with one file: redraw its chart (throughput and latency against concurrency) into this SVG file")
	if st, done := parse(fs, args); done {
		return st
	}
	if fs.NArg() == 0 {
		return failf(stderr, 2, "summarize needs JSON files")
	}
	if err := summarize(stdout, fs.Args()); err != nil {
		return failf(stderr, 1, "%v", err)
	}
	if *svg != "" {
		if fs.NArg() != 1 {
			return failf(stderr, 2, "summarize -svg takes one JSON file")
		}
		var rep Report
		b, err := os.ReadFile(fs.Arg(0))
		if err == nil {
			err = json.Unmarshal(b, &rep)
		}
		if err == nil {
			err = writeSVGFile(*svg, &rep)
		}
		if err != nil {
			return failf(stderr, 1, "%v", err)
		}
	}
	return 0
}

func runLoad(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("load", stderr)
	poolID := fs.String("pool-id", "", "the pool to fill (created if absent)")
	dataDir := fs.String("data-dir", "", "the server's data dir (its master.key seals the users)")
	database := fs.String("database", "", "the servers' PostgreSQL URL (or COGNATE_DATABASE_URL); the master key comes from -data-dir or COGNATE_MASTER_KEY")
	prefix := fs.String("prefix", "load-", "username prefix (then 7 digits)")
	out := fs.String("out", "", "write the result as JSON to this file")
	if st, done := parse(fs, args); done {
		return st
	}
	if fs.NArg() != 1 {
		return failf(stderr, 2, "load takes the number of users to write")
	}
	n, err := strconv.Atoi(fs.Arg(0))
	if err != nil || n < 1 || n > 10_000_000 {
		return failf(stderr, 2, "load: the number of users must be between 1 and 10000000")
	}
	if *poolID == "" || *dataDir == "" && os.Getenv("COGNATE_MASTER_KEY") == "" {
		return failf(stderr, 2, "load needs -pool-id, and -data-dir for the master key (or -database with COGNATE_MASTER_KEY)")
	}
	cfg := LoadConfig{DataDir: *dataDir, DatabaseURL: *database, PoolID: *poolID, Users: n, Prefix: *prefix, Log: stderr}
	if cfg.DatabaseURL == "" {
		cfg.DatabaseURL = os.Getenv("COGNATE_DATABASE_URL")
	}
	if k := os.Getenv("COGNATE_MASTER_KEY"); k != "" {
		key, err := app.ParseKey(k)
		if err != nil {
			return failf(stderr, 2, "COGNATE_MASTER_KEY: %v", err)
		}
		cfg.MasterKey = key
	}
	if cfg.DataDir == "" && cfg.DatabaseURL == "" {
		return failf(stderr, 2, "load into SQLite needs -data-dir")
	}
	if cfg.DataDir == "" {
		cfg.DataDir = os.TempDir() // a key from the environment: nothing is read or written there
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := loadUsers(ctx, cfg)
	if err != nil {
		return failf(stderr, 1, "load: %v", err)
	}
	fmt.Fprintf(stdout, "loaded %d users into %s in %.1f s (%.0f users/s); the pool holds %d\n", rep.Users, rep.PoolID, rep.Seconds, rep.UsersPerS, rep.PoolAfter)
	if *out != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
			return failf(stderr, 1, "%v", err)
		}
	}
	return 0
}

func runFloor(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("floor", stderr)
	workload := fs.String("workload", "mfa", "workload: "+workloadNames())
	if st, done := parse(fs, args); done {
		return st
	}
	if _, ok := workloads[*workload]; !ok || fs.NArg() > 0 {
		return failf(stderr, 2, "floor: unknown workload %q (want one of %s)", *workload, workloadNames())
	}
	f := measureFloor(*workload)
	printFloor(stdout, &f)
	fmt.Fprintf(stdout, "reference    one 3072-bit modexp with a 256-bit exponent = %.2fms\n", f.ReferenceModExpMs)
	return 0
}

func runWorkload(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("run", stderr)
	endpoint := fs.String("endpoint", "http://127.0.0.1:9229", "Cognate server URL; must be loopback unless -allow-remote")
	allowRemote := fs.Bool("allow-remote", false, "allow a non-loopback -endpoint")
	accessKey := fs.String("access-key", env("COGNATE_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"), "admin access key id (COGNATE_ACCESS_KEY_ID, AWS_ACCESS_KEY_ID)")
	secretKey := fs.String("secret-key", env("COGNATE_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"), "admin secret key (COGNATE_SECRET_ACCESS_KEY, AWS_SECRET_ACCESS_KEY)")
	region := fs.String("region", "us-east-1", "region for signing admin requests")
	workload := fs.String("workload", "password", "workload: "+workloadNames())
	users := fs.Int("users", 1000, "users to pre-create (ignored by signup)")
	concurrency := fs.Int("concurrency", 16, "concurrent clients")
	sweep := fs.String("sweep", "", "comma-separated concurrencies to run one after another on the same users, e.g. 1,4,16,64 (overrides -concurrency)")
	duration := fs.Duration("duration", 20*time.Second, "measured time per run")
	warmup := fs.Duration("warmup", time.Second, "unmeasured run before each measured one")
	maxOps := fs.Int64("max-ops", 1_000_000, "stop a run after this many operations (0 = no limit)")
	timeout := fs.Duration("timeout", 30*time.Second, "per-request timeout")
	backoff := fs.Bool("backoff", false, "after TooManyRequestsException a client waits, as the AWS SDKs' retry does (a random time up to 2^n × 50 ms after n refusals in a row, at most 2 s), instead of sending its next request at once; refusals are counted as errors either way")
	setupConc := fs.Int("setup-concurrency", 8, "parallel user creations in set-up")
	serverPID := fs.Int("server-pid", 0, "server process id, to report its CPU time per op (Linux /proc)")
	keep := fs.Bool("keep", false, "keep the pool and users instead of deleting them")
	out := fs.String("out", "", "write the results as JSON to this file")
	svg := fs.String("svg", "", "write an SVG chart (throughput and latency against concurrency) to this file")
	maxOther := fs.Float64("max-other-cpu", 0, "with -server-pid: when a run's CPU use by other processes (and the kernel) exceeds this many cores, call it disturbed and exit with status 3 after reporting (0 = off)")
	quiet := fs.Bool("q", false, "no progress lines on stderr")
	poolID := fs.String("pool-id", "", "run in this existing pool (e.g. one filled by 'cognate-bench load') instead of a new one; only the tool's own client and users are removed afterwards")
	accessEnrol := fs.Bool("access-token-enrolment", false, "set TOTP up with the access token (AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference) in an MFA OPTIONAL pool instead of through MFA_SETUP: for servers without MFA_SETUP (cognito-local)")
	floor := fs.Bool("floor", true, "measure the crypto floor of the workload in-process first and report throughput against it")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: cognate-bench run [flags]\n\nWorkloads:\n")
		for _, n := range strings.Split(workloadNames(), ", ") {
			fmt.Fprintf(stderr, "  %-9s %s\n", n, workloads[n].doc)
		}
		fmt.Fprintf(stderr, "\nFlags:\n")
		fs.PrintDefaults()
	}
	if st, done := parse(fs, args); done {
		return st
	}
	fail := func(format string, a ...any) int { return failf(stderr, 2, format, a...) }
	if fs.NArg() > 0 {
		return fail("unexpected argument %q", fs.Arg(0))
	}
	if err := checkEndpoint(*endpoint, *allowRemote); err != nil {
		return fail("%v", err)
	}
	if *accessKey == "" || *secretKey == "" {
		return fail("admin keys needed: -access-key and -secret-key (or COGNATE_ACCESS_KEY_ID / COGNATE_SECRET_ACCESS_KEY)")
	}
	if _, ok := workloads[*workload]; !ok {
		return fail("unknown workload %q (want one of %s)", *workload, workloadNames())
	}
	if *users < 0 || *users > 1_000_000 {
		return fail("-users must be between 0 and 1000000")
	}
	if *maxOps < 0 {
		return fail("-max-ops must not be negative")
	}
	conc := []int{*concurrency}
	if *sweep != "" {
		var err error
		if conc, err = parseSweep(*sweep); err != nil {
			return fail("-sweep: %v", err)
		}
	}
	for _, c := range conc {
		if c < 1 || c > 10_000 {
			return fail("concurrency %d: must be between 1 and 10000", c)
		}
	}
	if *duration <= 0 || *duration > 24*time.Hour {
		return fail("-duration must be positive and at most 24h")
	}
	var logw io.Writer = stderr
	if *quiet {
		logw = io.Discard
	}
	cfg := Config{Endpoint: *endpoint, AccessKey: *accessKey, SecretKey: *secretKey, Region: *region, Workload: *workload,
		Users: *users, Concurrency: conc, Duration: *duration, Warmup: *warmup, MaxOps: *maxOps, Timeout: *timeout, Backoff: *backoff,
		SetupConcurrency: *setupConc, ServerPID: *serverPID, Keep: *keep, Log: logw,
		PoolID: *poolID, AccessTokenEnrolment: *accessEnrol, Floor: *floor}

	// The first Ctrl-C stops the run cleanly (partial results are still
	// reported, the pool is still deleted); a second one kills the process.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sig:
			signal.Stop(sig)
			fmt.Fprintf(stderr, "%s: stopping and cleaning up (again to quit at once)...\n", s)
			cancel()
		case <-done:
		}
	}()
	rep, err := Run(ctx, cfg)
	close(done)
	signal.Stop(sig)
	if err != nil {
		fmt.Fprintf(stderr, "cognate-bench: %v\n", err)
		return 1
	}
	printReport(stdout, rep)
	if *out != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintf(stderr, "cognate-bench: %v\n", err)
			return 1
		}
	}
	if *svg != "" && len(rep.Runs) > 0 {
		if err := writeSVGFile(*svg, rep); err != nil {
			fmt.Fprintf(stderr, "cognate-bench: %v\n", err)
			return 1
		}
	}
	if rep.Interrupted {
		return 130
	}
	if *maxOther > 0 {
		for _, r := range rep.Runs {
			if r.OtherCPU != nil && *r.OtherCPU > *maxOther {
				fmt.Fprintf(stderr, "cognate-bench: run at concurrency %d disturbed: %.2f cores busy outside the server and this tool (limit %.2f)\n",
					r.Concurrency, *r.OtherCPU, *maxOther)
				return 3
			}
		}
	}
	return 0
}

// checkEndpoint refuses anything but a loopback http(s) URL unless remote
// targets are explicitly allowed: a load generator pointed at the wrong
// host is a denial-of-service tool.
func checkEndpoint(raw string, allowRemote bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("-endpoint: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("-endpoint %q: want http://host:port", raw)
	}
	if allowRemote {
		return nil
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-endpoint %s is not a loopback address; pass -allow-remote to load a remote server", raw)
}

func parseSweep(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("empty")
	}
	return out, nil
}

func printReport(w io.Writer, rep *Report) {
	fmt.Fprintf(w, "workload     %s — %s\n", rep.Workload, rep.Description)
	fmt.Fprintf(w, "users        %d (set-up %.1fs)\n", rep.Users, rep.SetupSeconds)
	if rep.PoolUsers > 0 {
		fmt.Fprintf(w, "in the pool  %d users\n", rep.PoolUsers)
	}
	if rep.Floor != nil {
		printFloor(w, rep.Floor)
	}
	if rep.ServerIdleRSSMB != nil {
		fmt.Fprintf(w, "server RSS   %.1f MiB idle, before set-up\n", *rep.ServerIdleRSSMB)
	}
	if rep.Interrupted {
		fmt.Fprintf(w, "interrupted  yes\n")
	}
	if len(rep.Runs) == 1 {
		r := rep.Runs[0]
		fmt.Fprintf(w, "concurrency  %d\n", r.Concurrency)
		fmt.Fprintf(w, "duration     %s (elapsed %.2fs, stopped by %s)\n", r.Duration, r.ElapsedSeconds, r.StoppedBy)
		fmt.Fprintf(w, "completed    %d ops (%d requests)\n", r.Completed, r.Requests)
		fmt.Fprintf(w, "errors       %d%s\n", r.ErrorCount, errorList(r.Errors))
		fmt.Fprintf(w, "throughput   %.1f ops/s", r.Throughput)
		if r.FloorShare != nil {
			fmt.Fprintf(w, " (%.0f%% of the floor)", 100**r.FloorShare)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "latency      p50 %.1fms  p95 %.1fms  p99 %.1fms  max %.1fms  (mean %.1fms)\n",
			r.Latency.P50, r.Latency.P95, r.Latency.P99, r.Latency.Max, r.Latency.Mean)
		if r.LatencyNet != nil && r.ClientMathsMs >= 0.05 {
			fmt.Fprintf(w, "client maths %.2fms/op; latency without it p50 %.1fms  p95 %.1fms  p99 %.1fms\n",
				r.ClientMathsMs, r.LatencyNet.P50, r.LatencyNet.P95, r.LatencyNet.P99)
		}
		if s := cpuLine(r); s != "" {
			fmt.Fprintf(w, "cpu          %s\n", s)
		}
		if r.ServerRSSMB != nil {
			fmt.Fprintf(w, "server RSS   %.1f MiB at the end, peak %.1f MiB\n", *r.ServerRSSMB, *r.ServerPeakRSSMB)
		}
		if r.UserWaitShare >= 0.001 {
			fmt.Fprintf(w, "user wait    %.1f%% of worker time waiting for a user that may sign in (more -users lifts this bound)\n", 100*r.UserWaitShare)
		}
		return
	}
	fmt.Fprintf(w, "%5s %9s %9s %7s %8s %8s %8s %8s %9s %9s %6s\n",
		"conc", "ops", "errors", "ops/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "bench cpu", "srv cpu", "wait")
	for _, r := range rep.Runs {
		fmt.Fprintf(w, "%5d %9d %9d %7.1f %8.1f %8.1f %8.1f %8.1f %9s %9s %5.1f%%\n", r.Concurrency, r.Completed, r.ErrorCount, r.Throughput,
			r.Latency.P50, r.Latency.P95, r.Latency.P99, r.Latency.Max, optMs(r.BenchCPUMs), optMs(r.ServerCPUMs), 100*r.UserWaitShare)
	}
	for _, r := range rep.Runs {
		if r.ErrorCount > 0 {
			fmt.Fprintf(w, "errors at concurrency %d:%s\n", r.Concurrency, errorList(r.Errors))
		}
	}
}

func printFloor(w io.Writer, f *Floor) {
	fmt.Fprintf(w, "floor        %.0f ops/s on %d cores: server crypto %s = %.2fms", f.OpsPerS, f.Cores, f.Server, f.ServerMs)
	if f.ClientMs > 0 {
		fmt.Fprintf(w, "; with the tool's %s (%.2fms) on the same cores, %.0f ops/s", f.Client, f.ClientMs, f.SharedOpsPerS)
	}
	fmt.Fprintln(w)
}

func optMs(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.2fms", *v)
}

func cpuLine(r Result) string {
	var parts []string
	if r.BenchCPUMs != nil {
		parts = append(parts, fmt.Sprintf("bench %.2fms/op", *r.BenchCPUMs))
	}
	if r.ServerCPUMs != nil {
		parts = append(parts, fmt.Sprintf("server %.2fms/op", *r.ServerCPUMs))
	}
	if r.MachineBusy != nil {
		parts = append(parts, fmt.Sprintf("machine %.0f%% busy", 100**r.MachineBusy))
	}
	if r.OtherCPU != nil {
		parts = append(parts, fmt.Sprintf("other %.2f cores", *r.OtherCPU))
	}
	return strings.Join(parts, ", ")
}

func errorList(m map[string]int64) string {
	if len(m) == 0 {
		return ""
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

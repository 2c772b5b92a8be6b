package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// Config is one invocation of the tool.
type Config struct {
	Endpoint             string
	AccessKey, SecretKey string
	Region               string
	Workload             string
	Users                int
	Concurrency          []int // one run per value (a sweep when several)
	Duration             time.Duration
	Warmup               time.Duration
	MaxOps               int64 // per run; 0 = no limit
	Timeout              time.Duration
	// Backoff makes a client wait after TooManyRequestsException (-backoff).
	Backoff          bool
	SetupConcurrency int
	Password         string
	ServerPID        int  // when set, the server's CPU time is read from /proc
	Keep             bool // keep the pool instead of deleting it
	// PoolID, when set, runs in that existing pool (say one filled by
	// -load) instead of a new one; the tool then removes only its own
	// client and users afterwards.
	PoolID string
	// AccessTokenEnrolment sets TOTP up the way a signed-in user does
	// (AssociateSoftwareToken and VerifySoftwareToken with the access
	// token, then SetUserMFAPreference) in a pool whose MFA is OPTIONAL,
	// instead of through the MFA_SETUP challenge of an MFA ON pool: the
	// path servers without MFA_SETUP support (cognito-local) take.
	AccessTokenEnrolment bool
	// Floor measures the crypto floor in-process before the run.
	Floor bool

	// Now is the clock for TOTP codes and SRP timestamps; Wait waits until
	// Now reaches a time. Tests replace both with the in-process server's
	// manual clock.
	Now  func() time.Time
	Wait func(ctx context.Context, until time.Time) error

	Log io.Writer // progress lines
}

// Report is everything one invocation measured.
type Report struct {
	Tool         string    `json:"tool"`
	Started      time.Time `json:"started"`
	Endpoint     string    `json:"endpoint"`
	Workload     string    `json:"workload"`
	Description  string    `json:"description"`
	Users        int       `json:"users"`
	SetupSeconds float64   `json:"setup_seconds"`
	GoVersion    string    `json:"go_version"`
	NumCPU       int       `json:"num_cpu"`
	Interrupted  bool      `json:"interrupted,omitempty"`
	// PoolUsers is how many users the pool held during the runs (the
	// tool's own and any loaded before), when the server says.
	PoolUsers int `json:"pool_users,omitempty"`
	// ServerIdleRSSMB is the server's resident memory before set-up.
	ServerIdleRSSMB *float64 `json:"server_idle_rss_mb,omitempty"`
	Floor           *Floor   `json:"floor,omitempty"`
	Runs            []Result `json:"runs"`
}

// Result is one measured run at one concurrency.
type Result struct {
	Workload       string           `json:"workload"`
	Users          int              `json:"users"`
	Concurrency    int              `json:"concurrency"`
	Duration       string           `json:"duration"`
	ElapsedSeconds float64          `json:"elapsed_seconds"`
	StoppedBy      string           `json:"stopped_by"` // duration, max-ops or interrupt
	Completed      int64            `json:"completed"`
	Requests       int64            `json:"requests"`
	ErrorCount     int64            `json:"error_count"`
	Errors         map[string]int64 `json:"errors"`
	Throughput     float64          `json:"throughput_ops_per_s"`
	Latency        Latency          `json:"latency_ms"`
	// LatencyNet leaves out the tool's own SRP/TOTP maths from each op:
	// the time spent waiting for the server.
	LatencyNet *Latency `json:"latency_excluding_client_maths_ms,omitempty"`
	// ClientMathsMs is the mean client-side SRP/TOTP computation per op.
	ClientMathsMs float64 `json:"client_maths_ms_per_op"`
	// CPU time per completed op, of this process and of the server (when
	// -server-pid is given), from /proc over the measured phase.
	BenchCPUMs  *float64 `json:"bench_cpu_ms_per_op,omitempty"`
	ServerCPUMs *float64 `json:"server_cpu_ms_per_op,omitempty"`
	// MachineBusy is the share of all CPUs of the machine that was busy
	// during the run, whoever used it (server, this tool, anything else).
	MachineBusy *float64 `json:"machine_cpu_busy,omitempty"`
	// OtherCPU is the machine's busy CPU time not charged to the server or
	// this tool, in cores: the kernel's share of loopback networking and
	// disk flushes, plus anything else running. A large value flags a run
	// disturbed by other load.
	OtherCPU *float64 `json:"other_cpu_cores,omitempty"`
	// UserWaitShare is the part of the workers' time spent waiting for a
	// user that may sign in (a TOTP step not yet spent, or a free user).
	UserWaitShare float64 `json:"user_wait_share"`
	// Server memory at the end of the run: resident, and the peak so far.
	ServerRSSMB     *float64 `json:"server_rss_mb,omitempty"`
	ServerPeakRSSMB *float64 `json:"server_peak_rss_mb,omitempty"`
	// FloorShare is throughput over the crypto floor (Report.Floor).
	FloorShare *float64 `json:"floor_share,omitempty"`
}

// Latency percentiles in milliseconds.
type Latency struct {
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

type bench struct {
	cfg      *Config
	def      workloadDef
	raw      *rawClient
	admin    *cip.Client
	runID    string
	poolID   string
	poolName string
	clientID string
	users    []*user
	picker   *userPicker
	signups  atomic.Int64 // the signup workload's name sequence
}

// Run sets up a pool, a client and the users, runs the workload once per
// concurrency, and deletes the pool. When ctx is cancelled (Ctrl-C) it stops
// at once and returns what it measured with Interrupted set.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	def, ok := workloads[cfg.Workload]
	if !ok {
		return nil, fmt.Errorf("unknown workload %q (want one of %s)", cfg.Workload, workloadNames())
	}
	if len(cfg.Concurrency) == 0 {
		return nil, errors.New("no concurrency")
	}
	for _, c := range cfg.Concurrency {
		if c < 1 {
			return nil, fmt.Errorf("concurrency %d: must be at least 1", c)
		}
	}
	if cfg.Duration <= 0 {
		return nil, errors.New("duration must be positive")
	}
	if def.perUser && cfg.Users < 1 {
		return nil, fmt.Errorf("workload %s needs at least one user", cfg.Workload)
	}
	if !def.perUser {
		cfg.Users = 0
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Wait == nil {
		cfg.Wait = realWait(cfg.Now)
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.SetupConcurrency < 1 {
		cfg.SetupConcurrency = 8
	}
	if cfg.Password == "" {
		cfg.Password = "Bench-Passw0rd!"
	}
	idb := make([]byte, 4)
	rand.Read(idb)
	hc := newHTTPClient(max(slices.Max(cfg.Concurrency), cfg.SetupConcurrency))
	b := &bench{cfg: &cfg, def: def, raw: &rawClient{endpoint: cfg.Endpoint, hc: hc, timeout: cfg.Timeout},
		admin: adminClient(&cfg, hc), runID: hex.EncodeToString(idb)}
	rep := &Report{Tool: "cognate-bench", Started: time.Now().UTC(), Endpoint: cfg.Endpoint, Workload: cfg.Workload, Description: def.doc,
		Users: cfg.Users, GoVersion: runtime.Version(), NumCPU: runtime.NumCPU()}
	if cfg.ServerPID > 0 {
		if rss, _, ok := procRSS(cfg.ServerPID); ok {
			rep.ServerIdleRSSMB = &rss
		}
	}
	if cfg.Floor {
		fmt.Fprintf(cfg.Log, "floor: measuring the crypto of one %s op in-process...\n", cfg.Workload)
		f := measureFloor(cfg.Workload)
		rep.Floor = &f
	}

	setupStart := time.Now()
	err := b.createPool(ctx)
	if err == nil {
		// Whatever happens next, the pool goes away unless asked to stay.
		defer func() {
			if cfg.Keep {
				fmt.Fprintf(cfg.Log, "kept pool %s (client %s)\n", b.poolID, b.clientID)
				return
			}
			cctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			if err := b.deletePool(cctx); err != nil {
				fmt.Fprintf(cfg.Log, "deleting pool %s: %v\n", b.poolID, err)
			}
		}()
		fmt.Fprintf(cfg.Log, "set-up: pool %s, creating %d users (%d in parallel)...\n", b.poolID, cfg.Users, cfg.SetupConcurrency)
		err = b.createUsers(ctx, cfg.Users)
	}
	if err != nil {
		if ctx.Err() != nil {
			rep.Interrupted = true
			return rep, nil
		}
		return nil, err
	}
	rep.SetupSeconds = time.Since(setupStart).Seconds()
	if out, err := b.admin.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &b.poolID}); err == nil {
		rep.PoolUsers = int(out.UserPool.EstimatedNumberOfUsers)
	}
	fmt.Fprintf(cfg.Log, "set-up: done in %.1fs\n", rep.SetupSeconds)
	b.picker = &userPicker{users: b.users, now: cfg.Now, wait: cfg.Wait}

	for _, c := range cfg.Concurrency {
		if cfg.Warmup > 0 {
			fmt.Fprintf(cfg.Log, "warm-up: %s at concurrency %d\n", cfg.Warmup, c)
			b.phase(ctx, c, cfg.Warmup, 0)
		}
		if ctx.Err() != nil {
			rep.Interrupted = true
			break
		}
		fmt.Fprintf(cfg.Log, "run: %s at concurrency %d for %s\n", cfg.Workload, c, cfg.Duration)
		r := b.phase(ctx, c, cfg.Duration, cfg.MaxOps)
		if rep.Floor != nil && rep.Floor.OpsPerS > 0 {
			v := r.Throughput / rep.Floor.OpsPerS
			r.FloorShare = &v
		}
		rep.Runs = append(rep.Runs, r)
		if r.StoppedBy == "interrupt" {
			rep.Interrupted = true
			break
		}
	}
	return rep, nil
}

// workerStats is what one worker measured in a phase.
type workerStats struct {
	lat, net []time.Duration
	errors   map[string]int64
	calls    int64
	maths    time.Duration
	wait     time.Duration
}

// phase runs the workload at concurrency c until d has passed, maxOps ops
// have started or ctx is cancelled. Ops in flight when d passes finish and
// count; ops cut short by ctx do not.
func (b *bench) phase(ctx context.Context, c int, d time.Duration, maxOps int64) Result {
	var (
		stop     atomic.Bool
		started  atomic.Int64
		stoppedM atomic.Bool
		wg       sync.WaitGroup
		stats    = make([]workerStats, c)
	)
	// waitCtx ends waits for users (not requests) when the phase stops.
	waitCtx, stopWaits := context.WithCancel(ctx)
	defer stopWaits()
	timer := time.AfterFunc(d, func() { stop.Store(true); stopWaits() })
	defer timer.Stop()

	cpu0, cpuOK := procCPU("self")
	var srv0 time.Duration
	srvOK := false
	if b.cfg.ServerPID > 0 {
		srv0, srvOK = procCPU(fmt.Sprint(b.cfg.ServerPID))
	}
	busy0, total0, machOK := machineTimes()
	t0 := time.Now()
	for i := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := &stats[i]
			st.errors = map[string]int64{}
			w := &worker{}
			refusals := 0 // TooManyRequestsException in a row
			for !stop.Load() && ctx.Err() == nil {
				if maxOps > 0 && started.Add(1) > maxOps {
					stoppedM.Store(true)
					stop.Store(true)
					stopWaits()
					break
				}
				var u *user
				var waited time.Duration
				var err error
				switch {
				case b.def.totp:
					u, w.pickStep, waited, err = b.picker.pickTOTP(waitCtx)
				case b.def.perUser:
					u, waited, err = b.picker.pick(waitCtx)
				}
				st.wait += waited
				if err != nil {
					break // the phase stopped while waiting
				}
				calls0, maths0 := w.calls, w.maths
				t := time.Now()
				err = b.def.op(ctx, b, w, u)
				el := time.Since(t)
				if u != nil {
					u.busy.Store(false)
				}
				st.calls += w.calls - calls0
				if err != nil {
					if ctx.Err() != nil {
						break // interrupted: not the server's fault
					}
					kind := errorKind(err)
					st.errors[kind]++
					if b.cfg.Backoff && kind == "TooManyRequestsException" {
						refusals++
						sleep(waitCtx, refusalBackoff(refusals)) // an end of the phase cuts it short
					}
					continue
				}
				refusals = 0
				st.maths += w.maths - maths0
				st.lat = append(st.lat, el)
				st.net = append(st.net, el-(w.maths-maths0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)

	r := Result{Workload: b.cfg.Workload, Users: b.cfg.Users, Concurrency: c, Duration: d.String(), ElapsedSeconds: elapsed.Seconds(),
		StoppedBy: "duration", Errors: map[string]int64{}}
	switch {
	case ctx.Err() != nil:
		r.StoppedBy = "interrupt"
	case stoppedM.Load():
		r.StoppedBy = "max-ops"
	}
	var lat, net []time.Duration
	var maths, wait time.Duration
	for _, st := range stats {
		lat = append(lat, st.lat...)
		net = append(net, st.net...)
		maths += st.maths
		wait += st.wait
		r.Requests += st.calls
		for k, v := range st.errors {
			r.Errors[k] += v
			r.ErrorCount += v
		}
	}
	if busy1, total1, ok := machineTimes(); ok && machOK && total1 > total0 {
		v := float64(busy1-busy0) / float64(total1-total0)
		r.MachineBusy = &v
	}
	r.Completed = int64(len(lat))
	r.Throughput = float64(r.Completed) / elapsed.Seconds()
	r.Latency = percentiles(lat)
	r.UserWaitShare = wait.Seconds() / (float64(c) * elapsed.Seconds())
	if r.Completed > 0 {
		r.ClientMathsMs = ms(maths) / float64(r.Completed)
		if maths > 0 {
			l := percentiles(net)
			r.LatencyNet = &l
		}
		if cpu1, ok := procCPU("self"); ok && cpuOK {
			v := ms(cpu1-cpu0) / float64(r.Completed)
			r.BenchCPUMs = &v
		}
		if srvOK {
			if srv1, ok := procCPU(fmt.Sprint(b.cfg.ServerPID)); ok {
				v := ms(srv1-srv0) / float64(r.Completed)
				r.ServerCPUMs = &v
			}
		}
		if rss, peak, ok := procRSS(b.cfg.ServerPID); ok && b.cfg.ServerPID > 0 {
			r.ServerRSSMB, r.ServerPeakRSSMB = &rss, &peak
		}
		if r.MachineBusy != nil && r.BenchCPUMs != nil && r.ServerCPUMs != nil {
			v := *r.MachineBusy*float64(runtime.NumCPU()) - (*r.BenchCPUMs+*r.ServerCPUMs)*r.Throughput/1000
			r.OtherCPU = &v
		}
	}
	return r
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// percentiles uses the nearest-rank method.
func percentiles(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(p*float64(len(ds))-1e-9)) - 1 // nearest rank, immune to 0.95*n rounding up
		return ds[min(max(i, 0), len(ds)-1)]
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return Latency{P50: ms(rank(0.50)), P95: ms(rank(0.95)), P99: ms(rank(0.99)), Max: ms(ds[len(ds)-1]),
		Mean: ms(sum) / float64(len(ds))}
}

// refusalBackoff is the wait after n refusals in a row: full jitter over an
// exponential ceiling, as the AWS SDKs' standard retry does, on a shorter
// scale (50 ms doubling, 2 s at most).
func refusalBackoff(n int) time.Duration {
	ceiling := min(2*time.Second, 50*time.Millisecond<<min(n-1, 6))
	return time.Duration(mrand.Int64N(int64(ceiling)))
}

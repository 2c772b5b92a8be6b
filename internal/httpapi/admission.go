package httpapi

import (
	"container/list"
	"context"
	"runtime"
	"sync"
	"time"
)

// Admission bounds the work the server takes on, so that under overload
// new requests are refused at once with TooManyRequestsException (which
// the AWS SDKs retry with back-off) instead of every request slowing down.
//
// Requests run up to a limit at once; one finding the limit reached waits
// its turn, first come first served, while fewer than MaxQueue wait. How
// long it may wait depends on how many requests the server holds:
//   - fewer than MaxInFlight (running and waiting): up to MaxWait. A client
//     with that many requests at once, a test suite say, is served, however
//     slowly a loaded machine serves it.
//   - MaxInFlight or more: only if its expected wait (its place in the
//     queue times the recent mean service time, over the requests running)
//     is at most MaxDelay, else it is refused at once; and then for at most
//     twice MaxDelay, should the estimate prove wrong. This is what keeps
//     the latency of the requests admitted under overload near their
//     service time: a queue only as long as the server drains in MaxDelay.
//
// The limit adapts between the number of CPUs (enough to keep them busy)
// and MaxInFlight. It shrinks while the requests admitted take longer than
// Target to serve and twice as long as they take at their quickest (the
// baseline): they then queue inside the server, on the CPUs or the
// database, and more of them at once only serve each more slowly. It grows
// while requests wait and service stays quick. Requests bound by the
// database's disk flushes are slow at any concurrency: the baseline keeps
// them from being held to a few at a time.
type Admission struct {
	MaxInFlight int
	MaxQueue    int
	MaxWait     time.Duration
	// MaxDelay is the longest expected wait a request may queue for once
	// the server holds MaxInFlight requests.
	MaxDelay time.Duration
	// Target is the service time below which the limit never shrinks.
	Target time.Duration
}

// DefaultAdmission suits Cognate's requests: a sign-in costs a few
// milliseconds of CPU, a read far less. The queue holds at most a dozen
// requests per CPU.
//
// MaxWait is a backstop for a machine that stalls, and applies only while
// fewer than MaxInFlight requests are in the server, so a long one holds
// few requests: 5 s, so that a development machine busy with other work
// does not refuse a test suite's modest concurrency, which Cognito would
// serve. (Measured at concurrency 16 on a 2-core machine that other work
// left the server a sixth of: 100 ms refused 1.9% of sign-ins, and 1 s still
// refused 15 of 500 in one run, every one after exactly 1 s in the queue,
// in the same instant: a stall of the whole machine.) A store that stops
// answering cancels the requests waiting on it (the health probe), not
// MaxWait.
//
// Under overload it is MaxDelay, 20 ms, that refuses at once: the issue's
// target is a p99 under 100 ms for the sign-ins admitted at concurrency
// 256, and a sign-in admitted past MaxInFlight waits at most 40 ms before
// its service, itself some tens of milliseconds while the CPUs are shared
// among those running. At 600 sign-ins/s, 20 ms is a queue of about 12.
func DefaultAdmission() Admission {
	p := runtime.GOMAXPROCS(0)
	n := max(16, 4*p)
	return Admission{MaxInFlight: n, MaxQueue: 12 * p, MaxWait: 5 * time.Second, MaxDelay: 20 * time.Millisecond,
		Target: 10 * time.Millisecond}
}

// adaptWindow is how often the limit is reconsidered.
const adaptWindow = 100 * time.Millisecond

// admission is Admission at work.
type admission struct {
	cfg Admission
	min int

	mu       sync.Mutex
	limit    int
	inFlight int
	queue    list.List // of chan struct{}, closed when admitted
	// The current window: when it began, the service time of the requests
	// that finished in it, and whether any request had to wait or was
	// refused.
	winStart   time.Time
	winN       int
	winTotal   time.Duration
	winPressed bool
	// baseline is the quickest mean service of a window lately: it creeps
	// up by 0.5% a window (doubling in about 14 s), so that it follows a
	// store or machine grown slower for good.
	baseline time.Duration
	// service is the recent mean service time: the last windows' means,
	// each weighing half of what came before it.
	service time.Duration
}

func newAdmission(cfg Admission) *admission {
	d := DefaultAdmission()
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = d.MaxInFlight
	}
	if cfg.MaxQueue < 0 {
		cfg.MaxQueue = 0
	} else if cfg.MaxQueue == 0 {
		cfg.MaxQueue = d.MaxQueue
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = d.MaxWait
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = d.MaxDelay
	}
	if cfg.Target <= 0 {
		cfg.Target = d.Target
	}
	lo := min(runtime.GOMAXPROCS(0), cfg.MaxInFlight)
	// The limit starts low and grows with demand, so that the baseline is
	// first measured with few requests at once.
	return &admission{cfg: cfg, min: lo, limit: lo, winStart: time.Now()}
}

// enter waits for a place as the limits allow. On true the caller must
// call leave with when it entered.
func (a *admission) enter(ctx context.Context) (time.Time, bool) {
	a.mu.Lock()
	if a.inFlight < a.limit && a.queue.Len() == 0 {
		a.inFlight++
		a.mu.Unlock()
		return time.Now(), true
	}
	a.winPressed = true
	wait, ok := a.mayWait()
	if !ok {
		a.mu.Unlock()
		return time.Time{}, false
	}
	ready := make(chan struct{})
	el := a.queue.PushBack(ready)
	a.mu.Unlock()

	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ready:
		return time.Now(), true
	case <-t.C:
	case <-ctx.Done():
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	select {
	case <-ready: // admitted as the wait ended: take the place
		return time.Now(), true
	default:
		a.queue.Remove(el)
		return time.Time{}, false
	}
}

// mayWait says whether a request that finds the limit reached may join the
// queue, and for how long at most (see Admission). a.mu is held.
func (a *admission) mayWait() (time.Duration, bool) {
	queued := a.queue.Len()
	if queued >= a.cfg.MaxQueue {
		return 0, false
	}
	if a.inFlight+queued < a.cfg.MaxInFlight {
		return a.cfg.MaxWait, true
	}
	if a.expectedWait(queued+1) > a.cfg.MaxDelay {
		return 0, false
	}
	return min(a.cfg.MaxWait, 2*a.cfg.MaxDelay), true
}

// expectedWait is how long the request at place n of the queue (from 1)
// should wait: those running finish one every service/inFlight on average.
// a.mu is held.
func (a *admission) expectedWait(n int) time.Duration {
	return time.Duration(n) * a.service / time.Duration(max(a.inFlight, 1))
}

// leave gives back the place of a request that entered at start.
func (a *admission) leave(start time.Time) {
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.inFlight--
	a.winN++
	a.winTotal += now.Sub(start)
	if now.Sub(a.winStart) >= adaptWindow {
		a.adapt()
		a.winStart, a.winN, a.winTotal, a.winPressed = now, 0, 0, false
	}
	for a.inFlight < a.limit && a.queue.Len() > 0 {
		close(a.queue.Remove(a.queue.Front()).(chan struct{}))
		a.inFlight++
	}
}

// adapt moves the limit after a window: down by a quarter when service was
// slow, up by one when requests had to wait and service was quick.
func (a *admission) adapt() {
	if a.winN == 0 {
		return
	}
	mean := a.winTotal / time.Duration(a.winN)
	if a.service == 0 {
		a.service = mean
	} else {
		a.service = (a.service + mean) / 2
	}
	if a.baseline == 0 || mean < a.baseline {
		a.baseline = mean
	} else {
		a.baseline += a.baseline/200 + 1
	}
	switch {
	case mean > a.cfg.Target && mean > 2*a.baseline:
		a.limit = max(a.min, a.limit*3/4)
	case a.winPressed:
		a.limit = min(a.cfg.MaxInFlight, a.limit+1)
	}
}

// queueLen is how many requests wait.
func (a *admission) queueLen() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.queue.Len()
}

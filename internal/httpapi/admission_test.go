package httpapi

import (
	"context"
	"testing"
	"time"
)

// TestAdmissionQueue: past the limit a request waits its turn, first come
// first served; past the queue it is refused at once; a wait longer than
// MaxWait is refused.
func TestAdmissionQueue(t *testing.T) {
	a := newAdmission(Admission{MaxInFlight: 1, MaxQueue: 1, MaxWait: time.Hour, MaxDelay: time.Hour})
	first, ok := a.enter(context.Background())
	if !ok {
		t.Fatal("the first request was refused")
	}
	second := make(chan bool)
	go func() {
		_, ok := a.enter(context.Background())
		second <- ok
	}()
	for a.queueLen() == 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	if _, ok := a.enter(context.Background()); ok {
		t.Fatal("a request past the queue was admitted")
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Fatalf("the refusal took %v", d)
	}
	a.leave(first)
	if !<-second {
		t.Fatal("the queued request was refused")
	}

	b := newAdmission(Admission{MaxInFlight: 1, MaxQueue: 5, MaxWait: 30 * time.Millisecond})
	b.enter(context.Background())
	start = time.Now()
	if _, ok := b.enter(context.Background()); ok {
		t.Fatal("admitted while the only place stayed taken")
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("refused after %v, before MaxWait", d)
	}
	if b.queueLen() != 0 {
		t.Fatal("a refused request stayed in the queue")
	}
}

// TestAdmissionAdapts: slow service under pressure lowers the limit down to
// the CPU count, no further; quick service under pressure raises it back to
// MaxInFlight, no further; service that is slow from the start (a disk-bound
// store) does not lower it.
func TestAdmissionAdapts(t *testing.T) {
	a := newAdmission(Admission{MaxInFlight: 32, Target: 10 * time.Millisecond})
	window := func(service time.Duration) {
		a.mu.Lock()
		a.winN, a.winTotal, a.winPressed = 10, 10*service, true
		a.adapt()
		a.mu.Unlock()
	}
	window(2 * time.Millisecond)
	for range 40 {
		window(50 * time.Millisecond)
	}
	if a.limit != a.min {
		t.Fatalf("limit %d after slow windows, want the floor %d", a.limit, a.min)
	}
	for range 40 {
		window(time.Millisecond)
	}
	if a.limit != 32 {
		t.Fatalf("limit %d after quick windows, want 32", a.limit)
	}

	disk := newAdmission(Admission{MaxInFlight: 32, Target: 10 * time.Millisecond})
	disk.limit = 8
	for range 20 {
		disk.mu.Lock()
		disk.winN, disk.winTotal, disk.winPressed = 10, 10*15*time.Millisecond, true
		disk.adapt()
		disk.mu.Unlock()
	}
	if disk.limit < 8 {
		t.Fatalf("steady 15 ms service lowered the limit to %d", disk.limit)
	}
}

// TestAdmissionExpectedWait: once the server holds MaxInFlight requests, a
// newcomer queues only while its expected wait (its place times the mean
// service over those running) is within MaxDelay, and then for at most
// twice MaxDelay; below MaxInFlight it may wait MaxWait, whatever the
// estimate, so that a client with MaxInFlight requests at once (a test
// suite at concurrency 16) is never refused for it.
func TestAdmissionExpectedWait(t *testing.T) {
	a := newAdmission(Admission{MaxInFlight: 16, MaxQueue: 100, MaxWait: time.Second, MaxDelay: 20 * time.Millisecond})
	a.limit, a.inFlight, a.service = 2, 2, time.Second // a stalled or very slow server
	for queued := 0; queued < 14; queued++ {
		if wait, ok := a.mayWait(); !ok || wait != time.Second {
			t.Fatalf("with %d running and %d queued: may wait %v, %v; want 1s", a.inFlight, queued, wait, ok)
		}
		a.queue.PushBack(make(chan struct{}))
	}
	// The 17th request in the server: 15 places of a second over two running.
	if _, ok := a.mayWait(); ok {
		t.Fatal("queued for an expected wait of 7.5 s")
	}

	b := newAdmission(Admission{MaxInFlight: 4, MaxQueue: 100, MaxWait: time.Second, MaxDelay: 20 * time.Millisecond})
	b.limit, b.inFlight, b.service = 2, 2, 10*time.Millisecond // one finishes every 5 ms
	for range 2 {
		b.queue.PushBack(make(chan struct{}))
	}
	for place := 3; place <= 4; place++ { // 15 and 20 ms: within MaxDelay
		if wait, ok := b.mayWait(); !ok || wait != 40*time.Millisecond {
			t.Fatalf("place %d: may wait %v, %v; want 40ms", place, wait, ok)
		}
		b.queue.PushBack(make(chan struct{}))
	}
	if _, ok := b.mayWait(); ok {
		t.Fatal("queued at place 5, an expected 25 ms")
	}
	// A full queue refuses whatever the estimate.
	c := newAdmission(Admission{MaxInFlight: 16, MaxQueue: 1, MaxWait: time.Second})
	c.limit, c.inFlight = 2, 2
	c.queue.PushBack(make(chan struct{}))
	if _, ok := c.mayWait(); ok {
		t.Fatal("queued past MaxQueue")
	}
}

// TestAdmissionServiceMean: the mean service time the estimate uses is the
// first window's, then each window's weighing half.
func TestAdmissionServiceMean(t *testing.T) {
	a := newAdmission(Admission{MaxInFlight: 16})
	for _, w := range []struct{ mean, want time.Duration }{
		{10 * time.Millisecond, 10 * time.Millisecond},
		{20 * time.Millisecond, 15 * time.Millisecond},
		{5 * time.Millisecond, 10 * time.Millisecond},
	} {
		a.winN, a.winTotal = 4, 4*w.mean
		a.adapt()
		if a.service != w.want {
			t.Fatalf("after a window of %v: service %v, want %v", w.mean, a.service, w.want)
		}
	}
}

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
	a := newAdmission(Admission{MaxInFlight: 1, MaxQueue: 1, MaxWait: time.Hour})
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

package main

import (
	"context"
	"math"
	"sync/atomic"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP as the server does it: RFC 6238, SHA-1, 6 digits, 30-second steps.
const totpPeriod = 30

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

func totpCode(secret string, step int64) (string, error) {
	return totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
}

// spentStep is the step the server may record when it accepts code, sent
// for step: the server tries the steps around its own clock, so if a later
// step happens to have the same six digits it may record that one. Taking
// the newest such step keeps this tool from ever sending a code the server
// would call a replay.
func spentStep(secret, code string, step int64) int64 {
	for s := step + 2; s > step; s-- {
		if c, err := totpCode(secret, s); err == nil && c == code {
			return s
		}
	}
	return step
}

// userPicker hands users to workers, one sign-in per user at a time, in
// round-robin order.
type userPicker struct {
	users  []*user
	cursor atomic.Int64
	now    func() time.Time
	wait   func(ctx context.Context, until time.Time) error
}

// pick returns a free user. It spins (1 ms naps) while every user is busy,
// which only happens when concurrency exceeds the user count.
func (p *userPicker) pick(ctx context.Context) (*user, time.Duration, error) {
	var waited time.Duration
	n := int64(len(p.users))
	for {
		start := p.cursor.Load()
		for i := range n {
			j := (start + i) % n
			u := p.users[j]
			if u.busy.CompareAndSwap(false, true) {
				p.cursor.Store(j + 1)
				return u, waited, nil
			}
		}
		t := time.Now()
		if err := sleep(ctx, time.Millisecond); err != nil {
			return nil, waited, err
		}
		waited += time.Since(t)
	}
}

// pickTOTP returns a free user that can sign in with a TOTP code now, and
// the step whose code to send. The server accepts the codes of the steps
// before, at and after its clock's, each only if later than the last step
// the user spent; this tool sends the current step's code or the next one's
// (never the previous one's, which could fall out of the window on the way),
// so a user can sign in at most twice in a row and then once per 30 s.
// When no user has a usable step left, pick waits for the step boundary that
// frees the first one.
func (p *userPicker) pickTOTP(ctx context.Context) (*user, int64, time.Duration, error) {
	var waited time.Duration
	n := int64(len(p.users))
	for {
		s := totpStep(p.now())
		start := p.cursor.Load()
		minLast, anyFree := int64(math.MaxInt64), false
		for i := range n {
			j := (start + i) % n
			u := p.users[j]
			if u.busy.Load() {
				continue
			}
			last := u.lastStep.Load()
			if max(last+1, s) > s+1 {
				anyFree, minLast = true, min(minLast, last)
				continue
			}
			if !u.busy.CompareAndSwap(false, true) {
				continue
			}
			last = u.lastStep.Load()
			if c := max(last+1, s); c <= s+1 {
				p.cursor.Store(j + 1)
				return u, c, waited, nil
			}
			u.busy.Store(false)
		}
		t := time.Now()
		var err error
		if anyFree {
			// At step minLast the user's next step, minLast+1, is "now+1".
			err = p.wait(ctx, time.Unix(minLast*totpPeriod, 0))
		} else {
			err = sleep(ctx, time.Millisecond)
		}
		waited += time.Since(t)
		if err != nil {
			return nil, 0, waited, err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// realWait waits on the wall clock until now() reaches until, with a few
// milliseconds to spare so the server's clock is past the boundary too.
func realWait(now func() time.Time) func(ctx context.Context, until time.Time) error {
	return func(ctx context.Context, until time.Time) error {
		d := until.Sub(now())
		if d < 0 {
			d = 0
		}
		return sleep(ctx, d+5*time.Millisecond)
	}
}

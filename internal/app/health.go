package app

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// How the store's health is watched. A database that accepts connections
// but never answers would otherwise hold every request until the store's
// own timeouts (15 s), and /health with them.
const (
	// probeInterval is how often a probe starts. Probes overlap while the
	// store is silent, so that its return is seen within an interval
	// rather than after a hung probe's timeout.
	probeInterval = 200 * time.Millisecond
	// probeTimeout is how long a probe waits for an answer before the
	// store counts as unreachable. A healthy store answers a probe in well
	// under a millisecond, on a connection of its own.
	probeTimeout = time.Second
	// maxProbes caps the probes in flight at once.
	maxProbes = 4
)

// errUnavailable is the cause of a request cut short because the store
// stopped answering.
var errUnavailable = errors.New("the store stopped answering")

// health is the store's state as the background probe last saw it. Requests
// read it without waiting; those in flight when the store goes silent are
// cancelled, so that they fail at once instead of waiting out the store's
// timeouts.
type health struct {
	probe func(context.Context) error
	log   *slog.Logger

	mu sync.Mutex
	// err is the last probe's error, nil while the store answers.
	err error
	// since is when the applied probe started: an older probe that ends
	// late does not overrule a newer one.
	since time.Time
	// down is cancelled when the store stops answering; a new one is made
	// when it answers again.
	down       context.Context
	cancelDown context.CancelFunc
}

func newHealth(probe func(context.Context) error, log *slog.Logger) *health {
	h := &health{probe: probe, log: log}
	h.down, h.cancelDown = context.WithCancel(context.Background())
	return h
}

// Err is nil while the store answers, else why it does not (for logs, not
// for clients).
func (h *health) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// Watch returns ctx, cancelled also when the store stops answering, and
// its release.
func (h *health) Watch(ctx context.Context) (context.Context, context.CancelFunc) {
	h.mu.Lock()
	down := h.down
	h.mu.Unlock()
	ctx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(down, func() { cancel(errUnavailable) })
	return ctx, func() { stop(); cancel(nil) }
}

// run probes the store until ctx ends.
func (h *health) run(ctx context.Context) {
	t := time.NewTicker(probeInterval)
	defer t.Stop()
	slots := make(chan struct{}, maxProbes)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		select {
		case slots <- struct{}{}:
		default:
			continue // maxProbes already waiting
		}
		go func() {
			defer func() { <-slots }()
			start := time.Now()
			pctx, cancel := context.WithTimeout(ctx, probeTimeout)
			err := h.probe(pctx)
			cancel()
			if ctx.Err() != nil {
				return
			}
			h.report(start, err)
		}()
	}
}

// report applies the result of a probe started at start.
func (h *health) report(start time.Time, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if start.Before(h.since) {
		return
	}
	h.since = start
	switch {
	case err != nil && h.err == nil:
		h.err = err
		h.cancelDown()
		h.log.Error("store unreachable: refusing requests until it answers", "err", err)
	case err == nil && h.err != nil:
		h.log.Info("store answering again", "was", h.err.Error())
		h.err = nil
		h.down, h.cancelDown = context.WithCancel(context.Background())
	case err != nil:
		h.err = err
	}
}

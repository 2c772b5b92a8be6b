// Package metrics keeps Cognate's Prometheus metrics and serves them at
// /metrics: the API's requests and their latency, sign-ins by flow and
// result, codes sent, and the store's call latency, SQLite group-commit
// batch sizes and PostgreSQL pool use. The other packages do not import
// Prometheus: they report through small hooks (httpapi.Config.Observe,
// signin.Observer, an idp.Delivery and a store.Store wrapped here).
//
// No label carries a user name, an address or any other value a caller
// chooses freely: operations, flows and challenges outside Cognate's own
// tables are counted as "unknown".
package metrics

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/store/hooked"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one server's set of metrics, in its own registry (servers
// started side by side in one test process do not mix their counts).
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	signins     *prometheus.CounterVec
	codesSent   *prometheus.CounterVec
	codesFailed *prometheus.CounterVec
	storeTime   *prometheus.HistogramVec
	batch       prometheus.Histogram
	triggers    *prometheus.CounterVec
	triggerTime *prometheus.HistogramVec
}

// New returns the metrics, with the Go runtime's and the process's.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cognate_requests_total",
			Help: "API requests by operation and outcome (the Cognito error code, or ok).",
		}, []string{"operation", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cognate_request_duration_seconds",
			Help:    "Time to answer an API request, by operation.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 15), // 0.5 ms to 8 s
		}, []string{"operation"}),
		signins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cognate_signins_total",
			Help: "Sign-in steps (InitiateAuth flows and RespondToAuthChallenge challenges) by result.",
		}, []string{"flow", "result"}),
		codesSent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cognate_codes_sent_total",
			Help: "Codes and temporary passwords handed to the delivery (outbox, SMTP), by channel and purpose.",
		}, []string{"channel", "purpose"}),
		codesFailed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cognate_code_delivery_failures_total",
			Help: "Codes the delivery failed to send, by channel and purpose.",
		}, []string{"channel", "purpose"}),
		storeTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cognate_store_duration_seconds",
			Help:    "Time of a store call (a transaction, with its wait for the commit), by method.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16), // 0.1 ms to 3.3 s
		}, []string{"method"}),
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "cognate_sqlite_commit_batch_writes",
			Help:    "Writes committed together by one SQLite group commit.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 8), // 1 to 128 (the largest batch)
		}),
		triggers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cognate_trigger_calls_total",
			Help: "Lambda trigger calls by trigger and outcome (ok, function_error, invalid_response, unreachable).",
		}, []string{"trigger", "outcome"}),
		triggerTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cognate_trigger_duration_seconds",
			Help:    "Time of a Lambda trigger call, retries included, by trigger.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16), // 0.5 ms to 16 s
		}, []string{"trigger"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.signins, m.codesSent, m.codesFailed, m.storeTime, m.triggers, m.triggerTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Request counts one API request: operation is a known operation's name
// or "unknown", outcome "ok" or the Cognito error code answered.
func (m *Metrics) Request(operation, outcome string, d time.Duration) {
	m.requests.WithLabelValues(operation, outcome).Inc()
	m.latency.WithLabelValues(operation).Observe(d.Seconds())
}

// Trigger counts one Lambda trigger call (triggers.Observer).
func (m *Metrics) Trigger(trigger, outcome string, d time.Duration) {
	m.triggers.WithLabelValues(trigger, outcome).Inc()
	m.triggerTime.WithLabelValues(trigger).Observe(d.Seconds())
}

// SignIn counts one sign-in step (signin.Observer).
func (m *Metrics) SignIn(flow, result string) {
	m.signins.WithLabelValues(flow, result).Inc()
}

// Delivery wraps next so that each message it is given is counted.
func (m *Metrics) Delivery(next idp.Delivery) idp.Delivery {
	return countedDelivery{next: next, m: m}
}

type countedDelivery struct {
	next idp.Delivery
	m    *Metrics
}

func (d countedDelivery) Deliver(ctx context.Context, msg idp.Message) error {
	channel := strings.ToLower(msg.Medium)
	if channel != "email" && channel != "sms" {
		channel = "unknown"
	}
	purpose := msg.Purpose
	if !purposes[purpose] {
		purpose = "other"
	}
	err := d.next.Deliver(ctx, msg)
	if err != nil {
		d.m.codesFailed.WithLabelValues(channel, purpose).Inc()
	} else {
		d.m.codesSent.WithLabelValues(channel, purpose).Inc()
	}
	return err
}

// purposes are the idp.Message purposes counted by name.
var purposes = map[string]bool{"signup": true, "invitation": true, "forgot-password": true,
	"verify:email": true, "verify:phone_number": true}

// Store wraps st so that each call's time is observed. The wrapper keeps
// st's health probe (Probe).
func (m *Metrics) Store(st store.Store) store.Store {
	return hooked.Wrap(st, func(ctx context.Context, method string) (context.Context, func()) {
		start := time.Now()
		return ctx, func() { m.storeTime.WithLabelValues(method).Observe(time.Since(start).Seconds()) }
	})
}

// Batch observes the size of one SQLite group commit.
func (m *Metrics) Batch(writes int) {
	m.batch.Observe(float64(writes))
}

// WatchBatches starts observing the SQLite group commits' sizes.
func (m *Metrics) WatchBatches() {
	m.reg.MustRegister(m.batch)
}

// WatchPool reports a PostgreSQL connection pool's use, read from stat at
// each scrape.
func (m *Metrics) WatchPool(stat func() *pgxpool.Stat) {
	gauge := func(name, help string, f func(*pgxpool.Stat) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return f(stat()) })
	}
	counter := func(name, help string, f func(*pgxpool.Stat) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return f(stat()) })
	}
	m.reg.MustRegister(
		gauge("cognate_postgres_pool_acquired_connections", "Connections in use.",
			func(s *pgxpool.Stat) float64 { return float64(s.AcquiredConns()) }),
		gauge("cognate_postgres_pool_idle_connections", "Connections open and idle.",
			func(s *pgxpool.Stat) float64 { return float64(s.IdleConns()) }),
		gauge("cognate_postgres_pool_max_connections", "The pool's maximum size.",
			func(s *pgxpool.Stat) float64 { return float64(s.MaxConns()) }),
		counter("cognate_postgres_pool_acquires_total", "Connections taken from the pool.",
			func(s *pgxpool.Stat) float64 { return float64(s.AcquireCount()) }),
		counter("cognate_postgres_pool_empty_acquires_total", "Acquires that waited because no connection was idle.",
			func(s *pgxpool.Stat) float64 { return float64(s.EmptyAcquireCount()) }),
		counter("cognate_postgres_pool_acquire_wait_seconds_total", "Total time spent acquiring connections.",
			func(s *pgxpool.Stat) float64 { return s.AcquireDuration().Seconds() }),
	)
}

// Package tracing sends OpenTelemetry traces to an OTLP collector when the
// standard OTEL_* environment variables name one: a span for each request
// (named after the API operation), continuing the caller's W3C trace
// context (traceparent, tracestate), with a child span for each store call
// and each code handed to the delivery. Other packages do not import
// OpenTelemetry: the transport calls Request, and the store and the
// delivery are wrapped here.
//
// Spans carry no personal data: no user name, address or code, no request
// body, no query string.
package tracing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/cognate-idp/cognate/internal/idp"
	"github.com/cognate-idp/cognate/internal/store"
	"github.com/cognate-idp/cognate/internal/store/hooked"
	"github.com/cognate-idp/cognate/internal/triggers"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Tracing is one server's tracer and its exporter.
type Tracing struct {
	tp     *sdktrace.TracerProvider
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
}

// Enabled reports whether the environment asks for traces: an OTLP
// endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), and neither OTEL_SDK_DISABLED=true
// nor OTEL_TRACES_EXPORTER=none turns them off.
func Enabled() bool {
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return false
	}
	return !strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") && os.Getenv("OTEL_TRACES_EXPORTER") != "none"
}

// FromEnv returns the tracing the environment configures, nil when it
// asks for none (Enabled). The exporter speaks OTLP over HTTP with
// protobuf; it reads the endpoint, headers, timeout, compression and TLS
// settings from the OTEL_EXPORTER_OTLP_* variables, the sampler from
// OTEL_TRACES_SAMPLER (default: follow the caller's decision, else
// sample), the service name from OTEL_SERVICE_NAME (default cognate).
func FromEnv(ctx context.Context) (*Tracing, error) {
	if !Enabled() {
		return nil, nil
	}
	proto := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if proto == "" {
		proto = os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	if proto != "" && proto != "http/protobuf" {
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL %q: only http/protobuf is supported", proto)
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTLP exporter: %w", err)
	}
	res, err := resource.New(ctx, resource.WithAttributes(attribute.String("service.name", "cognate")),
		resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return &Tracing{tp: tp, tracer: tp.Tracer("github.com/cognate-idp/cognate"), prop: propagation.TraceContext{}}, nil
}

// Shutdown sends the spans not yet sent and stops the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error { return t.tp.Shutdown(ctx) }

// Request starts the span of an HTTP request, continuing the trace its
// traceparent header names. The transport calls end when it has answered:
// operation is the API operation ("" for other requests), outcome the
// error code answered ("" for none).
func (t *Tracing) Request(r *http.Request) (_ *http.Request, end func(operation, outcome string, status int)) {
	ctx := t.prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
	ctx, span := t.tracer.Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path)))
	return r.WithContext(ctx), func(operation, outcome string, status int) {
		if operation != "" {
			span.SetName(operation)
			span.SetAttributes(attribute.String("rpc.system", "aws-api"),
				attribute.String("rpc.service", "AWSCognitoIdentityProviderService"), attribute.String("rpc.method", operation))
		}
		span.SetAttributes(attribute.Int("http.response.status_code", status))
		if outcome != "" {
			span.SetAttributes(attribute.String("error.type", outcome))
		}
		if status >= 500 {
			// A client's error (4xx) is not the server's: the span's
			// status stays unset, as OpenTelemetry's conventions say.
			span.SetStatus(codes.Error, outcome)
		}
		span.End()
	}
}

// Store wraps st so that each call made within a traced request is a span
// of its own (system names the database: sqlite or postgresql).
func (t *Tracing) Store(st store.Store, system string) store.Store {
	return hooked.Wrap(st, func(ctx context.Context, method string) (context.Context, func()) {
		if !trace.SpanFromContext(ctx).IsRecording() {
			return ctx, func() {}
		}
		ctx, span := t.tracer.Start(ctx, "store "+method, trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("db.system.name", system), attribute.String("db.operation.name", method)))
		return ctx, func() { span.End() }
	})
}

// Delivery wraps next so that each message handed to it is a span.
func (t *Tracing) Delivery(next idp.Delivery) idp.Delivery {
	return tracedDelivery{next: next, t: t}
}

type tracedDelivery struct {
	next idp.Delivery
	t    *Tracing
}

func (d tracedDelivery) Deliver(ctx context.Context, m idp.Message) error {
	ctx, span := d.t.tracer.Start(ctx, "deliver "+strings.ToLower(m.Medium), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("cognate.message.medium", m.Medium), attribute.String("cognate.message.purpose", m.Purpose)))
	defer span.End()
	err := d.next.Deliver(ctx, m)
	if err != nil {
		span.SetStatus(codes.Error, "delivery failed")
	}
	return err
}

// Invoker wraps next so that each Lambda invocation is a span.
func (t *Tracing) Invoker(next triggers.Invoker) triggers.Invoker {
	return tracedInvoker{next: next, t: t}
}

type tracedInvoker struct {
	next triggers.Invoker
	t    *Tracing
}

func (i tracedInvoker) Invoke(ctx context.Context, arn string, payload []byte) ([]byte, error) {
	ctx, span := i.t.tracer.Start(ctx, "lambda invoke", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("faas.invoked_provider", "aws"), attribute.String("faas.invoked_name", arn)))
	defer span.End()
	out, err := i.next.Invoke(ctx, arn, payload)
	if err != nil {
		span.SetStatus(codes.Error, "invocation failed")
	}
	return out, err
}

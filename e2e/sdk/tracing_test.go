package sdk_test

import (
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// otlpReceiver is an OTLP/HTTP trace receiver: it decodes each export
// (protobuf, gzipped or not) and keeps its spans.
type otlpReceiver struct {
	mu    sync.Mutex
	spans []*tracepb.Span
	attrs []string // every resource and span attribute value, as text
}

func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "not an OTLP/HTTP protobuf trace export", http.StatusBadRequest)
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req coltrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(b, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	o.mu.Lock()
	for _, rs := range req.GetResourceSpans() {
		for _, a := range rs.GetResource().GetAttributes() {
			o.attrs = append(o.attrs, a.GetKey()+"="+attrText(a.GetValue()))
		}
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				o.spans = append(o.spans, s)
				for _, a := range s.GetAttributes() {
					o.attrs = append(o.attrs, a.GetKey()+"="+attrText(a.GetValue()))
				}
			}
		}
	}
	o.mu.Unlock()
	out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Write(out)
}

// TestTraces: with OTEL_EXPORTER_OTLP_ENDPOINT set, a SignUp sent with a
// W3C traceparent reaches a real OTLP receiver as a server span named
// SignUp in the caller's trace, child of the caller's span, with child
// spans for its store calls and for the code's delivery; a request without
// traceparent starts a trace of its own; no attribute carries the user's
// name or address.
func TestTraces(t *testing.T) {
	recv := &otlpReceiver{}
	collector := httptest.NewServer(recv)
	defer collector.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	t.Setenv("OTEL_SERVICE_NAME", "cognate-under-test")
	e := newEnv(t)
	poolID, clientID := e.pool(types.UserPoolMfaTypeOff)

	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	name := "tracee"
	must(e.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: &name, Password: aws.String(password),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("tracee@example.com")}}},
		cip.WithAPIOptions(smithyhttp.SetHeaderValue("traceparent", "00-"+traceID+"-"+parentID+"-01"))))(t)
	e.srv.Close() // sends the spans not yet sent

	recv.mu.Lock()
	defer recv.mu.Unlock()
	var signUp *tracepb.Span
	for _, s := range recv.spans {
		if s.GetName() == "SignUp" {
			if signUp != nil {
				t.Fatalf("two SignUp spans")
			}
			signUp = s
		}
	}
	if signUp == nil {
		t.Fatalf("no SignUp span among %d received", len(recv.spans))
	}
	if got := hex.EncodeToString(signUp.GetTraceId()); got != traceID {
		t.Errorf("SignUp span in trace %s, want the caller's %s", got, traceID)
	}
	if got := hex.EncodeToString(signUp.GetParentSpanId()); got != parentID {
		t.Errorf("SignUp span's parent %s, want the caller's span %s", got, parentID)
	}
	if signUp.GetKind() != tracepb.Span_SPAN_KIND_SERVER {
		t.Errorf("SignUp span kind %v", signUp.GetKind())
	}
	children := map[string]int{}
	for _, s := range recv.spans {
		if bytes.Equal(s.GetParentSpanId(), signUp.GetSpanId()) {
			if !bytes.Equal(s.GetTraceId(), signUp.GetTraceId()) {
				t.Errorf("child %s in another trace", s.GetName())
			}
			if s.GetStartTimeUnixNano() < signUp.GetStartTimeUnixNano() || s.GetEndTimeUnixNano() > signUp.GetEndTimeUnixNano() {
				t.Errorf("child %s outside its parent's time", s.GetName())
			}
			children[s.GetName()]++
		}
	}
	for _, want := range []string{"store GetClient", "store CreateUser", "deliver email"} {
		if children[want] != 1 {
			t.Errorf("SignUp's children %v: want one %q", children, want)
		}
	}
	roots := 0
	for _, s := range recv.spans {
		if s.GetName() == "CreateUserPool" {
			roots++
			if len(s.GetParentSpanId()) != 0 || bytes.Equal(s.GetTraceId(), signUp.GetTraceId()) {
				t.Errorf("CreateUserPool, sent without traceparent, is not a trace of its own")
			}
		}
	}
	if roots != 1 {
		t.Errorf("%d CreateUserPool spans, want 1", roots)
	}
	sawService := false
	for _, a := range recv.attrs {
		if bytes.Contains([]byte(a), []byte("tracee")) || bytes.Contains([]byte(a), []byte(poolID)) {
			t.Errorf("attribute %s names the user or the pool", a)
		}
		sawService = sawService || a == "service.name=cognate-under-test"
	}
	if !sawService {
		t.Errorf("no service.name from OTEL_SERVICE_NAME among %v", recv.attrs)
	}
}

// attrText is an attribute's value as text: a string as it is, any other
// value in protobuf's text form.
func attrText(v *commonpb.AnyValue) string {
	if s, ok := v.GetValue().(*commonpb.AnyValue_StringValue); ok {
		return s.StringValue
	}
	return v.String()
}

package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cognate-idp/cognate/internal/idp"
)

// TestPanicBecomesInternalError: a handler that panics answers
// InternalErrorException (500, in the JSON 1.1 error form) and the server
// goes on serving; the panic's text is logged, never sent.
func TestPanicBecomesInternalError(t *testing.T) {
	var logs strings.Builder
	h := New(Config{Service: idp.New(idp.Config{}), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	h.ops["Boom"] = operation{auth: public, call: func(context.Context, []byte) (any, error) { panic("secret detail") }}
	h.ops["Fine"] = operation{auth: public, call: func(context.Context, []byte) (any, error) { return map[string]string{}, nil }}
	call := func(op string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/", strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Target", targetPrefix+op)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := call("Boom")
	var body map[string]string
	json.Unmarshal(rec.Body.Bytes(), &body)
	if rec.Code != http.StatusInternalServerError || body["__type"] != "InternalErrorException" || rec.Header().Get("x-amzn-ErrorType") != "InternalErrorException" {
		t.Fatalf("panic answered %d %s", rec.Code, rec.Body.String())
	}
	if strings.Contains(rec.Body.String(), "secret detail") {
		t.Fatal("the panic's text was sent to the client")
	}
	if !strings.Contains(logs.String(), "secret detail") {
		t.Fatal("the panic was not logged")
	}
	if rec := call("Fine"); rec.Code != 200 {
		t.Fatalf("after a panic: %d %s", rec.Code, rec.Body.String())
	}
}

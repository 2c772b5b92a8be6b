package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cognate-idp/cognate/internal/api"
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

// sickStore is a store health that reports a failure carrying the kind of
// detail a driver puts in its errors.
type sickStore struct{ err error }

func (s sickStore) Err() error { return s.err }
func (s sickStore) Watch(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithCancel(ctx)
}

// TestHealthShowsNoInternals: whatever the store's error says (a SQLite
// file's path, a database's user and name), /health answers 503 with a body
// that says only that the server is unavailable, and API calls get
// InternalErrorException without it.
func TestHealthShowsNoInternals(t *testing.T) {
	detail := "open /srv/cognate/data/cognate.db: disk I/O error (user cognate_admin, database cognate_prod)"
	h := New(Config{Service: idp.New(idp.Config{}), Health: sickStore{err: errors.New(detail)},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/health", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Body.String() != `{"status":"unavailable"}` {
		t.Fatalf("/health: %d %q", rec.Code, rec.Body.String())
	}
	req := httptest.NewRequest("POST", "/", strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", targetPrefix+"ListUserPools")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 500 || rec.Header().Get("x-amzn-ErrorType") != "InternalErrorException" {
		t.Fatalf("API call: %d %q", rec.Code, rec.Body.String())
	}
	for _, word := range []string{"cognate.db", "cognate_admin", "cognate_prod", "I/O"} {
		if strings.Contains(rec.Body.String(), word) {
			t.Fatalf("API answer %q shows %q", rec.Body.String(), word)
		}
	}
}

// inFlightAtAnswer records how many requests the admission counted when
// the answer's header was written.
type inFlightAtAnswer struct {
	*httptest.ResponseRecorder
	s        *Server
	inFlight int
}

func (w *inFlightAtAnswer) WriteHeader(code int) {
	w.s.admit.mu.Lock()
	w.inFlight = w.s.admit.inFlight
	w.s.admit.mu.Unlock()
	w.ResponseRecorder.WriteHeader(code)
}

// TestPlaceGivenBackBeforeTheAnswer: a request's place among those running
// is given back before its answer is written, answers and errors alike, so
// that a client's next request never finds its previous one still counted.
func TestPlaceGivenBackBeforeTheAnswer(t *testing.T) {
	h := New(Config{Service: idp.New(idp.Config{}), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	h.ops["Fine"] = operation{auth: public, call: func(context.Context, []byte) (any, error) { return map[string]string{}, nil }}
	h.ops["Fails"] = operation{auth: public, call: func(context.Context, []byte) (any, error) { return nil, api.ErrBadSession }}
	h.ops["Boom"] = operation{auth: public, call: func(context.Context, []byte) (any, error) { panic("boom") }}
	for _, op := range []string{"Fine", "Fails", "Boom"} {
		req := httptest.NewRequest("POST", "/", strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Target", targetPrefix+op)
		w := &inFlightAtAnswer{ResponseRecorder: httptest.NewRecorder(), s: h, inFlight: -1}
		h.ServeHTTP(w, req)
		if w.inFlight != 0 {
			t.Fatalf("%s: %d requests counted as running when the answer (%d) was written", op, w.inFlight, w.Code)
		}
	}
}

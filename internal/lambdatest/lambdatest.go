// Package lambdatest runs real Lambda functions for Cognate's trigger
// tests: the AWS Lambda Runtime Interface Emulator (aws-lambda-rie, built
// from its Go module) serving the Invoke API on loopback, with one handler
// built with aws-lambda-go (./bootstrap) for every trigger source. The
// handler decodes each event into aws-lambda-go's type for its trigger
// source and asks the test, through a control server in the test process,
// how to answer; the test sees the document as sent and what the typed
// decoding lost.
//
// The emulator's runtime API takes 127.0.0.1:9001, a fixed port, so one
// emulator runs at a time on a machine: Start holds a file lock for as
// long as its emulator runs, and emulators of test packages run side by
// side take turns. And it runs one invocation at a time: a second one
// while the first runs crashes it (seen here: "ReserveFailed:
// AlreadyReserved", then a nil dereference). So Endpoint is a relay in
// the test process that forwards each call to the emulator in turn, as
// Lambda does for a function with a reserved concurrency of one; a call
// the caller gave up on still runs to its end before the next.
package lambdatest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/cognate-idp/cognate/internal/toolcache"
)

// RIEModule is the emulator's module and version (REAL-COMPONENTS.md).
const RIEModule = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d"

// Invocation is one call of the function, as the function saw it.
type Invocation struct {
	// Raw is the event document as Cognate sent it.
	Raw json.RawMessage `json:"raw"`
	// Typed is the same after decoding into aws-lambda-go's type (Type)
	// and encoding again.
	Typed json.RawMessage `json:"typed"`
	Type  string          `json:"type"`
	// Lost lists the members of Raw (as JSON paths) that the typed
	// decoding did not keep; DecodeErr is its error, if any.
	Lost      []string `json:"lost"`
	DecodeErr string   `json:"decodeErr,omitempty"`
}

// Event decodes the raw document into v.
func (i *Invocation) Event(v any) error { return json.Unmarshal(i.Raw, v) }

// Source is the event's triggerSource.
func (i *Invocation) Source() string {
	var h struct {
		TriggerSource string `json:"triggerSource"`
	}
	_ = json.Unmarshal(i.Raw, &h)
	return h.TriggerSource
}

// Reply is how the function answers: Response (the event's response
// member, decoded strictly through aws-lambda-go's type) unless Error (the
// function fails with that message) or Raw (the function returns that
// document as it is); after sleeping Sleep.
type Reply struct {
	Response any             `json:"response,omitempty"`
	Error    string          `json:"error,omitempty"`
	Raw      json.RawMessage `json:"raw,omitempty"`
	Sleep    time.Duration   `json:"-"`
	SleepMS  int             `json:"sleepMs,omitempty"`
}

// Handler answers one invocation.
type Handler func(inv *Invocation) Reply

// Emulator is a running Runtime Interface Emulator with the test function.
type Emulator struct {
	// Endpoint is the Invoke API's base URL (for --lambda-endpoint).
	Endpoint string

	mu      sync.Mutex
	turn    sync.Mutex // one invocation at a time
	relay   *httptest.Server
	handler Handler
	calls   []*Invocation
	cmd     *exec.Cmd
	control *httptest.Server
	lock    *os.File
}

// Start builds the function and the emulator (once per machine: they are
// cached) and starts them. Stop ends them.
func Start(ctx context.Context) (*Emulator, error) {
	rie, err := toolcache.Install(ctx, RIEModule, "aws-lambda-rie", "aws-lambda-rie")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cognate-lambdatest-")
	if err != nil {
		return nil, err
	}
	bootstrap := filepath.Join(dir, "bootstrap")
	build := exec.CommandContext(ctx, "go", "build", "-o", bootstrap, "github.com/cognate-idp/cognate/internal/lambdatest/bootstrap")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the test function: %v\n%s", err, out)
	}
	lock, err := lockRuntimePort(ctx)
	if err != nil {
		return nil, err
	}
	e := &Emulator{lock: lock}
	e.control = httptest.NewServer(http.HandlerFunc(e.serveControl))
	port, err := toolcache.FreePort()
	if err != nil {
		e.Stop()
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	e.cmd = exec.Command(rie, "--runtime-interface-emulator-address", addr, bootstrap)
	e.cmd.Dir = dir
	e.cmd.Env = append(os.Environ(), "COGNATE_LAMBDATEST_CONTROL="+e.control.URL,
		"AWS_LAMBDA_FUNCTION_TIMEOUT=60")
	if os.Getenv("COGNATE_TEST_LOG") != "" {
		e.cmd.Stdout, e.cmd.Stderr = os.Stderr, os.Stderr
	}
	e.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := e.cmd.Start(); err != nil {
		e.Stop()
		return nil, fmt.Errorf("starting %s: %w", rie, err)
	}
	target := "http://" + addr
	e.relay = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.forward(w, r, target) }))
	e.Endpoint = e.relay.URL
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			e.Stop()
			return nil, fmt.Errorf("the emulator did not listen on %s within 15 s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return e, nil
}

// Stop ends the emulator and the control server and frees the port lock.
func (e *Emulator) Stop() {
	if e.cmd != nil && e.cmd.Process != nil {
		_ = syscall.Kill(-e.cmd.Process.Pid, syscall.SIGKILL)
		_ = e.cmd.Wait()
	}
	if e.relay != nil {
		e.relay.Close()
	}
	if e.control != nil {
		e.control.Close()
	}
	if e.lock != nil {
		_ = syscall.Flock(int(e.lock.Fd()), syscall.LOCK_UN)
		e.lock.Close()
	}
}

// Handle makes h answer the invocations from now on (nil: answer with the
// event as it came, as a handler that changes nothing does), and forgets
// the calls seen so far.
func (e *Emulator) Handle(h Handler) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.handler, e.calls = h, nil
}

// Calls returns the invocations since the last Handle.
func (e *Emulator) Calls() []*Invocation {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*Invocation(nil), e.calls...)
}

func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	inv := &Invocation{}
	if err := json.Unmarshal(body, inv); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	e.mu.Lock()
	e.calls = append(e.calls, inv)
	h := e.handler
	e.mu.Unlock()
	var rep Reply
	if h != nil {
		rep = h(inv)
	}
	rep.SleepMS = int(rep.Sleep / time.Millisecond)
	out, err := json.Marshal(rep)
	if err != nil {
		out, _ = json.Marshal(Reply{Error: "HARNESS: the test's reply does not encode: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// forward relays one Invoke API call to the emulator once no other runs,
// and runs it to its end even when the caller stops waiting.
func (e *Emulator) forward(w http.ResponseWriter, r *http.Request, target string) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	e.turn.Lock()
	defer e.turn.Unlock()
	req, err := http.NewRequestWithContext(context.WithoutCancel(r.Context()), r.Method, target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
}

// lockRuntimePort takes the machine-wide lock on the emulator's fixed
// runtime port (127.0.0.1:9001), waiting for another emulator to end.
func lockRuntimePort(ctx context.Context) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "cognate-lambda-rie-9001.lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

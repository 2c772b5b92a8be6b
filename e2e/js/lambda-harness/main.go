// Command lambda-harness runs the custom authentication functions of the
// JavaScript suite (e2e/js/customauth.test.mjs) for real: the AWS Lambda
// Runtime Interface Emulator with Cognate's aws-lambda-go test function
// (internal/lambdatest), answering the three custom challenge triggers
// as lambdatest.OneTimeCode does, with a random six-digit code.
//
// The code is what a real function would mail: the test reads it from
// this harness's control API (GET /code?user=NAME), and what the functions
// saw from GET /calls. It prints one JSON line with the emulator's
// endpoint (for cognate --lambda-endpoint) and the control API, and serves
// until stdin closes (or SIGTERM), so it never outlives the test that
// started it. Run it from within the module: the emulator's function is
// built with go.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/cognate-idp/cognate/internal/lambdatest"
)

type harness struct {
	mu    sync.Mutex
	codes map[string]string // the last code made, by userName
}

// call is what /calls tells of one invocation.
type call struct {
	Source    string          `json:"source"`
	Event     json.RawMessage `json:"event"`
	Lost      []string        `json:"lost"`
	DecodeErr string          `json:"decodeErr,omitempty"`
}

// code makes a random six-digit code for a user and keeps it for /code.
func (h *harness) code(user string) string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	code := fmt.Sprintf("%06d", n)
	h.mu.Lock()
	h.codes[user] = code
	h.mu.Unlock()
	return code
}

func main() {
	log.SetFlags(0)
	// SIGTERM or SIGINT stop the harness as closing stdin does: the
	// emulator runs in its own process group and must be stopped here.
	sig, unwatch := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer unwatch()
	ctx, cancel := context.WithTimeout(sig, 3*time.Minute)
	emu, err := lambdatest.Start(ctx)
	cancel()
	if err != nil {
		log.Fatalf("lambda-harness: the emulator did not start: %v", err)
	}
	defer emu.Stop()
	h := &harness{codes: map[string]string{}}
	fn := lambdatest.OneTimeCode{Code: h.code}
	emu.Handle(fn.Handle)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /code", func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		code, ok := h.codes[r.URL.Query().Get("user")]
		h.mu.Unlock()
		if !ok {
			http.Error(w, "no code made for that user", http.StatusNotFound)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"code": code})
	})
	mux.HandleFunc("GET /calls", func(w http.ResponseWriter, r *http.Request) {
		out := []call{}
		for _, c := range emu.Calls() {
			out = append(out, call{Source: c.Source(), Event: c.Raw, Lost: c.Lost, DecodeErr: c.DecodeErr})
		}
		_ = json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, r *http.Request) {
		emu.Handle(fn.Handle) // forgets the calls
		w.WriteHeader(http.StatusNoContent)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("lambda-harness: %v", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	_ = json.NewEncoder(os.Stdout).Encode(map[string]string{"endpoint": emu.Endpoint, "control": "http://" + l.Addr().String()})
	eof := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin) // until the test closes stdin or exits
		close(eof)
	}()
	select {
	case <-eof:
	case <-sig.Done():
	}
	_ = srv.Close()
}

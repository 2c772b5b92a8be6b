package main

import (
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// --debug-listen serves the profiler on its own loopback address only,
// never on the API's.
func TestProfilerListener(t *testing.T) {
	bin := buildBinary(t)
	debug := freeAddr(t)
	p := start(t, bin, filepath.Join(t.TempDir(), "data"), "COGNATE_DEBUG_LISTEN="+debug)
	p.waitHealthy(t, time.Now())
	resp, err := http.Get("http://" + debug + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "goroutine") {
		t.Fatalf("profiler index: %d %.200s", resp.StatusCode, b)
	}
	resp, err = http.Get("http://" + p.addr + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == 200 {
		t.Fatal("the API address serves the profiler")
	}

	out, err := exec.Command(bin, "serve", "--listen", freeAddr(t), "--data-dir", t.TempDir(), "--debug-listen", "0.0.0.0:0").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "loopback") {
		t.Fatalf("a non-loopback profiler address was accepted: %v\n%s", err, out)
	}
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/internal/lossyfs"
)

// TestPowerCutKeepsAcknowledgedWrites: the data directory is on a file
// system that keeps only what was fsynced (internal/lossyfs). Users are
// signed up, the server is killed, and the file system "loses power": what
// was written but not synced is gone. A server started on what survived
// has every acknowledged user, its master key and its admin credentials.
// Unlike TestKill9KeepsAcknowledgedWrites, this fails when commits are
// acknowledged before they are synced (SQLite's synchronous=NORMAL or OFF).
func TestPowerCutKeepsAcknowledgedWrites(t *testing.T) {
	bin := buildBinary(t)
	base := t.TempDir()
	var dirs [3]string
	for i, name := range []string{"mnt", "backing", "durable"} {
		dirs[i] = filepath.Join(base, name)
		if err := os.Mkdir(dirs[i], 0o700); err != nil {
			t.Fatal(err)
		}
	}
	fsys, err := lossyfs.Mount(dirs[0], dirs[1], dirs[2])
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("FUSE mount: %v (CI=true forbids skipping)", err)
		}
		t.Skipf("FUSE mount not possible here: %v", err)
	}
	crashed := false
	t.Cleanup(func() {
		if !crashed {
			fsys.Crash()
		}
	})

	p := start(t, bin, filepath.Join(fsys.Dir, "data"))
	p.waitHealthy(t, p.started)
	const n = 25
	for i := 0; i < n; i++ {
		if status, out := signUp(t, p.addr, fmt.Sprintf("user%d", i)); status != 200 {
			t.Fatalf("SignUp: %d %v", status, out)
		}
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not die")
	}
	syncs := fsys.Syncs()
	dir, err := fsys.Crash()
	crashed = true
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d fsyncs for %d sign-ups", syncs, n)

	p2 := start(t, bin, filepath.Join(dir, "data"))
	p2.waitHealthy(t, time.Now())
	if strings.Contains(p2.stderr.String(), "export AWS_") {
		t.Errorf("admin credentials generated again: the first ones were lost")
	}
	for i := 0; i < n; i++ {
		status, out := signUp(t, p2.addr, fmt.Sprintf("user%d", i))
		if status != 400 || out["__type"] != "UsernameExistsException" {
			t.Fatalf("user%d lost in the power cut: %d %v", i, status, out)
		}
	}
	status, out := call(t, p2.addr, "InitiateAuth", `{"ClientId":"proctestclient000000000001","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"user0","PASSWORD":"Passw0rd!"}}`)
	if status != 400 || out["__type"] != "UserNotConfirmedException" {
		t.Fatalf("sign-in after the power cut: %d %v", status, out)
	}
	if err := p2.stop(t); err != nil {
		t.Fatal(err)
	}
}

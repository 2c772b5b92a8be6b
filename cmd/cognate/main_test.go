package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests run the real binary as a process: start-up, SIGTERM,
// kill -9 durability, generated credentials.

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cognate")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type proc struct {
	cmd    *exec.Cmd
	addr   string
	stderr *strings.Builder
	done   chan error
}

func start(t *testing.T, bin, dataDir string, env ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	cfg := filepath.Join(dataDir, "..", "cfg.yaml")
	os.WriteFile(cfg, []byte(`
UserPools:
  - Id: us-east-1_proctest1
    PoolName: proc
    Clients:
      - ClientId: proctestclient000000000001
        ClientName: web
        ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH]
`), 0o600)
	cmd := exec.Command(bin, "serve", "--listen", addr, "--data-dir", dataDir, "--config", cfg)
	cmd.Env = append(os.Environ(), env...)
	p := &proc{cmd: cmd, addr: addr, stderr: &strings.Builder{}, done: make(chan error, 1)}
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.stderr.WriteString(sc.Text() + "\n")
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	return p
}

// waitHealthy polls /health and returns how long it took.
func (p *proc) waitHealthy(t *testing.T, began time.Time) time.Duration {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + p.addr + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return time.Since(began)
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("server never became healthy; stderr:\n%s", p.stderr.String())
	return 0
}

func call(t *testing.T, addr, op, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", "http://"+addr+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := map[string]any{}
	json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

func signUp(t *testing.T, addr, name string) (int, map[string]any) {
	return call(t, addr, "SignUp", fmt.Sprintf(`{"ClientId":"proctestclient000000000001","Username":%q,"Password":"Passw0rd!"}`, name))
}

func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	p := start(t, bin, dir)
	t.Logf("start-up to healthy /health: %v", p.waitHealthy(t, time.Now()))
	const n = 25
	for i := 0; i < n; i++ {
		if status, out := signUp(t, p.addr, fmt.Sprintf("user%d", i)); status != 200 {
			t.Fatalf("SignUp: %d %v", status, out)
		}
	}
	// Acknowledged: now kill without warning.
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done

	p2 := start(t, bin, dir)
	p2.waitHealthy(t, time.Now())
	for i := 0; i < n; i++ {
		status, out := signUp(t, p2.addr, fmt.Sprintf("user%d", i))
		if status != 400 || out["__type"] != "UsernameExistsException" {
			t.Fatalf("user%d lost after kill -9: %d %v", i, status, out)
		}
	}
	// And the users still sign in with their passwords (the SRP verifier
	// and the master key both survived).
	status, out := call(t, p2.addr, "InitiateAuth", `{"ClientId":"proctestclient000000000001","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"user0","PASSWORD":"Passw0rd!"}}`)
	if status != 400 || out["__type"] != "UserNotConfirmedException" {
		t.Fatalf("sign-in after restart: %d %v", status, out)
	}
}

func TestSIGTERMDrainsAndExitsZero(t *testing.T) {
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	began := time.Now()
	p := start(t, bin, dir)
	p.waitHealthy(t, began)
	if !strings.Contains(p.stderr.String(), "export AWS_ACCESS_KEY_ID=") || !strings.Contains(p.stderr.String(), "export AWS_SECRET_ACCESS_KEY=") {
		t.Fatalf("generated credentials not printed:\n%s", p.stderr.String())
	}
	if fi, err := os.Stat(filepath.Join(dir, "master.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("master key file: %v %v", fi, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "admin-credentials.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v %v", fi, err)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, p.stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
	// Request log lines carry no secrets.
	p2 := start(t, bin, dir, "COGNATE_ACCESS_KEY_ID=AKFIXED", "COGNATE_SECRET_ACCESS_KEY=fixed-secret")
	p2.waitHealthy(t, time.Now())
	signUp(t, p2.addr, "loguser")
	call(t, p2.addr, "InitiateAuth", `{"ClientId":"proctestclient000000000001","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"loguser","PASSWORD":"Passw0rd!"}}`)
	p2.cmd.Process.Signal(syscall.SIGTERM)
	<-p2.done
	logs := p2.stderr.String()
	for _, secret := range []string{"Passw0rd!", "fixed-secret", "export AWS_"} {
		if strings.Contains(logs, secret) {
			t.Fatalf("log contains %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs, "operation=SignUp") {
		t.Fatalf("no request log line:\n%s", logs)
	}
}

package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/pquerna/otp/totp"
)

// These tests run the real binary as a process: start-up, flags and
// environment, SIGTERM, kill -9 durability, generated credentials, logs.
// The server's clock is the real one here, so TOTP codes are computed for
// the current time.

var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
	out  []byte
}

// buildBinary builds cmd/cognate once for all the tests of the package.
func buildBinary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "cognate-bin-"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "cognate")
		built.out, built.err = exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// output is a process's stderr, safe to read while it is being written.
type output struct {
	mu sync.Mutex
	b  strings.Builder
}

func (o *output) add(line string) {
	o.mu.Lock()
	o.b.WriteString(line + "\n")
	o.mu.Unlock()
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// waitFor waits until the output contains s.
func (o *output) waitFor(t testing.TB, s string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(o.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("%q never appeared in:\n%s", s, o.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

type proc struct {
	cmd     *exec.Cmd
	addr    string
	stderr  *output
	done    chan error
	started time.Time
}

// environ is this process's environment without the variables Cognate
// reads, so that the tests see only the settings they make.
func environ(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "COGNATE_") && !strings.HasPrefix(kv, "COGNATE_TEST_") {
			continue
		}
		out = append(out, kv)
	}
	return append(out, extra...)
}

// launch runs the binary with args and extra environment, in dir when it
// is not empty; addr is where it will listen.
func launch(t testing.TB, bin, dir, addr string, args []string, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = environ(env...)
	cmd.Dir = dir
	p := &proc{cmd: cmd, addr: addr, stderr: &output{}, done: make(chan error, 1)}
	stderr, _ := cmd.StderrPipe()
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.stderr.add(sc.Text())
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	return p
}

const procConfig = `
UserPools:
  - Id: us-east-1_proctest1
    PoolName: proc
    Clients:
      - ClientId: proctestclient000000000001
        ClientName: web
        ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH]
`

// start runs `cognate serve` on a free port with data in dataDir and the
// pool of procConfig declared.
func start(t testing.TB, bin, dataDir string, env ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	cfg := filepath.Join(dataDir, "..", "cfg.yaml")
	os.MkdirAll(filepath.Dir(cfg), 0o700)
	if err := os.WriteFile(cfg, []byte(procConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	return launch(t, bin, "", addr, []string{"serve", "--listen", addr, "--data-dir", dataDir, "--config", cfg}, env...)
}

// waitHealthy polls /health and returns how long it took from began.
func (p *proc) waitHealthy(t testing.TB, began time.Time) time.Duration {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + p.addr + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				took := time.Since(began)
				// The server logs this line before it serves, after the
				// credentials banner; /health can answer before the pipe
				// reader has seen them.
				p.stderr.waitFor(t, "cognate listening")
				return took
			}
		}
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("server exited (%v); stderr:\n%s", err, p.stderr.String())
		default:
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("server never became healthy; stderr:\n%s", p.stderr.String())
	return 0
}

// stop sends SIGTERM and returns the exit error.
func (p *proc) stop(t testing.TB) error {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		return err
	case <-time.After(25 * time.Second):
		t.Fatal("no exit after SIGTERM")
		return nil
	}
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

// mustCall is call that fails the test unless the answer is 200.
func mustCall(t *testing.T, addr, op string, body any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	status, out := call(t, addr, op, string(b))
	if status != 200 {
		t.Fatalf("%s: %d %v", op, status, out)
	}
	return out
}

func signUp(t *testing.T, addr, name string) (int, map[string]any) {
	return call(t, addr, "SignUp", fmt.Sprintf(`{"ClientId":"proctestclient000000000001","Username":%q,"Password":"Passw0rd!"}`, name))
}

// outboxCode reads the newest code for a user from the development outbox.
func outboxCode(t *testing.T, addr, username string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/_cognate/outbox?username=" + username)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var msgs []struct{ Code string }
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil || len(msgs) == 0 {
		t.Fatalf("no code in the outbox for %s (%v)", username, err)
	}
	return msgs[len(msgs)-1].Code
}

// sdk is an aws-sdk-go-v2 client of the server at addr signed with the keys.
func sdk(addr, keyID, secret string) *cip.Client {
	return cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr), Retryer: cognatetest.ClosedConnRetryer(),
		Credentials: credentials.NewStaticCredentialsProvider(keyID, secret, "")})
}

var exportLine = regexp.MustCompile(`(?m)^export (AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)=(\S+)$`)

// printedCredentials returns the admin keys the server printed.
func printedCredentials(t *testing.T, stderr string) (keyID, secret string) {
	t.Helper()
	for _, m := range exportLine.FindAllStringSubmatch(stderr, -1) {
		if m[1] == "AWS_ACCESS_KEY_ID" {
			keyID = m[2]
		} else {
			secret = m[2]
		}
	}
	if keyID == "" || secret == "" {
		t.Fatalf("no export lines in:\n%s", stderr)
	}
	return keyID, secret
}

func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	p := start(t, bin, dir)
	t.Logf("start-up to healthy /health: %v", p.waitHealthy(t, p.started))
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
	p := start(t, bin, dir)
	p.waitHealthy(t, p.started)
	if !strings.Contains(p.stderr.String(), "export AWS_ACCESS_KEY_ID=") || !strings.Contains(p.stderr.String(), "export AWS_SECRET_ACCESS_KEY=") {
		t.Fatalf("generated credentials not printed:\n%s", p.stderr.String())
	}
	if fi, err := os.Stat(filepath.Join(dir, "master.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("master key file: %v %v", fi, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "admin-credentials.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v %v", fi, err)
	}
	if err := p.stop(t); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.stderr.String())
	}
	// Request log lines carry no secrets.
	p2 := start(t, bin, dir, "COGNATE_ACCESS_KEY_ID=AKFIXED", "COGNATE_SECRET_ACCESS_KEY=fixed-secret")
	p2.waitHealthy(t, time.Now())
	signUp(t, p2.addr, "loguser")
	call(t, p2.addr, "InitiateAuth", `{"ClientId":"proctestclient000000000001","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"loguser","PASSWORD":"Passw0rd!"}}`)
	p2.stop(t)
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

// TestSIGTERMDrainsInFlightRequest: a request whose body is still arriving
// when SIGTERM comes is served to the end (200), new connections are
// refused meanwhile, and the process then exits 0 with the write kept.
func TestSIGTERMDrainsInFlightRequest(t *testing.T) {
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	p := start(t, bin, dir)
	p.waitHealthy(t, p.started)

	body := `{"ClientId":"proctestclient000000000001","Username":"slowpoke","Password":"Passw0rd!"}`
	conn, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Expect: 100-continue makes the server say when the handler has the
	// request and reads its body. Go's server drops a request whose headers
	// it has not finished reading when shutdown begins, so SIGTERM must come
	// after that point for the request to be in flight.
	head := "POST / HTTP/1.1\r\nHost: " + p.addr + "\r\nContent-Type: application/x-amz-json-1.1\r\n" +
		"X-Amz-Target: AWSCognitoIdentityProviderService.SignUp\r\nExpect: 100-continue\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	if line, err := br.ReadString('\n'); err != nil || !strings.Contains(line, "100 Continue") {
		t.Fatalf("no 100 Continue: %q %v", line, err)
	}
	if _, err := br.ReadString('\n'); err != nil { // the blank line after it
		t.Fatal(err)
	}
	half := len(body) / 2
	if _, err := io.WriteString(conn, body[:half]); err != nil {
		t.Fatal(err)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.stderr.waitFor(t, "shutting down")
	// The listener closes: a newcomer is turned away while the request in
	// flight is still being read.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", p.addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections after SIGTERM")
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case err := <-p.done:
		t.Fatalf("exited (%v) with a request in flight:\n%s", err, p.stderr.String())
	default:
	}
	if _, err := io.WriteString(conn, body[half:]); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v\n%s", err, p.stderr.String())
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "UserSub") {
		t.Fatalf("the request in flight: %d %s", resp.StatusCode, b)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit after draining: %v\n%s", err, p.stderr.String())
		}
	case <-time.After(25 * time.Second):
		t.Fatal("no exit after the drain")
	}
	// The drained request's write was kept.
	p2 := start(t, bin, dir)
	p2.waitHealthy(t, time.Now())
	if status, out := signUp(t, p2.addr, "slowpoke"); status != 400 || out["__type"] != "UsernameExistsException" {
		t.Fatalf("the drained sign-up was lost: %d %v", status, out)
	}
}

// TestLogsCarryNoSecrets drives every kind of secret through the server
// (password, confirmation and reset codes, TOTP secret and codes, sessions,
// ID, access and refresh tokens, the admin secret key) and checks that none
// reaches a log line, while every API request gets one line with its
// operation, status and duration.
func TestLogsCarryNoSecrets(t *testing.T) {
	bin := buildBinary(t)
	root := t.TempDir()
	cfg := filepath.Join(root, "cfg.json")
	os.WriteFile(cfg, []byte(`{"UserPools":[{"Id":"us-east-1_logtest01","PoolName":"logs","MfaConfiguration":"ON",
		"AutoVerifiedAttributes":["email"],"SoftwareTokenMfaConfiguration":{"Enabled":true},
		"Clients":[{"ClientId":"logtestclient0000000000001","ClientName":"web",
		"ExplicitAuthFlows":["ALLOW_USER_PASSWORD_AUTH","ALLOW_REFRESH_TOKEN_AUTH"]}]}]}`), 0o600)
	addr := freeAddr(t)
	p := launch(t, bin, "", addr, []string{"serve", "--listen", addr, "--data-dir", filepath.Join(root, "data"), "--config", cfg, "--log-format", "json"})
	p.waitHealthy(t, p.started)
	keyID, adminSecret := printedCredentials(t, p.stderr.String())

	const client, user = "logtestclient0000000000001", "logger"
	const pw, newPW, wrongPW = "Log-Passw0rd!x", "New-Log-Passw0rd!y", "Wrong-Log-Passw0rd!z"
	secrets := map[string]string{"password": pw, "new password": newPW, "wrong password": wrongPW, "admin secret key": adminSecret}
	codes := map[string]string{}
	calls := 0
	api := func(op string, body any) map[string]any {
		t.Helper()
		calls++
		return mustCall(t, addr, op, body)
	}
	str := func(m map[string]any, path ...string) string {
		t.Helper()
		var v any = m
		for _, k := range path {
			v = v.(map[string]any)[k]
		}
		s, _ := v.(string)
		if s == "" {
			t.Fatalf("no %v in %v", path, m)
		}
		return s
	}

	api("SignUp", map[string]any{"ClientId": client, "Username": user, "Password": pw,
		"UserAttributes": []map[string]string{{"Name": "email", "Value": "logger@example.com"}}})
	codes["confirmation code"] = outboxCode(t, addr, user)
	api("ConfirmSignUp", map[string]any{"ClientId": client, "Username": user, "ConfirmationCode": codes["confirmation code"]})
	calls++
	if status, _ := call(t, addr, "InitiateAuth", fmt.Sprintf(`{"ClientId":%q,"AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":%q,"PASSWORD":%q}}`, client, user, wrongPW)); status != 400 {
		t.Fatalf("wrong password: %d", status)
	}
	start := api("InitiateAuth", map[string]any{"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": map[string]string{"USERNAME": user, "PASSWORD": pw}})
	secrets["MFA_SETUP session"] = str(start, "Session")
	assoc := api("AssociateSoftwareToken", map[string]any{"Session": secrets["MFA_SETUP session"]})
	secrets["TOTP secret"], secrets["associate session"] = str(assoc, "SecretCode"), str(assoc, "Session")
	code, _ := totp.GenerateCode(secrets["TOTP secret"], time.Now())
	codes["TOTP code"] = code
	ver := api("VerifySoftwareToken", map[string]any{"Session": secrets["associate session"], "UserCode": code, "FriendlyDeviceName": "phone"})
	secrets["verify session"] = str(ver, "Session")
	done := api("RespondToAuthChallenge", map[string]any{"ClientId": client, "ChallengeName": "MFA_SETUP", "Session": secrets["verify session"],
		"ChallengeResponses": map[string]string{"USERNAME": user}})
	secrets["ID token"], secrets["access token"], secrets["refresh token"] = str(done, "AuthenticationResult", "IdToken"),
		str(done, "AuthenticationResult", "AccessToken"), str(done, "AuthenticationResult", "RefreshToken")
	refreshed := api("InitiateAuth", map[string]any{"ClientId": client, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": map[string]string{"REFRESH_TOKEN": secrets["refresh token"]}})
	secrets["refreshed access token"] = str(refreshed, "AuthenticationResult", "AccessToken")
	api("GetUser", map[string]any{"AccessToken": secrets["access token"]})
	api("ForgotPassword", map[string]any{"ClientId": client, "Username": user})
	codes["reset code"] = outboxCode(t, addr, user)
	api("ConfirmForgotPassword", map[string]any{"ClientId": client, "Username": user, "ConfirmationCode": codes["reset code"], "Password": newPW})
	second := api("InitiateAuth", map[string]any{"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": map[string]string{"USERNAME": user, "PASSWORD": newPW}})
	secrets["SOFTWARE_TOKEN_MFA session"] = str(second, "Session")
	// The admin side, signed with the printed keys.
	calls++
	if _, err := sdk(addr, keyID, adminSecret).AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: aws.String("us-east-1_logtest01"), Username: aws.String(user)}); err != nil {
		t.Fatal(err)
	}
	if err := p.stop(t); err != nil {
		t.Fatalf("exit: %v", err)
	}

	var logLines []string
	for _, line := range strings.Split(strings.TrimSpace(p.stderr.String()), "\n") {
		// The printed credentials are the one thing meant for the terminal.
		if strings.HasPrefix(line, "export AWS_") || strings.HasPrefix(line, "Generated admin credentials") {
			continue
		}
		logLines = append(logLines, line)
	}
	logs := strings.Join(logLines, "\n")
	for what, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds the %s", what)
		}
	}
	// JWTs also must not appear in part (a payload is enough to impersonate
	// nobody, but it names the user's claims).
	for _, what := range []string{"ID token", "access token"} {
		for i, part := range strings.Split(secrets[what], ".") {
			if len(part) > 16 && strings.Contains(logs, part) {
				t.Errorf("the log holds part %d of the %s", i, what)
			}
		}
	}
	for what, c := range codes {
		if regexp.MustCompile(`(^|[^0-9])` + c + `([^0-9]|$)`).MatchString(logs) {
			t.Errorf("the log holds the %s %s", what, c)
		}
	}

	requests := 0
	for _, line := range logLines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("not a JSON log line: %q", line)
			continue
		}
		if rec["msg"] != "request" || rec["method"] != "POST" {
			continue
		}
		requests++
		op, _ := rec["operation"].(string)
		status, _ := rec["status"].(float64)
		if _, ok := rec["duration_ms"].(float64); !ok || op == "" || status < 200 {
			t.Errorf("request line without operation, status or duration: %s", line)
		}
	}
	if requests != calls {
		t.Errorf("%d request lines for %d API calls", requests, calls)
	}
	if !strings.Contains(logs, `"purpose"`) {
		t.Errorf("the log does not say that codes went out:\n%s", logs)
	}
	if t.Failed() {
		t.Logf("log:\n%s", logs)
	}
}

// TestDefaults: with no flags the server keeps its data in ./cognate-data
// and listens on 127.0.0.1:9229.
func TestDefaults(t *testing.T) {
	bin := buildBinary(t)
	cwd := t.TempDir()
	addr := freeAddr(t)
	p := launch(t, bin, cwd, addr, []string{"serve", "--listen", addr})
	p.waitHealthy(t, p.started)
	for _, f := range []string{"master.key", "admin-credentials.json", "cognate.db"} {
		if _, err := os.Stat(filepath.Join(cwd, "cognate-data", f)); err != nil {
			t.Errorf("default data dir: %v", err)
		}
	}
	if !strings.Contains(p.stderr.String(), "kept in ./cognate-data/admin-credentials.json") {
		t.Errorf("the credentials banner does not name the default data dir:\n%s", p.stderr.String())
	}
	if err := p.stop(t); err != nil {
		t.Fatal(err)
	}

	// Without --listen the server takes 127.0.0.1:9229. With that port
	// held (by this test, or by whatever holds it here) it must fail naming
	// it; once this test lets go of it, it serves there.
	held, err := net.Listen("tcp", "127.0.0.1:9229")
	p = launch(t, bin, cwd, "127.0.0.1:9229", []string{"serve"})
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not fail with 127.0.0.1:9229 taken:\n%s", p.stderr.String())
	}
	if out := p.stderr.String(); !strings.Contains(out, "127.0.0.1:9229") || !strings.Contains(out, "address already in use") {
		t.Fatalf("serve with 127.0.0.1:9229 taken:\n%s", out)
	}
	if err != nil {
		t.Logf("127.0.0.1:9229 is held by another process here (%v): only the refusal is checked", err)
		return
	}
	held.Close()
	p = launch(t, bin, cwd, "127.0.0.1:9229", []string{"serve"})
	p.waitHealthy(t, p.started)
	p.stderr.waitFor(t, `addr=127.0.0.1:9229`)
	// The same data dir: the credentials were kept, not generated again.
	if strings.Contains(p.stderr.String(), "export AWS_") {
		t.Errorf("credentials printed again on restart")
	}
	if err := p.stop(t); err != nil {
		t.Fatal(err)
	}
}

// TestFlagsAndEnvironment: --listen, --data-dir, --region, --public-url
// and --config, and their COGNATE_* variables, all take effect; a flag
// wins over its variable.
func TestFlagsAndEnvironment(t *testing.T) {
	bin := buildBinary(t)
	const keyID, secret = "AKFLAGTEST", "flag-test-secret"
	creds := []string{"COGNATE_ACCESS_KEY_ID=" + keyID, "COGNATE_SECRET_ACCESS_KEY=" + secret}
	cfg := filepath.Join(t.TempDir(), "pools.json")
	os.WriteFile(cfg, []byte(`{"UserPools":[{"Id":"eu-west-1_jsonpool1","PoolName":"json","MfaConfiguration":"ON",
		"SoftwareTokenMfaConfiguration":{"Enabled":true},
		"Clients":[{"ClientId":"jsonclient0000000000000001","ClientName":"web","ExplicitAuthFlows":["ALLOW_USER_PASSWORD_AUTH"]}]}]}`), 0o600)

	type setting struct {
		name        string
		args, env   []string
		region      string // of new pool ids
		publicURL   string // "" = http://<listen>
		dataDir     string
		listenByEnv bool
	}
	dir := func() string { return filepath.Join(t.TempDir(), "data") }
	cases := []setting{
		{name: "flags", args: []string{"--region", "ap-south-1", "--public-url", "https://idp.example.test/base", "--config", cfg},
			region: "ap-south-1", publicURL: "https://idp.example.test/base", dataDir: dir()},
		{name: "environment", env: []string{"COGNATE_REGION=eu-central-1", "COGNATE_PUBLIC_URL=https://env.example.test", "COGNATE_CONFIG=" + cfg},
			region: "eu-central-1", publicURL: "https://env.example.test", dataDir: dir(), listenByEnv: true},
		{name: "flags over environment", args: []string{"--region", "sa-east-1", "--config", cfg}, env: []string{"COGNATE_REGION=eu-central-1"},
			region: "sa-east-1", dataDir: dir()},
		{name: "defaults", region: "us-east-1", dataDir: dir()},
	}
	for _, c := range cases {
		addr := freeAddr(t)
		args := append([]string{"serve"}, c.args...)
		env := append(append([]string{}, creds...), c.env...)
		if c.listenByEnv {
			env = append(env, "COGNATE_LISTEN="+addr, "COGNATE_DATA_DIR="+c.dataDir)
		} else {
			args = append(args, "--listen", addr, "--data-dir", c.dataDir)
		}
		p := launch(t, bin, t.TempDir(), addr, args, env...)
		p.waitHealthy(t, p.started)
		if _, err := os.Stat(filepath.Join(c.dataDir, "cognate.db")); err != nil {
			t.Errorf("%s: data dir not used: %v", c.name, err)
		}
		api := sdk(addr, keyID, secret)
		pool := must(t, c.name, api.CreateUserPool)(&cip.CreateUserPoolInput{PoolName: aws.String("p")})
		id := *pool.UserPool.Id
		if !strings.HasPrefix(id, c.region+"_") {
			t.Errorf("%s: pool id %s, want region %s", c.name, id, c.region)
		}
		iss := c.publicURL
		if iss == "" {
			iss = "http://" + addr
		}
		iss += "/" + id
		var disc struct {
			Issuer  string `json:"issuer"`
			JwksURI string `json:"jwks_uri"`
		}
		getJSON(t, "http://"+addr+"/"+id+"/.well-known/openid-configuration", &disc)
		if disc.Issuer != iss || disc.JwksURI != iss+"/.well-known/jwks.json" {
			t.Errorf("%s: discovery issuer %q, jwks_uri %q; want %q", c.name, disc.Issuer, disc.JwksURI, iss)
		}
		// The tokens carry the same iss.
		cl := must(t, c.name, api.CreateUserPoolClient)(&cip.CreateUserPoolClientInput{UserPoolId: &id, ClientName: aws.String("c"),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}}).UserPoolClient
		mustCall(t, addr, "SignUp", map[string]any{"ClientId": *cl.ClientId, "Username": "u", "Password": "Passw0rd!"})
		must(t, c.name, api.AdminConfirmSignUp)(&cip.AdminConfirmSignUpInput{UserPoolId: &id, Username: aws.String("u")})
		tok := mustCall(t, addr, "InitiateAuth", map[string]any{"ClientId": *cl.ClientId, "AuthFlow": "USER_PASSWORD_AUTH",
			"AuthParameters": map[string]string{"USERNAME": "u", "PASSWORD": "Passw0rd!"}})
		idToken := tok["AuthenticationResult"].(map[string]any)["IdToken"].(string)
		if got := jwtClaims(t, idToken)["iss"]; got != iss {
			t.Errorf("%s: ID token iss %v, want %s", c.name, got, iss)
		}
		// The declared JSON pool exists, MFA ON, where --config or
		// COGNATE_CONFIG named it.
		declared := slices.Contains(c.args, cfg) || slices.Contains(c.env, "COGNATE_CONFIG="+cfg)
		d, err := api.DescribeUserPool(context.Background(), &cip.DescribeUserPoolInput{UserPoolId: aws.String("eu-west-1_jsonpool1")})
		switch {
		case declared && (err != nil || d.UserPool.MfaConfiguration != types.UserPoolMfaTypeOn):
			t.Errorf("%s: declared pool: %v %+v", c.name, err, d)
		case !declared && err == nil:
			t.Errorf("%s: a pool nobody declared exists", c.name)
		}
		if declared {
			mustCall(t, addr, "SignUp", map[string]any{"ClientId": "jsonclient0000000000000001", "Username": "j", "Password": "Passw0rd!"})
			must(t, c.name, api.AdminConfirmSignUp)(&cip.AdminConfirmSignUpInput{UserPoolId: aws.String("eu-west-1_jsonpool1"), Username: aws.String("j")})
			r := mustCall(t, addr, "InitiateAuth", map[string]any{"ClientId": "jsonclient0000000000000001", "AuthFlow": "USER_PASSWORD_AUTH",
				"AuthParameters": map[string]string{"USERNAME": "j", "PASSWORD": "Passw0rd!"}})
			if r["ChallengeName"] != "MFA_SETUP" {
				t.Errorf("%s: declared MFA ON pool answered %v", c.name, r)
			}
		}
		if err := p.stop(t); err != nil {
			t.Errorf("%s: exit %v", c.name, err)
		}
	}
}

// TestMasterKeySources: --master-key-file and COGNATE_MASTER_KEY supply
// the key (no key file appears in the data dir), and it is really the key
// in use: the same key reads the data back, another does not.
func TestMasterKeySources(t *testing.T) {
	bin := buildBinary(t)
	root := t.TempDir()
	data := filepath.Join(root, "data")
	key := make([]byte, 32)
	rand.Read(key)
	keyText := base64.StdEncoding.EncodeToString(key)
	keyFile := filepath.Join(root, "master.key")
	os.WriteFile(keyFile, []byte(keyText+"\n"), 0o600)

	run := func(args []string, env ...string) *proc {
		t.Helper()
		addr := freeAddr(t)
		cfg := filepath.Join(root, "cfg.yaml")
		os.WriteFile(cfg, []byte(procConfig), 0o600)
		return launch(t, bin, "", addr, append([]string{"serve", "--listen", addr, "--data-dir", data, "--config", cfg}, args...),
			append([]string{"COGNATE_ACCESS_KEY_ID=AKKEYTEST", "COGNATE_SECRET_ACCESS_KEY=key-test-secret"}, env...)...)
	}
	signIn := func(p *proc) (int, map[string]any) {
		return call(t, p.addr, "InitiateAuth", `{"ClientId":"proctestclient000000000001","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"keyuser","PASSWORD":"Passw0rd!"}}`)
	}

	p := run([]string{"--master-key-file", keyFile})
	p.waitHealthy(t, p.started)
	if status, out := signUp(t, p.addr, "keyuser"); status != 200 {
		t.Fatalf("SignUp: %d %v", status, out)
	}
	if _, err := sdk(p.addr, "AKKEYTEST", "key-test-secret").AdminConfirmSignUp(context.Background(),
		&cip.AdminConfirmSignUpInput{UserPoolId: aws.String("us-east-1_proctest1"), Username: aws.String("keyuser")}); err != nil {
		t.Fatal(err)
	}
	if status, out := signIn(p); status != 200 {
		t.Fatalf("sign-in: %d %v", status, out)
	}
	p.stop(t)
	if _, err := os.Stat(filepath.Join(data, "master.key")); err == nil {
		t.Fatal("a key file was made in the data dir although --master-key-file was given")
	}

	// The same key from the environment reads the same data.
	p = run(nil, "COGNATE_MASTER_KEY="+keyText)
	p.waitHealthy(t, p.started)
	if status, out := signIn(p); status != 200 {
		t.Fatalf("sign-in with COGNATE_MASTER_KEY: %d %v", status, out)
	}
	p.stop(t)
	// COGNATE_MASTER_KEY_FILE too.
	p = run(nil, "COGNATE_MASTER_KEY_FILE="+keyFile)
	p.waitHealthy(t, p.started)
	if status, out := signIn(p); status != 200 {
		t.Fatalf("sign-in with COGNATE_MASTER_KEY_FILE: %d %v", status, out)
	}
	p.stop(t)

	// Another key cannot read it: the server refuses to start, saying why.
	other := make([]byte, 32)
	rand.Read(other)
	p = run(nil, "COGNATE_MASTER_KEY="+base64.StdEncoding.EncodeToString(other))
	select {
	case err := <-p.done:
		if err == nil || !strings.Contains(p.stderr.String(), "master key does not open") {
			t.Fatalf("with another master key: exit %v\n%s", err, p.stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("a server with another master key kept running:\n%s", p.stderr.String())
	}
	// A malformed key is refused at start.
	cmd := exec.Command(bin, "serve", "--listen", freeAddr(t), "--data-dir", t.TempDir())
	cmd.Env = environ("COGNATE_MASTER_KEY=not-a-key")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "COGNATE_MASTER_KEY") {
		t.Fatalf("a malformed COGNATE_MASTER_KEY was accepted: %v\n%s", err, out)
	}
}

// TestGeneratedCredentials: the export lines printed at first start sign
// real requests, and a restart reuses them without printing them again.
func TestGeneratedCredentials(t *testing.T) {
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	p := start(t, bin, dir)
	p.waitHealthy(t, p.started)
	keyID, secret := printedCredentials(t, p.stderr.String())
	if !strings.HasPrefix(keyID, "AKCOG") || len(secret) < 32 {
		t.Errorf("generated keys %s / %d characters", keyID, len(secret))
	}
	ctx := context.Background()
	if _, err := sdk(p.addr, keyID, secret).ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)}); err != nil {
		t.Fatalf("the printed keys do not sign: %v", err)
	}
	if _, err := sdk(p.addr, keyID, secret+"x").ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)}); err == nil {
		t.Fatal("a wrong secret was accepted")
	}
	kept, _ := os.ReadFile(filepath.Join(dir, "admin-credentials.json"))
	p.stop(t)

	p2 := start(t, bin, dir)
	p2.waitHealthy(t, p2.started)
	if strings.Contains(p2.stderr.String(), "export AWS_") || strings.Contains(p2.stderr.String(), secret) {
		t.Fatalf("credentials printed again on restart:\n%s", p2.stderr.String())
	}
	if again, _ := os.ReadFile(filepath.Join(dir, "admin-credentials.json")); string(again) != string(kept) {
		t.Fatal("credentials regenerated on restart")
	}
	pools, err := sdk(p2.addr, keyID, secret).ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})
	if err != nil || len(pools.UserPools) != 1 {
		t.Fatalf("the kept keys after restart: %v %v", pools, err)
	}
	p2.stop(t)
}

// BenchmarkStartup measures the binary from exec to a healthy /health on a
// fresh data dir (ms-to-healthy: master key, admin credentials and the
// database created) and its resident memory once idle (idle-RSS-kB), each
// averaged over the runs. A report, not a test:
//
//	go test -run '^$' -bench Startup -benchtime 5x ./cmd/cognate
func BenchmarkStartup(b *testing.B) {
	bin := buildBinary(b)
	var took time.Duration
	var rssKB, rssRuns float64
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(b.TempDir(), "data")
		p := start(b, bin, dir, "COGNATE_ACCESS_KEY_ID=AKSTART", "COGNATE_SECRET_ACCESS_KEY=start-secret")
		took += p.waitHealthy(b, p.started)
		if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid)); err == nil {
			if m := regexp.MustCompile(`VmRSS:\s+(\d+) kB`).FindSubmatch(st); m != nil {
				kb, _ := strconv.ParseFloat(string(m[1]), 64)
				rssKB += kb
				rssRuns++
			}
		}
		if err := p.stop(b); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(took.Microseconds())/1000/float64(b.N), "ms-to-healthy")
	if rssRuns > 0 {
		b.ReportMetric(rssKB/rssRuns, "idle-RSS-kB")
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
}

func jwtClaims(t *testing.T, raw string) map[string]any {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", raw)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	json.Unmarshal(b, &m)
	return m
}

// must wraps an SDK call so that an error fails the test, naming the case.
func must[In, Out any](t *testing.T, what string, fn func(context.Context, In, ...func(*cip.Options)) (Out, error)) func(In) Out {
	return func(in In) Out {
		t.Helper()
		out, err := fn(context.Background(), in)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return out
	}
}

// TestThrottleSetting: COGNATE_THROTTLE (and so --throttle, the same
// setting) holds a category to its quota in the binary, and a setting that
// does not parse stops the server at start with the reason.
func TestThrottleSetting(t *testing.T) {
	bin := buildBinary(t)
	p := start(t, bin, filepath.Join(t.TempDir(), "data"), "COGNATE_THROTTLE=cognito,UserCreation=2")
	p.waitHealthy(t, p.started)
	var codes []string
	for i := range 4 {
		_, out := signUp(t, p.addr, fmt.Sprintf("quota%d", i))
		c, _ := out["__type"].(string)
		codes = append(codes, c)
	}
	if codes[0] != "" || codes[1] != "" || codes[2] != "TooManyRequestsException" || codes[3] != "TooManyRequestsException" {
		t.Fatalf("four sign-ups at a quota of 2 a second: %q", codes)
	}

	refusedAtStart(t, bin, "--throttle", "cognito,UserCreation=fast")
}

// refusedAtStart fails the test unless the server, given flag with value,
// stops at start with a reason that names the flag.
func refusedAtStart(t *testing.T, bin, flag, value string) {
	t.Helper()
	bad := launch(t, bin, "", freeAddr(t), []string{"serve", "--data-dir", filepath.Join(t.TempDir(), "data"), flag, value})
	select {
	case err := <-bad.done:
		if err == nil || !strings.Contains(bad.stderr.String(), strings.TrimLeft(flag, "-")) {
			t.Fatalf("%s %s: exit %v, stderr %s", flag, value, err, bad.stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s %s did not stop the server", flag, value)
	}
}

// TestQueueDelaySetting: COGNATE_QUEUE_DELAY (and so --queue-delay) is
// read as a duration and the server serves with it; one that is not above
// zero stops the server at start, naming the setting.
func TestQueueDelaySetting(t *testing.T) {
	bin := buildBinary(t)
	p := start(t, bin, filepath.Join(t.TempDir(), "data"), "COGNATE_QUEUE_DELAY=5ms")
	p.waitHealthy(t, p.started)
	if _, out := signUp(t, p.addr, "delay"); out["__type"] != nil {
		t.Fatalf("a sign-up with --queue-delay 5ms: %v", out)
	}
	for _, v := range []string{"0s", "-1ms", "soon"} {
		refusedAtStart(t, bin, "--queue-delay", v)
	}
}

// TestSMSSetting: --sms takes outbox or sns; the SNS endpoint and topic
// need sns; COGNATE_SMS=sns with COGNATE_SNS_ENDPOINT serves.
func TestSMSSetting(t *testing.T) {
	bin := buildBinary(t)
	for _, args := range [][]string{{"--sms", "pigeon"}, {"--sns-endpoint", "http://127.0.0.1:1"}, {"--sns-topic-arn", "arn:aws:sns:us-east-1:123456789012:sms"}} {
		bad := launch(t, bin, "", freeAddr(t), append([]string{"serve", "--data-dir", filepath.Join(t.TempDir(), "data")}, args...))
		select {
		case err := <-bad.done:
			if err == nil || !strings.Contains(bad.stderr.String(), "--sms") {
				t.Fatalf("%v: exit %v, stderr %s", args, err, bad.stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%v did not stop the server", args)
		}
	}
	p := start(t, bin, filepath.Join(t.TempDir(), "data"), "COGNATE_SMS=sns", "COGNATE_SNS_ENDPOINT=http://127.0.0.1:1")
	p.waitHealthy(t, p.started)
	if err := p.stop(t); err != nil {
		t.Fatal(err)
	}
}

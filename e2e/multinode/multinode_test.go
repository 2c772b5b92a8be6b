// Package multinode_test runs three `cognate serve` processes on one
// PostgreSQL database and sends each step of a sign-in to a different node,
// the way a load balancer would: what one node does (a sign-up, a session, a
// used TOTP step, a failed password) every other node must know, because
// none of it may live in one process's memory.
package multinode_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/cognate-idp/cognate/internal/srp"
	"github.com/cognate-idp/cognate/internal/store/postgres/pgtest"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

var ctx = context.Background()

const (
	password = "Corr3ct-Horse!"
	region   = "us-east-1"
	// publicURL is the one address the nodes stand behind: tokens name it
	// as their issuer, and every node checks that issuer.
	publicURL = "http://cognate.multinode.test"
)

// node is one server process and an SDK client talking to it.
type node struct {
	name string
	addr string
	c    *cip.Client
	cmd  *exec.Cmd
	log  *logBuffer
	done chan struct{}
}

// cluster is the nodes sharing one database, keys and admin credentials.
type cluster struct {
	bin, dbURL, masterKey, keyID, secret string
}

func TestMultiNode(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("builds the binary and runs three servers")
	}
	cl := &cluster{
		dbURL:     pgtest.NewDatabase(t),
		bin:       build(t),
		masterKey: base64.StdEncoding.EncodeToString(random(32)),
		keyID:     "AKCOGMULTINODE" + strings.ToUpper(hex.EncodeToString(random(3))),
		secret:    base64.RawURLEncoding.EncodeToString(random(30)),
	}
	// The three start together against an empty database: they race to
	// migrate it, and the advisory lock lets one do it.
	var a, b, c *node
	var wg sync.WaitGroup
	for _, p := range []struct {
		n    **node
		name string
	}{{&a, "A"}, {&b, "B"}, {&c, "C"}} {
		wg.Add(1)
		go func() { defer wg.Done(); *p.n = cl.start(t, p.name) }()
	}
	wg.Wait()
	for _, n := range []*node{a, b, c} {
		if n == nil {
			t.FailNow()
		}
		n.waitHealthy(t)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, n := range []*node{a, b, c} {
				t.Logf("node %s stderr:\n%s", n.name, n.log)
			}
		}
	})

	// ---- The TOTP walkthrough, each step on another node ----

	// A: the pool, MFA required with an authenticator app, an app client.
	pool := must(a.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("multinode"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}))(t)
	poolID := *pool.UserPool.Id
	must(a.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &poolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))(t)
	client := must(a.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &poolID, ClientName: aws.String("web"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t)
	clientID := *client.UserPoolClient.ClientId

	// Every node serves the same signing key.
	jwks := a.get(t, "/"+poolID+"/.well-known/jwks.json")
	for _, n := range []*node{b, c} {
		if got := n.get(t, "/"+poolID+"/.well-known/jwks.json"); got != jwks {
			t.Fatalf("node %s serves another JWKS:\n%s\nvs\n%s", n.name, got, jwks)
		}
	}

	// B: sign-up. The code is in B's outbox: the outbox is per process.
	const name = "mia"
	must(b.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String(name), Password: aws.String(password),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("mia@example.com")}}}))(t)
	// C: the same username again loses, though C never saw the first.
	_, err := c.c.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String(name), Password: aws.String(password)})
	wantErr(t, err, "UsernameExistsException", "")
	// C: confirmation with the code B sent.
	must(c.c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String(name),
		ConfirmationCode: aws.String(b.outboxCode(t, poolID, name))}))(t)

	// A: password sign-in asks for an authenticator.
	start := must(a.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}}))(t)
	if start.ChallengeName != types.ChallengeNameTypeMfaSetup {
		t.Fatalf("InitiateAuth on A: want MFA_SETUP, got %q", start.ChallengeName)
	}
	// B: the secret, for the session A began.
	assoc := must(b.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: start.Session}))(t)
	phone := &authenticator{secret: *assoc.SecretCode}
	// C: the first code proves the authenticator.
	ver := must(c.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: assoc.Session,
		UserCode: aws.String(phone.code(t)), FriendlyDeviceName: aws.String("phone")}))(t)
	if ver.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		t.Fatalf("VerifySoftwareToken on C: %q", ver.Status)
	}
	// A: MFA_SETUP answered: tokens.
	done := must(a.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypeMfaSetup, Session: ver.Session, ChallengeResponses: map[string]string{"USERNAME": name}}))(t)
	if done.AuthenticationResult == nil || done.AuthenticationResult.AccessToken == nil {
		t.Fatalf("RespondToAuthChallenge on A gave no tokens: %+v", done)
	}
	// B: the access token A issued is good on B.
	u := must(b.c.GetUser(ctx, &cip.GetUserInput{AccessToken: done.AuthenticationResult.AccessToken}))(t)
	if *u.Username != name || attr(u.UserAttributes, "email") != "mia@example.com" {
		t.Fatalf("GetUser on B: %+v", u)
	}
	if len(u.UserMFASettingList) != 1 || u.UserMFASettingList[0] != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("GetUser on B: MFA settings %v", u.UserMFASettingList)
	}

	// ---- SRP: USER_SRP_AUTH on A, PASSWORD_VERIFIER on B, the TOTP on A ----

	sc, err := srp.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	ch := must(a.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": name, "SRP_A": sc.PublicHex()}}))(t)
	if ch.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("USER_SRP_AUTH on A: want PASSWORD_VERIFIER, got %q", ch.ChallengeName)
	}
	p := ch.ChallengeParameters
	proof, err := sc.Respond(srp.Challenge{PoolName: strings.SplitN(poolID, "_", 2)[1], UserID: p["USER_ID_FOR_SRP"], Salt: p["SALT"],
		B: p["SRP_B"], SecretBlock: p["SECRET_BLOCK"]}, password, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	verifier := map[string]string{"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": proof.SecretBlock,
		"PASSWORD_CLAIM_SIGNATURE": proof.Signature, "TIMESTAMP": proof.Timestamp}
	mfa := must(b.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypePasswordVerifier, Session: ch.Session, ChallengeResponses: verifier}))(t)
	if mfa.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("PASSWORD_VERIFIER on B: want SOFTWARE_TOKEN_MFA, got %q", mfa.ChallengeName)
	}
	// The secret block B accepted is spent for C too.
	_, err = c.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypePasswordVerifier, Session: ch.Session, ChallengeResponses: verifier})
	wantErr(t, err, "NotAuthorizedException", "")
	used := phone.code(t)
	srpDone := must(a.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, Session: mfa.Session,
		ChallengeResponses: map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": used}}))(t)
	if srpDone.AuthenticationResult == nil {
		t.Fatalf("SRP sign-in gave no tokens: %+v", srpDone)
	}
	must(c.c.GetUser(ctx, &cip.GetUserInput{AccessToken: srpDone.AuthenticationResult.AccessToken}))(t)

	// ---- The TOTP code A accepted is a replay on B ----

	again := must(b.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}}))(t)
	if again.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("InitiateAuth on B: want SOFTWARE_TOKEN_MFA, got %q", again.ChallengeName)
	}
	_, err = b.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, Session: again.Session,
		ChallengeResponses: map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": used}})
	wantErr(t, err, "ExpiredCodeException", "")

	// The lockout across nodes is TestLockoutAcrossNodes, on a settable
	// clock.

	// ---- kill -9 a node in the middle of a sign-in, finish on another ----

	mid := must(c.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": password}}))(t)
	if mid.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
		t.Fatalf("InitiateAuth on C: want SOFTWARE_TOKEN_MFA, got %q", mid.ChallengeName)
	}
	c.kill(t)
	if _, err := c.c.GetUser(ctx, &cip.GetUserInput{AccessToken: done.AuthenticationResult.AccessToken}); err == nil {
		t.Fatal("node C still answers after kill -9")
	}
	fin := must(a.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, Session: mid.Session,
		ChallengeResponses: map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": phone.code(t)}}))(t)
	if fin.AuthenticationResult == nil {
		t.Fatalf("finishing C's sign-in on A gave no tokens: %+v", fin)
	}
	must(b.c.GetUser(ctx, &cip.GetUserInput{AccessToken: fin.AuthenticationResult.AccessToken}))(t)
	// A refresh token from A works on B.
	ref := must(b.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *fin.AuthenticationResult.RefreshToken}}))(t)
	if ref.AuthenticationResult == nil || ref.AuthenticationResult.AccessToken == nil {
		t.Fatalf("REFRESH_TOKEN_AUTH on B: %+v", ref)
	}

	// ---- A remembered device without Session (AWS's Python example), over A and B ----

	dpool := must(a.c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("multinode-devices"),
		DeviceConfiguration: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true}}))(t)
	dpoolID := *dpool.UserPool.Id
	must(a.c.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &dpoolID, MfaConfiguration: types.UserPoolMfaTypeOn,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}}))(t)
	dclient := must(a.c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: &dpoolID, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}))(t)
	dclientID := *dclient.UserPoolClient.ClientId
	const ava = "ava"
	must(a.c.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &dpoolID, Username: aws.String(ava), MessageAction: types.MessageActionTypeSuppress}))(t)
	must(a.c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &dpoolID, Username: aws.String(ava),
		Password: aws.String(password), Permanent: true}))(t)
	dstart := must(b.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &dclientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": ava, "PASSWORD": password}}))(t)
	dassoc := must(a.c.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: dstart.Session}))(t)
	tablet := &authenticator{secret: *dassoc.SecretCode}
	dver := must(b.c.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{Session: dassoc.Session, UserCode: aws.String(tablet.code(t))}))(t)
	ddone := must(a.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &dclientID,
		ChallengeName: types.ChallengeNameTypeMfaSetup, Session: dver.Session, ChallengeResponses: map[string]string{"USERNAME": ava}}))(t)
	meta := ddone.AuthenticationResult.NewDeviceMetadata
	if meta == nil {
		t.Fatal("no NewDeviceMetadata from the device pool")
	}
	dev, err := srp.NewDeviceSecret(*meta.DeviceGroupKey, *meta.DeviceKey)
	if err != nil {
		t.Fatal(err)
	}
	pv, salt := dev.VerifierConfig()
	must(b.c.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{AccessToken: ddone.AuthenticationResult.AccessToken, DeviceKey: meta.DeviceKey,
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: &pv, Salt: &salt}}))(t)
	// A: the password step with the device's key.
	pwStep := must(a.c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &dclientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": ava, "PASSWORD": password, "DEVICE_KEY": *meta.DeviceKey}}))(t)
	if pwStep.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
		t.Fatalf("password step on A: want DEVICE_SRP_AUTH, got %q", pwStep.ChallengeName)
	}
	// B: DEVICE_SRP_AUTH without Session continues what A recorded.
	dc, err := srp.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	dsrp := map[string]string{"USERNAME": ava, "SRP_A": dc.PublicHex(), "DEVICE_KEY": *meta.DeviceKey}
	dch := must(b.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &dclientID,
		ChallengeName: types.ChallengeNameTypeDeviceSrpAuth, ChallengeResponses: dsrp}))(t)
	// A: the record B took is gone for A too.
	_, err = a.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &dclientID,
		ChallengeName: types.ChallengeNameTypeDeviceSrpAuth, ChallengeResponses: dsrp})
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
	dp := dch.ChallengeParameters
	dproof, err := dc.Respond(srp.Challenge{PoolName: *meta.DeviceGroupKey, UserID: *meta.DeviceKey, Salt: dp["SALT"], B: dp["SRP_B"],
		SecretBlock: dp["SECRET_BLOCK"]}, dev.Password, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dclaim := map[string]string{"USERNAME": ava, "DEVICE_KEY": *meta.DeviceKey, "PASSWORD_CLAIM_SECRET_BLOCK": dproof.SecretBlock,
		"PASSWORD_CLAIM_SIGNATURE": dproof.Signature, "TIMESTAMP": dproof.Timestamp}
	// A: DEVICE_PASSWORD_VERIFIER without Session: tokens, no TOTP code.
	dtok := must(a.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &dclientID,
		ChallengeName: types.ChallengeNameTypeDevicePasswordVerifier, ChallengeResponses: dclaim}))(t)
	if dtok.AuthenticationResult == nil || dtok.AuthenticationResult.AccessToken == nil {
		t.Fatalf("sessionless device sign-in over A and B gave no tokens: %+v", dtok)
	}
	// B: the same proof again is spent.
	_, err = b.c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &dclientID,
		ChallengeName: types.ChallengeNameTypeDevicePasswordVerifier, ChallengeResponses: dclaim})
	wantErr(t, err, "NotAuthorizedException", "Invalid session for the user.")
}

// ---- the processes ----

func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cognate")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/cognate-idp/cognate/cmd/cognate").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// start runs a node with its own data dir and listen address. A takes the
// database URL as --database, the others as COGNATE_DATABASE_URL.
func (cl *cluster) start(t *testing.T, name string) *node {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Error(err)
		return nil
	}
	addr := l.Addr().String()
	l.Close()
	args := []string{"serve", "--listen", addr, "--data-dir", filepath.Join(t.TempDir(), "data"), "--public-url", publicURL}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "COGNATE_") && !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env, "COGNATE_MASTER_KEY="+cl.masterKey, "COGNATE_ACCESS_KEY_ID="+cl.keyID, "COGNATE_SECRET_ACCESS_KEY="+cl.secret)
	if name == "A" {
		args = append(args, "--database", cl.dbURL)
	} else {
		env = append(env, "COGNATE_DATABASE_URL="+cl.dbURL)
	}
	cmd := exec.Command(cl.bin, args...)
	cmd.Env = env
	n := &node{name: name, addr: addr, cmd: cmd, log: &logBuffer{}, done: make(chan struct{})}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Error(err)
		return nil
	}
	if err := cmd.Start(); err != nil {
		t.Error(err)
		return nil
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			n.log.add(sc.Text())
		}
		cmd.Wait()
		close(n.done)
	}()
	t.Cleanup(func() { n.kill(t) })
	n.c = cip.New(cip.Options{
		Region:           region,
		BaseEndpoint:     aws.String("http://" + addr),
		Credentials:      credentials.NewStaticCredentialsProvider(cl.keyID, cl.secret, ""),
		RetryMaxAttempts: 1,
	})
	return n
}

// kill ends the process with SIGKILL and waits for it to be gone.
func (n *node) kill(t *testing.T) {
	n.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-n.done:
	case <-time.After(10 * time.Second):
		t.Errorf("node %s did not die", n.name)
	}
}

func (n *node) waitHealthy(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + n.addr + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-n.done:
			t.Fatalf("node %s exited:\n%s", n.name, n.log)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("node %s never became healthy:\n%s", n.name, n.log)
}

func (n *node) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := http.Get("http://" + n.addr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s on %s: %d %s", path, n.name, resp.StatusCode, b)
	}
	return string(b)
}

// outboxCode is the newest code this node's outbox holds for the user.
func (n *node) outboxCode(t *testing.T, poolID, username string) string {
	t.Helper()
	var msgs []struct{ Code string }
	body := n.get(t, "/_cognate/outbox?pool="+url.QueryEscape(poolID)+"&username="+url.QueryEscape(username))
	if err := json.Unmarshal([]byte(body), &msgs); err != nil || len(msgs) == 0 {
		t.Fatalf("no code in node %s's outbox for %s: %s %v", n.name, username, body, err)
	}
	return msgs[len(msgs)-1].Code
}

// logBuffer keeps a process's stderr.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(line + "\n")
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// ---- the authenticator app ----

// authenticator computes TOTP codes on the real clock, as a phone does. The
// servers run on the real clock too and accept a step within one of theirs,
// each step once; so each code is for the earliest step not yet used that
// is still safely in the window, waiting for the next step only when the
// window holds no unused one.
type authenticator struct {
	secret string
	last   int64 // the last step used
}

func (a *authenticator) code(t *testing.T) string {
	t.Helper()
	for {
		now := time.Now()
		cur := now.Unix() / 30
		lo := cur - 1
		if now.Unix()%30 >= 25 {
			lo = cur // cur-1 leaves the window at the coming boundary
		}
		step := max(a.last+1, lo)
		if step <= cur+1 {
			a.last = step
			code, err := totp.GenerateCodeCustom(a.secret, time.Unix(step*30, 0),
				totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
			if err != nil {
				t.Fatal(err)
			}
			return code
		}
		wait := time.Until(time.Unix((cur+1)*30, 0)) + 100*time.Millisecond
		t.Logf("waiting %v for the next TOTP step", wait.Round(time.Millisecond))
		time.Sleep(wait)
	}
}

// ---- checks ----

// must takes a call's two results and returns a function that fails the
// test on the error and otherwise gives the value: must(f())(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s, got success", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("want %s %q, got %s: %s", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

func attr(attrs []types.AttributeType, name string) string {
	for _, a := range attrs {
		if *a.Name == name {
			return *a.Value
		}
	}
	return fmt.Sprint("<no ", name, ">")
}

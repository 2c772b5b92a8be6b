package sigv4

// Tests against real clients: the Go SDK's Cognito client, the AWS CLI and
// botocore. Each sends requests to a local capture server; the captured
// requests must verify with the right secret and fail with a wrong one.

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

type captured struct {
	r    *http.Request
	body []byte
}

// captureServer records every request and answers like ListUserPools.
func captureServer(t *testing.T) (*httptest.Server, func() []captured) {
	t.Helper()
	var mu sync.Mutex
	var got []captured
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, captured{r, body})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000")
		io.WriteString(w, `{"UserPools":[]}`)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []captured {
		mu.Lock()
		defer mu.Unlock()
		return append([]captured(nil), got...)
	}
}

// checkCaptured verifies every captured request with the right secret (and
// the region the client was configured with), then with a wrong secret.
func checkCaptured(t *testing.T, reqs []captured, want int) {
	t.Helper()
	if len(reqs) != want {
		t.Fatalf("captured %d requests, want %d", len(reqs), want)
	}
	now := time.Now()
	wrong := func(id string) (string, bool) { return "wrong" + testSecret, id == testAKID }
	v := Verifier{Lookup: lookupTest, Region: "us-east-1"}
	for _, c := range reqs {
		t.Logf("%s %s target=%s Authorization: %s", c.r.Method, c.r.RequestURI, c.r.Header.Get("X-Amz-Target"), c.r.Header.Get("Authorization"))
		id, err := v.Verify(c.r, c.body, now)
		if err != nil {
			t.Errorf("Verify: %v\nheaders: %v\nbody: %s", err, c.r.Header, c.body)
			continue
		}
		if id != testAKID {
			t.Errorf("access key %q", id)
		}
		_, err = Verify(c.r, c.body, wrong, now)
		wantCode(t, err, CodeInvalidSignature)
		if c.r.Header.Get("X-Amz-Content-Sha256") != unsignedPayload {
			_, err = Verify(c.r, append(bytes.Clone(c.body), ' '), lookupTest, now)
			wantCode(t, err, CodeInvalidSignature)
		}
	}
}

// requireTool skips when a client is missing, except in CI, which must run
// every interoperability test rather than pass silently without it.
func requireTool(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not available, and CI=true forbids skipping this test", what)
	}
	t.Skipf("%s is not available", what)
}

func TestGoSDKClient(t *testing.T) {
	srv, got := captureServer(t)
	for _, token := range []string{"", "IQoJb3JpZ2luX2VjEXAMPLE/session+token=="} {
		client := cip.New(cip.Options{
			Region:           "us-east-1",
			BaseEndpoint:     aws.String(srv.URL),
			Credentials:      credentials.NewStaticCredentialsProvider(testAKID, testSecret, token),
			RetryMaxAttempts: 1,
		})
		ctx := context.Background()
		if _, err := client.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)}); err != nil {
			t.Fatal(err)
		}
		if _, err := client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String("us-east-1_AbC123xyZ"),
			Username:   aws.String("jürgen ☃"),
			UserAttributes: []types.AttributeType{
				{Name: aws.String("email"), Value: aws.String("j@example.com")},
			},
		}); err != nil {
			t.Fatal(err)
		}
	}
	reqs := got()
	checkCaptured(t, reqs, 4)
	if tok := reqs[2].r.Header.Get("X-Amz-Security-Token"); tok == "" {
		t.Error("session token not sent")
	}
}

// cliEnv is a clean environment for AWS command-line tools: no profile,
// config file or instance metadata can leak in, and one attempt only.
func cliEnv(t *testing.T, token string) []string {
	t.Helper()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"HOME="+dir,
		"AWS_ACCESS_KEY_ID="+testAKID,
		"AWS_SECRET_ACCESS_KEY="+testSecret,
		"AWS_CONFIG_FILE="+empty,
		"AWS_SHARED_CREDENTIALS_FILE="+empty,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_RETRY_MODE=standard",
		"AWS_MAX_ATTEMPTS=1",
		"AWS_PAGER=",
	)
	if token != "" {
		env = append(env, "AWS_SESSION_TOKEN="+token)
	}
	return env
}

func run(t *testing.T, env []string, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func TestAWSCLI(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		requireTool(t, "the AWS CLI (aws)")
	}
	srv, got := captureServer(t)
	for _, token := range []string{"", "IQoJb3JpZ2luX2VjEXAMPLE/session+token=="} {
		env := cliEnv(t, token)
		common := []string{"--endpoint-url", srv.URL, "--region", "us-east-1", "--output", "json"}
		run(t, env, aws, append([]string{"cognito-idp", "list-user-pools", "--max-results", "10"}, common...)...)
		run(t, env, aws, append([]string{"cognito-idp", "admin-get-user", "--user-pool-id", "us-east-1_AbC123xyZ", "--username", "jürgen ☃"}, common...)...)
	}
	reqs := got()
	checkCaptured(t, reqs, 4)
	if tok := reqs[2].r.Header.Get("X-Amz-Security-Token"); tok == "" {
		t.Error("session token not sent")
	}
}

// botocorePython finds a Python that can import botocore: python3 on PATH,
// or the interpreter named in the aws script's #! line (Debian's awscli).
func botocorePython() string {
	candidates := []string{"python3"}
	if aws, err := exec.LookPath("aws"); err == nil {
		if b, err := os.ReadFile(aws); err == nil {
			line, _, _ := strings.Cut(string(b), "\n")
			if f := strings.Fields(strings.TrimPrefix(line, "#!")); strings.HasPrefix(line, "#!") && len(f) > 0 && strings.Contains(f[0], "python") {
				candidates = append(candidates, f[0])
			}
		}
	}
	for _, py := range candidates {
		if exec.Command(py, "-c", "import botocore.auth").Run() == nil {
			return py
		}
	}
	return ""
}

// TestBotocore signs unusual requests (dot segments, query, spaced and
// custom headers, session token, UNSIGNED-PAYLOAD, non-ASCII body) with
// botocore's SigV4Auth and sends them with botocore's own HTTP session.
func TestBotocore(t *testing.T) {
	py := botocorePython()
	if py == "" {
		requireTool(t, "a Python with botocore")
	}
	srv, got := captureServer(t)
	run(t, cliEnv(t, ""), py, filepath.Join("testdata", "botocore_sign.py"), srv.URL, testAKID, testSecret)
	checkCaptured(t, got(), 7)
}

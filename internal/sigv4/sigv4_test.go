package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testAKID   = "AKIDCOGNATETEST0001"
	testSecret = "cognate/test+secret/0123456789abcdefABCDEF"
)

var signTime = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

func lookupTest(id string) (string, bool) {
	if id == testAKID {
		return testSecret, true
	}
	return "", false
}

// signOpts describes one request signed by aws-sdk-go-v2's v4 signer, the
// signer the Go SDK's Cognito client itself uses.
type signOpts struct {
	url          string
	body         string
	target       string
	region       string
	service      string
	secret       string
	token        string
	at           time.Time
	header       http.Header // extra headers, set before signing
	noLength     bool        // leave ContentLength 0 so content-length is not signed
	payloadHash  string      // overrides the body hash given to the signer
	contentSHA   string      // X-Amz-Content-Sha256 header, set before signing
	afterSigning func(r *http.Request)
}

func sdkSigned(t *testing.T, o signOpts) (*http.Request, []byte) {
	t.Helper()
	if o.url == "" {
		o.url = "https://cognito-idp.us-east-1.amazonaws.com/"
	}
	if o.body == "" {
		o.body = `{"MaxResults":10}`
	}
	if o.target == "" {
		o.target = "AWSCognitoIdentityProviderService.ListUserPools"
	}
	if o.region == "" {
		o.region = "us-east-1"
	}
	if o.service == "" {
		o.service = ServiceName
	}
	if o.secret == "" {
		o.secret = testSecret
	}
	if o.at.IsZero() {
		o.at = signTime
	}
	r, err := http.NewRequest(http.MethodPost, o.url, strings.NewReader(o.body))
	if err != nil {
		t.Fatal(err)
	}
	if o.noLength {
		r.ContentLength = 0
	}
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", o.target)
	r.Header.Set("User-Agent", "aws-sdk-go-v2/1.47.7 os/linux lang/go#1.26")
	r.Header.Set("Amz-Sdk-Invocation-Id", "8d2a1c5e-34e2-4f9c-9d25-0d3b8f6c7a11")
	r.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
	for k, vs := range o.header {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	if o.contentSHA != "" {
		r.Header.Set("X-Amz-Content-Sha256", o.contentSHA)
	}
	hash := o.payloadHash
	if hash == "" {
		sum := sha256.Sum256([]byte(o.body))
		hash = hex.EncodeToString(sum[:])
	}
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: o.secret, SessionToken: o.token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hash, o.service, o.region, o.at); err != nil {
		t.Fatal(err)
	}
	if o.afterSigning != nil {
		o.afterSigning(r)
	}
	return overTheWire(t, r)
}

// overTheWire serialises a client request and parses it back the way the
// server does, so the verifier sees what a handler sees: Host moved to
// r.Host, RequestURI set, header names canonicalised, chunked bodies
// decoded, a default User-Agent added.
func overTheWire(t *testing.T, r *http.Request) (*http.Request, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	sr, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	if _, err := body.ReadFrom(sr.Body); err != nil {
		t.Fatal(err)
	}
	return sr, body.Bytes()
}

// wantCode asserts err is an *Error with the given code and status 400.
func wantCode(t *testing.T, err error, code string) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want %s", code)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is %T, want *Error", err, err)
	}
	if e.Code != code {
		t.Fatalf("got %s (%s), want %s", e.Code, e.Message, code)
	}
	if e.Status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", e.Status)
	}
	if strings.Contains(e.Message, testSecret) {
		t.Fatalf("message leaks the secret: %s", e.Message)
	}
	return e
}

func TestVerifySDKSigned(t *testing.T) {
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Add(kv[i], kv[i+1])
		}
		return h
	}
	cases := []struct {
		name string
		opts signOpts
	}{
		{"plain", signOpts{}},
		{"session token", signOpts{token: "FwoGZXIvYXdzEXAMPLE//token+with/slashes=="}},
		{"no content-length signed (chunked)", signOpts{noLength: true}},
		{"other region", signOpts{region: "eu-west-3", url: "https://cognito-idp.eu-west-3.amazonaws.com/"}},
		{"custom endpoint with port", signOpts{url: "http://127.0.0.1:9229/"}},
		{"custom path", signOpts{url: "http://localhost:9229/cognito/"}},
		{"path needing encoding", signOpts{url: "http://localhost/a%20b/c~d/e%2Ff"}},
		{"dot segments kept by the Go SDK", signOpts{url: "http://localhost/a/./b//c/../d"}},
		{"query", signOpts{url: "http://localhost/?b=2&a=1&a=0&c=x%20y&d=%2F"}},
		{"empty body", signOpts{body: "{}"}},
		{"unicode body", signOpts{body: `{"Username":"jürgen ☃"}`}},
		{"x-amz-content-sha256 signed", signOpts{contentSHA: "body"}},
		{"UNSIGNED-PAYLOAD", signOpts{contentSHA: "UNSIGNED-PAYLOAD", payloadHash: "UNSIGNED-PAYLOAD"}},
		{"multi-valued and spaced header", signOpts{header: hdr("X-Amz-Meta-Note", "  a   b\tc  ", "X-Amz-Meta-Note", "second")}},
		{"x-amz-user-agent", signOpts{header: hdr("X-Amz-User-Agent", "aws-sdk-js/3.1169.0")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := c.opts
			if o.contentSHA == "body" {
				sum := sha256.Sum256([]byte(`{"MaxResults":10}`))
				o.contentSHA = hex.EncodeToString(sum[:])
			}
			r, body := sdkSigned(t, o)
			id, err := Verify(r, body, lookupTest, signTime.Add(3*time.Second))
			if err != nil {
				t.Fatalf("Verify: %v\nAuthorization: %s", err, r.Header.Get("Authorization"))
			}
			if id != testAKID {
				t.Fatalf("access key %q, want %q", id, testAKID)
			}
			// The same request signed with another secret must fail, so
			// success above is not an accident of a lenient comparison.
			o.secret = "not-" + testSecret
			r, body = sdkSigned(t, o)
			_, err = Verify(r, body, lookupTest, signTime)
			wantCode(t, err, CodeInvalidSignature)
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	now := signTime.Add(time.Minute)
	mismatch := "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	cases := []struct {
		name    string
		opts    signOpts
		mutate  func(r *http.Request, body []byte) []byte
		v       Verifier
		now     time.Time
		code    string
		message string // exact, if not empty
		substr  string // contained, if not empty
	}{
		{name: "wrong secret", opts: signOpts{secret: "wrong"}, code: CodeInvalidSignature, message: mismatch},
		{name: "unknown key", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), testAKID, "AKIDUNKNOWN", 1))
			return b
		}, code: CodeUnrecognizedClient, message: "The security token included in the request is invalid."},
		{name: "tampered body", mutate: func(r *http.Request, b []byte) []byte {
			return bytes.Replace(b, []byte("10"), []byte("60"), 1)
		}, code: CodeInvalidSignature, message: mismatch},
		{name: "body appended", mutate: func(r *http.Request, b []byte) []byte {
			return append(b, ' ')
		}, code: CodeInvalidSignature, message: mismatch},
		{name: "tampered target", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminDeleteUser")
			return b
		}, code: CodeInvalidSignature, message: mismatch},
		{name: "tampered host", mutate: func(r *http.Request, b []byte) []byte {
			r.Host = "evil.example"
			return b
		}, code: CodeInvalidSignature, message: mismatch},
		{name: "tampered method", mutate: func(r *http.Request, b []byte) []byte {
			r.Method = http.MethodPut
			return b
		}, code: CodeInvalidSignature, message: mismatch},
		{name: "tampered path", mutate: func(r *http.Request, b []byte) []byte {
			r.RequestURI = "/other"
			return b
		}, code: CodeInvalidSignature, message: mismatch},
		{name: "tampered query", mutate: func(r *http.Request, b []byte) []byte {
			r.URL.RawQuery = "x=1"
			return b
		}, code: CodeInvalidSignature, message: mismatch},
		{name: "added session token", mutate: func(r *http.Request, b []byte) []byte {
			// Unsigned extra headers are ignored...
			r.Header.Set("X-Amz-Security-Token", "x")
			return b
		}, code: ""},
		{name: "changed session token", opts: signOpts{token: "t1"}, mutate: func(r *http.Request, b []byte) []byte {
			// ...but signed ones are covered.
			r.Header.Set("X-Amz-Security-Token", "t2")
			return b
		}, code: CodeInvalidSignature, message: mismatch},
		{name: "changed time, same day", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Amz-Date", signTime.Add(time.Second).Format(amzDateFormat))
			return b
		}, code: CodeInvalidSignature, message: mismatch},
		{name: "changed day", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Amz-Date", signTime.Add(24*time.Hour).Format(amzDateFormat))
			return b
		}, now: signTime.Add(24 * time.Hour), code: CodeIncompleteSignature, substr: "Date in Credential scope does not match"},
		{name: "expired", now: signTime.Add(15*time.Minute + time.Second), code: CodeInvalidSignature,
			message: "Signature expired: 20260314T150926Z is now earlier than 20260314T150927Z (20260314T152427Z - 15 min.)"},
		{name: "not yet current", now: signTime.Add(-15*time.Minute - time.Second), code: CodeInvalidSignature,
			message: "Signature not yet current: 20260314T150926Z is still later than 20260314T150925Z (20260314T145425Z + 15 min.)"},
		{name: "just within skew (past)", now: signTime.Add(15 * time.Minute), code: ""},
		{name: "just within skew (future)", now: signTime.Add(-15 * time.Minute), code: ""},
		{name: "custom skew", v: Verifier{MaxSkew: time.Minute}, now: signTime.Add(90 * time.Second), code: CodeInvalidSignature, substr: "(20260314T151056Z - 1 min.)"},
		{name: "missing authorization", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Del("Authorization")
			r.Header.Del("X-Amz-Date")
			return b
		}, code: CodeMissingAuthenticationToken, message: "Missing Authentication Token"},
		{name: "missing authorization with date", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Del("Authorization")
			return b
		}, code: CodeIncompleteSignature, substr: "requires 'Credential' parameter"},
		{name: "missing date", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Del("X-Amz-Date")
			return b
		}, code: CodeIncompleteSignature, substr: "X-Amz-Date"},
		{name: "bad date format", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Amz-Date", "2026-03-14T15:09:26Z")
			return b
		}, code: CodeIncompleteSignature, substr: "ISO 8601"},
		{name: "impossible date", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("X-Amz-Date", "20260314T256000Z")
			return b
		}, code: CodeIncompleteSignature, substr: "ISO 8601"},
		{name: "two authorization headers", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Add("Authorization", r.Header.Get("Authorization"))
			return b
		}, code: CodeIncompleteSignature},
		{name: "wrong service in scope", opts: signOpts{service: "cognito-identity"}, code: CodeInvalidSignature,
			message: "Credential should be scoped to correct service: 'cognito-idp'."},
		{name: "wrong region", opts: signOpts{region: "us-west-2"}, v: Verifier{Region: "us-east-1"}, code: CodeInvalidSignature,
			message: "Credential should be scoped to a valid region, not 'us-west-2'."},
		{name: "configured region", v: Verifier{Region: "us-east-1"}, code: ""},
		{name: "configured service", opts: signOpts{service: "execute-api"}, v: Verifier{Service: "execute-api"}, code: ""},
		{name: "target not signed", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-amz-target", "", 1))
			return b
		}, code: CodeIncompleteSignature, substr: "'X-Amz-Target' must be a 'SignedHeader'"},
		{name: "host not signed", mutate: func(r *http.Request, b []byte) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";host;", ";", 1))
			return b
		}, code: CodeIncompleteSignature, substr: "'Host' must be a 'SignedHeader'"},
		{name: "content sha256 does not match body", opts: signOpts{contentSHA: strings.Repeat("ab", 32), payloadHash: strings.Repeat("ab", 32)},
			code: CodeInvalidSignature, substr: "x-amz-content-sha256"},
		{name: "content sha256 not hex", opts: signOpts{contentSHA: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", payloadHash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
			code: CodeIncompleteSignature, substr: "X-Amz-Content-Sha256"},
		{name: "unsigned payload refused when configured", opts: signOpts{contentSHA: unsignedPayload, payloadHash: unsignedPayload},
			v: Verifier{RejectUnsignedPayload: true}, code: CodeInvalidSignature, substr: "Unsigned payloads"},
		{name: "unsigned payload, body changed", opts: signOpts{contentSHA: unsignedPayload, payloadHash: unsignedPayload},
			mutate: func(r *http.Request, b []byte) []byte { return []byte(`{"other":1}`) }, code: ""},
		{name: "signature not hex", mutate: func(r *http.Request, b []byte) []byte {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", a[:strings.Index(a, "Signature=")]+"Signature=zz")
			return b
		}, code: CodeInvalidSignature, message: mismatch},
		{name: "parts reordered and spaced", mutate: func(r *http.Request, b []byte) []byte {
			a, _ := ParseAuthorization(r.Header.Get("Authorization"))
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256   Signature="+a.Signature+" ,SignedHeaders="+strings.Join(a.SignedHeaders, ";")+
				",Credential="+a.AccessKeyID+"/"+a.Scope()+",")
			return b
		}, code: ""},
		{name: "uppercase signature", mutate: func(r *http.Request, b []byte) []byte {
			a := r.Header.Get("Authorization")
			i := strings.Index(a, "Signature=") + len("Signature=")
			r.Header.Set("Authorization", a[:i]+strings.ToUpper(a[i:]))
			return b
		}, code: ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, body := sdkSigned(t, c.opts)
			if c.mutate != nil {
				body = c.mutate(r, body)
			}
			v := c.v
			v.Lookup = lookupTest
			at := now
			if !c.now.IsZero() {
				at = c.now
			}
			id, err := v.Verify(r, body, at)
			if c.code == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if id != testAKID {
					t.Fatalf("access key %q", id)
				}
				return
			}
			e := wantCode(t, err, c.code)
			if c.message != "" && e.Message != c.message {
				t.Fatalf("message\n got %q\nwant %q", e.Message, c.message)
			}
			if c.substr != "" && !strings.Contains(e.Message, c.substr) {
				t.Fatalf("message %q does not contain %q", e.Message, c.substr)
			}
		})
	}
}

// TestAWSExamples checks the published examples from AWS's SigV4
// documentation (secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY), which
// pin the canonical form independently of any SDK.
func TestAWSExamples(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	lookup := func(id string) (string, bool) { return secret, id == "AKIDEXAMPLE" }
	at := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	cases := []struct {
		name, service, raw string
	}{
		{"get-vanilla", "service", "GET / HTTP/1.1\r\nHost:example.amazonaws.com\r\nX-Amz-Date:20150830T123600Z\r\n" +
			"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31\r\n\r\n"},
		{"iam ListUsers", "iam", "GET /?Action=ListUsers&Version=2010-05-08 HTTP/1.1\r\nHost: iam.amazonaws.com\r\n" +
			"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\nX-Amz-Date: 20150830T123600Z\r\n" +
			"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7\r\n\r\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(c.raw)))
			if err != nil {
				t.Fatal(err)
			}
			v := Verifier{Lookup: lookup, Service: c.service, Region: "us-east-1"}
			if _, err := v.Verify(r, nil, at); err != nil {
				t.Fatal(err)
			}
			// Headers outside SignedHeaders do not matter.
			r.Header.Set("User-Agent", "x")
			if _, err := v.Verify(r, nil, at); err != nil {
				t.Fatalf("unsigned User-Agent changed the result: %v", err)
			}
		})
	}
}

// TestSignedUserAgent covers a client that signs headers the Go SDK signer
// skips (User-Agent, Expect, X-Amzn-Trace-Id): a verifier built on that
// signer would reject it. The expected canonical request is written out by
// hand from the SigV4 specification.
func TestSignedUserAgent(t *testing.T) {
	body := `{"MaxResults":10}`
	sum := sha256.Sum256([]byte(body))
	canonical := "POST\n/\n\n" +
		"content-type:application/x-amz-json-1.1\n" +
		"host:localhost:9229\n" +
		"user-agent:my client/1.0\n" +
		"x-amz-date:20260314T150926Z\n" +
		"x-amz-target:AWSCognitoIdentityProviderService.ListUserPools\n" +
		"x-amzn-trace-id:Root=1-abc\n" +
		"\ncontent-type;host;user-agent;x-amz-date;x-amz-target;x-amzn-trace-id\n" +
		hex.EncodeToString(sum[:])
	scope := "20260314/us-east-1/cognito-idp/aws4_request"
	csum := sha256.Sum256([]byte(canonical))
	sts := "AWS4-HMAC-SHA256\n20260314T150926Z\n" + scope + "\n" + hex.EncodeToString(csum[:])
	sig := hex.EncodeToString(hmacSHA256(signingKey(testSecret, "20260314", "us-east-1", "cognito-idp"), sts))
	raw := "POST / HTTP/1.1\r\nHost: localhost:9229\r\nContent-Type: application/x-amz-json-1.1\r\n" +
		"User-Agent:   my   client/1.0 \r\nX-Amz-Date: 20260314T150926Z\r\n" +
		"X-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\nX-Amzn-Trace-Id: Root=1-abc\r\n" +
		"Content-Length: 17\r\n" +
		"Authorization: AWS4-HMAC-SHA256 Credential=" + testAKID + "/" + scope +
		", SignedHeaders=content-type;host;user-agent;x-amz-date;x-amz-target;x-amzn-trace-id, Signature=" + sig + "\r\n\r\n" + body
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(r, []byte(body), lookupTest, signTime); err != nil {
		t.Fatal(err)
	}
	r.Header.Set("User-Agent", "other")
	_, err = Verify(r, []byte(body), lookupTest, signTime)
	wantCode(t, err, CodeInvalidSignature)
}

func TestCanonicalURIs(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", []string{"/"}},
		{"/", []string{"/"}},
		{"/a/b", []string{"/a/b"}},
		{"/a/b/", []string{"/a/b/"}},
		{"/a%20b", []string{"/a%2520b"}},
		{"/a/./b//c/../d", []string{"/a/b/d", "/a/./b//c/../d"}},
		{"//", []string{"/", "//"}},
		{"/~user/x-y_z.1", []string{"/~user/x-y_z.1"}},
	}
	for _, c := range cases {
		got := canonicalURIs(c.in)
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("canonicalURIs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	cases := map[string]string{
		"":                  "",
		"b=2&a=1":           "a=1&b=2",
		"a=2&a=1":           "a=1&a=2",
		"x=a+b&y=a%20b":     "x=a%20b&y=a%20b",
		"k":                 "k=",
		"&&a=1&":            "a=1",
		"p=%2F%7e":          "p=%2F~",
		"X-Amz-Date=1&z=~.": "X-Amz-Date=1&z=~.",
	}
	for in, want := range cases {
		if got := canonicalQuery(in); got != want {
			t.Errorf("canonicalQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTrimAll(t *testing.T) {
	cases := []struct{ in, all, spaces string }{
		{"a", "a", "a"},
		{"  a  ", "a", "a"},
		{"a   b\t\tc", "a b c", "a b\t\tc"},
		{"\t a \t b \t", "a b", "a \t b"},
		{"", "", ""},
	}
	for _, c := range cases {
		if got := trimAll(c.in, false); got != c.all {
			t.Errorf("trimAll(%q, false) = %q, want %q", c.in, got, c.all)
		}
		if got := trimAll(c.in, true); got != c.spaces {
			t.Errorf("trimAll(%q, true) = %q, want %q", c.in, got, c.spaces)
		}
	}
}

func TestErrorString(t *testing.T) {
	e := newError(CodeUnrecognizedClient, msgUnrecognized)
	if e.Error() != "UnrecognizedClientException: The security token included in the request is invalid." {
		t.Fatal(e.Error())
	}
}

func TestNilLookup(t *testing.T) {
	r, body := sdkSigned(t, signOpts{})
	var v Verifier
	_, err := v.Verify(r, body, signTime)
	wantCode(t, err, CodeUnrecognizedClient)
}

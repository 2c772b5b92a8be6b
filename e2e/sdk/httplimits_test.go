package sdk_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cognate-idp/cognate/cognatetest"
	"github.com/cognate-idp/cognate/internal/app"
	"github.com/cognate-idp/cognate/internal/httpapi"
)

// withHTTPLimits sets the server's HTTP limits (app.HTTPLimits); members
// left zero keep their defaults.
func withHTTPLimits(l app.HTTPLimits) cognatetest.Option {
	return func(o *app.Options) { o.HTTP = l }
}

// cutOff reports whether the server closes conn (or answers and closes)
// within limit, reading whatever it sends. These waits are on the server's
// real timers, which the test clock does not drive.
func cutOff(t *testing.T, conn net.Conn, limit time.Duration) (string, time.Duration) {
	t.Helper()
	start := time.Now()
	conn.SetReadDeadline(start.Add(limit))
	b, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the connection open for %v", limit)
	}
	return string(b), time.Since(start)
}

// TestHTTPLimits: a client that trickles its headers, or its body, is cut
// off after the read timeouts, and oversized headers are refused with 431,
// while an ordinary request on the same server is served.
func TestHTTPLimits(t *testing.T) {
	e := newEnv(t, withHTTPLimits(app.HTTPLimits{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 400 * time.Millisecond,
		MaxHeaderBytes: 2 << 10}))
	addr := strings.TrimPrefix(e.srv.URL, "http://")
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}

	// Headers that never end.
	slow := dial()
	io.WriteString(slow, "POST / HTTP/1.1\r\nHost: cognate\r\nX-Amz-Target: AWSCognitoIdentityProviderService.GetUser\r\n")
	if _, took := cutOff(t, slow, 5*time.Second); took < 150*time.Millisecond {
		t.Fatalf("cut off after %v, before the header timeout", took)
	}

	// Complete headers, then a body that stops halfway.
	body := dial()
	io.WriteString(body, "POST / HTTP/1.1\r\nHost: cognate\r\nX-Amz-Target: AWSCognitoIdentityProviderService.SignUp\r\n"+
		"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 100\r\n\r\n{\"ClientId\":")
	if reply, _ := cutOff(t, body, 5*time.Second); strings.Contains(reply, " 200 ") || strings.Contains(reply, " 500 ") {
		t.Fatalf("a truncated body was answered %q", reply)
	}

	// Headers beyond MaxHeaderBytes (net/http allows 4 KiB of slack over it).
	big := dial()
	io.WriteString(big, "POST / HTTP/1.1\r\nHost: cognate\r\nX-Padding: "+strings.Repeat("a", 16<<10)+"\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(big), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("oversized headers: %s", resp.Status)
	}

	// The server still serves.
	if resp, err := http.Get(e.srv.URL + "/health"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("health after the slow clients: %v %v", resp, err)
	}
}

// TestDefaultHTTPLimits: a server started without limits applies the
// defaults (app.DefaultHTTPLimits and the body cap), seen from a client:
// headers well within 64 KiB are served and headers past it (and past
// net/http's 4 KiB of slack) get 431, where net/http's own default would
// take up to 1 MiB; a body one byte over 1 MiB gets 413; a client that
// never finishes its headers is cut off after the 10 s header timeout.
func TestDefaultHTTPLimits(t *testing.T) {
	e := newEnv(t)
	addr := strings.TrimPrefix(e.srv.URL, "http://")
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	get := func(padding int) int {
		c := dial()
		io.WriteString(c, "GET /health HTTP/1.1\r\nHost: cognate\r\nX-Padding: "+strings.Repeat("a", padding)+"\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%d bytes of headers: %v", padding, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get(56 << 10); got != http.StatusOK {
		t.Errorf("56 KiB of headers: %d, want 200", got)
	}
	if got := get(72 << 10); got != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("72 KiB of headers: %d, want 431", got)
	}

	body := `{"ClientId":"` + strings.Repeat("c", httpapi.MaxBody) + `"}`
	body = body[:httpapi.MaxBody+1]
	req, _ := http.NewRequest("POST", e.srv.URL+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.SignUp")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a body of 1 MiB + 1 byte: %s, want 413", resp.Status)
	}

	// Headers that never end: cut off at the default ReadHeaderTimeout.
	slow := dial()
	io.WriteString(slow, "POST / HTTP/1.1\r\nHost: cognate\r\nX-Amz-Target: AWSCognitoIdentityProviderService.GetUser\r\n")
	if _, took := cutOff(t, slow, 20*time.Second); took < 9*time.Second {
		t.Errorf("cut off after %v, before the 10 s header timeout", took)
	}
}

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

// TestDefaultHTTPLimits: a server started without limits gets the defaults.
func TestDefaultHTTPLimits(t *testing.T) {
	d := app.DefaultHTTPLimits
	if d.ReadHeaderTimeout != 10*time.Second || d.ReadTimeout != 30*time.Second || d.WriteTimeout != 30*time.Second ||
		d.IdleTimeout != 120*time.Second || d.MaxHeaderBytes != 64<<10 {
		t.Fatalf("default HTTP limits changed: %+v", d)
	}
	e := newEnv(t)
	c, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// 32 KiB of headers are within the default 64 KiB.
	io.WriteString(c, "GET /health HTTP/1.1\r\nHost: cognate\r\nX-Padding: "+strings.Repeat("a", 32<<10)+"\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("32 KiB of headers with the defaults: %v %v", resp, err)
	}
}

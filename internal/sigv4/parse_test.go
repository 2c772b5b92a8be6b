package sigv4

import (
	"bufio"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

const goodAuth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"

func TestParseAuthorization(t *testing.T) {
	want := Authorization{
		AccessKeyID:   "AKIDEXAMPLE",
		Date:          "20150830",
		Region:        "us-east-1",
		Service:       "cognito-idp",
		SignedHeaders: []string{"content-type", "host", "x-amz-date", "x-amz-target"},
		Signature:     "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
	}
	cred := "Credential=AKIDEXAMPLE/20150830/us-east-1/cognito-idp/aws4_request"
	sh := "SignedHeaders=content-type;host;x-amz-date;x-amz-target"
	sig := "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
	good := []string{
		goodAuth,
		"AWS4-HMAC-SHA256 " + cred + "," + sh + "," + sig,
		"AWS4-HMAC-SHA256 " + sig + ", " + cred + ", " + sh,
		"AWS4-HMAC-SHA256 " + sh + " ,  " + sig + "\t,\t" + cred,
		"  AWS4-HMAC-SHA256\t" + cred + ", " + sh + ", " + sig + ",  ",
		"AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig + ", Extra=ignored",
		"AWS4-HMAC-SHA256 Credential = AKIDEXAMPLE/20150830/us-east-1/cognito-idp/aws4_request, " + sh + ", " + sig,
	}
	for _, h := range good {
		a, err := ParseAuthorization(h)
		if err != nil {
			t.Errorf("ParseAuthorization(%q): %v", h, err)
			continue
		}
		if a.AccessKeyID != want.AccessKeyID || a.Date != want.Date || a.Region != want.Region ||
			a.Service != want.Service || a.Signature != want.Signature || !slices.Equal(a.SignedHeaders, want.SignedHeaders) {
			t.Errorf("ParseAuthorization(%q) = %+v", h, a)
		}
		if a.Scope() != "20150830/us-east-1/cognito-idp/aws4_request" {
			t.Errorf("Scope() = %q", a.Scope())
		}
	}

	bad := []struct{ header, substr string }{
		{"", "Unsupported"},
		{"AWS4-HMAC-SHA256", "requires 'Credential'"},
		{"Bearer eyJhbGciOiJSUzI1NiJ9.secret", "Unsupported"},
		{"AWS4-ECDSA-P256-SHA256 " + cred + ", " + sh + ", " + sig, "Unsupported"},
		{"aws4-hmac-sha256 " + cred + ", " + sh + ", " + sig, "Unsupported"},
		{"AWS4-HMAC-SHA256 ", "requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."},
		{"AWS4-HMAC-SHA256 " + sh + ", " + sig, "requires 'Credential'"},
		{"AWS4-HMAC-SHA256 " + cred + ", " + sig, "requires 'SignedHeaders'"},
		{"AWS4-HMAC-SHA256 " + cred + ", " + sh, "requires 'Signature'"},
		{"AWS4-HMAC-SHA256 " + cred + ", " + sh + ", Signature=", "requires 'Signature'"},
		{"AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig + ", " + sig, "more than once"},
		{"AWS4-HMAC-SHA256 " + cred + " " + sh + ", " + sig, "requires 'SignedHeaders'"},
		{"AWS4-HMAC-SHA256 " + cred + ", " + sh + ", junk", "missing equal-sign"},
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE /20150830/us-east-1/cognito-idp/aws4_request, " + sh + ", " + sig, "whitespace"},
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/cognito-idp, " + sh + ", " + sig, "exactly 5 slash-delimited elements"},
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/cognito-idp/aws4_request/x, " + sh + ", " + sig, "exactly 5"},
		{"AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/cognito-idp/aws4_request, " + sh + ", " + sig, "empty elements"},
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/cognito-idp/aws4_requesx, " + sh + ", " + sig, "valid terminator: 'aws4_request', not 'aws4_requesx'"},
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015-08-30/us-east-1/cognito-idp/aws4_request, " + sh + ", " + sig, "YYYYMMDD"},
		{"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=Host;x-amz-date, " + sig, "lowercase"},
		{"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=x-amz-date;host, " + sig, "sorted"},
		{"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;host, " + sig, "sorted"},
		{"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;;x-amz-date, " + sig, "lowercase"},
		{"AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host x-amz-date, " + sig, "lowercase"},
	}
	for _, c := range bad {
		a, err := ParseAuthorization(c.header)
		if err == nil {
			t.Errorf("ParseAuthorization(%q) = %+v, want error", c.header, a)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeIncompleteSignature {
			t.Errorf("ParseAuthorization(%q): %v, want IncompleteSignatureException", c.header, err)
			continue
		}
		if !strings.Contains(e.Message, c.substr) {
			t.Errorf("ParseAuthorization(%q): message %q does not contain %q", c.header, e.Message, c.substr)
		}
		if strings.Contains(e.Message, "secret") {
			t.Errorf("message echoes the header: %q", e.Message)
		}
	}
}

func TestSanitize(t *testing.T) {
	if got := sanitize("a\nb\x00c\u00e9"); got != "a?b?c??" {
		t.Errorf("sanitize = %q", got)
	}
	if got := sanitize(strings.Repeat("x", 100)); got != strings.Repeat("x", 64)+"..." {
		t.Errorf("sanitize long = %q", got)
	}
}

// FuzzParseAuthorization checks that no header makes the parser (or Verify
// around it) panic, that accepted headers satisfy the parser's promises,
// and that error messages stay printable.
func FuzzParseAuthorization(f *testing.F) {
	f.Add(goodAuth)
	f.Add("AWS4-HMAC-SHA256 Signature=00, SignedHeaders=host, Credential=a/20260314/r/cognito-idp/aws4_request")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e,,,=,Signature=")
	f.Add("AWS4-HMAC-SHA256\tCredential=\x00/\xff/\n/\t/aws4_request, SignedHeaders=;, Signature==")
	f.Add("")
	f.Add(" ")
	f.Add("Bearer x")
	raw := "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Date: 20260314T150926Z\r\nX-Amz-Target: T\r\nContent-Length: 2\r\n\r\n{}"
	f.Fuzz(func(t *testing.T, header string) {
		a, err := ParseAuthorization(header)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeIncompleteSignature {
				t.Fatalf("error %v", err)
			}
			for i := 0; i < len(e.Message); i++ {
				if c := e.Message[i]; c < 0x20 || c > 0x7e {
					t.Fatalf("unprintable byte %#x in message %q", c, e.Message)
				}
			}
		} else {
			if a.AccessKeyID == "" || a.Region == "" || a.Service == "" || a.Signature == "" || !isDigits(a.Date, 8) {
				t.Fatalf("accepted incomplete %+v", a)
			}
			if len(a.SignedHeaders) == 0 || !slices.IsSorted(a.SignedHeaders) {
				t.Fatalf("bad SignedHeaders %q", a.SignedHeaders)
			}
			for _, h := range a.SignedHeaders {
				if !isLowerToken(h) {
					t.Fatalf("bad header name %q", h)
				}
			}
		}
		r, rerr := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if rerr != nil {
			t.Fatal(rerr)
		}
		r.Header["Authorization"] = []string{header}
		if _, err := Verify(r, []byte("{}"), lookupTest, signTime); err == nil {
			t.Fatalf("fuzzed header %q verified", header)
		}
	})
}

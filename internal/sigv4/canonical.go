package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The canonical request and string to sign are written out here rather than
// obtained from aws-sdk-go-v2's signer, because a verifier must reproduce
// exactly the headers the client says it signed, and the SDK signer decides
// that list itself: it always adds host and, when ContentLength > 0,
// content-length, and it silently drops User-Agent, X-Amzn-Trace-Id, Expect
// and Transfer-Encoding even if the client signed them. It also does not
// remove dot segments or empty segments from the path, which botocore and
// the JS SDK do. Each of these would turn a valid signature from some client
// into a mismatch. The tests check this code against the SDK signer, the
// published AWS examples, botocore and the AWS CLI.

// canonicalRequests returns the canonical requests a client may have
// signed for r, deduplicated; for ordinary requests there is exactly one.
// Clients differ in two details that only show on unusual input:
//
//   - the path: botocore and the JS SDK remove "." and ".." and empty
//     segments before encoding, the Go SDK does not (see canonicalURIs);
//   - header whitespace: botocore and the JS SDK collapse every whitespace
//     run, the Go SDK only runs of spaces, keeping inner tabs.
func canonicalRequests(r *http.Request, signed []string, payloadHash string) []string {
	var out []string
	for _, uri := range canonicalURIs(requestPath(r)) {
		for _, spacesOnly := range []bool{false, true} {
			c := canonicalRequest(r, uri, signed, payloadHash, spacesOnly)
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// canonicalRequest builds the SigV4 canonical request:
//
//	METHOD \n URI \n QUERY \n (name:value \n)* \n SIGNEDHEADERS \n PAYLOADHASH
func canonicalRequest(r *http.Request, uri string, signed []string, payloadHash string, spacesOnly bool) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(uri)
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery))
	b.WriteByte('\n')
	values := lowerHeaders(r.Header)
	for _, name := range signed {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(canonicalHeaderValue(r, values, name, spacesOnly))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// lowerHeaders indexes the request headers by lowercase name. http.Header
// keys are canonicalised by the server, except names it cannot canonicalise
// (e.g. with an underscore), which keep the client's case.
func lowerHeaders(h http.Header) map[string][]string {
	m := make(map[string][]string, len(h))
	for k, v := range h {
		lk := strings.ToLower(k)
		m[lk] = append(m[lk], v...)
	}
	return m
}

// canonicalHeaderValue returns the values of one signed header, each trimmed
// with inner whitespace runs collapsed, joined by commas.
func canonicalHeaderValue(r *http.Request, values map[string][]string, name string, spacesOnly bool) string {
	vs := values[name]
	if len(vs) == 0 {
		// net/http moves these out of Header on the server side.
		switch name {
		case "host":
			vs = []string{r.Host}
			if r.Host == "" {
				vs = []string{r.URL.Host}
			}
		case "content-length":
			if r.ContentLength >= 0 {
				return strconv.FormatInt(r.ContentLength, 10)
			}
		case "transfer-encoding":
			vs = r.TransferEncoding
		}
	}
	// A signed header that is absent counts as empty: the signature still
	// has to match, so this grants nothing.
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = trimAll(v, spacesOnly)
	}
	return strings.Join(out, ",")
}

// trimAll is SigV4's "Trimall": trim the value and collapse each inner
// whitespace run (SP and HTAB, the only whitespace a header value has) to
// one space. With spacesOnly it copies aws-sdk-go-v2, which collapses only
// runs of spaces.
func trimAll(s string, spacesOnly bool) string {
	s = strings.Trim(s, " \t")
	if !strings.Contains(s, "  ") && !strings.ContainsRune(s, '\t') {
		return s
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || (c == '\t' && !spacesOnly) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// canonicalURIs returns the canonical URI variants a client may have
// signed for the raw (still percent-encoded) request path. Every client
// percent-encodes the path once more (non-S3 services sign the encoded
// path encoded again). botocore and the JS SDK first remove "." and ".."
// and empty segments, the Go SDK does not; both variants are returned
// (deduplicated) so either client verifies. For "/" there is just one.
func canonicalURIs(rawPath string) []string {
	if rawPath == "" {
		rawPath = "/"
	}
	normalized := uriEncode(removeDotSegments(rawPath), false)
	verbatim := uriEncode(rawPath, false)
	if normalized == verbatim {
		return []string{normalized}
	}
	return []string{normalized, verbatim}
}

// removeDotSegments applies RFC 3986 section 5.2.4 and also drops empty
// segments (AWS collapses "//"), keeping a leading and trailing slash.
func removeDotSegments(p string) string {
	var out []string
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	var b strings.Builder
	if strings.HasPrefix(p, "/") {
		b.WriteByte('/')
	}
	b.WriteString(strings.Join(out, "/"))
	if strings.HasSuffix(p, "/") && len(out) > 0 {
		b.WriteByte('/')
	}
	return b.String()
}

// uriEncode percent-encodes every byte except the RFC 3986 unreserved
// characters (and '/', unless encodeSlash), with uppercase hex as SigV4
// requires.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || (c == '/' && !encodeSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// canonicalQuery decodes every name=value pair and re-encodes it the SigV4
// way (space as %20, not '+'), sorted by name then value. For the
// already-encoded queries SDKs send this equals the raw pairs sorted.
// Cognito requests carry no query at all; this is here for completeness.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type pair struct{ k, v string }
	var pairs []pair
	for piece := range strings.SplitSeq(raw, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		pairs = append(pairs, pair{uriEncode(queryUnescape(k), true), uriEncode(queryUnescape(v), true)})
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

// queryUnescape decodes a query component, keeping it raw if it is not
// valid percent-encoding (the client then signed it as it was, encoded).
func queryUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// stringToSign builds "AWS4-HMAC-SHA256 \n AMZDATE \n SCOPE \n hex(sha256(canonical request))".
func stringToSign(amzDate, scope, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

// signingKey derives the per-day, per-region, per-service key from the
// secret access key.
func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, scopeTerminator)
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

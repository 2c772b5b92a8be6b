package sigv4

import (
	"strings"
)

// Algorithm is the only signing algorithm accepted: HMAC-SHA256 Signature
// Version 4. (SigV4a, "AWS4-ECDSA-P256-SHA256", is only used by SDKs for
// multi-region endpoints, which Cognito does not have.)
const Algorithm = "AWS4-HMAC-SHA256"

// scopeTerminator ends every SigV4 credential scope.
const scopeTerminator = "aws4_request"

// Authorization is a parsed SigV4 Authorization header:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=<64 hex>
type Authorization struct {
	AccessKeyID string
	// Scope elements, exactly as the client sent them.
	Date    string // YYYYMMDD
	Region  string
	Service string
	// SignedHeaders are lowercase and strictly ascending, as every signer
	// emits them; the list is signed itself, so order matters.
	SignedHeaders []string
	Signature     string
}

// Scope returns the credential scope "DATE/REGION/SERVICE/aws4_request".
func (a *Authorization) Scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/" + scopeTerminator
}

// ParseAuthorization parses a SigV4 Authorization header value.
//
// It tolerates what real signers and hand-written ones vary in: any order of
// the three parameters, spaces or tabs around the commas, a trailing comma,
// and unknown extra parameters (ignored). It checks the structure only
// (five scope elements, the aws4_request terminator, a well-formed header
// list); the scope's date, region and service are judged by Verifier.
// Errors are *Error with code IncompleteSignatureException.
func ParseAuthorization(header string) (*Authorization, error) {
	header = strings.Trim(header, " \t")
	alg, rest, _ := cutAny(header, " \t")
	if alg != Algorithm {
		// The header is not echoed back: something that is not SigV4 may be
		// a bearer token or a password pasted into the wrong place.
		return nil, incomplete("Unsupported Authorization header: expected the " + Algorithm + " algorithm followed by Credential, SignedHeaders and Signature parameters.")
	}

	var cred, signed, sig string
	var haveCred, haveSigned, haveSig bool
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.Trim(part, " \t")
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, incomplete("Authorization header contains a parameter that is not a valid key=value pair (missing equal-sign).")
		}
		key = strings.TrimRight(key, " \t")
		val = strings.TrimLeft(val, " \t")
		var dst *string
		var seen *bool
		switch key {
		case "Credential":
			dst, seen = &cred, &haveCred
		case "SignedHeaders":
			dst, seen = &signed, &haveSigned
		case "Signature":
			dst, seen = &sig, &haveSig
		default:
			continue
		}
		if *seen {
			return nil, incomplete("Authorization header contains parameter '" + key + "' more than once.")
		}
		*dst, *seen = val, true
	}

	// Report every missing parameter at once, as AWS does.
	var missing []string
	if cred == "" {
		missing = append(missing, "Authorization header requires 'Credential' parameter.")
	}
	if sig == "" {
		missing = append(missing, "Authorization header requires 'Signature' parameter.")
	}
	if signed == "" {
		missing = append(missing, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if len(missing) > 0 {
		return nil, incomplete(strings.Join(missing, " "))
	}

	a := &Authorization{Signature: sig}
	elems := strings.Split(cred, "/")
	if len(elems) != 5 {
		return nil, incomplete("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/aws4_request, got '" + sanitize(cred) + "'.")
	}
	for _, e := range elems {
		if e == "" {
			return nil, incomplete("Credential must not have empty elements, got '" + sanitize(cred) + "'.")
		}
		// A stray space usually comes from a pasted access key; AWS, which
		// splits on it, rejects it here too rather than as an unknown key.
		if strings.ContainsFunc(e, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return nil, incomplete("Credential must not contain whitespace or control characters, got '" + sanitize(cred) + "'.")
		}
	}
	a.AccessKeyID, a.Date, a.Region, a.Service = elems[0], elems[1], elems[2], elems[3]
	if elems[4] != scopeTerminator {
		return nil, incomplete("Credential should be scoped with a valid terminator: '" + scopeTerminator + "', not '" + sanitize(elems[4]) + "'.")
	}
	if !isDigits(a.Date, 8) {
		return nil, incomplete("Credential should be scoped to a date in YYYYMMDD format, not '" + sanitize(a.Date) + "'.")
	}

	a.SignedHeaders = strings.Split(signed, ";")
	for i, h := range a.SignedHeaders {
		if !isLowerToken(h) {
			return nil, incomplete("SignedHeaders must be lowercase header names separated by ';', got '" + sanitize(signed) + "'.")
		}
		// Every signer sorts the list; one that does not would have signed a
		// canonical request we cannot know, so say so instead of reporting a
		// bare signature mismatch.
		if i > 0 && a.SignedHeaders[i-1] >= h {
			return nil, incomplete("SignedHeaders must be sorted and must not repeat a header, got '" + sanitize(signed) + "'.")
		}
	}
	return a, nil
}

// cutAny splits s around the first byte that is in chars.
func cutAny(s, chars string) (before, after string, found bool) {
	if i := strings.IndexAny(s, chars); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isLowerToken reports whether s is a non-empty HTTP field name (RFC 9110
// token) without uppercase letters.
func isLowerToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// sanitize makes client-supplied text safe to quote in an error message:
// printable ASCII only, and short, so a hostile header cannot inject control
// characters into logs or inflate responses.
func sanitize(s string) string {
	const max = 64
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if b.Len() >= max {
			b.WriteString("...")
			break
		}
		c := s[i]
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		b.WriteByte(c)
	}
	return b.String()
}

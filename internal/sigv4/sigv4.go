// Package sigv4 verifies AWS Signature Version 4 (header-based,
// AWS4-HMAC-SHA256) on incoming requests, so that Cognate's administrative
// Cognito operations can be called by unmodified AWS clients — the CLI,
// aws-sdk-go-v2, the JS SDK — configured with Cognate's admin credentials.
//
// Only what Cognito clients use is supported: the Authorization header (not
// presigned URLs), X-Amz-Date, and a payload hash that is either the
// SHA-256 of the body or UNSIGNED-PAYLOAD. Failures are *Error values
// carrying the error code and message AWS itself would return.
package sigv4

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// ServiceName is the signing name of the Cognito User Pools API.
const ServiceName = "cognito-idp"

// DefaultMaxSkew is how far X-Amz-Date may be from the server's clock,
// either way; it is AWS's own limit, and the SDKs' clock-skew correction
// assumes it.
const DefaultMaxSkew = 15 * time.Minute

// amzDateFormat is the ISO 8601 basic format of X-Amz-Date.
const amzDateFormat = "20060102T150405Z"

// unsignedPayload is the X-Amz-Content-Sha256 value by which a client says
// it did not hash the body.
const unsignedPayload = "UNSIGNED-PAYLOAD"

// Verifier checks SigV4 signatures. The zero value plus Lookup is usable.
type Verifier struct {
	// Lookup returns the secret access key for an access key ID; ok=false
	// means the key is unknown. It must not be nil.
	Lookup func(accessKeyID string) (secret string, ok bool)
	// Region, if not empty, is the only region accepted in the credential
	// scope. Empty accepts any region, so clients may use whatever region
	// they are configured with.
	Region string
	// Service is the required service in the credential scope; empty means
	// ServiceName.
	Service string
	// MaxSkew is the accepted distance between X-Amz-Date and now; zero
	// means DefaultMaxSkew.
	MaxSkew time.Duration
	// RejectUnsignedPayload refuses requests whose X-Amz-Content-Sha256 is
	// UNSIGNED-PAYLOAD. Such a signature does not cover the body, which is
	// only safe when TLS protects it. No Cognito client sends it; it is
	// accepted by default because AWS accepts it.
	RejectUnsignedPayload bool
}

// Verify checks r's signature with a Verifier for service cognito-idp in any
// region and the default skew. See Verifier.Verify.
func Verify(r *http.Request, body []byte, lookup func(accessKeyID string) (secret string, ok bool), now time.Time) (accessKeyID string, err error) {
	v := Verifier{Lookup: lookup}
	return v.Verify(r, body, now)
}

// Verify checks the SigV4 signature of r, whose complete body is body (the
// caller reads it, since it needs it afterwards), at time now. It returns
// the access key ID that signed the request, or an *Error.
//
// The checks, in order: an Authorization header is present
// (MissingAuthenticationTokenException); it is well-formed, X-Amz-Date
// matches the scope date (IncompleteSignatureException); the scope names
// the expected service and region (InvalidSignatureException); host and,
// when present, X-Amz-Target are signed (IncompleteSignatureException); the
// date is within MaxSkew of now (InvalidSignatureException); the access key
// is known (UnrecognizedClientException); X-Amz-Content-Sha256, if sent,
// is the body's hash or UNSIGNED-PAYLOAD, and the signature matches
// (InvalidSignatureException).
//
// Verify reads only headers, method, Host, RequestURI/URL and ContentLength;
// it never touches r.Body.
func (v *Verifier) Verify(r *http.Request, body []byte, now time.Time) (accessKeyID string, err error) {
	auths := r.Header.Values("Authorization")
	if len(auths) == 0 || (len(auths) == 1 && strings.TrimSpace(auths[0]) == "") {
		if r.Header.Get("X-Amz-Date") != "" {
			// Someone meant to sign but lost the header on the way: say what
			// is missing rather than that nothing was sent.
			return "", incomplete("Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.")
		}
		if r.URL.Query().Has("X-Amz-Signature") {
			return "", incomplete("Presigned (query string) authentication is not supported; sign the request with an Authorization header.")
		}
		return "", newError(CodeMissingAuthenticationToken, msgMissingToken)
	}
	if len(auths) > 1 {
		return "", incomplete("Request must contain exactly one Authorization header.")
	}
	auth, err := ParseAuthorization(auths[0])
	if err != nil {
		return "", err
	}

	dates := r.Header.Values("X-Amz-Date")
	if len(dates) == 0 {
		return "", incomplete("Authorization header requires existence of an 'X-Amz-Date' header.")
	}
	if len(dates) > 1 {
		return "", incomplete("Request must contain exactly one 'X-Amz-Date' header.")
	}
	amzDate := strings.TrimSpace(dates[0])
	signedAt, perr := time.Parse(amzDateFormat, amzDate)
	if perr != nil || signedAt.Format(amzDateFormat) != amzDate {
		return "", incomplete("X-Amz-Date must be in ISO 8601 basic format YYYYMMDD'T'HHMMSS'Z', got '" + sanitize(amzDate) + "'.")
	}
	if auth.Date != amzDate[:8] {
		return "", incomplete("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" + auth.Date + "' != '" + amzDate[:8] + "', from 'X-Amz-Date'.")
	}

	service := v.Service
	if service == "" {
		service = ServiceName
	}
	if auth.Service != service {
		return "", invalid("Credential should be scoped to correct service: '" + service + "'.")
	}
	if v.Region != "" && auth.Region != v.Region {
		return "", invalid("Credential should be scoped to a valid region, not '" + sanitize(auth.Region) + "'.")
	}
	if !slices.Contains(auth.SignedHeaders, "host") {
		return "", incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.")
	}
	// AWS itself does not insist on this, but the operation is chosen by
	// X-Amz-Target alone: unsigned, a captured request could be replayed as
	// another operation on the same body. Every SDK and the CLI sign it.
	if r.Header.Get("X-Amz-Target") != "" && !slices.Contains(auth.SignedHeaders, "x-amz-target") {
		return "", incomplete("'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.")
	}

	if err := checkSkew(signedAt, now, v.maxSkew()); err != nil {
		return "", err
	}

	if v.Lookup == nil {
		return "", newError(CodeUnrecognizedClient, msgUnrecognized)
	}
	secret, ok := v.Lookup(auth.AccessKeyID)
	if !ok {
		return "", newError(CodeUnrecognizedClient, msgUnrecognized)
	}

	payloadHash, err := v.payloadHash(r, body)
	if err != nil {
		return "", err
	}

	want, derr := hex.DecodeString(auth.Signature)
	if derr != nil || len(want) != sha256.Size {
		return "", invalid(msgSignatureMismatch)
	}
	key := signingKey(secret, auth.Date, auth.Region, auth.Service)
	scope := auth.Scope()
	match := 0
	for _, canonical := range canonicalRequests(r, auth.SignedHeaders, payloadHash) {
		got := hmacSHA256(key, stringToSign(amzDate, scope, canonical))
		// Constant time, and no early exit, so timing reveals nothing about
		// which variant (if any) matched. Trying a few variants costs a few
		// HMACs and no security: each is a full 256-bit MAC check.
		match |= subtle.ConstantTimeCompare(got, want)
	}
	if match != 1 {
		return "", invalid(msgSignatureMismatch)
	}
	return auth.AccessKeyID, nil
}

func (v *Verifier) maxSkew() time.Duration {
	if v.MaxSkew > 0 {
		return v.MaxSkew
	}
	return DefaultMaxSkew
}

// payloadHash returns the last line of the canonical request. A client that
// sends X-Amz-Content-Sha256 signs that header's value (botocore uses it
// verbatim), so it is used as given after checking it really is the body's
// hash; otherwise the body is hashed.
func (v *Verifier) payloadHash(r *http.Request, body []byte) (string, error) {
	sum := sha256.Sum256(body)
	computed := hex.EncodeToString(sum[:])
	vals := r.Header.Values("X-Amz-Content-Sha256")
	if len(vals) == 0 {
		return computed, nil
	}
	if len(vals) > 1 {
		return "", incomplete("Request must contain at most one 'X-Amz-Content-Sha256' header.")
	}
	claimed := strings.TrimSpace(vals[0])
	if claimed == unsignedPayload {
		if v.RejectUnsignedPayload {
			return "", invalid("Unsigned payloads are not accepted: sign the request body.")
		}
		return claimed, nil
	}
	if !strings.EqualFold(claimed, computed) {
		if _, err := hex.DecodeString(claimed); err != nil || len(claimed) != 2*sha256.Size {
			return "", incomplete("X-Amz-Content-Sha256 must be the hex SHA-256 of the body or UNSIGNED-PAYLOAD.")
		}
		return "", invalid("The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	return claimed, nil
}

// requestPath returns the path exactly as the client sent it, still
// percent-encoded: the signature covers those bytes, not Go's decoding.
func requestPath(r *http.Request) string {
	if u := r.RequestURI; strings.HasPrefix(u, "/") {
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i]
		}
		return u
	}
	// Requests built in-process (tests, client side) have no RequestURI;
	// absolute-form request targets are rare enough to rely on net/url.
	return r.URL.EscapedPath()
}

// checkSkew refuses dates more than skew from now, with AWS's wording.
func checkSkew(signedAt, now time.Time, skew time.Duration) error {
	now = now.UTC()
	if earliest := now.Add(-skew); signedAt.Before(earliest) {
		return invalid(fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %s.)",
			signedAt.Format(amzDateFormat), earliest.Format(amzDateFormat), now.Format(amzDateFormat), skewText(skew)))
	}
	if latest := now.Add(skew); signedAt.After(latest) {
		return invalid(fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + %s.)",
			signedAt.Format(amzDateFormat), latest.Format(amzDateFormat), now.Format(amzDateFormat), skewText(skew)))
	}
	return nil
}

func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return d.String()
}

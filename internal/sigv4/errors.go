package sigv4

import "net/http"

// Error codes returned by Verify. They are the names AWS JSON services put
// in the "__type" field of an authentication failure, so that unmodified
// SDKs and the CLI classify and print them exactly as they would for AWS.
const (
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	CodeIncompleteSignature        = "IncompleteSignatureException"
	CodeUnrecognizedClient         = "UnrecognizedClientException"
	CodeInvalidSignature           = "InvalidSignatureException"
)

// Messages AWS uses verbatim for the common failures. Clients show them to
// people, and searching for them leads to AWS's own troubleshooting advice.
const (
	msgMissingToken      = "Missing Authentication Token"
	msgUnrecognized      = "The security token included in the request is invalid."
	msgSignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

// Error is an authentication failure, shaped like the error an AWS JSON 1.1
// service returns: the HTTP layer writes Status, and a body
// {"__type": Code, "message": Message} plus header x-amzn-ErrorType: Code.
//
// Message never contains a secret: at most the access key ID, region,
// service, dates and header names that the client itself sent.
type Error struct {
	Code    string
	Message string
	Status  int
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// AWS answers every signature failure of a JSON 1.1 service with 400 (even
// UnrecognizedClientException, which Query services answer with 403).
func newError(code, msg string) *Error {
	return &Error{Code: code, Message: msg, Status: http.StatusBadRequest}
}

func incomplete(msg string) *Error { return newError(CodeIncompleteSignature, msg) }

func invalid(msg string) *Error { return newError(CodeInvalidSignature, msg) }

package cognatetest

import (
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
)

// TestClosedConnRetryer: only a closed connection is retried; an answer
// from the server (an API error) or another network error is not.
func TestClosedConnRetryer(t *testing.T) {
	r := ClosedConnRetryer()
	closed := fmt.Errorf("deserialization failed: %w", &net.OpError{Op: "read", Net: "tcp", Err: net.ErrClosed})
	if !r.IsErrorRetryable(closed) || r.MaxAttempts() != 3 {
		t.Fatalf("closed connection: retryable %v, attempts %d", r.IsErrorRetryable(closed), r.MaxAttempts())
	}
	for _, err := range []error{
		&smithy.GenericAPIError{Code: "TooManyRequestsException", Message: "Rate exceeded"},
		&smithy.GenericAPIError{Code: "InternalErrorException"},
		&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")},
	} {
		if r.IsErrorRetryable(err) {
			t.Errorf("%v is retried", err)
		}
	}
	var _ aws.Retryer = r
}
